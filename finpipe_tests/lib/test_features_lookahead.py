"""No look-ahead: a day's features depend neither on later data nor on how much history
before the registry's lookback a run loaded; the guard catches a feature that peeks."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from dagster import AssetCheckResult, Output, build_asset_context

from finpipe.defs.features.assets import features as features_asset
from finpipe.defs.partitions import FEATURE_LOOKBACK
from finpipe.lib.features import FEATURE_COLUMNS, build_features
from finpipe.lib.features.lookahead import recompute_day
from finpipe.lib.sentiment import daily_sentiment

DAYS = [dt.date(2024, 5, 15), dt.date(2024, 7, 1), dt.date(2024, 8, 30)]


def _inputs(market, start, end):
    prices = market.clean_prices(start, end)
    news = daily_sentiment(market.headlines(start, end))
    return prices, news, market.macro(start, end), market.universe()


@pytest.fixture(scope="module")
def history(market):
    return _inputs(market, dt.date(2023, 1, 3), dt.date(2024, 10, 31))


def _until(frames, day):
    return tuple(f[f["date"] <= pd.Timestamp(day)] for f in frames[:3]) + (frames[3],)


@pytest.mark.parametrize("day", DAYS)
def test_features_of_a_day_do_not_change_when_later_data_arrive(history, day):
    cut = build_features(*_until(history, day), day, day)
    later = build_features(*_until(history, day + dt.timedelta(days=30)), day, day)
    assert len(cut) == 12
    pd.testing.assert_frame_equal(cut, later, check_exact=True)


@pytest.mark.parametrize("day", DAYS)
def test_features_need_no_history_beyond_the_lookback(history, day):
    """A daily run reads FEATURE_LOOKBACK weekdays; a backfill from further back gives the
    same values (recursive indicators restart at a fixed window, not at the data's start)."""
    first = (pd.Timestamp(day) - pd.offsets.BDay(FEATURE_LOOKBACK)).date()
    short = tuple(f[f["date"] >= pd.Timestamp(first)] for f in history[:3]) + (history[3],)
    full = build_features(*history, day, day)
    daily = build_features(*short, day, day)
    assert daily[FEATURE_COLUMNS].notna().sum().sum() == full[FEATURE_COLUMNS].notna().sum().sum()
    pd.testing.assert_frame_equal(daily, full, check_exact=False, rtol=1e-9, atol=1e-12)


def test_the_guard_passes_honest_features_and_catches_a_peek(history):
    day = pd.Timestamp(DAYS[1])
    honest = build_features(*history, dt.date(2024, 6, 3), dt.date(2024, 7, 31))
    assert recompute_day(honest, *history, day).passed
    peeking = honest.copy()  # ret_5d replaced by the next five sessions' return
    forward = peeking.groupby("ticker")["ret_5d"].shift(-5)
    peeking["ret_5d"] = forward.fillna(0.0)
    result = recompute_day(peeking, *history, day)
    assert not result.passed and result.differing == ["ret_5d"] and result.max_abs_diff > 0


def test_the_asset_attaches_the_registry_and_a_passing_look_ahead_check(history):
    context = build_asset_context(partition_key="2024-07-01")
    prices, news, macro, universe = history
    window = prices["date"] <= pd.Timestamp("2024-07-01")
    events = list(features_asset(context, cleaned_prices=prices[window], news_sentiment=news,
                                 macro_indicators=macro, universe=universe))  # fmt: skip
    output = next(e for e in events if isinstance(e, Output))
    check = next(e for e in events if isinstance(e, AssetCheckResult))
    assert len(output.value) == 12 and check.passed
    assert "| ema_ratio_200" in output.metadata["registry"].value
    assert output.metadata["features"].value == len(FEATURE_COLUMNS)
    assert set(output.metadata["all_null_features"].value) == {"macro_cpiaucsl_chg_60d",
                                                                "macro_unrate", "macro_unrate_chg_60d"}  # fmt: skip
    assert np.isfinite(output.value["ema_ratio_200"]).all()
