"""Partitions, defined once: daily on weekdays, weekly for training.

Exchange holidays are weekdays too: backfills materialize them as valid, empty partitions
flagged `market_closed`, and the daily schedule skips them. All tickers of a day share a
partition."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    TimeWindowPartitionMapping,
    TimeWindowPartitionsDefinition,
    WeeklyPartitionsDefinition,
)

from finpipe.lib.calendar import is_session
from finpipe.lib.features import MAX_LOOKBACK

__all__ = [
    "DAILY",
    "FEATURE_LOOKBACK",
    "PARTITIONS_START",
    "TRAINING_WEEKS",
    "daily_partitions",
    "feature_lookback_mapping",
    "partition_dates",
    "previous_week_mapping",
    "training_window_mapping",
    "weekly_partitions",
]

PARTITIONS_START = "2012-01-02"  # covers the vendor history finpipe ships for tests
# Weekday partitions features[d] reads before d: MAX_LOOKBACK sessions (the 52-week range,
# EMA-200's restart window) plus the exchange holidays among them (about 10 a year and rare
# closures: 5% and 5 days of slack; a test checks every day 2012-2035).
FEATURE_LOOKBACK = math.ceil(MAX_LOOKBACK * 1.05) + 5
TRAINING_WEEKS = 52

# end_offset=1: today's partition exists from midnight, so the run after the close can fill it.
daily_partitions = TimeWindowPartitionsDefinition(
    cron_schedule="0 0 * * 1-5", fmt="%Y-%m-%d", start=PARTITIONS_START, end_offset=1
)
# end_offset=1: the current week can be trained on Saturday, once its last session closed.
weekly_partitions = WeeklyPartitionsDefinition(
    start_date=PARTITIONS_START, day_offset=1, end_offset=1
)

# Every daily asset: weekday partitions, and a backfill of a range runs as one run.
DAILY = {"partitions_def": daily_partitions, "backfill_policy": BackfillPolicy.single_run()}

# features[d] reads its inputs of the FEATURE_LOOKBACK weekdays before d as well as d itself.
feature_lookback_mapping = TimeWindowPartitionMapping(start_offset=-FEATURE_LOOKBACK)
# trained_model[week] reads the features of that week and the 51 weeks before it.
training_window_mapping = TimeWindowPartitionMapping(start_offset=-(TRAINING_WEEKS - 1))
# predictions[d] may only use a model of an earlier week: 5 weekdays back is last week.
previous_week_mapping = TimeWindowPartitionMapping(start_offset=-5, end_offset=-5)


def partition_dates(context: AssetExecutionContext) -> tuple[dt.date, dt.date]:
    """First and last day of the run's partition range (inclusive)."""
    window = context.partition_time_window
    return window.start.date(), (window.end - dt.timedelta(days=1)).date()


def closed_days(keys: list[str]) -> list[str]:
    """The partition keys that are exchange holidays."""
    return [k for k in keys if not is_session(pd.Timestamp(k).date())]


# cleaned_prices[d] reads raw prices of the 70 weekdays before d as well as d itself: the
# outlier rule's 60-session window, the return into its first session and a few holidays.
CLEANING_LOOKBACK = 70
cleaning_lookback_mapping = TimeWindowPartitionMapping(start_offset=-CLEANING_LOOKBACK)
