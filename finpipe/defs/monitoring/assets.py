"""Monitoring: does today's data still look like what the serving model learned from?"""

import tempfile
from pathlib import Path

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetIn,
    Config,
    MetadataValue,
    Output,
    TimeWindowPartitionMapping,
    asset,
)
from pydantic import Field

from finpipe.defs.lake_io import LakeResource
from finpipe.defs.partitions import DAILY, TRAINING_WEEKS
from finpipe.defs.resources import RegistryResource
from finpipe.errors import NoModelError
from finpipe.lib.drift import drift_columns, feature_drift, relative_to_day, write_evidently_report
from finpipe.lib.features import FEATURE_COLUMNS

# The reference window (a model's 52 training weeks) ends up to a week before the day.
_REFERENCE_MAPPING = TimeWindowPartitionMapping(start_offset=-5 * (TRAINING_WEEKS + 1))
_FALLBACK_REFERENCE_DAYS = 60
_CURRENT_DAYS = 5  # the trailing week is the current sample


class DriftConfig(Config):
    p_value: float = Field(0.01, gt=0, lt=1, description="KS p-value below which a feature drifts.")
    html_report: bool = Field(True, description="Also write Evidently's HTML report per day.")


@asset(
    group_name="monitoring",
    **DAILY,
    kinds={"evidently", "parquet"},
    ins={
        "features": AssetIn(
            partition_mapping=_REFERENCE_MAPPING, metadata={"allow_missing_partitions": True}
        )
    },
)
def drift_report(
    context: AssetExecutionContext,
    config: DriftConfig,
    features: pd.DataFrame,
    registry: RegistryResource,
    lake: LakeResource,
) -> Output[pd.DataFrame]:
    """Per feature and day: KS statistic and p-value, Wasserstein distance, drift flag,
    against the serving model's training window; an Evidently HTML report per day."""
    reg = registry.registry()
    versions = reg.versions()
    columns = drift_columns(FEATURE_COLUMNS)
    if features.empty:
        features = pd.DataFrame(columns=["date", "ticker", *FEATURE_COLUMNS])
    features = relative_to_day(features, columns)
    sessions = pd.Series(sorted(features["date"].unique()))
    traded = set(sessions)
    tables, reports, statuses = [], {}, {}
    for day in (pd.Timestamp(k) for k in context.partition_keys):
        if day not in traded:
            continue  # exchange holiday: nothing traded, nothing to compare
        week = sessions[sessions <= day].tail(_CURRENT_DAYS)
        current = features[features["date"].isin(week)]
        try:
            version = reg.version_for_day(day, versions)
            reference = features[features["date"].between(version.train_start, version.train_end)]
            basis = f"model version {version.version} training window"
        except NoModelError:
            earlier = sessions[sessions < week.min()].tail(_FALLBACK_REFERENCE_DAYS)
            reference = features[features["date"].isin(earlier)]
            basis = f"previous {_FALLBACK_REFERENCE_DAYS} sessions"
        if reference.empty:
            continue
        result = feature_drift(reference, current, columns, config.p_value)
        key = day.date().isoformat()
        statuses[key] = result.status
        tables.append(result.table.assign(date=day, status=result.status, reference=basis))
        if config.html_report:
            target = lake.path("drift_report", f"date={key}", "report.html")
            with tempfile.TemporaryDirectory() as tmp:
                local = write_evidently_report(reference, current, columns, Path(tmp) / "r.html")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(local.read_bytes())
            reports[key] = str(target)
    frame = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(
        columns=["feature", "ks_stat", "p_value", "wasserstein_sd", "drifted", "date", "status", "reference"]
    )  # fmt: skip
    metadata: dict[str, object] = {
        "rows": MetadataValue.int(len(frame)),
        "status_by_day": MetadataValue.json(statuses),
    }
    if tables:  # `result` is the last day's
        last = tables[-1]
        last_key = last["date"].iloc[0].date().isoformat()
        metadata["status"] = MetadataValue.text(statuses[last_key])
        metadata["ks_p_values"] = MetadataValue.json(
            {r.feature: round(r.p_value, 6) for r in last.itertuples()}
        )
        metadata["drifted_features"] = MetadataValue.json(result.drifted_features)
        if last_key in reports:
            metadata["report"] = MetadataValue.path(reports[last_key])
    return Output(frame, metadata=metadata)
