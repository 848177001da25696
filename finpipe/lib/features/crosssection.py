"""Per-day statistics across tickers: means, sector means, ranks, rolling betas.

Every function works on whole (T, N) matrices; NaN entries (tickers without a value that
day) are left out of the day's statistics.
"""

from __future__ import annotations

import numpy as np

from finpipe.lib.features.indicators import rolling_sum

__all__ = ["group_mean", "rolling_beta", "xs_mean", "xs_rank"]


def xs_mean(x: np.ndarray) -> np.ndarray:
    """The day's mean over tickers with a value, shape (T, 1) (NaN on an empty day)."""
    valid = ~np.isnan(x)
    count = valid.sum(axis=1, keepdims=True)
    total = np.where(valid, x, 0.0).sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


def group_mean(x: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each ticker's group mean of the day (groups: an integer code per column), (T, N)."""
    onehot = (groups[:, None] == np.arange(groups.max(initial=-1) + 1)[None, :]).astype(float)
    valid = ~np.isnan(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (np.where(valid, x, 0.0) @ onehot) / (valid.astype(float) @ onehot)
    return means[:, groups]


def xs_rank(x: np.ndarray) -> np.ndarray:
    """Percentile rank of each value among the day's values, 0..1; ties share their mean rank."""
    order = np.argsort(x, axis=1)  # NaN sort last
    ranked = np.take_along_axis(x, order, axis=1)
    n_cols = x.shape[1]
    idx = np.broadcast_to(np.arange(n_cols), x.shape)
    new = np.ones(x.shape, bool)
    new[:, 1:] = ranked[:, 1:] != ranked[:, :-1]
    first = np.maximum.accumulate(np.where(new, idx, 0), axis=1)
    end = np.ones(x.shape, bool)
    end[:, :-1] = new[:, 1:]
    last = np.minimum.accumulate(np.where(end, idx, n_cols - 1)[:, ::-1], axis=1)[:, ::-1]
    count = (~np.isnan(x)).sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(count > 1, (first + last) / 2.0 / (count - 1), 0.5)
    out = np.empty_like(x)
    np.put_along_axis(out, order, np.where(np.isnan(ranked), np.nan, pct), axis=1)
    return out


def rolling_beta(y: np.ndarray, x: np.ndarray, w: int) -> np.ndarray:
    """Slope of y on x over the trailing w rows where both exist (TA-Lib BETA(x, y) on the
    returns): cov(x, y) / var(x); NaN until w pairs exist."""
    both = ~(np.isnan(x) | np.isnan(y))
    xv, yv = np.where(both, x, np.nan), np.where(both, y, np.nan)
    sx, sy = rolling_sum(xv, w), rolling_sum(yv, w)
    sxy, sxx = rolling_sum(xv * yv, w), rolling_sum(xv * xv, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        den = w * sxx - sx * sx
        return np.where(np.abs(den) > 1e-300, (w * sxy - sx * sy) / den, np.nan)
