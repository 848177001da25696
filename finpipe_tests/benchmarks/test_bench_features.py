"""Benchmark `features`: the vectorized feature builder against a plain pandas groupby."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from finpipe.lib.features import build_features
from finpipe.lib.sentiment import daily_sentiment
from finpipe.lib.synthetic import MarketConfig, SyntheticMarket
from finpipe_tests.benchmarks.bench import best_of, report

pytestmark = pytest.mark.bench
N_TICKERS, START, END = 300, dt.date(2023, 1, 3), dt.date(2026, 12, 31)


def pandas_groupby_features(prices: pd.DataFrame) -> pd.DataFrame:
    """The straightforward way: per-ticker groupby with rolling/transform."""
    frame = prices.sort_values(["ticker", "date"]).copy()
    by = frame.groupby("ticker")
    frame["ret_1d"] = by["close"].transform(lambda c: c.pct_change())
    for w in (5, 20):
        frame[f"ret_{w}d"] = by["close"].transform(lambda c, w=w: c / c.shift(w) - 1)
    for w in (5, 10, 20, 50):
        frame[f"sma_ratio_{w}"] = by["close"].transform(lambda c, w=w: c / c.rolling(w).mean() - 1)
    for w in (5, 20):
        frame[f"vol_{w}d"] = frame.groupby("ticker")["ret_1d"].transform(
            lambda r, w=w: r.rolling(w).std()
        )
    logv = np.log1p(frame["volume"])
    frame["volume_z_20"] = logv.groupby(frame["ticker"]).transform(
        lambda v: (v - v.rolling(20).mean()) / v.rolling(20).std()
    )
    frame["range_hl"] = (frame["high"] - frame["low"]) / frame["close"]
    frame["ret_1d_xs"] = frame["ret_1d"] - frame.groupby("date")["ret_1d"].transform("mean")
    return frame


def test_bench_features():
    market = SyntheticMarket(MarketConfig(n_tickers=N_TICKERS, fault_rate=0.0, end=END))
    prices = market.clean_prices(START, END).assign(
        vendor="synthetic", fetched_at=pd.Timestamp(END)
    )
    news = daily_sentiment(market.headlines(dt.date(2026, 12, 1), END))
    macro, universe = market.macro(START, END), market.universe()
    ticker_days = len(prices)
    ours = best_of(lambda: build_features(prices, news, macro, universe, START, END))
    baseline = best_of(lambda: pandas_groupby_features(prices), repeat=1)
    report("features", ticker_days / ours, "ticker-days/s", ticker_days / baseline,
           {"tickers": N_TICKERS, "ticker_days": ticker_days, "seconds": ours, "baseline_seconds": baseline})  # fmt: skip
