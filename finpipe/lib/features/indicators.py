"""TA-Lib-compatible indicators on date × ticker matrices, one call for the whole universe.

Every function takes float arrays of shape (T, N): rows are sessions, columns tickers. A
column is NaN before its ticker's first value and gap-free after it (the panel fills gaps),
so each ticker starts at its own row and the warm-up is per column, as TA-Lib's is per
series. Rolling sums come from cumulative sums and the recursive filters from
`scipy.signal.lfilter`: no loop over tickers or over days.

TA-Lib's seeds are reproduced exactly: EMA starts at the SMA of its first `n` values,
Wilder's smoothing (RSI, ATR) at a simple average, and MACD seeds its fast EMA at the row
where the slow one starts (TA-Lib's own quirk), so full-history values match `talib` to
rounding. `window=W` restarts every recursion W rows before the day — the value is then the
TA-Lib value over the last W sessions only — so a feature does not depend on how far back a
run happened to load data (see docs/features.md).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage, signal

__all__ = [
    "atr",
    "bollinger_pctb",
    "ema",
    "first_valid",
    "macd",
    "rolling_max",
    "rolling_mean",
    "rolling_min",
    "rolling_std",
    "rolling_sum",
    "rsi",
    "shift",
    "true_range",
    "wilder",
]


def first_valid(x: np.ndarray) -> np.ndarray:
    """Row of each column's first non-NaN value (len(x) for an all-NaN column)."""
    valid = ~np.isnan(x)
    return np.where(valid.any(axis=0), valid.argmax(axis=0), len(x))


def shift(x: np.ndarray, k: int) -> np.ndarray:
    """x moved down by k rows (k > 0: yesterday's value on today's row), NaN-padded."""
    out = np.full_like(x, np.nan)
    if k > 0:
        out[k:] = x[:-k]
    elif k < 0:
        out[:k] = x[-k:]
    else:
        out[:] = x
    return out


def _window_sums(x: np.ndarray, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum of the non-NaN values and their count over the trailing w rows."""
    valid = ~np.isnan(x)
    out = []
    for values in (np.where(valid, x, 0.0), valid.astype(np.float64)):
        c = np.cumsum(values, axis=0)
        c[w:] -= c[:-w].copy()
        out.append(c)
    return out[0], out[1]


def rolling_sum(x: np.ndarray, w: int, min_periods: int | None = None) -> np.ndarray:
    """Trailing w-row sum; NaN where fewer than `min_periods` (default w) values exist."""
    total, count = _window_sums(x, w)
    return np.where(count >= (w if min_periods is None else min_periods), total, np.nan)


def rolling_mean(x: np.ndarray, w: int, min_periods: int | None = None) -> np.ndarray:
    """Trailing w-row mean of the non-NaN values (TA-Lib SMA when min_periods = w)."""
    total, count = _window_sums(x, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count >= (w if min_periods is None else min_periods), total / count, np.nan)


def rolling_std(x: np.ndarray, w: int, ddof: int = 1, min_periods: int | None = None) -> np.ndarray:
    """Trailing w-row standard deviation (ddof=0 is TA-Lib's STDDEV).

    Each column is centred on its first value first: the variance is shift-invariant and
    the sums of squares then cancel far less (prices in the thousands)."""
    start = first_valid(x)
    anchor = x[np.minimum(start, len(x) - 1), np.arange(x.shape[1])]
    z = x - np.nan_to_num(anchor)
    total, count = _window_sums(z, w)
    squares, _ = _window_sums(z * z, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (squares - total * total / count) / (count - ddof)
    ok = count >= (w if min_periods is None else max(min_periods, ddof + 1))
    return np.where(ok, np.sqrt(np.maximum(var, 0.0)), np.nan)


def _rolling_extreme(x: np.ndarray, w: int, fn, fill: float) -> np.ndarray:
    out = fn(np.where(np.isnan(x), fill, x), w, axis=0, origin=(w - 1) // 2, mode="nearest")
    rows = np.arange(len(x))[:, None]
    return np.where(rows >= first_valid(x) + w - 1, out, np.nan)


def rolling_max(x: np.ndarray, w: int) -> np.ndarray:
    """Trailing w-row maximum (TA-Lib MAX), NaN until w values exist."""
    return _rolling_extreme(x, w, ndimage.maximum_filter1d, -np.inf)


def rolling_min(x: np.ndarray, w: int) -> np.ndarray:
    """Trailing w-row minimum (TA-Lib MIN), NaN until w values exist."""
    return _rolling_extreme(x, w, ndimage.minimum_filter1d, np.inf)


def _smooth(x: np.ndarray, alpha: float, n: int, offset: int, window: int | None) -> np.ndarray:
    """y = alpha·x + (1 - alpha)·y[-1], seeded at row first_valid + offset with the mean of
    the n values ending there; NaN before. `window`: restart W rows before each day."""
    t_len = len(x)
    seed_row = first_valid(x) + offset
    sma = rolling_mean(x, n)
    rows = np.arange(t_len)[:, None]
    u = np.where(rows > seed_row, np.nan_to_num(x), 0.0)
    cols = np.flatnonzero(seed_row < t_len)
    # lfilter starts from zero: an impulse of seed/alpha on the seed row sets y to the seed.
    u[seed_row[cols], cols] = sma[seed_row[cols], cols] / alpha
    y = signal.lfilter([alpha], [1.0, alpha - 1.0], u, axis=0)
    y[rows < seed_row] = np.nan
    if window is not None and window < t_len:
        # Seeded at row d - lag instead: the full recursion minus the decayed seed gap.
        lag = window - 1 - offset
        restarted = y - (1.0 - alpha) ** lag * (shift(y, lag) - shift(sma, lag))
        y = np.where(rows >= seed_row - offset + window, restarted, y)
    return y


def ema(x: np.ndarray, n: int, offset: int | None = None, window: int | None = None) -> np.ndarray:
    """TA-Lib EMA(n): k = 2/(n+1), seeded with the SMA of the first n values."""
    return _smooth(x, 2.0 / (n + 1), n, n - 1 if offset is None else offset, window)


def wilder(x: np.ndarray, n: int, window: int | None = None) -> np.ndarray:
    """Wilder's smoothing (k = 1/n) seeded with the mean of the first n values (RSI, ATR)."""
    return _smooth(x, 1.0 / n, n, n - 1, window)


def rsi(close: np.ndarray, n: int = 14, window: int | None = None) -> np.ndarray:
    """TA-Lib RSI(n) in [0, 100]; 0 when the price has not moved for the whole smoothing."""
    diff = close - shift(close, 1)
    window = None if window is None else window - 1  # a window of W closes holds W-1 moves
    gain = wilder(np.where(diff > 0, diff, np.where(np.isnan(diff), np.nan, 0.0)), n, window)
    loss = wilder(np.where(diff < 0, -diff, np.where(np.isnan(diff), np.nan, 0.0)), n, window)
    total = gain + loss
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.abs(total) < 1e-14, 0.0, 100.0 * gain / total)


def macd(
    close: np.ndarray, fast: int = 12, slow: int = 26, signal_n: int = 9,
    window: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """TA-Lib MACD: line, signal, histogram, all starting at row slow + signal_n - 2.

    Both EMAs start on the slow EMA's first row (the fast one seeded with the SMA of the
    `fast` values ending there), as TA-Lib does; the signal is the EMA of the line."""
    fast_ema = ema(close, fast, offset=slow - 1, window=window)
    slow_ema = ema(close, slow, offset=slow - 1, window=window)
    line = fast_ema - slow_ema
    sig = ema(line, signal_n)
    line = np.where(np.isnan(sig), np.nan, line)
    return line, sig, line - sig


def bollinger_pctb(close: np.ndarray, n: int = 20, k: float = 2.0) -> np.ndarray:
    """%B of TA-Lib BBANDS(n, k, k, SMA): where the close sits between the bands (0..1)."""
    mid, sd = rolling_mean(close, n), rolling_std(close, n, ddof=0)
    lower, upper = mid - k * sd, mid + k * sd
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(upper > lower, (close - lower) / (upper - lower), np.nan)


def true_range(high: np.ndarray, low: np.ndarray, close: np.ndarray) -> np.ndarray:
    """TA-Lib TRANGE: the largest of high-low and the gaps to yesterday's close."""
    prev = shift(close, 1)
    return np.maximum(high - low, np.maximum(np.abs(prev - high), np.abs(prev - low)))


def atr(
    high: np.ndarray, low: np.ndarray, close: np.ndarray, n: int = 14, window: int | None = None
) -> np.ndarray:
    """TA-Lib ATR(n): Wilder-smoothed true range, first value at row n."""
    window = None if window is None else window - 1  # the first bar has no true range
    return wilder(true_range(high, low, close), n, window)
