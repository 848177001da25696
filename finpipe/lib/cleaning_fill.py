"""Missing sessions and the bounded forward fill.

A session of the exchange calendar where a ticker of the universe has no kept row is
*missing* (holidays never are). A missing session is filled from the ticker's previous
kept close for at most `max_fill_days` consecutive sessions, so features see no spurious
gap: open = high = low = close = previous close, volume 0, dividend 0, `filled=True`.
Beyond the bound it stays missing.

Splits: when the raw row of a missing day carried a split coefficient (the row was
quarantined but its split parsed), the fill row carries it and is priced at the previous
close divided by the splits since, so the total return through the fill is 0 and the next
real day's return is right. A split on a day without any raw row is unknown, hence lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from finpipe.lib.cleaning_panel import Panel, ffill_positions

__all__ = ["Fill", "fill_gaps", "missing_table"]


@dataclass(frozen=True)
class Fill:
    """Where fill rows go (session and ticker positions), what they carry, and which cells
    are missing (bool session × ticker: no kept row on an own session)."""

    rows: np.ndarray
    cols: np.ndarray
    source: np.ndarray  # index of the kept row (in `grid` order) each fill copies
    price: np.ndarray
    split: np.ndarray
    absent: np.ndarray
    filled: np.ndarray


def fill_gaps(
    grid: Panel,
    close: np.ndarray,
    cum_split: np.ndarray,
    split: np.ndarray,
    own: np.ndarray,
    max_fill_days: int,
) -> Fill:
    """Fill rows for the sessions flagged in `own` (bool per session). `grid` places the
    kept rows (context included) on the sessions and tickers; `close` is their close."""
    present = grid.mask()
    last = ffill_positions(present)  # latest kept session at or before each cell
    steps = np.arange(present.shape[0])[:, None] - last
    absent = ~present & own[:, None]
    filled = absent & (last >= 0) & (steps <= max_fill_days)
    rows, cols = np.nonzero(filled)
    kept_index = np.full(present.shape, -1, dtype="int64")
    kept_index[grid.row, grid.col] = np.arange(len(grid.row))
    source = kept_index[last[rows, cols], cols]
    ratio = cum_split[last[rows, cols], cols] / cum_split[rows, cols]
    return Fill(rows, cols, source, close[source] * ratio, split[rows, cols], absent, filled)


def missing_table(fill: Fill, grid: Panel, causes: pd.Series) -> pd.DataFrame:
    """One row per own session and ticker without a kept row: date, ticker, status
    ("filled" or "missing") and cause (why no row was kept)."""
    rows, cols = np.nonzero(fill.absent)
    missing = pd.DataFrame(
        {
            "date": grid.sessions[rows],
            "ticker": grid.tickers[cols].astype(str),
            "status": np.where(fill.filled[rows, cols], "filled", "missing"),
        }
    )
    keys = pd.MultiIndex.from_arrays([missing["date"], missing["ticker"]])
    missing["cause"] = causes.reindex(keys).fillna("no row from the vendor").to_numpy()
    return missing
