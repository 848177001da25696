"""Ingestion: the universe and the daily raw prices, news and macro series."""

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    MetadataValue,
    Output,
    asset,
)

from finpipe.defs.partitions import DAILY, closed_days, partition_dates
from finpipe.defs.resources import MarketResource, WarehouseResource
from finpipe.errors import SourceError
from finpipe.lib.calendar import news_window, session_of
from finpipe.lib.cleaning_rows import split_undated
from finpipe.lib.corporate_actions import CORPORATE_ACTIONS_KEY, corporate_actions
from finpipe.lib.sources import NEWS_COLUMNS
from finpipe.lib.vendor_check import CLOSE_TOLERANCE, close_disagreements
from finpipe.lib.warehouse import quarantine, quarantine_records


def _daily_metadata(context: AssetExecutionContext, frame: pd.DataFrame) -> dict[str, object]:
    closed = closed_days(context.partition_keys)
    return {
        "rows": MetadataValue.int(len(frame)),
        "market_closed": MetadataValue.bool(len(closed) == len(context.partition_keys)),
        "market_closed_days": MetadataValue.json(closed),
        "preview": MetadataValue.md(frame.head(5).to_markdown(index=False)),
        **(
            {"rows_by_vendor": MetadataValue.json(frame["vendor"].value_counts().to_dict())}
            if "vendor" in frame
            else {}
        ),
    }


@asset(group_name="ingestion", kinds={"pandas", "parquet"})
def universe(market: MarketResource) -> Output[pd.DataFrame]:
    """The tickers the platform follows, with their names and sectors: the universe file
    that `finpipe universe add|remove` edits, or every ticker the price source lists."""
    frame = market.universe()
    counts = frame["sector"].value_counts().rename_axis("sector").reset_index(name="tickers")
    from_file = market.universe_file is not None and Path(market.universe_file).exists()
    return Output(
        frame,
        metadata={
            "tickers": MetadataValue.int(len(frame)),
            "chosen_by": MetadataValue.text(
                f"universe file {market.universe_file}" if from_file else "every listed ticker"
            ),
            "by_sector": MetadataValue.md(counts.to_markdown(index=False)),
        },
    )


@asset(
    group_name="ingestion",
    **DAILY,
    kinds={"pandas", "parquet"},
    check_specs=[
        AssetCheckSpec(
            "cross_vendor_close",
            asset="raw_prices",
            description=f"Closes agree within {CLOSE_TOLERANCE:.1%} with the reference "
            "sources (FINPIPE_REFERENCE_SOURCES) wherever both quote a ticker and day.",
        )
    ],
)
def raw_prices(
    context: AssetExecutionContext,
    market: MarketResource,
    universe: pd.DataFrame,
    warehouse: WarehouseResource,
) -> Iterator[Output[pd.DataFrame] | AssetCheckResult]:
    """Daily OHLCV and corporate actions as the first answering vendor delivered them:
    unadjusted, faults included, each row with its vendor and fetch time (rows without a
    readable date go to the quarantine table)."""
    start, end = partition_dates(context)
    tickers = universe["ticker"].tolist()
    fetched = market.chain().prices(tickers, start, end)
    unserved = fetched.attrs.get("unserved", [])
    if unserved:
        context.log.warning(f"no source serves {unserved[:20]}: they are missing these days")
    frame = _quarantine_undated(context, warehouse, fetched)
    actions = corporate_actions(frame)
    yield Output(
        frame,
        metadata={
            **_daily_metadata(context, frame),
            # The restatement sensor compares these between materializations of a day.
            CORPORATE_ACTIONS_KEY: MetadataValue.json(actions),
            "tickers": MetadataValue.json(sorted(frame["ticker"].astype(str).unique())),
            "unserved_tickers": MetadataValue.json(unserved),
        },
    )
    yield _cross_vendor_check(market, frame, tickers, start, end)


def _quarantine_undated(
    context: AssetExecutionContext, warehouse: WarehouseResource, frame: pd.DataFrame
) -> pd.DataFrame:
    """Rows without a readable date belong to no partition: quarantined here, so no later
    run reads them again through its lookback."""
    dated, undated = split_undated(frame)
    rows = quarantine_records(
        undated,
        asset="raw_prices",
        partitions=[context.partition_keys[0]] * len(undated),
        run_id=context.run_id,
    )
    warehouse.get().replace_partitions(
        quarantine, asset="raw_prices", partitions=context.partition_keys, rows=rows
    )
    return dated


def _cross_vendor_check(
    market: MarketResource, frame: pd.DataFrame, tickers: list[str], start, end
) -> AssetCheckResult:
    reference = market.reference_chain()
    if reference is None:
        return AssetCheckResult(
            passed=True, metadata={"compared": 0, "note": "no reference source configured"}
        )
    try:
        other = reference.prices(tickers, start, end)
    except SourceError as exc:
        return AssetCheckResult(
            passed=False,
            severity=AssetCheckSeverity.WARN,
            metadata={"compared": 0, "error": MetadataValue.text(str(exc)[:2000])},
        )
    compared, flagged = close_disagreements(frame, other)
    return AssetCheckResult(
        passed=flagged.empty,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "compared": MetadataValue.int(compared),
            "disagreements": MetadataValue.int(len(flagged)),
            "failure_cases": MetadataValue.md(
                flagged.head(20).to_markdown(index=False, floatfmt=".4f")
            ),
        },
    )


@asset(
    group_name="ingestion",
    **DAILY,
    kinds={"pandas", "parquet"},
)
def raw_news(
    context: AssetExecutionContext, market: MarketResource, universe: pd.DataFrame
) -> Output[pd.DataFrame]:
    """Headlines per ticker that belong to each session: published after the previous
    session's close and up to this one's, so after-hours news counts for the next day."""
    start, end = partition_dates(context)
    window = news_window(start, end)
    if window is None:  # only holidays: their news belongs to the next session
        frame = pd.DataFrame(columns=["date", *NEWS_COLUMNS])
    else:
        frame = market.news_chain().headlines(universe["ticker"].tolist(), *window)
        frame.insert(0, "date", session_of(frame["published_at"]))
    return Output(frame, metadata=_daily_metadata(context, frame))


@asset(
    group_name="ingestion",
    **DAILY,
    kinds={"pandas", "parquet"},
)
def macro_indicators(
    context: AssetExecutionContext, market: MarketResource
) -> Output[pd.DataFrame]:
    """Macro series by the day each value became known (release lags applied, so no
    value is used before it was published), long format with the observation date."""
    start, end = partition_dates(context)
    frame = market.macro_chain().observations(market.macro_series, start, end)
    return Output(frame, metadata=_daily_metadata(context, frame))
