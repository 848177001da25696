"""Cleaning: validated prices; rejected rows go to the quarantine table with a reason."""

from collections.abc import Iterator

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    Config,
    MetadataValue,
    Output,
    asset,
)
from pydantic import Field

from finpipe.defs.partitions import DAILY
from finpipe.defs.resources import WarehouseResource
from finpipe.lib.cleaning import clean_prices
from finpipe.lib.schemas import CleanPrices
from finpipe.lib.warehouse import quarantine, quarantine_records


class CleaningConfig(Config):
    max_rejected_share: float = Field(
        0.05, ge=0, le=1, description="Block downstream when more raw rows than this are rejected."
    )


def _partition_of(rejected: pd.DataFrame, fallback: str) -> pd.Series:
    if "date" not in rejected:
        return pd.Series(fallback, index=rejected.index)
    dates = pd.to_datetime(rejected["date"], errors="coerce")
    return dates.dt.strftime("%Y-%m-%d").fillna(fallback)


@asset(
    group_name="cleaning",
    **DAILY,
    kinds={"pandera", "parquet"},
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
            description="The quarantined share of raw rows stays under the limit.",
        ),
    ],  # fmt: skip
)
def cleaned_prices(
    context: AssetExecutionContext,
    config: CleaningConfig,
    raw_prices: pd.DataFrame,
    universe: pd.DataFrame,
    warehouse: WarehouseResource,
) -> Iterator[Output[pd.DataFrame] | AssetCheckResult]:
    """Prices fit for modeling: schema-valid, unique per ticker and day, known tickers only."""
    result = clean_prices(raw_prices, universe["ticker"])
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

    by_rule = result.rejected["rule"].value_counts().rename_axis("rule").reset_index(name="rows")
    yield Output(
        result.kept,
        metadata={
            "rows_in": MetadataValue.int(len(raw_prices)),
            "rows_kept": MetadataValue.int(len(result.kept)),
            "rows_quarantined": MetadataValue.int(len(result.rejected)),
            "quarantined_by_rule": MetadataValue.md(by_rule.to_markdown(index=False)),
        },
    )
    try:
        CleanPrices.validate(result.kept, lazy=True)
        schema_ok, detail = True, "all kept rows valid"
    except Exception as exc:  # pandera SchemaErrors: report, never raise from a check
        schema_ok, detail = False, str(exc)[:2000]
    yield AssetCheckResult(check_name="schema_valid", passed=schema_ok,
                           metadata={"detail": MetadataValue.text(detail)})  # fmt: skip
    share = result.rejected_share
    yield AssetCheckResult(
        check_name="rejected_share",
        passed=share <= config.max_rejected_share,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "rejected_share": MetadataValue.float(share),
            "limit": MetadataValue.float(config.max_rejected_share),
            "failure_cases": MetadataValue.md(
                result.rejected.reindex(columns=["date", "ticker", "rule", "reason"])
                .head(20)
                .to_markdown(index=False)
            ),
        },
    )
