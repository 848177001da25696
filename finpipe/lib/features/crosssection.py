"""Per-day statistics across tickers: means, sector means, ranks, rolling betas.

Every function works on whole (T, N) matrices; NaN entries (tickers without a value that
day) are left out of the day's statistics.
"""

from __future__ import annotations

import numpy as np

from finpipe.lib.features.indicators import rolling_sum

__all__ = ["group_mean", "rolling_beta", "xs_mean", "xs_rank", "xs_zscore"]


def xs_mean(x: np.ndarray) -> np.ndarray:
    """The day's mean over tickers with a value, shape (T, 1) (NaN on an empty day)."""
    valid = ~np.isnan(x)
    count = valid.sum(axis=1, keepdims=True)
    total = np.where(valid, x, 0.0).sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


def xs_zscore(x: np.ndarray) -> np.ndarray:
    """(x - the day's mean) / the day's standard deviation, over tickers with a value."""
    valid = ~np.isnan(x)
    count = valid.sum(axis=1, keepdims=True)
    centred = x - xs_mean(x)
    squares = np.where(valid, centred * centred, 0.0).sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(squares / (count - 1))
        return np.where(sd > 0, centred / sd, np.nan)


def group_mean(x: np.ndarray, groups: np.ndarray, spread: bool = True) -> np.ndarray:
    """Each ticker's group mean of the day (groups: an integer code per column), (T, N);
    `spread=False`: the (T, G) group means."""
    onehot = (groups[:, None] == np.arange(groups.max(initial=-1) + 1)[None, :]).astype(float)
    valid = ~np.isnan(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (np.where(valid, x, 0.0) @ onehot) / (valid.astype(float) @ onehot)
    return means[:, groups] if spread else means


def xs_rank(x: np.ndarray) -> np.ndarray:
    """Percentile rank of each value among the day's values, 0..1; ties share their mean rank."""
    order = np.argsort(x, axis=1)  # NaN sort last
    ranked = np.take_along_axis(x, order, axis=1)
    n_cols = x.shape[1]
    idx = np.broadcast_to(np.arange(n_cols, dtype=np.float64), x.shape)
    tied = ranked[:, 1:] == ranked[:, :-1]
    position = idx
    if tied.any():  # mean of the first and last position of each run of equal values
        new = np.ones(x.shape, bool)
        new[:, 1:] = ~tied
        first = np.maximum.accumulate(np.where(new, idx, 0.0), axis=1)
        end = np.ones(x.shape, bool)
        end[:, :-1] = new[:, 1:]
        last = np.minimum.accumulate(np.where(end, idx, n_cols - 1.0)[:, ::-1], axis=1)[:, ::-1]
        position = (first + last) / 2.0
    count = (~np.isnan(x)).sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = position / (count - 1)
    pct[count[:, 0] <= 1] = 0.5
    pct[idx >= count] = np.nan  # the day's NaN, sorted last
    out = np.empty_like(x)
    np.put_along_axis(out, order, pct, axis=1)
    return out


def rolling_beta(
    y: np.ndarray, x: np.ndarray, w: int, groups: np.ndarray | None = None,
    sum_y: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """Slope of y on x over the trailing w rows (TA-Lib BETA(x, y) on the returns):
    cov(x, y) / var(x), NaN until w values of y exist.

    y (T, N) is gap-free after each column's start; x is gap-free, (T, 1) for one
    series or (T, G) with `groups` giving each column of y its series. `sum_y`: y's
    trailing w-row sums, if the caller has them."""
    xy = x if groups is None else x[:, groups]
    sxy = rolling_sum(y * xy, w)
    sy = rolling_sum(y, w) if sum_y is None else sum_y
    sx, sxx = rolling_sum(x, w), rolling_sum(x * x, w)
    den = w * sxx - sx * sx  # per series: (T, 1) or (T, G)
    if groups is not None:
        sx, den = sx[:, groups], den[:, groups]
    with np.errstate(invalid="ignore", divide="ignore"):
        sxy *= w
        sxy -= sx * sy
        sxy /= den
    np.copyto(sxy, np.nan, where=~(np.abs(den) > 1e-300))
    return sxy
