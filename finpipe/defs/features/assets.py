"""Features: daily news sentiment and the model's feature table."""

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetIn,
    MetadataValue,
    Output,
    asset,
)

from finpipe.defs.partitions import DAILY, feature_lookback_mapping, partition_dates
from finpipe.lib.features import FEATURE_COLUMNS, build_features
from finpipe.lib.schemas import Features
from finpipe.lib.sentiment import daily_sentiment

_LOOKBACK_IN = {"partition_mapping": feature_lookback_mapping,
                "metadata": {"allow_missing_partitions": True}}  # fmt: skip


@asset(
    group_name="features",
    **DAILY,
    kinds={"pandas", "parquet"},
)
def news_sentiment(raw_news: pd.DataFrame) -> Output[pd.DataFrame]:
    """Mean headline tone and headline count per ticker and day."""
    frame = daily_sentiment(raw_news)
    return Output(
        frame,
        metadata={
            "rows": MetadataValue.int(len(frame)),
            "mean_tone": MetadataValue.float(float(frame["tone"].mean()) if len(frame) else 0.0),
        },
    )


@asset(
    group_name="features",
    **DAILY,
    kinds={"pandas", "parquet"},
    ins={
        "cleaned_prices": AssetIn(**_LOOKBACK_IN),
        "macro_indicators": AssetIn(**_LOOKBACK_IN),
    },
)
def features(
    context: AssetExecutionContext,
    cleaned_prices: pd.DataFrame,
    news_sentiment: pd.DataFrame,
    macro_indicators: pd.DataFrame,
    universe: pd.DataFrame,
) -> Output[pd.DataFrame]:
    """One row per ticker and day: returns, moving-average ratios, volatility, volume,
    news tone, macro levels and one-hot sectors, using only data known at that close."""
    start, end = partition_dates(context)
    frame = Features.validate(
        build_features(cleaned_prices, news_sentiment, macro_indicators, universe, start, end)
    )
    nulls = (
        frame[FEATURE_COLUMNS].isna().mean().rename_axis("feature").reset_index(name="null_share")
    )
    return Output(
        frame,
        metadata={
            "rows": MetadataValue.int(len(frame)),
            "features": MetadataValue.int(len(FEATURE_COLUMNS)),
            "null_share": MetadataValue.md(nulls.to_markdown(index=False, floatfmt=".3f")),
        },
    )
