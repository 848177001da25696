"""The one entry point: `Definitions` built from the stage folders in `finpipe.defs`."""

from __future__ import annotations

from dagster import Definitions, definitions, load_assets_from_modules

from finpipe.defs.cleaning import assets as cleaning
from finpipe.defs.delivery import assets as delivery
from finpipe.defs.evaluation import assets as evaluation
from finpipe.defs.evaluation.sensors import sensors as evaluation_sensors
from finpipe.defs.features import assets as features
from finpipe.defs.ingestion import assets as ingestion
from finpipe.defs.ingestion.sensors import sensors as ingestion_sensors
from finpipe.defs.modeling import assets as modeling
from finpipe.defs.monitoring import assets as monitoring
from finpipe.defs.resources import build_resources
from finpipe.defs.schedules import jobs, schedules
from finpipe.settings import Settings, get_settings

STAGES = (ingestion, cleaning, features, modeling, evaluation, monitoring, delivery)


def build_definitions(settings: Settings) -> Definitions:
    """Definitions for a deployment described by `settings` (tests pass their own)."""
    return Definitions(
        assets=load_assets_from_modules(STAGES),
        jobs=jobs,
        schedules=schedules,
        sensors=[*ingestion_sensors, *evaluation_sensors],
        resources=build_resources(settings),
    )


@definitions
def defs() -> Definitions:
    return build_definitions(get_settings())
