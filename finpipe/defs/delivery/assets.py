"""Delivery: ranked insights per day, published to the warehouse for the API."""

import datetime as dt

import pandas as pd
from dagster import AssetExecutionContext, MetadataValue, Output, asset

from finpipe.defs.partitions import DAILY
from finpipe.defs.resources import WarehouseResource
from finpipe.lib.insights import rank_insights
from finpipe.lib.warehouse import insights as insights_table


@asset(
    group_name="delivery",
    **DAILY,
    kinds={"postgres", "parquet"},
)
def insights(
    context: AssetExecutionContext,
    predictions: pd.DataFrame,
    universe: pd.DataFrame,
    warehouse: WarehouseResource,
) -> Output[pd.DataFrame]:
    """Tickers ranked by predicted relative return each day, with a long/short call and
    the model version behind it; what brokers read through the API."""
    frame = rank_insights(predictions, universe)
    published = warehouse.get().replace_days(
        insights_table,
        [dt.date.fromisoformat(k) for k in context.partition_keys],
        frame.assign(date=pd.to_datetime(frame["date"]).dt.date).to_dict("records"),
    )
    latest = frame[frame["date"] == frame["date"].max()] if len(frame) else frame
    show = ["ticker", "sector", "rank", "score", "direction", "model_version"]
    return Output(
        frame,
        metadata={
            "rows": MetadataValue.int(len(frame)),
            "published": MetadataValue.int(published),
            "latest_top": MetadataValue.md(latest.head(5)[show].to_markdown(index=False)),
            "latest_bottom": MetadataValue.md(latest.tail(5)[show].to_markdown(index=False)),
        },
    )
