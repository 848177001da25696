"""The synthetic market as a market-data source (the offline default)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from finpipe.errors import SourceError
from finpipe.lib.synthetic import SyntheticMarket

__all__ = ["SyntheticSource", "with_synthetic_provenance"]

VENDOR = "synthetic"


def with_synthetic_provenance(frame: pd.DataFrame) -> pd.DataFrame:
    """Stamp synthetic rows with their vendor; the market publishes at the US close (21:00 UTC)."""
    return frame.assign(
        vendor=VENDOR, fetched_at=pd.to_datetime(frame["date"]) + pd.Timedelta(hours=21)
    )


@dataclass(frozen=True)
class SyntheticSource:
    market: SyntheticMarket
    name: str = VENDOR

    def universe(self) -> pd.DataFrame:
        return self.market.universe()

    def prices(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> pd.DataFrame:
        unknown = sorted(set(tickers) - set(self.market.tickers))
        if unknown:
            raise SourceError(f"unknown tickers {unknown[:10]}")
        frame = self.market.prices(start, end)
        frame = frame[frame["ticker"].isin(set(tickers))].reset_index(drop=True)
        return with_synthetic_provenance(frame.assign(dividend_amount=0.0))  # pays no dividends
