"""A long (date, ticker) frame laid out on a session × ticker grid.

The time-series rules (stale prices, outliers, missing days, forward fill) work on
session × ticker matrices so that nothing loops over tickers or rows; `Panel` keeps the
position of every long row on the grid to go back and forth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Panel", "ffill_positions", "new_grid", "previous_present"]


def new_grid(shape: tuple[int, int], fill: float | int | bool, dtype: str | type) -> np.ndarray:
    """A session × ticker matrix stored ticker by ticker (Fortran order): rows arrive ticker
    by ticker and the rules run down the sessions, so both read memory in sequence (about
    40% faster than row order for scatters, gathers and running sums on this grid)."""
    return np.full(shape, fill, dtype=dtype, order="F")


@dataclass(frozen=True)
class Panel:
    """Grid positions of the rows of a long frame: `row` indexes `sessions`, `col` `tickers`.
    `ordered`: the rows come ticker by ticker, sessions ascending, one per cell (as sources
    deliver them), so a ticker's previous row is the row before; the rules then take paths
    that need no grid."""

    sessions: pd.DatetimeIndex
    tickers: pd.Index
    row: np.ndarray
    col: np.ndarray
    ordered: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.sessions), len(self.tickers)

    def subset(self, selected: np.ndarray) -> Panel:
        """The panel of the selected rows (a boolean mask over the long frame)."""
        return Panel(self.sessions, self.tickers, self.row[selected], self.col[selected],
                     self.ordered)  # fmt: skip

    def wide(self, values: np.ndarray | pd.Series, fill: float = np.nan) -> np.ndarray:
        """A session × ticker float matrix of `values` (one per row), `fill` elsewhere."""
        out = new_grid(self.shape, fill, "float64")
        out[self.row, self.col] = np.asarray(values, dtype="float64")
        return out

    def mask(self, selected: np.ndarray | None = None) -> np.ndarray:
        """Boolean matrix: True where a (selected) row sits."""
        out = new_grid(self.shape, False, bool)
        rows = slice(None) if selected is None else selected
        out[self.row[rows], self.col[rows]] = True
        return out

    def previous_rows(self) -> np.ndarray:
        """For each row, the index of the same ticker's row on the latest earlier session
        (-1 for a ticker's first row)."""
        index = new_grid(self.shape, -1, "int64")
        index[self.row, self.col] = np.arange(len(self.row))
        last = ffill_positions(index >= 0)
        before = np.where(self.row > 0, last[np.maximum(self.row - 1, 0), self.col], -1)
        return np.where(before >= 0, index[np.maximum(before, 0), self.col], -1)

    def long(self, matrix: np.ndarray) -> np.ndarray:
        """The matrix's value at each row of the long frame."""
        return matrix[self.row, self.col]


def ffill_positions(present: np.ndarray) -> np.ndarray:
    """For each cell, the session position of the latest present cell at or before it in the
    same column, -1 before the first one."""
    positions = np.where(present, np.arange(present.shape[0])[:, None], -1)
    return np.maximum.accumulate(positions, axis=0)


def previous_present(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Per cell, the value of the latest present cell strictly before it (NaN if none)."""
    last = ffill_positions(present)
    before = new_grid(values.shape, -1, "int64")
    before[1:] = last[:-1]
    earlier = np.take_along_axis(values, np.maximum(before, 0, out=last), axis=0)
    earlier[before < 0] = np.nan
    return earlier
