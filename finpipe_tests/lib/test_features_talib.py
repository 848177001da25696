"""Every indicator TA-Lib also defines matches `talib` on real vendor data (12 tickers,
2012-2021, with splits and dividends), fed the same split/dividend-adjusted series."""

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import talib

from finpipe.lib.features import RECURSIVE_WINDOW, build_features
from finpipe.lib.features import indicators as ind
from finpipe.lib.features.panel import load_panel
from finpipe.lib.sources import AlphaVantageCsvDirectory

DATA = Path(__file__).parents[1] / "data" / "alphavantage_daily_adjusted"
TOL = 1e-8  # |ours - talib| <= TOL * max(1, |talib|)


@pytest.fixture(scope="module")
def vendor():
    source = AlphaVantageCsvDirectory(DATA)
    universe = source.universe()
    prices = source.prices(universe["ticker"].tolist(), dt.date(2012, 1, 1), dt.date(2021, 12, 31))
    return prices, universe, load_panel(prices)


def per_ticker(fn, *columns, **kwargs):
    """talib called once per ticker (its own series), stacked back into a (T, N) matrix."""
    outs = [fn(*[c[:, j] for c in columns], **kwargs) for j in range(columns[0].shape[1])]
    if isinstance(outs[0], tuple):
        return tuple(np.column_stack([o[k] for o in outs]) for k in range(len(outs[0])))
    return np.column_stack(outs)


def assert_matches(name, ours, reference):
    ok = ~np.isnan(reference)
    assert ok.sum() > 1000, name
    assert (np.isnan(ours) == ~ok).all(), f"{name}: warm-up differs from TA-Lib's"
    diff = np.abs(ours[ok] - reference[ok])
    rel = diff / np.maximum(np.abs(reference[ok]), 1e-300)
    print(f"TALIB {name:<14} max_abs={diff.max():.2e} max_rel={rel.max():.2e}")
    assert (diff <= TOL * np.maximum(1.0, np.abs(reference[ok]))).all(), name


def test_the_adjusted_series_has_no_split_jumps(vendor):
    _, _, panel = vendor
    daily = panel.close[1:] / panel.close[:-1] - 1
    assert np.nanmax(np.abs(daily)) < 0.5  # AAPL's 7:1 and 4:1, TSLA's 5:1 splits are gone
    assert (panel.high >= panel.low).all() and (panel.high >= panel.close - 1e-9).all()


@pytest.mark.parametrize("n", [5, 10, 20, 50, 200])
def test_sma_and_ema(vendor, n):
    close = vendor[2].close
    assert_matches(
        f"SMA({n})", ind.rolling_mean(close, n), per_ticker(talib.SMA, close, timeperiod=n)
    )
    assert_matches(f"EMA({n})", ind.ema(close, n), per_ticker(talib.EMA, close, timeperiod=n))


def test_macd_rsi_bbands_atr(vendor):
    p = vendor[2]
    ours = ind.macd(p.close, 12, 26, 9)
    ref = per_ticker(talib.MACD, p.close, fastperiod=12, slowperiod=26, signalperiod=9)
    for name, a, b in zip(("MACD", "MACD signal", "MACD hist"), ours, ref, strict=True):
        assert_matches(name, a, b)
    assert_matches("RSI(14)", ind.rsi(p.close, 14), per_ticker(talib.RSI, p.close, timeperiod=14))
    upper, _, lower = per_ticker(
        talib.BBANDS, p.close, timeperiod=20, nbdevup=2, nbdevdn=2, matype=0
    )
    assert_matches(
        "BBANDS %B", ind.bollinger_pctb(p.close, 20, 2.0), (p.close - lower) / (upper - lower)
    )
    assert_matches("ATR(14)", ind.atr(p.high, p.low, p.close, 14),
                   per_ticker(talib.ATR, p.high, p.low, p.close, timeperiod=14))  # fmt: skip
    assert_matches("TRANGE", ind.true_range(p.high, p.low, p.close),
                   per_ticker(talib.TRANGE, p.high, p.low, p.close))  # fmt: skip


def test_roc_stddev_max_min_beta(vendor):
    p = vendor[2]
    for n in (1, 5, 20):
        assert_matches(
            f"ROCP({n})", ind.change(p.close, n), per_ticker(talib.ROCP, p.close, timeperiod=n)
        )
    daily = ind.change(p.close, 1)
    for n in (5, 20, 60):  # realized vol is the sample sd: TA-Lib's population sd rescaled
        ref = per_ticker(talib.STDDEV, daily, timeperiod=n, nbdev=1) * np.sqrt(n / (n - 1))
        assert_matches(f"STDDEV({n})", ind.rolling_std(daily, n, ddof=1), ref)
    assert_matches(
        "MAX(252)", ind.rolling_max(p.high, 252), per_ticker(talib.MAX, p.high, timeperiod=252)
    )
    assert_matches(
        "MIN(252)", ind.rolling_min(p.low, 252), per_ticker(talib.MIN, p.low, timeperiod=252)
    )
    market = np.zeros((len(daily), 1))
    market[1:, 0] = np.nanmean(daily[1:], axis=1)
    level = np.cumprod(1 + market, axis=0)
    ref = per_ticker(talib.BETA, np.repeat(level, p.close.shape[1], axis=1), p.close, timeperiod=60)
    from finpipe.lib.features.crosssection import rolling_beta

    assert_matches("BETA(60)", rolling_beta(daily, market, 60), ref)


@pytest.mark.parametrize("day", [300, 1200, 2339])
def test_recursive_indicators_equal_talib_over_the_restart_window(vendor, day):
    """With `window=W` a value is TA-Lib's over the last W sessions only: the same whatever
    history came before."""
    p, w = vendor[2], RECURSIVE_WINDOW
    span = slice(day - w + 1, day + 1)
    last = lambda fn, *cols, **kw: per_ticker(fn, *[c[span] for c in cols], **kw)[-1]  # noqa: E731
    np.testing.assert_allclose(
        ind.ema(p.close, 200, window=w)[day], last(talib.EMA, p.close, timeperiod=200), rtol=TOL
    )
    for ours, ref in zip(
        ind.macd(p.close, window=w), per_ticker(talib.MACD, p.close[span]), strict=True
    ):
        np.testing.assert_allclose(ours[day], ref[-1], rtol=TOL, atol=TOL)
    np.testing.assert_allclose(
        ind.rsi(p.close, 14, window=w)[day], last(talib.RSI, p.close), rtol=TOL
    )
    np.testing.assert_allclose(ind.atr(p.high, p.low, p.close, 14, window=w)[day],
                               last(talib.ATR, p.high, p.low, p.close), rtol=TOL)  # fmt: skip


def test_feature_table_carries_the_talib_values(vendor):
    prices, universe, p = vendor
    out = build_features(prices, pd.DataFrame(), pd.DataFrame(), universe, dt.date(2013, 6, 1),
                         dt.date(2021, 4, 21))  # fmt: skip
    day = -1
    wide = lambda col: out.pivot(index="date", columns="ticker", values=col).to_numpy()  # noqa: E731
    span = slice(len(p.dates) - RECURSIVE_WINDOW, None)
    close = p.close[-1]
    expect = {
        "sma_ratio_200": close / per_ticker(talib.SMA, p.close, timeperiod=200)[day] - 1,
        "ema_ratio_50": close / per_ticker(talib.EMA, p.close[span], timeperiod=50)[day] - 1,
        "rsi_14": per_ticker(talib.RSI, p.close[span], timeperiod=14)[day],
        "macd_line": per_ticker(talib.MACD, p.close[span])[0][day] / close,
        "atr_14": per_ticker(talib.ATR, p.high[span], p.low[span], p.close[span])[day] / close,
        "ret_20d": per_ticker(talib.ROCP, p.close, timeperiod=20)[day],
        "dist_52w_high": close / per_ticker(talib.MAX, p.high, timeperiod=252)[day] - 1,
    }
    for name, value in expect.items():
        np.testing.assert_allclose(wide(name)[day], value, rtol=TOL, atol=TOL, err_msg=name)
