"""Time-series rules on valid rows: stale prices and probable bad ticks (outliers).

Both look only backwards (a row is judged on itself and the sessions before it), so a
day's verdict is the same in a daily run and in a backfill, and never changes later.
Returns are total returns across corporate actions (the convention of
`finpipe.lib.corporate_actions` and `finpipe.lib.features`): `(close + dividend) * split /
previous close - 1`, with the split coefficients of every session in between (even of
quarantined rows), so neither a split nor an ex-dividend day looks like a crash.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from finpipe.lib.cleaning_panel import Panel, ffill_positions, new_grid, previous_present

__all__ = ["OutlierRule", "Outliers", "outliers", "stale_rows", "total_returns"]

_MAD_TO_SIGMA = 1.4826  # MAD of a normal distribution times this is its standard deviation


def stale_rows(prices: Mapping[str, np.ndarray], panel: Panel) -> np.ndarray:
    """Per row of `panel`, how many sessions in a row (up to and including it) the ticker's
    OHLC has equalled the previous row's with zero or missing volume; 0 for a row that moved.
    `prices` holds the open, high, low, close and volume of each row.

    A row is stale from some count on (`CleaningRules.stale_repeats`): the first repeats
    cannot be told from a quiet day yet, and a later day must not change an earlier verdict.
    """
    if panel.ordered:  # runs are runs along the arrays: compare each row with the one before
        same = np.zeros(len(panel.row), dtype=bool)
        same[1:] = panel.col[1:] == panel.col[:-1]
        for column in ("open", "high", "low", "close"):
            same[1:] &= prices[column][1:] == prices[column][:-1]
        repeat = same & ~(prices["volume"] > 0)  # zero or NaN
        count = np.cumsum(repeat)
        return np.where(repeat, count - np.maximum.accumulate(np.where(repeat, 0, count)), 0)
    previous = panel.previous_rows()
    same = previous >= 0
    for column in ("open", "high", "low", "close"):
        same &= prices[column][previous] == prices[column]
    repeat = same & ~(prices["volume"] > 0)
    # Run length of repeats per ticker: repeats so far minus repeats at the last non-repeat.
    repeats = np.cumsum(panel.wide(repeat.astype("float64"), fill=0.0), axis=0)
    reset = ffill_positions(panel.mask(~repeat))
    at_reset = np.where(reset >= 0, np.take_along_axis(repeats, np.maximum(reset, 0), 0), 0.0)
    return np.where(repeat, panel.long(repeats - at_reset), 0).astype("int64")


def total_returns(
    close: np.ndarray,
    dividend: np.ndarray,
    cum_split: np.ndarray,
    present: np.ndarray,
    reference: np.ndarray | None = None,
) -> np.ndarray:
    """Session × ticker total return of each present cell against the latest earlier
    `reference` cell (default: present) of the same ticker; NaN where absent or without one.
    `cum_split` is the running product of every session's split coefficient: its ratio
    between two cells is the product of the splits in between."""
    level = close * cum_split  # split-free price level (in units of the first session)
    previous = previous_present(level, present if reference is None else reference)
    ret = np.add(close, dividend, out=level)  # in place: fewer fresh grid-sized temporaries
    with np.errstate(invalid="ignore", divide="ignore"):
        ret *= cum_split
        ret /= previous
    ret -= 1.0
    ret[~present] = np.nan
    return ret


@dataclass(frozen=True)
class OutlierRule:
    """A return is a probable bad tick when its robust z-score against the ticker's trailing
    `window` sessions exceeds `z` while the day's volume is ordinary (robust z-score of log
    volume over the same window at most `volume_z`): an extreme move on a volume spike is
    news and is kept. On the vendor history shipped for tests, news days (earnings, March
    2020) have volume z from 2 to 3, quiet days mostly under 1. The robust scale is
    1.4826 × MAD but at least `min_scale`, so a ticker that barely moved for weeks (MAD
    near 0) does not flag every ordinary move."""

    window: int = 60
    min_periods: int = 20
    z: float = 10.0
    volume_z: float = 2.0
    min_scale: float = 0.01


@dataclass(frozen=True)
class Outliers:
    """Cells judged outliers, with the numbers behind each verdict (NaN where not judged)."""

    flagged: np.ndarray  # bool, session × ticker
    ret: np.ndarray
    z: np.ndarray
    volume_z: np.ndarray
    # `ret` is measured against the latest close not flagged: for every present cell not
    # flagged it is already the total return once the flagged cells are dropped.
    settled: bool


def _trailing_moments(
    matrix: np.ndarray, window: int, min_periods: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (ddof 0) of each cell's `window` previous sessions, NaN
    with fewer than `min_periods` values: a rolling window per column, computed in one
    pass over the columns laid end to end, each after `window` NaN rows so that no window
    reaches into the previous column (one pandas call per column costs ~0.2 ms each)."""
    sessions, columns = matrix.shape
    padded = new_grid((window + sessions, columns), np.nan, "float64")
    padded[window:] = matrix
    rolling = pd.Series(padded.ravel(order="F")).rolling(window, min_periods=min_periods)

    def unpad(values: pd.Series) -> np.ndarray:  # each session reads the row before it
        return values.to_numpy().reshape(padded.shape, order="F")[window - 1 : -1]

    variance = unpad(rolling.var(ddof=0))
    return unpad(rolling.mean()), np.sqrt(np.maximum(variance, 0.0))  # as pandas' std does


def _trailing_windows(matrix: np.ndarray, rows: np.ndarray, cols: np.ndarray, window: int):
    """Values of the `window` sessions before each (row, col) cell: shape (cells, window)."""
    offsets = rows[:, None] + np.arange(-window, 0)
    values = matrix[np.maximum(offsets, 0), cols[:, None]]
    return np.where(offsets >= 0, values, np.nan)


@dataclass(frozen=True)
class _Judged:
    """Robust statistics of the cells that could be outliers (all other cells cannot)."""

    rows: np.ndarray
    cols: np.ndarray
    median: np.ndarray
    scale: np.ndarray
    volume_z: np.ndarray

    def z(self, ret: np.ndarray) -> np.ndarray:
        return (ret[self.rows, self.cols] - self.median) / self.scale


def _judge(ret: np.ndarray, volume: np.ndarray, rule: OutlierRule) -> _Judged:
    """Trailing median, robust scale and volume z-score of the cells that could be outliers.

    Exact median/MAD for every cell would cost two rolling medians over the whole grid.
    A cheap screen finds the cells that could pass: |r - median| <= |r - mean| + std (the
    median is within one standard deviation of the mean), and an outlier needs
    |r - median| > z * min_scale; only those cells get the exact median, and only the cells
    where it confirms that need get the scale and the volume z-score."""
    mean, std = _trailing_moments(ret, rule.window, rule.min_periods)
    least = rule.z * rule.min_scale * 0.999  # the smallest |r - median| of an outlier
    with np.errstate(invalid="ignore"):
        possible = np.abs(ret - mean) + std > least
    rows, cols = np.nonzero(possible)
    window = _trailing_windows(ret, rows, cols, rule.window)
    enough = np.count_nonzero(~np.isnan(window), axis=1) >= rule.min_periods
    rows, cols, window = rows[enough], cols[enough], window[enough]
    median = np.nanmedian(window, axis=1) if len(rows) else np.array([], dtype="float64")
    far = np.abs(ret[rows, cols] - median) > least
    rows, cols, window, median = rows[far], cols[far], window[far], median[far]
    if len(rows) == 0:
        empty = np.array([], dtype="float64")
        return _Judged(rows, cols, empty, empty, empty)
    mad = np.nanmedian(np.abs(window - median[:, None]), axis=1)
    scale = np.maximum(_MAD_TO_SIGMA * mad, rule.min_scale)
    volumes = np.log1p(_trailing_windows(volume, rows, cols, rule.window))  # judged cells only
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # windows without volume
        usual = np.nanmedian(volumes, axis=1)
        spread = _MAD_TO_SIGMA * np.nanmedian(np.abs(volumes - usual[:, None]), axis=1)
        centre = np.log1p(volume[rows, cols]) - usual
        volume_z = np.where(spread > 0, centre / np.where(spread > 0, spread, 1.0),
                            np.where(centre > 0, np.inf, 0.0))  # fmt: skip
    return _Judged(rows, cols, median, scale, volume_z)


def outliers(
    close: np.ndarray,
    dividend: np.ndarray,
    cum_split: np.ndarray,
    volume: np.ndarray,
    present: np.ndarray,
    rule: OutlierRule,
) -> Outliers:
    """Probable bad ticks among present cells: the return against the previous row *and*
    the return against the latest close kept are both extreme, on ordinary volume.

    A bad print moves two returns, into it and out of it: the day after is extreme against
    the bad print but ordinary against the last kept close, so it is kept. A real move that
    persists is extreme once, never against the day after. Runs of consecutive suspects
    need the verdict of the day before; three rounds settle runs of up to three."""
    ret = total_returns(close, dividend, cum_split, present)
    judged = _judge(ret, volume, rule)
    ordinary = ~(judged.volume_z > rule.volume_z)
    suspect = (np.abs(judged.z(ret)) > rule.z) & ordinary
    against, verdict = np.zeros_like(suspect), suspect  # `ret` is measured against no flags
    for _ in range(3):
        if np.array_equal(verdict, against):
            break  # settled: another round would compute the same returns and verdicts
        flagged = new_grid(present.shape, False, bool)
        flagged[judged.rows, judged.cols] = verdict
        ret = total_returns(close, dividend, cum_split, present, reference=present & ~flagged)
        against, verdict = verdict, suspect & (np.abs(judged.z(ret)) > rule.z)
    flagged = new_grid(present.shape, False, bool)
    flagged[judged.rows, judged.cols] = verdict
    z_grid, vz_grid = (
        new_grid(present.shape, np.nan, "float64"),
        new_grid(present.shape, np.nan, "float64"),
    )
    z_grid[judged.rows, judged.cols] = judged.z(ret)
    vz_grid[judged.rows, judged.cols] = judged.volume_z
    return Outliers(flagged, ret, z_grid, vz_grid, bool(np.array_equal(verdict, against)))
