"""What a market-data, news or macro source is, and one chain that fails over in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar, runtime_checkable

import pandas as pd

from finpipe.errors import SourceError, UnknownTickerError

__all__ = [
    "MACRO_COLUMNS",
    "NEWS_COLUMNS",
    "RAW_PRICE_COLUMNS",
    "MacroSource",
    "MarketDataSource",
    "NewsSource",
    "SourceChain",
]

# Unadjusted prices, the day's corporate actions, provenance (`vendor_symbol`: the symbol as
# the vendor spells it, e.g. BRK-B on Yahoo for BRK.B).
RAW_PRICE_COLUMNS = [
    "date", "ticker", "open", "high", "low", "close", "volume",
    "dividend_amount", "split_coefficient", "vendor", "vendor_symbol", "fetched_at",
]  # fmt: skip
# Timestamps tz-naive UTC; sentiment and relevance NaN when the vendor gives none;
# `story_id` stable across fetches (vendor id, URL or a hash) so re-fetches dedupe.
NEWS_COLUMNS = [
    "published_at", "ticker", "headline", "story_id",
    "vendor_sentiment", "relevance", "vendor", "fetched_at",
]  # fmt: skip
# `date` is the day the value became known (observation_date + release lag): no look-ahead.
MACRO_COLUMNS = ["date", "observation_date", "series", "value", "vendor", "fetched_at"]


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


@runtime_checkable
class NewsSource(Protocol):
    """Headlines about tickers, or a `SourceError`."""

    name: str

    def headlines(
        self, tickers: Sequence[str], since: pd.Timestamp, until: pd.Timestamp
    ) -> pd.DataFrame:
        """Rows with since < published_at <= until (tz-naive UTC) in NEWS_COLUMNS."""
        ...


@runtime_checkable
class MacroSource(Protocol):
    """Macro series as they became known, or a `SourceError`."""

    name: str

    def observations(self, series: Sequence[str], start: dt.date, end: dt.date) -> pd.DataFrame:
        """Rows with start <= date <= end (the day each value became known) in MACRO_COLUMNS."""
        ...


S = TypeVar("S")
T = TypeVar("T")


def _listed(items: Sequence[str], noun: str) -> str:
    shown = ", ".join(list(items)[:10]) + (" …" if len(items) > 10 else "")
    return f"{len(items)} {noun} ({shown})"


@dataclass(frozen=True)
class SourceChain(Generic[S]):
    """Sources of one kind in order of preference: the first that answers serves the request,
    and its rows say which vendor it was. One chain serves market, news and macro sources."""

    sources: tuple[S, ...]

    @property
    def name(self) -> str:
        return " > ".join(source.name for source in self.sources)  # type: ignore[attr-defined]

    def first(self, call: Callable[[S], T], kind: str, request: str) -> T:
        """`call` on each source in turn until one does not raise `SourceError`; when none
        answers, one error naming every vendor with its failure."""
        failures = []
        for source in self.sources:
            try:
                return call(source)
            except SourceError as exc:
                failures.append(f"{source.name}: {exc}")  # type: ignore[attr-defined]
        reasons = "; ".join(failures) if failures else "none is configured"
        raise SourceError(f"no {kind} source could {request}; {reasons}")

    def universe(self: SourceChain[MarketDataSource]) -> pd.DataFrame:
        """The universe of the first source that can list one."""
        return self.first(lambda s: s.universe(), "market-data", "list a universe")

    def prices(
        self: SourceChain[MarketDataSource], tickers: Sequence[str], start: dt.date, end: dt.date
    ) -> pd.DataFrame:
        """Each ticker from the first source that serves it: a source that does not know some
        tickers serves the rest, and the next source is asked for those only. Tickers no
        source knows are left out and named in `frame.attrs["unserved"]`; when no source
        serves anything, one error names every vendor's failure."""
        remaining, parts, failures = list(tickers), [], []
        for source in self.sources:
            try:
                parts.append(source.prices(remaining, start, end))
                remaining = []
                break
            except UnknownTickerError as exc:
                if exc.served is not None and len(exc.served):
                    parts.append(exc.served)
                remaining = [t for t in remaining if t in set(exc.tickers)]
                failures.append(f"{source.name}: {exc}")  # type: ignore[attr-defined]
            except SourceError as exc:
                failures.append(f"{source.name}: {exc}")  # type: ignore[attr-defined]
        if not parts:
            request = f"serve {_listed(tickers, 'tickers')} for {start}..{end}"
            raise SourceError(f"no market-data source could {request}; " + "; ".join(failures))
        frame = pd.concat(parts, ignore_index=True)
        frame.attrs["unserved"] = remaining
        return frame

    def headlines(
        self: SourceChain[NewsSource],
        tickers: Sequence[str],
        since: pd.Timestamp,
        until: pd.Timestamp,
    ) -> pd.DataFrame:
        request = f"serve headlines on {_listed(tickers, 'tickers')} for ({since}, {until}]"
        return self.first(lambda s: s.headlines(tickers, since, until), "news", request)

    def observations(
        self: SourceChain[MacroSource], series: Sequence[str], start: dt.date, end: dt.date
    ) -> pd.DataFrame:
        request = f"serve {_listed(series, 'series')} known {start}..{end}"
        return self.first(lambda s: s.observations(series, start, end), "macro", request)
