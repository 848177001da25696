"""The synthetic market as a market-data source (the offline default)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from finpipe.errors import SourceError
from finpipe.lib.synthetic import SyntheticMarket

__all__ = ["SyntheticSource"]


@dataclass(frozen=True)
class SyntheticSource:
    market: SyntheticMarket
    name: str = "synthetic"

    def universe(self) -> pd.DataFrame:
        return self.market.universe()

    def prices(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> pd.DataFrame:
        unknown = sorted(set(tickers) - set(self.market.tickers))
        if unknown:
            raise SourceError(f"unknown tickers {unknown[:10]}")
        frame = self.market.prices(start, end)
        frame = frame[frame["ticker"].isin(set(tickers))].reset_index(drop=True)
        # The synthetic market pays no dividends; it publishes at the US close (21:00 UTC).
        return frame.assign(
            dividend_amount=0.0,
            vendor=self.name,
            fetched_at=pd.to_datetime(frame["date"]) + pd.Timedelta(hours=21),
        )
