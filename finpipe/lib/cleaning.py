"""Cleaning raw prices: keep valid rows, quarantine the rest with a reason, fill short gaps.

Nothing is dropped silently: every input row of the range ends up either in `kept` or in
`rejected` (with `rule` and `reason` columns): rows in = real kept rows + rejected rows
(`kept` also holds forward-filled rows, marked `filled`). The rules, in order:

- row rules: unknown_ticker, unparseable, the `RawPrices` schema checks (NaN, zero or
  negative prices, OHLC consistency, …), future_date, closed_day, duplicate;
- time rules: stale (`cleaning_rules.stale_rows`), outlier (`cleaning_rules.outliers`);
- gaps: missing sessions are reported and filled for a few sessions (`cleaning_fill`).

The time rules look back: rows dated before `start` are context, judged the same way but
returned in neither frame, so a day gets the same verdict in a daily run as in a backfill.
Rows are tracked as positions in one typed frame and copied once at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from finpipe.lib.calendar import _CAL_END, _CAL_START, trading_sessions
from finpipe.lib.cleaning_fill import fill_gaps, missing_table, with_fills
from finpipe.lib.cleaning_panel import Panel, new_grid
from finpipe.lib.cleaning_rows import PRICE_COLUMNS, coerce_types, reject, schema_failures
from finpipe.lib.cleaning_rules import OutlierRule, outliers, stale_rows, total_returns
from finpipe.lib.schemas import TEXT, RawPrices

__all__ = ["CLEAN_COLUMNS", "CleaningResult", "CleaningRules", "clean_prices"]

CLEAN_COLUMNS = [*PRICE_COLUMNS, "total_return", "filled"]


@dataclass(frozen=True)
class CleaningRules:
    """Thresholds of the time rules (the row rules have none)."""

    max_fill_days: int = 3  # consecutive missing sessions filled from the previous close
    stale_repeats: int = 3  # unchanged sessions in a row, without volume, before quarantine
    outlier: OutlierRule = field(default_factory=OutlierRule)


@dataclass(frozen=True)
class CleaningResult:
    kept: pd.DataFrame  # CLEAN_COLUMNS: real rows and forward-filled ones (`filled`)
    rejected: pd.DataFrame  # input columns + `rule` + `reason`
    missing: pd.DataFrame  # date, ticker, status ("filled" | "missing"), cause

    @property
    def rows_kept(self) -> int:
        """Real rows kept: forward-filled rows are not data."""
        return int((~self.kept["filled"].astype(bool)).sum())

    @property
    def rows_in(self) -> int:
        return self.rows_kept + len(self.rejected)

    @property
    def rejected_share(self) -> float:
        return len(self.rejected) / self.rows_in if self.rows_in else 0.0


def clean_prices(
    raw: pd.DataFrame,
    universe: Iterable[str],
    as_of: pd.Timestamp | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    rules: CleaningRules | None = None,
) -> CleaningResult:
    """Clean the rows of [start, end] (default: every row; earlier rows are context).
    Days after `as_of` (default: now) are quarantined."""
    rules = rules or CleaningRules()
    if not raw.index.equals(pd.RangeIndex(len(raw))):
        raw = raw.reset_index(drop=True)
    if "vendor_symbol" not in raw and "ticker" in raw:  # sources that do not deliver it yet
        raw = raw.assign(vendor_symbol=raw["ticker"])
    begin = pd.Timestamp(start) if start is not None else None
    if raw.empty:  # nothing loaded at all (not even columns): every session is missing
        raw = pd.DataFrame({c: pd.Series(dtype=object) for c in PRICE_COLUMNS})
    missing_columns = [c for c in PRICE_COLUMNS if c not in raw.columns]
    if missing_columns:
        reason = f"missing columns {missing_columns}; found {list(raw.columns)}"
        nothing = clean_prices(raw.iloc[0:0, 0:0], universe, as_of, start=start, end=end,
                               rules=rules)  # fmt: skip
        return CleaningResult(nothing.kept, _own(reject(raw, "schema", reason), begin),
                              nothing.missing)  # fmt: skip

    tickers = pd.Index(sorted(set(universe)), dtype=object)
    col = _positions(raw["ticker"], tickers)
    known = col >= 0
    rejected = [reject(raw[~known], "unknown_ticker", "ticker is not in the universe")]
    if not known.all():
        raw, col = raw.loc[known, PRICE_COLUMNS].reset_index(drop=True), col[known]
    elif list(raw.columns) != PRICE_COLUMNS:
        raw = raw[PRICE_COLUMNS]  # a copy: only when the columns need it
    typed, unparseable = coerce_types(raw)
    if len(typed) < len(raw):  # `typed` keeps the labels of the rows that parsed: positions
        col = col[typed.index.to_numpy()]
    invalid, schema_rejected = schema_failures(typed, RawPrices)
    rejected += [unparseable, schema_rejected]

    as_of = as_of if as_of is not None else pd.Timestamp.now(tz="UTC").tz_localize(None)
    ok = ~invalid
    dates = typed["date"].to_numpy()
    future = ok & (dates > as_of.to_datetime64())
    rejected.append(reject(typed[future], "future_date", f"date is after {as_of:%Y-%m-%d %H:%M}"))
    ok &= ~future
    sessions = _sessions(dates[ok & ~np.isnat(dates)], begin, end)
    row = sessions.get_indexer(dates)
    closed = ok & (row < 0)
    rejected.append(reject(typed[closed], "closed_day", "date is not an XNYS trading session"))
    ok &= ~closed
    # Duplicates among valid rows only: an invalid first copy must not cost the day. With
    # rows by ticker then date, as sources deliver them, copies follow their first row.
    key = (col.astype("int64") * len(sessions) + row)[ok]
    ordered = bool(np.all(key[1:] >= key[:-1]))  # without the copies: `Panel.ordered`
    dup = np.zeros(len(typed), dtype=bool)
    if ordered:
        dup[ok] = np.concatenate([[False], key[1:] == key[:-1]])[: len(key)]
    else:
        dup[ok] = pd.Series(key).duplicated(keep="first").to_numpy()
    reason = "duplicate (ticker, date): first valid row kept"
    rejected.append(reject(typed[dup], "duplicate", reason))
    ok &= ~dup

    split = _split_matrix(typed, row, col, ok, (len(sessions), len(tickers)))
    cum_split = np.cumprod(split, axis=0)
    valid = np.flatnonzero(ok)
    grid = Panel(sessions, tickers, row[valid], col[valid], ordered)
    kept, grid, ret, time_rejected = _time_rules(typed, valid, grid, cum_split, rules)
    rejected = _own(pd.concat([r for r in [*rejected, *time_rejected] if len(r)] or rejected[:1]),
                    begin)  # fmt: skip

    own = np.ones(len(sessions), dtype=bool)
    if begin is not None:
        own &= sessions >= begin
    if end is not None:
        own &= sessions <= pd.Timestamp(end)
    close = typed["close"].to_numpy()[kept]
    fill = fill_gaps(grid, close, cum_split, split, own, rules.max_fill_days)
    out = with_fills(typed, kept, ret, grid, fill, own)
    return CleaningResult(out, rejected, missing_table(fill, grid, rejected))


def _time_rules(
    typed: pd.DataFrame,
    valid: np.ndarray,
    grid: Panel,
    cum_split: np.ndarray,
    rules: CleaningRules,
) -> tuple[np.ndarray, Panel, np.ndarray, list[pd.DataFrame]]:
    """(positions of the kept rows in `typed`, their grid, their total return, rejected
    frames) from the positions of the valid rows and their grid."""
    values = {c: typed[c].to_numpy()[valid] for c in
              ("open", "high", "low", "close", "volume", "dividend_amount")}  # fmt: skip
    runs = stale_rows(values, grid)
    stale = runs >= rules.stale_repeats
    reason = [f"open, high, low and close unchanged without volume for {n} sessions in a row"
              for n in runs[stale]]  # fmt: skip
    rejected = [reject(typed.iloc[valid[stale]], "stale", np.array(reason, dtype=object))]
    values = {c: values[c] for c in ("close", "volume", "dividend_amount")}  # OHL no longer
    if stale.any():
        valid, grid = valid[~stale], grid.subset(~stale)
        values = {c: v[~stale] for c, v in values.items()}

    close, present = grid.wide(values["close"]), grid.mask()
    dividend = grid.wide(values["dividend_amount"], fill=0.0)
    found = outliers(close, dividend, cum_split, grid.wide(values["volume"]), present,
                     rules.outlier)  # fmt: skip
    bad = grid.long(found.flagged)
    cells = grid.row[bad], grid.col[bad]
    numbers = [m[cells] for m in (found.ret, found.z, found.volume_z)]
    reason = [
        f"total return {r:+.1%} is {z:+.1f} robust z from the ticker's last "
        f"{rules.outlier.window} sessions on ordinary volume (volume z {v:+.1f}): "
        "probable bad tick"
        for r, z, v in zip(*numbers, strict=True)
    ]
    rejected.append(reject(typed.iloc[valid[bad]], "outlier", np.array(reason, dtype=object)))
    if bad.any():
        valid, grid = valid[~bad], grid.subset(~bad)
    # The returns of the kept cells, against kept closes only.
    ret = found.ret if found.settled else total_returns(close, dividend, cum_split, grid.mask())
    return valid, grid, grid.long(ret), rejected


def _sessions(
    dates: np.ndarray, begin: pd.Timestamp | None, end: dt.date | None
) -> pd.DatetimeIndex:
    """XNYS sessions from the first to the last of the dates and range bounds, clipped to
    the calendar's range."""
    bounds = [pd.Timestamp(d) for d in (dates.min(), dates.max())] if len(dates) else []
    bounds += [b for b in (begin, end and pd.Timestamp(end)) if b is not None]
    if not bounds:
        return pd.DatetimeIndex([], name="date")
    lo = max(min(bounds), pd.Timestamp(_CAL_START))
    hi = min(max(bounds), pd.Timestamp(_CAL_END))
    return trading_sessions(lo.date(), hi.date()) if lo <= hi else pd.DatetimeIndex([])


def _positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value in `index` (-1 if absent), looked up once per distinct value."""
    if values.dtype == TEXT:  # Arrow looks the strings up without a Python object each
        found = pc.index_in(pa.array(values.array), value_set=pa.array(index, pa.large_string()))
        return found.fill_null(-1).to_numpy().astype("int64")
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    found = np.append(index.get_indexer(np.asarray(uniques, dtype=object)), -1)
    return found[codes]  # a missing value's code, -1, takes the appended -1


def _split_matrix(
    typed: pd.DataFrame, row: np.ndarray, col: np.ndarray, ok: np.ndarray, shape: tuple[int, int]
) -> np.ndarray:
    """Each session's split coefficient per ticker (1 without one): the valid row's, else
    any parsed row's of that day (a quarantined split day still splits the price)."""
    coef = typed["split_coefficient"].to_numpy(dtype="float64")
    usable = (row >= 0) & (col >= 0) & np.isfinite(coef) & (coef > 0)
    split = new_grid(shape, 1.0, "float64")
    quarantined, valid = usable & ~ok, usable & ok
    if np.all(coef[quarantined] == 1.0):  # the grid stays all ones: valid 1s change nothing
        valid &= coef != 1.0
    for rows in (quarantined, valid):  # valid rows last: they win
        split[row[rows], col[rows]] = coef[rows]
    return split


def _own(rejected: pd.DataFrame, begin: pd.Timestamp | None) -> pd.DataFrame:
    """The rejected rows of the range: not dated before `begin`, and undated rows once (a
    vendor re-serves an undated row with every fetch; the lookback reads many fetches)."""
    if begin is None or rejected.empty:
        return rejected.reset_index(drop=True)
    dates = _parsed_dates(rejected)
    undated = dates.isna().to_numpy()
    copies = np.zeros(len(rejected), dtype=bool)
    copies[undated] = rejected[undated].astype(str).duplicated().to_numpy()
    return rejected[~((dates < begin).to_numpy() | copies)].reset_index(drop=True)


def _parsed_dates(frame: pd.DataFrame) -> pd.Series:
    if "date" not in frame:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    return pd.to_datetime(frame["date"], errors="coerce", format="mixed")
