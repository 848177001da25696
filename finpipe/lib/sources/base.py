"""What a market-data source is, and a chain of them that fails over in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import pandas as pd

from finpipe.errors import SourceError

__all__ = ["MarketDataSource", "RAW_PRICE_COLUMNS", "SourceChain"]

# What every source returns: unadjusted prices, the day's corporate actions, provenance.
RAW_PRICE_COLUMNS = [
    "date", "ticker", "open", "high", "low", "close", "volume",
    "dividend_amount", "split_coefficient", "vendor", "fetched_at",
]  # fmt: skip


@runtime_checkable
class MarketDataSource(Protocol):
    """Daily prices for tickers over a date range, or a `SourceError`."""

    name: str

    def universe(self) -> pd.DataFrame:
        """The tickers this source can serve, with name and sector."""
        ...

    def prices(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> pd.DataFrame:
        """Rows for [start, end] in RAW_PRICE_COLUMNS; raises SourceError when it cannot."""
        ...


@dataclass(frozen=True)
class SourceChain:
    """Sources in order of preference: the first that answers serves the request."""

    sources: tuple[MarketDataSource, ...]

    def universe(self) -> pd.DataFrame:
        """The universe of the first source that can list one."""
        failures = []
        for source in self.sources:
            try:
                return source.universe()
            except SourceError as exc:
                failures.append(f"{source.name}: {exc}")
        raise SourceError("no market-data source could list a universe; " + "; ".join(failures))

    def prices(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> pd.DataFrame:
        failures = []
        for source in self.sources:
            try:
                return source.prices(tickers, start, end)
            except SourceError as exc:
                failures.append(f"{source.name}: {exc}")
        shown = ", ".join(list(tickers)[:10]) + (" …" if len(tickers) > 10 else "")
        raise SourceError(
            f"no market-data source could serve {len(tickers)} tickers ({shown}) for "
            f"{start}..{end}; " + "; ".join(failures)
        )
