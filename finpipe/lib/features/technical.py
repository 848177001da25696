"""Technical features of every ticker and day, computed on the panel's matrices.

Price-based indicators run on the split- and dividend-free index (`Panel.close`) and are
expressed scale-free (ratios to the close), so neither the index's anchor nor the ticker's
price level matters. Recursive indicators restart `RECURSIVE_WINDOW` sessions back.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from finpipe.lib.features import indicators as ind
from finpipe.lib.features.crosssection import group_mean, rolling_beta, xs_mean, xs_rank
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
)

__all__ = ["technical_features"]


def _on_traded(p: Panel, x: np.ndarray) -> np.ndarray:
    """x on the rows that have a price that day (what cross-sectional statistics see)."""
    return np.where(p.present, x, np.nan)


def technical_features(p: Panel, sectors: np.ndarray) -> Iterator[tuple[str, np.ndarray]]:
    """(name, (T, N) matrix) pairs; `sectors` is an integer sector code per ticker."""
    window, close = RECURSIVE_WINDOW, p.close
    ranked: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        daily = close / ind.shift(close, 1) - 1.0  # index return: 0 on missing/filled days
        for h in RETURN_HORIZONS:
            ret = p.ret if h == 1 else close / ind.shift(close, h) - 1.0
            traded = _on_traded(p, ret)
            yield f"ret_{h}d", ret
            yield f"ret_{h}d_sector_rel", traded - group_mean(traded, sectors)
            if h == 1:
                yield "ret_1d_xs", traded - xs_mean(traded)
            ranked[f"ret_{h}d"] = traded
        for n in MA_WINDOWS:
            yield f"sma_ratio_{n}", close / ind.rolling_mean(close, n) - 1.0
            yield f"ema_ratio_{n}", close / ind.ema(close, n, window=window) - 1.0
        line, signal, hist = ind.macd(close, window=window)
        yield "macd_line", line / close
        yield "macd_signal", signal / close
        yield "macd_hist", hist / close
        ranked["rsi_14"] = ind.rsi(close, 14, window=window)
        yield "rsi_14", ranked["rsi_14"]
        yield "bb_pctb_20", ind.bollinger_pctb(close, 20, 2.0)
        yield "atr_14", ind.atr(p.high, p.low, close, 14, window=window) / close
        for n in VOL_WINDOWS:
            ranked[f"vol_{n}d"] = ind.rolling_std(daily, n, ddof=1)
            yield f"vol_{n}d", ranked[f"vol_{n}d"]
        yield "range_hl", p.range_hl
        for n in VOLUME_WINDOWS:
            mean = ind.rolling_mean(p.log_volume, n, min_periods=n // 2)
            sd = ind.rolling_std(p.log_volume, n, ddof=1, min_periods=n // 2)
            ranked[f"volume_z_{n}"] = np.where(sd > 0, (p.log_volume - mean) / sd, np.nan)
            yield f"volume_z_{n}", ranked[f"volume_z_{n}"]
        yield "dist_52w_high", close / ind.rolling_max(p.high, YEAR) - 1.0
        yield "dist_52w_low", close / ind.rolling_min(p.low, YEAR) - 1.0
        market = np.nan_to_num(xs_mean(_on_traded(p, p.ret)))
        yield f"beta_mkt_{BETA_WINDOW}", rolling_beta(daily, np.broadcast_to(market, daily.shape),
                                                      BETA_WINDOW)  # fmt: skip
        sector = np.nan_to_num(group_mean(_on_traded(p, p.ret), sectors))
        yield f"beta_sector_{BETA_WINDOW}", rolling_beta(daily, sector, BETA_WINDOW)
        for name in RANKED:
            yield f"xs_rank_{name}", xs_rank(_on_traded(p, ranked[name]))
