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

from finpipe.lib.cleaning_panel import Panel, ffill_positions, new_grid
from finpipe.lib.cleaning_rows import PRICE_COLUMNS

__all__ = ["Fill", "fill_gaps", "missing_table", "with_fills"]


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
    kept_index = new_grid(present.shape, -1, "int64")
    kept_index[grid.row, grid.col] = np.arange(len(grid.row))
    source = kept_index[last[rows, cols], cols]
    ratio = cum_split[last[rows, cols], cols] / cum_split[rows, cols]
    return Fill(rows, cols, source, close[source] * ratio, split[rows, cols], absent, filled)


def missing_table(fill: Fill, grid: Panel, rejected: pd.DataFrame) -> pd.DataFrame:
    """One row per own session and ticker without a kept row: date, ticker, status
    ("filled" or "missing") and cause (the rule that rejected its row, if one did)."""
    causes = _causes(rejected)
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


def _causes(rejected: pd.DataFrame) -> pd.Series:
    """Why a (date, ticker) has no kept row, for the sessions where a raw row was rejected."""
    if rejected.empty or "ticker" not in rejected or "date" not in rejected:
        return pd.Series(dtype=object)
    keyed = pd.DataFrame(
        {
            "date": pd.to_datetime(rejected["date"], errors="coerce", format="mixed"),
            "ticker": rejected["ticker"],
        }
    )
    keyed["cause"] = "quarantined (" + rejected["rule"].astype(str) + ")"
    keyed = keyed.dropna().drop_duplicates(subset=["date", "ticker"])
    keyed["ticker"] = keyed["ticker"].astype(str)
    return keyed.set_index(["date", "ticker"])["cause"]


def with_fills(
    typed: pd.DataFrame,
    kept: np.ndarray,
    ret: np.ndarray,
    grid: Panel,
    fill: Fill,
    own: np.ndarray,
) -> pd.DataFrame:
    """The cleaned frame: kept rows (positions `kept` in `typed`, total returns `ret`) and
    fill rows of the `own` sessions, sorted by date and ticker. Built column by column:
    each column is taken once from `typed` and the fill rows overwritten in the taken array
    (a fill row starts as a copy of its source row: vendor and fetch time carry over)."""
    rows = np.concatenate([grid.row, fill.rows])
    cells = rows * len(grid.tickers) + np.concatenate([grid.col, fill.cols])
    # Each cell holds one row at most (fills go where no row was kept), so the sort by
    # date and ticker is a scatter into the cells and a read in cell order.
    slot = np.full(grid.shape[0] * grid.shape[1], -1, dtype="int64")
    slot[cells] = np.arange(len(cells))
    order = slot[slot >= 0]
    order = order[own[rows[order]]]
    source = np.concatenate([kept, kept[fill.source]])[order]
    is_fill = order >= len(kept)
    at = order[is_fill] - len(kept)  # index into the fill arrays
    price = fill.price[at]
    replaced = {
        "date": grid.sessions.to_numpy()[fill.rows[at]], "open": price, "high": price,
        "low": price, "close": price, "volume": 0.0, "dividend_amount": 0.0,
        "split_coefficient": fill.split[at],
    }  # fmt: skip
    # Tickers from the grid's 500-odd names: a take from a few names instead of from every
    # row, in the typed column's dtype (the grid's ticker of a row is the row's ticker).
    names = pd.array(np.asarray(grid.tickers, dtype=object), dtype=typed["ticker"].dtype)
    columns = {"ticker": names.take(np.concatenate([grid.col, fill.cols])[order])}
    for column in PRICE_COLUMNS:
        if column in replaced:  # numbers and dates: a numpy take, fill rows written over
            columns[column] = typed[column].to_numpy().take(source)
            if is_fill.any():
                columns[column][is_fill] = replaced[column]
        elif column != "ticker":
            columns[column] = typed[column].array.take(source)
    columns["total_return"] = np.concatenate([ret, np.zeros(len(fill.rows))])[order]
    columns["filled"] = is_fill
    return pd.DataFrame(columns, copy=False)
