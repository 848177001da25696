"""Technical features of every ticker and day, computed on the panel's matrices.

Price-based indicators run on the split- and dividend-free index (`Panel.close`) and are
expressed scale-free (ratios to the close), so neither the index's anchor nor the ticker's
price level matters. Recursive indicators restart `RECURSIVE_WINDOW` sessions back.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from finpipe.lib.features import indicators as ind
from finpipe.lib.features.crosssection import (
    group_mean,
    rolling_beta,
    xs_mean,
    xs_rank,
    xs_zscore,
)
from finpipe.lib.features.panel import Panel
from finpipe.lib.features.registry import (
    BETA_WINDOW,
    MA_WINDOWS,
    RANKED,
    RECURSIVE_WINDOW,
    RETURN_HORIZONS,
    VOL_WINDOWS,
    VOLUME_WINDOWS,
    YEAR,
    Z_SCORED,
)

__all__ = ["technical_features"]


def _on_traded(p: Panel, x: np.ndarray) -> np.ndarray:
    """x on the rows that have a price that day (what cross-sectional statistics see)."""
    return np.where(p.present, x, np.nan)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den - 1, written over `den` (one buffer fewer on 2.8M-cell matrices)."""
    np.divide(num, den, out=den)
    den -= 1.0
    return den


def technical_features(p: Panel, sectors: np.ndarray) -> Iterator[tuple[str, np.ndarray]]:
    """(name, (T, N) matrix) pairs; `sectors` is an integer sector code per ticker."""
    window, close = RECURSIVE_WINDOW, p.close
    ranked: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        daily = ind.change(close, 1)  # index return: 0 on missing/filled days
        for h in RETURN_HORIZONS:
            ret = p.ret if h == 1 else ind.change(close, h)
            traded = _on_traded(p, ret)
            yield f"ret_{h}d", ret
            means = group_mean(traded, sectors, spread=False)
            relative = means[:, sectors]
            yield f"ret_{h}d_sector_rel", np.subtract(traded, relative, out=relative)
            if h == 1:  # the day's market and sector returns, also the betas' regressors
                market, sector = xs_mean(traded), means
                yield "ret_1d_xs", traded - market
            ranked[f"ret_{h}d"] = traded
        prices = ind.Rolling(close)  # one cumulative sum for every SMA and the bands
        for n in MA_WINDOWS:
            sma = prices.mean(n)
            yield f"ema_ratio_{n}", _ratio(close, ind.ema(close, n, window=window, sma=sma))
            yield f"sma_ratio_{n}", _ratio(close, sma)
        line, signal, hist = ind.macd(close, window=window, stats=prices)
        for name, value in (("macd_line", line), ("macd_signal", signal), ("macd_hist", hist)):
            value /= close
            yield name, value
        ranked["rsi_14"] = ind.rsi(close, 14, window=window)
        yield "rsi_14", ranked["rsi_14"]
        yield "bb_pctb_20", ind.bollinger_pctb(close, 20, 2.0, prices)
        atr = ind.atr(p.high, p.low, close, 14, window=window)
        atr /= close
        yield "atr_14", atr
        returns = ind.Rolling(daily)
        for n in VOL_WINDOWS:
            # One return short of a full window is allowed: the first day has no return.
            ranked[f"vol_{n}d"] = returns.std(n, ddof=1, min_periods=n - 1)
            yield f"vol_{n}d", ranked[f"vol_{n}d"]
        yield "range_hl", p.range_hl
        volumes = ind.Rolling(p.log_volume)
        for n in VOLUME_WINDOWS:
            mean = volumes.mean(n, min_periods=n // 2)
            sd = volumes.std(n, ddof=1, min_periods=n // 2)
            z = np.subtract(p.log_volume, mean, out=mean)
            z /= sd
            z[~(sd > 0)] = np.nan
            ranked[f"volume_z_{n}"] = z
            yield f"volume_z_{n}", ranked[f"volume_z_{n}"]
        yield "dist_52w_high", _ratio(close, ind.rolling_max(p.high, YEAR))
        yield "dist_52w_low", _ratio(close, ind.rolling_min(p.low, YEAR))
        market, sector = np.nan_to_num(market), np.nan_to_num(sector)
        sum_y = returns.sum(BETA_WINDOW)
        yield f"beta_mkt_{BETA_WINDOW}", rolling_beta(daily, market, BETA_WINDOW, sum_y=sum_y)
        yield f"beta_sector_{BETA_WINDOW}", rolling_beta(daily, sector, BETA_WINDOW, sectors, sum_y)
        for name in RANKED:
            yield f"xs_rank_{name}", xs_rank(_on_traded(p, ranked[name]))
        for name in Z_SCORED:
            yield f"xs_z_{name}", xs_zscore(_on_traded(p, ranked[name]))
