"""Ingestion: the universe and the daily raw prices, news and macro series."""

import pandas as pd
from dagster import AssetExecutionContext, MetadataValue, Output, asset

from finpipe.defs.partitions import DAILY, closed_days, partition_dates
from finpipe.defs.resources import MarketResource
from finpipe.lib.sources.synthetic import with_synthetic_provenance


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
    """The tickers the platform follows, with their names and sectors."""
    frame = market.chain().universe()
    counts = frame["sector"].value_counts().rename_axis("sector").reset_index(name="tickers")
    return Output(
        frame,
        metadata={
            "tickers": MetadataValue.int(len(frame)),
            "by_sector": MetadataValue.md(counts.to_markdown(index=False)),
        },
    )


@asset(
    group_name="ingestion",
    **DAILY,
    kinds={"pandas", "parquet"},
)
def raw_prices(
    context: AssetExecutionContext, market: MarketResource, universe: pd.DataFrame
) -> Output[pd.DataFrame]:
    """Daily OHLCV and corporate actions as the first answering vendor delivered them:
    unadjusted, faults included, each row with its vendor and fetch time."""
    start, end = partition_dates(context)
    frame = market.chain().prices(universe["ticker"].tolist(), start, end)
    return Output(frame, metadata=_daily_metadata(context, frame))


@asset(
    group_name="ingestion",
    **DAILY,
    kinds={"pandas", "parquet"},
)
def raw_news(context: AssetExecutionContext, market: MarketResource) -> Output[pd.DataFrame]:
    """Headlines per ticker published during each trading day, with provenance."""
    start, end = partition_dates(context)
    frame = with_synthetic_provenance(market.market().headlines(start, end))
    return Output(frame, metadata=_daily_metadata(context, frame))


@asset(
    group_name="ingestion",
    **DAILY,
    kinds={"pandas", "parquet"},
)
def macro_indicators(
    context: AssetExecutionContext, market: MarketResource
) -> Output[pd.DataFrame]:
    """Macro series by day (10-year yield, VIX, CPI inflation), long format."""
    start, end = partition_dates(context)
    frame = with_synthetic_provenance(market.market().macro(start, end))
    return Output(frame, metadata=_daily_metadata(context, frame))
