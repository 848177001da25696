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
    cell = date_codes * shape[1] + ticker_codes
    # Every cell once, in (date, ticker) order: a column reshapes into its matrix.
    dense = len(cell) == shape[0] * shape[1] and bool((np.diff(cell) == 1).all())

    def wide(column: str, fill: float = np.nan) -> np.ndarray | None:
        """The column as a fresh (T, N) matrix, `fill` where the frame has no row."""
        if column not in prices:
            return None
        values = prices[column].to_numpy(np.float64, na_value=fill)
        if dense:
            return values.reshape(shape).copy()
        out = np.full(shape, fill)
        out.ravel()[cell] = values
        return out

    raw_close = wide("close")
    present = ~np.isnan(raw_close)
    absent = ~present
    filled = wide("filled", 0.0)
    no_move = absent if filled is None else absent | (filled > 0)
    split, dividend = wide("split_coefficient", 1.0), wide("dividend_amount", 0.0)
    split = np.ones(shape) if split is None else split
    split[absent] = 1.0
    np.nan_to_num(split, copy=False, nan=1.0)

    close = ffill(raw_close)
    ret = raw_close.copy()
    if dividend is not None:
        dividend[absent] = 0.0
        ret += np.nan_to_num(dividend, copy=False)
    ret *= split
    with np.errstate(invalid="ignore", divide="ignore"):
        ret[1:] /= close[:-1]
    ret[0] = np.nan
    ret -= 1.0
    ret[no_move] = np.nan
    started = accumulate(np.logical_or, present)
    growth = ret + 1.0  # ret is NaN before a ticker's first row: no growth there
    growth[np.isnan(ret)] = 1.0
    first = np.where(present.any(axis=0), present.argmax(axis=0), 0)
    index = accumulate(np.multiply, growth, out=growth)
    index *= raw_close[first, np.arange(shape[1])]
    index[~started] = np.nan

    factor = index / close
    high, low = wide("high"), wide("low")
    with np.errstate(invalid="ignore", divide="ignore"):
        range_hl = high - low
        range_hl /= raw_close
    for bar in (high, low):
        bar *= factor
        np.copyto(bar, index, where=absent)
    log_volume = wide("volume")
    log_volume[no_move] = np.nan
    np.maximum(log_volume, 1.0, out=log_volume)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.log(log_volume, out=log_volume)
        log_volume -= np.log(accumulate(np.multiply, split, out=split), out=split)
    return Panel(pd.DatetimeIndex(dates), np.asarray(tickers, dtype=object), present, ret,
                 index, high, low, range_hl, log_volume)  # fmt: skip
