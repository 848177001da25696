"""Features: daily news sentiment and the model's feature table."""

from collections.abc import Iterator

import numpy as np
import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    MetadataValue,
    Output,
    asset,
)

from finpipe.defs.partitions import (
    DAILY,
    FEATURE_LOOKBACK,
    feature_lookback_mapping,
    partition_dates,
)
from finpipe.lib.features import FEATURE_COLUMNS, MAX_LOOKBACK, build_features, registry_markdown
from finpipe.lib.features.lookahead import recompute_day
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
    """Per ticker and session: relevance-weighted headline tone (finance lexicon with
    negation, blended with the vendor's score where it gives one) and headline count.
    A session's news are those published after the previous close, up to its close."""
    frame = daily_sentiment(raw_news)
    vendor_share = float(frame["vendor_tone"].notna().mean()) if len(frame) else 0.0
    return Output(
        frame,
        metadata={
            "rows": MetadataValue.int(len(frame)),
            "headlines": MetadataValue.int(int(frame["headlines"].sum()) if len(frame) else 0),
            "mean_tone": MetadataValue.float(float(frame["tone"].mean()) if len(frame) else 0.0),
            "vendor_scored_share": MetadataValue.float(vendor_share),
        },
    )


@asset(
    group_name="features",
    **DAILY,
    kinds={"pandas", "parquet"},
    ins={
        "cleaned_prices": AssetIn(**_LOOKBACK_IN),
        "news_sentiment": AssetIn(**_LOOKBACK_IN),
        "macro_indicators": AssetIn(**_LOOKBACK_IN),
    },
    check_specs=[
        AssetCheckSpec(
            "no_look_ahead",
            asset="features",
            blocking=True,
            description="A sample day recomputed from inputs cut off at that day equals "
            "the stored features: nothing after a day leaks into it.",
        )
    ],
)
def features(
    context: AssetExecutionContext,
    cleaned_prices: pd.DataFrame,
    news_sentiment: pd.DataFrame,
    macro_indicators: pd.DataFrame,
    universe: pd.DataFrame,
) -> Iterator[Output[pd.DataFrame] | AssetCheckResult]:
    """One row per ticker and day: returns, trend and oscillator indicators that match
    TA-Lib, volatility, volume, betas, cross-sectional ranks, news tone, macro levels,
    calendar flags and one-hot sectors, using only data known at that day's close.
    Reads the inputs of the FEATURE_LOOKBACK weekdays before the range for the windows."""
    start, end = partition_dates(context)
    inputs = (cleaned_prices, news_sentiment, macro_indicators, universe)
    frame = Features.validate(build_features(*inputs, start, end))
    nulls = frame[FEATURE_COLUMNS].isna().mean()
    yield Output(
        frame,
        metadata={
            "rows": MetadataValue.int(len(frame)),
            "tickers": MetadataValue.int(int(frame["ticker"].nunique())),
            "features": MetadataValue.int(len(FEATURE_COLUMNS)),
            "lookback": MetadataValue.text(
                f"{MAX_LOOKBACK} sessions ({FEATURE_LOOKBACK} weekday partitions read)"
            ),
            "input_rows": MetadataValue.int(len(cleaned_prices)),
            "registry": MetadataValue.md(registry_markdown()),
            "null_share": MetadataValue.md(
                nulls.rename_axis("feature")
                .reset_index(name="null_share")
                .to_markdown(index=False, floatfmt=".3f")
            ),  # fmt: skip
            "all_null_features": MetadataValue.json(nulls[nulls == 1.0].index.tolist()),
        },
    )
    yield _look_ahead_check(frame, inputs)


def _look_ahead_check(frame: pd.DataFrame, inputs: tuple[pd.DataFrame, ...]) -> AssetCheckResult:
    days = np.sort(frame["date"].unique())
    if len(days) < 2:  # a single day has no later data in its inputs to leak from
        detail = "no rows" if len(days) == 0 else "one day: nothing later was loaded"
        return AssetCheckResult(check_name="no_look_ahead", passed=True,
                                metadata={"detail": MetadataValue.text(detail)})  # fmt: skip
    day = pd.Timestamp(days[len(days) // 2])  # mid-range: later data exist to leak from
    result = recompute_day(frame, *inputs, day)
    return AssetCheckResult(
        check_name="no_look_ahead",
        passed=result.passed,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "day": MetadataValue.text(day.date().isoformat()),
            "max_abs_diff": MetadataValue.float(result.max_abs_diff),
            "differing_features": MetadataValue.json(result.differing),
        },
    )
