"""Scoring follows the outcome: when a session's features land, its previous session's
predictions can be judged, so that day's `prediction_scores` is requested then — not at
a fixed time that could run before the daily job has stored the outcome."""

import datetime as dt

from dagster import (
    AssetKey,
    DefaultSensorStatus,
    EventLogEntry,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    asset_sensor,
)

from finpipe.defs.schedules import scoring_job
from finpipe.lib.calendar import is_session, previous_session

RECENT_DAYS = 7  # backfills re-score in their own runs; this follows the daily flow only


def scoring_request(key: str, storage_id: int, today: dt.date) -> RunRequest | SkipReason:
    """The scoring run that a `features` partition landing on `today` calls for."""
    day = dt.date.fromisoformat(key)
    if not is_session(day) or (today - day).days > RECENT_DAYS:
        return SkipReason(f"{key} is not a recent session: backfills score in their own runs")
    previous = previous_session(day).isoformat()
    return RunRequest(run_key=f"{previous}-{storage_id}", partition_key=previous)


@asset_sensor(
    asset_key=AssetKey("features"),
    job=scoring_job,
    default_status=DefaultSensorStatus.RUNNING,
    description="Scores the previous session's predictions once a session's features land.",
)
def score_when_outcome_arrives(
    context: SensorEvaluationContext, asset_event: EventLogEntry
) -> RunRequest | SkipReason:
    key = asset_event.dagster_event.partition if asset_event.dagster_event else None
    if key is None:
        return SkipReason("features materialized without a partition")
    return scoring_request(key, asset_event.storage_id, dt.date.today())


sensors = [score_when_outcome_arrives]
