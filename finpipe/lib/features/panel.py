"""Long price rows → date × ticker matrices on a split- and dividend-free price scale.

Cleaned prices are unadjusted. The daily total return uses the day's split coefficient
and dividend (the convention of `finpipe.lib.corporate_actions`), and its cumulative
product is a price index that neither a split nor an ex-dividend day moves. The index is
anchored at each ticker's first close in the loaded range and adjusts *forward*, so it
never depends on later events (backward adjustment would: look-ahead). Highs and lows are
scaled by the same index/close factor, so OHLC indicators (ATR, 52-week range) see
split-consistent bars. Missing sessions after a ticker's start are flat bars (no return);
sessions marked `filled` (forward-filled upstream) carry no return and no volume of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from finpipe.lib.features.rows import accumulate, ffill

__all__ = ["Panel", "ffill", "load_panel"]


@dataclass(frozen=True)
class Panel:
    dates: pd.DatetimeIndex  # sessions with any price, ascending (T)
    tickers: np.ndarray  # sorted tickers (N)
    present: np.ndarray  # (T, N) bool: the ticker has a cleaned row that day
    ret: np.ndarray  # daily total return on traded rows; NaN first day, filled or missing
    close: np.ndarray  # the split/dividend-free index, NaN before the ticker's first row
    high: np.ndarray  # high and low on the index's scale (flat bars on missing days)
    low: np.ndarray
    range_hl: np.ndarray  # (high - low) / close of the day, unadjusted (a ratio)
    log_volume: np.ndarray  # log volume in pre-split shares; NaN on missing or filled rows


def load_panel(prices: pd.DataFrame) -> Panel:
    """Matrices of one long (date, ticker, open, high, low, close, volume,
    split_coefficient[, dividend_amount][, filled]) frame."""
    date_codes, dates = pd.factorize(prices["date"], sort=True)
    ticker_codes, tickers = pd.factorize(prices["ticker"], sort=True)
    shape = (len(dates), len(tickers))

    def wide(column: str, fill: float = np.nan) -> np.ndarray:
        out = np.full(shape, fill)
        if column in prices:
            out[date_codes, ticker_codes] = prices[column].to_numpy(np.float64, na_value=fill)
        return out

    raw_close = wide("close")
    present = ~np.isnan(raw_close)
    filled = wide("filled", 0.0) > 0 if "filled" in prices else np.zeros(shape, bool)
    split, dividend = wide("split_coefficient", 1.0), wide("dividend_amount", 0.0)
    split[~present], dividend[~present] = 1.0, 0.0
    split, dividend = np.nan_to_num(split, nan=1.0), np.nan_to_num(dividend)

    close = ffill(raw_close)
    prev = np.vstack([np.full((1, shape[1]), np.nan), close[:-1]])
    with np.errstate(invalid="ignore", divide="ignore"):
        ret = (raw_close + dividend) * split / prev - 1.0
    ret[~present | filled] = np.nan
    started = accumulate(np.logical_or, present)
    growth = np.where(started & ~np.isnan(ret), 1.0 + ret, 1.0)
    first = np.where(present.any(axis=0), present.argmax(axis=0), 0)
    anchor = raw_close[first, np.arange(shape[1])]
    index = np.where(started, anchor * accumulate(np.multiply, growth, out=growth), np.nan)

    factor = index / close
    high = np.where(present, wide("high") * factor, index)
    low = np.where(present, wide("low") * factor, index)
    range_hl = (wide("high") - wide("low")) / raw_close
    volume = wide("volume")
    volume[~present | filled] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        log_volume = np.log(np.maximum(volume, 1.0)) - np.log(
            accumulate(np.multiply, split, out=split)
        )
    return Panel(pd.DatetimeIndex(dates), np.asarray(tickers, dtype=object), present, ret,
                 index, high, low, range_hl, log_volume)  # fmt: skip
