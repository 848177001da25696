"""TA-Lib-compatible indicators on date × ticker matrices, one call for the whole universe.

Every function takes float arrays of shape (T, N): rows are sessions, columns tickers. A
column is NaN before its ticker's first value and gap-free after it (the panel fills gaps),
so each ticker starts at its own row and the warm-up is per column, as TA-Lib's is per
series. Rolling sums come from cumulative sums and the recursive filters from a first-order
filter (`rows`): no loop over tickers, one vector operation per day.

TA-Lib's seeds are reproduced exactly: EMA starts at the SMA of its first `n` values,
Wilder's smoothing (RSI, ATR) at a simple average, and MACD seeds its fast EMA at the row
where the slow one starts (TA-Lib's own quirk), so full-history values match `talib` to
rounding. `window=W` restarts every recursion W rows before the day — the value is then the
TA-Lib value over the last W sessions only — so a feature does not depend on how far back a
run happened to load data (see docs/features.md).
"""

from __future__ import annotations

import numpy as np

from finpipe.lib.features.moments import BlockSums
from finpipe.lib.features.rows import accumulate, first_order_filter

__all__ = [
    "Rolling",
    "atr",
    "bollinger_pctb",
    "change",
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


def change(x: np.ndarray, k: int) -> np.ndarray:
    """x / x[k rows earlier] - 1 (TA-Lib ROCP), NaN on the first k rows."""
    out = np.full_like(x, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(x[k:], x[:-k], out=out[k:])
    out[k:] -= 1.0
    return out


def _cumulative(values: np.ndarray) -> np.ndarray:
    """Cumulative sums down the columns with a leading row of zeros, (T + 1, N)."""
    out = np.empty((len(values) + 1, values.shape[1]))
    out[0] = 0.0
    accumulate(np.add, values, out=out[1:])
    return out


def _trailing(c: np.ndarray, w: int) -> np.ndarray:
    """Trailing w-row sums from cumulative sums with a leading zero row."""
    out = c[1:].copy()
    out[w:] -= c[1:-w]
    return out


class Rolling:
    """Trailing-window statistics of one matrix from one cumulative sum, so every further
    window costs a subtraction; each column is centred on its first value and NaN values
    are left out. Variances use block-restarted sums instead (`moments`): exact on long
    trending histories."""

    def __init__(self, x: np.ndarray) -> None:
        missing = np.isnan(x)
        self.start = np.where(missing.all(axis=0), len(x), missing.argmin(axis=0))
        self.anchor = np.nan_to_num(x[np.minimum(self.start, len(x) - 1), np.arange(x.shape[1])])
        self._sum = np.empty((len(x) + 1, x.shape[1]))  # with a leading row of zeros
        self._sum[0] = 0.0
        np.subtract(x, self.anchor, out=self._sum[1:])
        self._sum[1:][missing] = 0.0
        accumulate(np.add, self._sum[1:], out=self._sum[1:])
        self._x = x
        self._blocks: BlockSums | None = None
        self._counts: dict[int, np.ndarray] = {}
        gap_free = (missing.sum(axis=0) == self.start).all()
        self._count = None if gap_free else _cumulative((~missing).astype(np.float64))

    def _counted(self, w: int, min_periods: int | None) -> tuple[np.ndarray | int, np.ndarray]:
        """Values per window (a matrix, or w when every kept window is full) and the
        mask of windows with fewer than `min_periods` values."""
        need = min_periods or w
        if self._count is None and need >= w:  # gap-free after the start: full windows
            return w, np.arange(len(self._x))[:, None] < self.start + (w - 1)
        if w not in self._counts:  # a mean and a std of the same window share it
            if self._count is None:  # count by row number
                count = np.subtract(np.arange(len(self._x))[:, None], self.start - 1,
                                    dtype=np.float64)  # fmt: skip
                np.clip(count, 0, w, out=count)
            else:
                count = _trailing(self._count, w)
            count.flags.writeable = False
            self._counts[w] = count
        count = self._counts[w]
        return count, count < need

    def sum(self, w: int, min_periods: int | None = None) -> np.ndarray:
        """Trailing w-row sum; NaN where fewer than `min_periods` (default w) values exist."""
        count, short = self._counted(w, min_periods)
        total = _trailing(self._sum, w)
        total += count * self.anchor
        total[short] = np.nan
        return total

    def mean(self, w: int, min_periods: int | None = None) -> np.ndarray:
        """Trailing w-row mean (TA-Lib SMA when min_periods = w)."""
        count, short = self._counted(w, min_periods)
        mean = _trailing(self._sum, w)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean /= count
        mean += self.anchor
        mean[short] = np.nan
        return mean

    def std(self, w: int, ddof: int = 1, min_periods: int | None = None) -> np.ndarray:
        """Trailing w-row standard deviation (ddof=0 is TA-Lib's STDDEV)."""
        if self._blocks is None:
            self._blocks = BlockSums(self._x, counts=self._count is not None)
        count, short = self._counted(w, max(min_periods or w, ddof + 1))
        sums = self._blocks.window(w)
        total, var = sums[-2], sums[-1]
        count = sums[0] if len(sums) == 3 else count
        with np.errstate(invalid="ignore", divide="ignore"):
            total *= total
            total /= count
            var -= total
            var /= count - ddof
        np.maximum(var, 0.0, out=var)
        np.sqrt(var, out=var)
        var[short] = np.nan
        return var


def rolling_sum(x: np.ndarray, w: int, min_periods: int | None = None) -> np.ndarray:
    """Trailing w-row sum; NaN where fewer than `min_periods` (default w) values exist."""
    return Rolling(x).sum(w, min_periods)


def rolling_mean(x: np.ndarray, w: int, min_periods: int | None = None) -> np.ndarray:
    """Trailing w-row mean of the non-NaN values (TA-Lib SMA when min_periods = w)."""
    return Rolling(x).mean(w, min_periods)


def rolling_std(x: np.ndarray, w: int, ddof: int = 1, min_periods: int | None = None) -> np.ndarray:
    """Trailing w-row standard deviation (ddof=0 is TA-Lib's STDDEV)."""
    return Rolling(x).std(w, ddof, min_periods)


def _rolling_extreme(x: np.ndarray, w: int, ufunc: np.ufunc, fill: float) -> np.ndarray:
    """Trailing w-row maximum or minimum (van Herk / Gil-Werman): within blocks of w rows,
    running extremes forwards and backwards; a window is the backward one at its first row
    joined with the forward one at its last. Each step is one operation on a row of every
    block at once."""
    t_len, n = x.shape
    out = np.full((t_len, n), np.nan)
    if t_len < w:
        return out
    n_blocks = -(-t_len // w)
    forward = np.full((n_blocks * w, n), fill)
    np.copyto(forward[:t_len], x)
    forward[:t_len][np.isnan(x)] = fill
    backward = forward.copy()
    fwd, bwd = forward.reshape(n_blocks, w, n), backward.reshape(n_blocks, w, n)
    for j in range(1, w):
        ufunc(fwd[:, j - 1], fwd[:, j], out=fwd[:, j])
        ufunc(bwd[:, w - j], bwd[:, w - j - 1], out=bwd[:, w - j - 1])
    ufunc(backward[: t_len - w + 1], forward[w - 1 : t_len], out=out[w - 1 :])
    rows = np.arange(t_len)[:, None]
    out[rows < first_valid(x) + w - 1] = np.nan
    return out


def rolling_max(x: np.ndarray, w: int) -> np.ndarray:
    """Trailing w-row maximum (TA-Lib MAX), NaN until w values exist."""
    return _rolling_extreme(x, w, np.maximum, -np.inf)


def rolling_min(x: np.ndarray, w: int) -> np.ndarray:
    """Trailing w-row minimum (TA-Lib MIN), NaN until w values exist."""
    return _rolling_extreme(x, w, np.minimum, np.inf)


def _smooth(
    x: np.ndarray, alpha: float, n: int, offset: int, window: int | None,
    sma: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """y = alpha·x + (1 - alpha)·y[-1], seeded at row first_valid + offset with the mean of
    the n values ending there; NaN before. `window`: restart W rows before each day."""
    t_len = len(x)
    start = first_valid(x)
    seed_row = start + offset
    sma = rolling_mean(x, n) if sma is None else sma
    rows = np.arange(t_len)[:, None]
    before = rows <= seed_row
    u = np.where(before, 0.0, x)
    if not np.isfinite(u).all():
        np.nan_to_num(u, copy=False)
    cols = np.flatnonzero(seed_row < t_len)
    # The filter starts from zero: an impulse of seed/alpha on the seed row sets y to the seed.
    u[seed_row[cols], cols] = sma[seed_row[cols], cols] / alpha
    y = first_order_filter(u, alpha, out=u)
    y[before] = np.nan
    y[seed_row[cols], cols] = sma[seed_row[cols], cols] * 1.0
    lag = t_len if window is None else window - 1 - offset
    decay = (1.0 - alpha) ** lag
    if lag < t_len and decay > 1e-17:  # else the restart changes nothing
        # Seeded `lag` rows back instead: the full recursion minus the decayed seed gap.
        gap = y[:-lag] - sma[:-lag]
        gap *= decay
        gap[rows[lag:] < start + window] = 0.0
        y[lag:] -= gap
    return y


def ema(
    x: np.ndarray, n: int, offset: int | None = None, window: int | None = None,
    sma: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """TA-Lib EMA(n): k = 2/(n+1), seeded with the SMA of the first n values (`sma`: that
    SMA if the caller has it)."""
    return _smooth(x, 2.0 / (n + 1), n, n - 1 if offset is None else offset, window, sma)


def wilder(x: np.ndarray, n: int, window: int | None = None) -> np.ndarray:
    """Wilder's smoothing (k = 1/n) seeded with the mean of the first n values (RSI, ATR)."""
    return _smooth(x, 1.0 / n, n, n - 1, window)


def rsi(close: np.ndarray, n: int = 14, window: int | None = None) -> np.ndarray:
    """TA-Lib RSI(n) in [0, 100]; 0 when the price has not moved for the whole smoothing."""
    diff = np.full_like(close, np.nan)
    np.subtract(close[1:], close[:-1], out=diff[1:])
    window = None if window is None else window - 1  # a window of W closes holds W-1 moves
    gain = wilder(np.maximum(diff, 0.0), n, window)  # NaN stays NaN
    np.negative(diff, out=diff)
    loss = wilder(np.maximum(diff, 0.0, out=diff), n, window)
    loss += gain  # the total
    with np.errstate(invalid="ignore", divide="ignore"):
        gain *= 100.0
        gain /= loss
    gain[np.abs(loss) < 1e-14] = 0.0
    return gain


def macd(
    close: np.ndarray, fast: int = 12, slow: int = 26, signal_n: int = 9,
    window: int | None = None, stats: Rolling | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """TA-Lib MACD: line, signal, histogram, all starting at row slow + signal_n - 2.

    Both EMAs start on the slow EMA's first row (the fast one seeded with the SMA of the
    `fast` values ending there), as TA-Lib does; the signal is the EMA of the line. With
    `window`, all three are TA-Lib's values over the last W rows: the line, and the signal
    computed from that restarted line, are the full recursions minus closed-form decayed
    seed gaps (everything here is linear in the seeds). `stats`: the close's `Rolling`."""
    stats = Rolling(close) if stats is None else stats
    sma_fast, sma_slow = stats.mean(fast), stats.mean(slow)
    fast_ema = ema(close, fast, offset=slow - 1, sma=sma_fast)
    slow_ema = ema(close, slow, offset=slow - 1, sma=sma_slow)
    line = fast_ema - slow_ema
    sma_sig = rolling_mean(line, signal_n)
    sig = ema(line, signal_n, sma=sma_sig)
    t_len = len(close)
    lag = t_len if window is None else window - slow  # last row - seed row of the EMAs
    if lag < t_len:
        k = 2.0 / (signal_n + 1)
        c, m = 1.0 - k, signal_n - 1

        def carried(cx: float) -> float:
            """How a seed gap decaying by cx per row reaches the restarted signal."""
            steps = np.arange(m + 1, lag + 1)
            return float((k * c ** (lag - steps) * cx**steps).sum()
                         + c ** (lag - m) * np.mean(cx ** np.arange(m + 1)))  # fmt: skip

        # Only rows from `lag` on can be restarted (a ticker's first `window` rows are not).
        gap_fast = np.subtract(fast_ema, sma_fast, out=fast_ema)[: t_len - lag]
        gap_slow = np.subtract(slow_ema, sma_slow, out=slow_ema)[: t_len - lag]
        back = slice(m, t_len - lag + m)  # `lag - m` rows before each restarted row
        cf, cs = 1.0 - 2.0 / (fast + 1), 1.0 - 2.0 / (slow + 1)
        restarted_sig = sig[back] - sma_sig[back]
        restarted_sig *= c ** (lag - m)
        np.subtract(sig[lag:], restarted_sig, out=restarted_sig)
        restarted_sig += carried(cs) * gap_slow - carried(cf) * gap_fast
        restarted_line = line[lag:] - cf**lag * gap_fast + cs**lag * gap_slow
        rows = np.arange(lag, t_len)[:, None]
        late = rows >= first_valid(close) + window
        np.copyto(line[lag:], restarted_line, where=late)
        np.copyto(sig[lag:], restarted_sig, where=late)
    line[np.isnan(sig)] = np.nan
    return line, sig, line - sig


def bollinger_pctb(
    close: np.ndarray, n: int = 20, k: float = 2.0, stats: Rolling | None = None
) -> np.ndarray:
    """%B of TA-Lib BBANDS(n, k, k, SMA): where the close sits between the bands (0..1)."""
    stats = Rolling(close) if stats is None else stats
    mid, sd = stats.mean(n), stats.std(n, ddof=0)
    sd *= k
    lower = mid - sd
    mid += sd  # the upper band
    with np.errstate(invalid="ignore", divide="ignore"):
        pctb = close - lower
        mid -= lower  # the band's width
        pctb /= mid
    pctb[~(mid > 0)] = np.nan
    return pctb


def true_range(high: np.ndarray, low: np.ndarray, close: np.ndarray) -> np.ndarray:
    """TA-Lib TRANGE: the largest of high-low and the gaps to yesterday's close."""
    out = high - low
    prev = close[:-1]
    up, down = np.subtract(prev, high[1:]), np.subtract(prev, low[1:])
    np.maximum(np.abs(up, out=up), np.abs(down, out=down), out=up)
    np.maximum(out[1:], up, out=out[1:])
    out[0] = np.nan  # no yesterday
    return out


def atr(
    high: np.ndarray, low: np.ndarray, close: np.ndarray, n: int = 14, window: int | None = None
) -> np.ndarray:
    """TA-Lib ATR(n): Wilder-smoothed true range, first value at row n."""
    window = None if window is None else window - 1  # the first bar has no true range
    return wilder(true_range(high, low, close), n, window)
