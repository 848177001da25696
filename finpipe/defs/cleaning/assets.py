"""Cleaning: validated prices; rejected rows go to the quarantine table with a reason."""

from collections.abc import Iterator

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    Config,
    MetadataValue,
    Output,
    asset,
)
from pydantic import Field

from finpipe.defs.partitions import DAILY, cleaning_lookback_mapping, partition_dates
from finpipe.defs.resources import WarehouseResource
from finpipe.lib.cleaning import CleaningResult, CleaningRules, clean_prices
from finpipe.lib.cleaning_rules import OutlierRule
from finpipe.lib.quality_gate import rejected_share_gate
from finpipe.lib.schemas import CleanPrices
from finpipe.lib.warehouse import quarantine, quarantine_records


class CleaningConfig(Config):
    max_rejected_share: float = Field(
        0.01,
        ge=0,
        le=1,
        description=(
            "Block downstream when the run's share of quarantined raw rows is above this, "
            "beyond sampling noise: the rows are those of the run's partitions (a range runs "
            "as one batch), forward-filled rows do not count, and the check fails when the "
            "batch shows a rate above the limit at `confidence` (one-sided binomial test). "
            "At 1% and 99%: 2 rejected rows of 12 block, 4 of 50, 12 of 500, 1,344 of "
            "126,000 (1.07%); one bad row in a 50-ticker day does not."
        ),
    )
    confidence: float = Field(
        0.99, gt=0, lt=1, description="How sure the check must be that the limit is exceeded."
    )
    max_fill_days: int = Field(
        3, ge=0, description="Consecutive missing sessions filled from the previous close."
    )
    stale_repeats: int = Field(
        3, ge=1, description="Unchanged sessions in a row without volume before quarantine."
    )
    outlier_z: float = Field(
        10.0, gt=0, description="Robust z-score of a return above which it may be a bad tick."
    )
    outlier_volume_z: float = Field(
        2.0, description="Volume z-score above which an extreme return is news, not a bad tick."
    )

    def rules(self) -> CleaningRules:
        return CleaningRules(
            max_fill_days=self.max_fill_days,
            stale_repeats=self.stale_repeats,
            outlier=OutlierRule(z=self.outlier_z, volume_z=self.outlier_volume_z),
        )


def _partition_of(rejected: pd.DataFrame, fallback: str) -> pd.Series:
    if "date" not in rejected:
        return pd.Series(fallback, index=rejected.index)
    dates = pd.to_datetime(rejected["date"], errors="coerce", format="mixed")
    return dates.dt.strftime("%Y-%m-%d").fillna(fallback)


def _table(frame: pd.DataFrame, rows: int = 50) -> MetadataValue:
    shown = frame.head(rows).assign(
        **{c: frame[c].dt.strftime("%Y-%m-%d") for c in ["date"] if c in frame and
           pd.api.types.is_datetime64_dtype(frame[c])}
    )  # fmt: skip
    more = f"\n\n… {len(frame) - rows} more rows" if len(frame) > rows else ""
    return MetadataValue.md(shown.to_markdown(index=False) + more if len(frame) else "none")


@asset(
    group_name="cleaning",
    **DAILY,
    kinds={"pandera", "parquet"},
    ins={
        "raw_prices": AssetIn(
            partition_mapping=cleaning_lookback_mapping,
            metadata={"allow_missing_partitions": True},
        )
    },
    check_specs=[
        AssetCheckSpec(
            "schema_valid",
            asset="cleaned_prices",
            blocking=True,
            description="Every kept row satisfies the CleanPrices schema.",
        ),
        AssetCheckSpec(
            "rejected_share",
            asset="cleaned_prices",
            blocking=True,
            description="The quarantined share of the run's raw rows is not significantly "
            "above the limit (see the asset's config).",
        ),
    ],
)
def cleaned_prices(
    context: AssetExecutionContext,
    config: CleaningConfig,
    raw_prices: pd.DataFrame,
    universe: pd.DataFrame,
    warehouse: WarehouseResource,
) -> Iterator[Output[pd.DataFrame] | AssetCheckResult]:
    """Prices fit for modeling: schema-valid, unique per ticker and day, known tickers only,
    no stale or probable bad-tick prints; short gaps forward-filled (`filled`), longer ones
    reported missing. Reads 70 weekdays of raw prices before the range for the trailing
    windows of the time rules, and emits the range's own days only."""
    start, end = partition_dates(context)
    result = clean_prices(raw_prices, universe["ticker"], start=start, end=end,
                          rules=config.rules())  # fmt: skip
    keys = context.partition_keys
    rows = quarantine_records(
        result.rejected,
        asset="cleaned_prices",
        partitions=_partition_of(result.rejected, keys[0]).tolist(),
        run_id=context.run_id,
    )
    warehouse.get().replace_partitions(
        quarantine, asset="cleaned_prices", partitions=keys, rows=rows
    )
    yield Output(result.kept, metadata=_metadata(result, len(raw_prices)))
    yield _schema_check(result.kept)
    yield _share_check(result, config)


def _metadata(result: CleaningResult, rows_read: int) -> dict[str, MetadataValue]:
    by_rule = result.rejected["rule"].value_counts().rename_axis("rule").reset_index(name="rows")
    missing = result.missing
    return {
        "rows_in": MetadataValue.int(result.rows_in),
        "rows_kept": MetadataValue.int(result.rows_kept),
        "rows_filled": MetadataValue.int(int(result.kept["filled"].sum())),
        "rows_quarantined": MetadataValue.int(len(result.rejected)),
        "rows_read_for_context": MetadataValue.int(rows_read - result.rows_in),
        "quarantined_by_rule": _table(by_rule),
        "missing_sessions": MetadataValue.int(int((missing["status"] == "missing").sum())),
        "missing_days": _table(missing.sort_values(["status", "date", "ticker"])),
    }


def _schema_check(kept: pd.DataFrame) -> AssetCheckResult:
    try:
        CleanPrices.validate(kept, lazy=True)
        schema_ok, detail = True, "all kept rows valid"
    except Exception as exc:  # pandera SchemaErrors: report, never raise from a check
        schema_ok, detail = False, str(exc)[:2000]
    return AssetCheckResult(check_name="schema_valid", passed=schema_ok,
                            metadata={"detail": MetadataValue.text(detail)})  # fmt: skip


def _share_check(result: CleaningResult, config: CleaningConfig) -> AssetCheckResult:
    gate = rejected_share_gate(
        len(result.rejected), result.rows_in, config.max_rejected_share, config.confidence
    )
    failures = result.rejected.reindex(columns=["date", "ticker", "rule", "reason"])
    return AssetCheckResult(
        check_name="rejected_share",
        passed=gate.passed,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "rejected_share": MetadataValue.float(gate.share),
            "rows": MetadataValue.int(result.rows_in),
            "rows_rejected": MetadataValue.int(len(result.rejected)),
            "rows_that_would_block": MetadataValue.int(gate.blocking_count),
            "limit": MetadataValue.float(config.max_rejected_share),
            "p_value": MetadataValue.float(gate.p_value),
            "failure_cases": _table(failures, rows=20),
        },
    )
