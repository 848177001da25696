"""A folder of vendor CSV files, one per ticker, in Alpha Vantage's daily-adjusted layout:

    timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient

Sectors come from the S&P 500 constituents reference shipped with finpipe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from finpipe.errors import SourceError

__all__ = ["AlphaVantageCsvDirectory", "constituents"]


@lru_cache(maxsize=1)
def constituents() -> pd.DataFrame:
    """Ticker, name and sector of the S&P 500 constituents (reference data)."""
    with resources.files("finpipe").joinpath("data/sp500_constituents.csv").open() as handle:
        frame = pd.read_csv(handle)
    return frame.rename(columns={"Symbol": "ticker", "Name": "name", "Sector": "sector"})


@lru_cache(maxsize=256)
def _read(path: Path, mtime: float) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, engine="pyarrow")
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from exc
    if "timestamp" not in frame.columns:
        raise SourceError(f"{path} has no `timestamp` column (found {list(frame.columns)})")
    frame = frame.rename(columns={"timestamp": "date"})
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
    return frame.sort_values("date", kind="stable").drop(
        columns=["adjusted_close"], errors="ignore"
    )


@dataclass(frozen=True)
class AlphaVantageCsvDirectory:
    root: Path
    name: str = "alphavantage-csv"

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
            raise SourceError(f"no file for {missing[:10]} in {self.root}")
        frames = []
        for ticker in tickers:
            path = self._path(ticker)
            stat = path.stat()
            frame = _read(path, stat.st_mtime)
            in_range = frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))
            # Rows whose date does not parse are kept: cleaning quarantines them with a reason.
            frame = frame[in_range | frame["date"].isna()]
            frames.append(
                frame.assign(
                    ticker=ticker,
                    vendor=self.name,
                    fetched_at=pd.Timestamp(stat.st_mtime, unit="s").floor("s"),
                )
            )
        return pd.concat(frames, ignore_index=True)
