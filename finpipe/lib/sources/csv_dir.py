"""Folders of vendor CSV files, one `<TICKER>.csv` per ticker, in two layouts:

- `AlphaVantageCsvDirectory`: Alpha Vantage's daily-adjusted export, raw prices,
  `timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient`;
- `OhlcvCsvDirectory`: yfinance's export, `Date,Open,High,Low,Close,Volume` with optional
  `Dividends` and `Stock Splits` (0 means no split).

Rows whose values do not parse are kept: cleaning quarantines them with a reason (a bad
number with its value; a date that does not parse arrives as NaT, and `raw_prices`
quarantines such rows). A file that cannot be read or lacks a column is a `SourceError`,
so the chain can fail over. Sectors come from the S&P 500 constituents reference shipped
with finpipe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from finpipe.errors import SourceError, UnknownTickerError
from finpipe.lib.sources.base import RAW_PRICE_COLUMNS
from finpipe.lib.sources.frames import unadjust_splits

__all__ = ["AlphaVantageCsvDirectory", "OhlcvCsvDirectory", "constituents"]


@lru_cache(maxsize=1)
def constituents() -> pd.DataFrame:
    """Ticker, name and sector of the S&P 500 constituents (reference data)."""
    with resources.files("finpipe").joinpath("data/sp500_constituents.csv").open() as handle:
        frame = pd.read_csv(handle)
    return frame.rename(columns={"Symbol": "ticker", "Name": "name", "Sector": "sector"})


def _read_csv(path: Path, **options) -> pd.DataFrame:
    try:
        return pd.read_csv(path, **options)
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from exc


def _require(frame: pd.DataFrame, columns: Sequence[str], path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceError(f"{path} lacks columns {missing} (found {list(frame.columns)})")


def _optional(
    frame: pd.DataFrame, column: str, default: float, none: float | None = None
) -> pd.Series:
    """An optional event column: absent or blank means `default`, as does the value `none`;
    a cell that does not parse is kept as delivered, for cleaning to quarantine."""
    raw = frame[column] if column in frame else pd.Series(default, index=frame.index)
    number = pd.to_numeric(raw, errors="coerce")
    number = number.mask(number == none, default) if none is not None else number
    return number.where(number.notna() | raw.isna(), raw).fillna(default)


@dataclass(frozen=True)
class _CsvDirectory:
    """What both layouts share: file lookup, universe, range filtering, provenance."""

    root: Path

    def _load(self, path: Path) -> pa.Table | pd.DataFrame:
        """The file as (date, open, …, split_coefficient) rows, dates parsed, any order."""
        raise NotImplementedError

    def _path(self, ticker: str) -> Path:
        return self.root / f"{ticker}.csv"

    def universe(self) -> pd.DataFrame:
        tickers = sorted(p.stem for p in self.root.glob("*.csv"))
        if not tickers:
            raise SourceError(f"{self.root} holds no <TICKER>.csv files")
        ref = constituents().set_index("ticker")
        return pd.DataFrame(
            {
                "ticker": tickers,
                "name": [ref["name"].get(t, t) for t in tickers],
                "sector": [ref["sector"].get(t, "Unknown") for t in tickers],
            }
        )

    def prices(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> pd.DataFrame:
        missing = [t for t in tickers if not self._path(t).exists()]
        if missing:
            present = [t for t in tickers if t not in set(missing)]
            served = self.prices(present, start, end) if present else None
            raise UnknownTickerError(f"no file for {missing[:10]} in {self.root}", missing, served)
        paths = [self._path(t) for t in tickers]
        lo, hi = np.datetime64(start, "ns"), np.datetime64(end, "ns")

        def load(path: Path) -> tuple[pa.Table | pd.DataFrame, np.ndarray]:
            part = self._load(path)
            return part, _rows_in_range(_values(part, "date"), lo, hi)

        # Parsing releases the GIL (pyarrow), so a few threads overlap file reads.
        with ThreadPoolExecutor(max_workers=4) as pool:
            loaded = list(pool.map(load, paths))
        rows = [r for _, r in loaded]
        owner = np.repeat(np.arange(len(paths)), [len(r) for r in rows])  # each row's file
        seconds = np.floor([p.stat().st_mtime for p in paths]).astype("int64") * 10**9
        # Arrow-backed strings (`string[pyarrow]`): cleaning and its schema read them as is.
        names = pd.arrays.ArrowStringArray(pa.array(list(tickers), pa.large_string()).take(owner))
        vendor = pa.repeat(pa.scalar(self.name, pa.large_string()), len(owner))  # type: ignore[attr-defined]
        columns = {
            c: _gather([_values(part, c) for part, _ in loaded], rows) for c in _FILE_COLUMNS
        }
        columns |= {
            "ticker": names,
            "vendor": pd.arrays.ArrowStringArray(vendor),
            "vendor_symbol": names,
            "fetched_at": seconds.astype("datetime64[ns]")[owner],
        }
        return pd.DataFrame({c: columns[c] for c in RAW_PRICE_COLUMNS}, copy=False)


_NUMBERS = RAW_PRICE_COLUMNS[2:9]  # open … split_coefficient, in every layout
_FILE_COLUMNS = ["date", *_NUMBERS]  # what `_load` returns


def _values(part: pa.Table | pd.DataFrame, column: str) -> np.ndarray:
    """A column of a loaded file as numpy (no copy for a typed column without nulls)."""
    if isinstance(part, pa.Table):
        return part.column(column).to_numpy()
    return part[column].to_numpy()


def _rows_in_range(dates: np.ndarray, start: np.datetime64, end: np.datetime64) -> np.ndarray:
    """Positions of the rows of [start, end] and of the undated ones (`raw_prices` quarantines
    them), by date, undated last. numpy on a file's few thousand dates costs less than Arrow
    kernel calls."""
    rows = np.flatnonzero(((dates >= start) & (dates <= end)) | np.isnat(dates))
    return rows[np.argsort(dates[rows], kind="stable")]  # NaT sorts last


def _gather(parts: list[np.ndarray], rows: list[np.ndarray]) -> np.ndarray:
    """The selected rows of every file, end to end, written straight into one array: no
    per-file copy and no second pass to concatenate (a column is object when a file took the
    tolerant path and kept its text)."""
    out = np.empty(sum(len(r) for r in rows), dtype=np.result_type(*parts))
    at = 0
    for values, selected in zip(parts, rows, strict=True):
        out[at : at + len(selected)] = values[selected]
        at += len(selected)
    return out


@dataclass(frozen=True)
class AlphaVantageCsvDirectory(_CsvDirectory):
    name: str = "alphavantage-csv"

    def _load(self, path: Path) -> pa.Table | pd.DataFrame:
        try:  # fast path: every value parses as the layout says
            table = pacsv.read_csv(path, read_options=_ONE_THREAD, convert_options=_AV_TYPES)
        except (pa.ArrowInvalid, OSError):  # a bad cell or column: the tolerant path says which
            frame = _read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
            _require(frame, ["timestamp", *_NUMBERS], path)
            frame = frame.rename(columns={"timestamp": "date"})
            frame["date"] = pd.to_datetime(frame["date"], errors="coerce", format="mixed")
            return frame[["date", *_NUMBERS]]
        return table.rename_columns(["date" if c == "timestamp" else c for c in table.column_names])


_ONE_THREAD = pacsv.ReadOptions(use_threads=False)
_AV_TYPES = pacsv.ConvertOptions(
    column_types={"timestamp": pa.timestamp("ns"), **dict.fromkeys(_NUMBERS, pa.float64())},
    include_columns=["timestamp", *_NUMBERS],
)

_OHLCV = {"Date": "date", "Open": "open", "High": "high", "Low": "low", "Close": "close",
          "Volume": "volume", "Dividends": "dividend_amount", "Stock Splits": "split_coefficient"}  # fmt: skip


@dataclass(frozen=True)
class OhlcvCsvDirectory(_CsvDirectory):
    """yfinance's `history(auto_adjust=False).to_csv()` layout. Its prices and dividends are
    split-adjusted (as Yahoo serves them), so by default they are un-adjusted with the
    file's own `Stock Splits` column, which must then run to the export date; set
    `split_adjusted=False` for files that hold prices as traded. (`auto_adjust=True`
    exports are dividend-adjusted too, which no column lets us undo: do not use them.)"""

    name: str = "ohlcv-csv"
    split_adjusted: bool = True

    def _load(self, path: Path) -> pd.DataFrame:
        frame = _read_csv(path, dtype={"Date": str})
        _require(frame, list(_OHLCV)[:6], path)
        frame = frame.rename(columns=_OHLCV)
        # yfinance writes exchange-local midnights with an offset ("2020-08-31 00:00:00-04:00"):
        # the local date is the first ten characters.
        frame["date"] = pd.to_datetime(frame["date"].str[:10], format="%Y-%m-%d", errors="coerce")
        frame["dividend_amount"] = _optional(frame, "dividend_amount", default=0.0)
        frame["split_coefficient"] = _optional(frame, "split_coefficient", default=1.0, none=0.0)
        if not self.split_adjusted:
            return frame
        events = frame.loc[frame["split_coefficient"] != 1.0]
        return unadjust_splits(frame, events.set_index("date")["split_coefficient"])
