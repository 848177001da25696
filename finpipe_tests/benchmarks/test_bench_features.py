"""Benchmark `features`: the vectorized feature builder against a plain pandas groupby
implementation of the same feature set, on 800 tickers x 14 years of synthetic data."""

import datetime as dt
import time
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from finpipe.lib.features import FEATURE_COLUMNS, SECTORS, build_features
from finpipe.lib.features.registry import MACRO_SERIES
from finpipe.lib.synthetic import MarketConfig, SyntheticMarket
from finpipe_tests.benchmarks.bench import best_of, report

pytestmark = pytest.mark.bench
N_TICKERS, START, END = 800, dt.date(2012, 1, 3), dt.date(2025, 12, 31)


def _ewm(by, column: str, **kw) -> pd.Series:
    return by[column].transform(lambda s: s.ewm(adjust=False, **kw).mean())


def _roll(by, column: str, n: int, how: str, **kw) -> pd.Series:
    return by[column].transform(lambda s: getattr(s.rolling(n, **kw), how)())


def pandas_groupby_features(prices, news, macro, universe) -> pd.DataFrame:
    """The straightforward way: per-ticker groupby with rolling/ewm/transform, per-day
    groupby for the cross-section, merges for news and macro."""
    f = prices.sort_values(["ticker", "date"]).merge(universe[["ticker", "sector"]], on="ticker")
    f = f.reset_index(drop=True)
    by = f.groupby("ticker")
    prev = by["close"].shift(1)
    f["ret_1d"] = (f["close"] + f.get("dividend_amount", 0.0)) * f["split_coefficient"] / prev - 1
    f["idx"] = (1 + f["ret_1d"].fillna(0)).groupby(f["ticker"]).cumprod() * by["close"].transform(
        "first"
    )
    f["hi"], f["lo"] = f["high"] * f["idx"] / f["close"], f["low"] * f["idx"] / f["close"]
    by = f.groupby("ticker")
    f["daily"] = by["idx"].pct_change()
    for h in (5, 20):
        f[f"ret_{h}d"] = by["idx"].pct_change(h)
    for n in (5, 10, 20, 50, 200):
        f[f"sma_ratio_{n}"] = f["idx"] / _roll(by, "idx", n, "mean") - 1
        f[f"ema_ratio_{n}"] = f["idx"] / _ewm(by, "idx", span=n) - 1
    f["macd_line"] = _ewm(by, "idx", span=12) - _ewm(by, "idx", span=26)
    f["macd_signal"] = _ewm(f.groupby("ticker"), "macd_line", span=9)
    f["macd_hist"] = (f["macd_line"] - f["macd_signal"]) / f["idx"]
    f["macd_line"], f["macd_signal"] = f["macd_line"] / f["idx"], f["macd_signal"] / f["idx"]
    move = by["idx"].diff()
    f["gain"], f["loss"] = move.clip(lower=0), (-move).clip(lower=0)
    g = f.groupby("ticker")
    gain, loss = _ewm(g, "gain", alpha=1 / 14), _ewm(g, "loss", alpha=1 / 14)
    f["rsi_14"] = 100 * gain / (gain + loss)
    mid, sd = _roll(by, "idx", 20, "mean"), by["idx"].transform(lambda s: s.rolling(20).std(ddof=0))
    f["bb_pctb_20"] = (f["idx"] - mid + 2 * sd) / (4 * sd)
    prev_idx = by["idx"].shift(1)
    f["tr"] = np.maximum(
        f["hi"] - f["lo"], np.maximum((f["hi"] - prev_idx).abs(), (f["lo"] - prev_idx).abs())
    )
    f["atr_14"] = _ewm(f.groupby("ticker"), "tr", alpha=1 / 14) / f["idx"]
    for n in (5, 20, 60):
        f[f"vol_{n}d"] = _roll(by, "daily", n, "std", min_periods=n - 1)
    f["range_hl"] = (f["high"] - f["low"]) / f["close"]
    f["logv"] = np.log(f["volume"].clip(lower=1))
    for n in (20, 60):
        f[f"volume_z_{n}"] = (f["logv"] - _roll(by, "logv", n, "mean", min_periods=n // 2)) / _roll(
            by, "logv", n, "std", min_periods=n // 2
        )
    f["dist_52w_high"] = f["idx"] / _roll(by, "hi", 252, "max") - 1
    f["dist_52w_low"] = f["idx"] / _roll(by, "lo", 252, "min") - 1
    f["mkt"] = f.groupby("date")["ret_1d"].transform("mean")
    f["sec"] = f.groupby(["date", "sector"])["ret_1d"].transform("mean")
    for name, col in (("beta_mkt_60", "mkt"), ("beta_sector_60", "sec")):
        f["xy"] = f["daily"] * f[col]
        g = f.groupby("ticker")
        cov = _roll(g, "xy", 60, "mean") - _roll(g, "daily", 60, "mean") * _roll(g, col, 60, "mean")
        f[name] = cov / g[col].transform(lambda s: s.rolling(60).var(ddof=0))
    f["ret_1d_xs"] = f["ret_1d"] - f["mkt"]
    for h in (1, 5, 20):
        f[f"ret_{h}d_sector_rel"] = f[f"ret_{h}d"] - f.groupby(["date", "sector"])[
            f"ret_{h}d"
        ].transform("mean")
    day = f.groupby("date")
    for name in ("ret_5d", "ret_20d", "rsi_14"):
        f[f"xs_rank_{name}"] = day[name].rank(pct=True)
    for name in ("vol_20d", "volume_z_20"):
        f[f"xs_z_{name}"] = (f[name] - day[name].transform("mean")) / day[name].transform("std")
    f = f.merge(news[["date", "ticker", "tone", "headlines"]], on=["date", "ticker"], how="left")
    f["news_tone"], f["news_count"] = f["tone"].fillna(0.0), f["headlines"].fillna(0.0)
    f["news_tone_xs"] = f["news_tone"] - f.groupby("date")["news_tone"].transform("mean")
    f["news_tone_surprise_20"] = f["news_tone"] - f.groupby("ticker")["news_tone"].transform(
        lambda s: s.shift(1).rolling(20).mean()
    )
    wide = macro.pivot_table(index="date", columns="series", values="value").ffill()
    wide = wide.reindex(columns=list(MACRO_SERIES))
    daily_macro = pd.DataFrame(index=wide.index)
    for series in MACRO_SERIES:
        daily_macro[f"macro_{series.lower()}"] = wide[series]
        daily_macro[f"macro_{series.lower()}_chg"] = wide[series].diff(5)
    f = f.merge(daily_macro, left_on="date", right_index=True, how="left")
    dates = pd.Series(f["date"].unique()).sort_values()
    month = dates.dt.to_period("M")
    cal = pd.DataFrame({"date": dates, "cal_month_start": (month != month.shift(1)).astype(float),
                        "cal_month_end": (month != month.shift(-1)).astype(float)})  # fmt: skip
    f = f.merge(cal, on="date")
    f = pd.concat(
        [f, pd.get_dummies(f["date"].dt.dayofweek, prefix="cal_dow", dtype=float)], axis=1
    )
    sector = pd.Categorical(f["sector"], categories=list(SECTORS))
    f = pd.concat(
        [f, pd.get_dummies(sector, prefix="sector", dtype=float).set_index(f.index)], axis=1
    )
    return f.sort_values(["date", "ticker"]).reset_index(drop=True)


def synthetic_inputs():
    """Prices, per-day sentiment (straight from the market's tone: scoring headlines is the
    `news_sentiment` asset's work, not this one's), macro and universe."""
    market = SyntheticMarket(
        MarketConfig(n_tickers=N_TICKERS, fault_rate=0.0, start=START, end=END)
    )
    prices = market.clean_prices(START, END).assign(
        vendor="synthetic", fetched_at=pd.Timestamp(END)
    )
    n_days = len(market.sessions)
    counts = 1 + np.random.default_rng(1).poisson(1.0, n_days * N_TICKERS)
    news = pd.DataFrame({"date": np.repeat(market.sessions.values, N_TICKERS),
                         "ticker": np.tile(market.tickers, n_days),
                         "tone": np.tanh(market.tone.ravel()), "headlines": counts})  # fmt: skip
    return prices, news, market.macro(START, END), market.universe()


def peak_memory(fn) -> float:
    """Peak bytes allocated (numpy and Python) during one call, in GiB."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**30


def test_bench_features():
    began = time.perf_counter()
    prices, news, macro, universe = synthetic_inputs()
    generation = time.perf_counter() - began
    ticker_days = len(prices)
    inputs = (prices, news, macro, universe)
    ours = best_of(lambda: build_features(*inputs, START, END), repeat=3)
    base_start = time.perf_counter()
    baseline_frame = pandas_groupby_features(*inputs)
    baseline = time.perf_counter() - base_start
    peak = peak_memory(lambda: build_features(*inputs, START, END))
    out = build_features(*inputs, START, END)
    assert len(out) == len(baseline_frame) == ticker_days
    assert len(FEATURE_COLUMNS) >= 60
    # Same values where both define them (pandas' rolling sd itself is off by up to ~6e-8 in %B).
    for name in (
        "sma_ratio_20",
        "ret_20d",
        "vol_20d",
        "dist_52w_high",
        "bb_pctb_20",
        "beta_mkt_60",
    ):
        np.testing.assert_allclose(
            out[name], baseline_frame[name], rtol=1e-6, atol=1e-7, err_msg=name
        )
    print(f"generation {generation:.1f} s; ours {ours:.2f} s; pandas groupby {baseline:.1f} s; "
          f"peak {peak:.2f} GiB; {len(FEATURE_COLUMNS)} features")  # fmt: skip
    report("features", ticker_days / ours, "ticker-days/s", ticker_days / baseline,
           {"tickers": N_TICKERS, "years": 14, "ticker_days": ticker_days,
            "features": len(FEATURE_COLUMNS), "seconds": ours, "baseline_seconds": baseline,
            "peak_memory_gib": round(peak, 3), "generation_seconds": round(generation, 1)})  # fmt: skip
    assert peak <= 4.0
