"""The registry: unique names, documented in docs/features.md, and a lookback the
`features` asset's partition mapping actually covers."""

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from finpipe.defs.partitions import FEATURE_LOOKBACK, daily_partitions
from finpipe.lib.calendar import trading_sessions
from finpipe.lib.features import FEATURE_COLUMNS, MAX_LOOKBACK, REGISTRY, registry_markdown

DOC = Path(__file__).parents[2] / "docs" / "features.md"


def test_names_are_unique_and_described():
    assert len(set(FEATURE_COLUMNS)) == len(FEATURE_COLUMNS) == len(REGISTRY)
    assert all(f.description and f.lookback >= 0 for f in REGISTRY)
    assert MAX_LOOKBACK == max(f.lookback for f in REGISTRY) >= 251  # the 52-week range


def test_the_doc_shows_the_registry():
    text = DOC.read_text()
    table = text.split("<!-- registry:start -->")[1].split("<!-- registry:end -->")[0]
    assert table.strip() == registry_markdown().strip(), "regenerate docs/features.md's table"


def test_the_partition_window_holds_the_lookback_on_every_day():
    """FEATURE_LOOKBACK weekday partitions before any day hold at least MAX_LOOKBACK sessions."""
    weekdays = pd.bdate_range("2011-01-03", "2035-12-31")
    sessions = trading_sessions(dt.date(2011, 1, 3), dt.date(2035, 12, 31))
    is_session = np.isin(weekdays, sessions).astype(int)
    before = np.concatenate([[0], np.cumsum(is_session)])
    index = np.arange(FEATURE_LOOKBACK, len(weekdays))
    held = before[index] - before[index - FEATURE_LOOKBACK]  # sessions in the weekdays before
    keep = weekdays[index] >= pd.Timestamp("2012-01-02")
    assert held[keep].min() >= MAX_LOOKBACK, held[keep].min()


def test_the_mapping_reads_that_many_weekday_partitions():
    from finpipe.defs.partitions import feature_lookback_mapping

    upstream = feature_lookback_mapping.get_upstream_mapped_partitions_result_for_partitions(
        daily_partitions.empty_subset().with_partition_keys(["2024-06-14"]),
        daily_partitions,
        daily_partitions,
        current_time=pd.Timestamp("2024-06-20").to_pydatetime(),
    ).partitions_subset
    keys = sorted(upstream.get_partition_keys())
    assert len(keys) == FEATURE_LOOKBACK + 1 and keys[-1] == "2024-06-14"
