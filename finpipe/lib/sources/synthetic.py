"""The synthetic market as market-data, news and macro sources (the offline default)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from finpipe.errors import SourceError, UnknownTickerError
from finpipe.lib.sources.base import RAW_PRICE_COLUMNS
from finpipe.lib.sources.frames import MACRO_DTYPES, NEWS_DTYPES, conform, utc_naive
from finpipe.lib.synthetic import SyntheticMarket

__all__ = ["SyntheticMacro", "SyntheticNews", "SyntheticSource", "with_synthetic_provenance"]

VENDOR = "synthetic"
MACRO_SERIES = ("DGS10", "VIXCLS", "CPI_YOY")


def with_synthetic_provenance(frame: pd.DataFrame) -> pd.DataFrame:
    """Stamp synthetic rows with their vendor; the market publishes at the US close (21:00 UTC)."""
    return frame.assign(
        vendor=VENDOR, fetched_at=pd.to_datetime(frame["date"]) + pd.Timedelta(hours=21)
    )


def _check_known(asked: Sequence[str], known: Sequence[str], noun: str) -> None:
    unknown = sorted(set(asked) - set(known))
    if unknown:
        raise SourceError(f"the synthetic market has no {noun} {unknown[:10]}")


@dataclass(frozen=True)
class SyntheticSource:
    market: SyntheticMarket
    name: str = VENDOR

    def universe(self) -> pd.DataFrame:
        return self.market.universe()

    def prices(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> pd.DataFrame:
        frame = self.market.prices(start, end)
        frame = frame[frame["ticker"].isin(set(tickers))].reset_index(drop=True)
        frame = frame.assign(dividend_amount=0.0, vendor_symbol=frame["ticker"])  # no dividends
        frame = with_synthetic_provenance(frame)[RAW_PRICE_COLUMNS]
        unknown = sorted(set(tickers) - set(self.market.tickers))
        if unknown:
            raise UnknownTickerError(
                f"the synthetic market has no tickers {unknown[:10]}", unknown, frame
            )
        return frame


@dataclass(frozen=True)
class SyntheticNews:
    """The synthetic market's headlines, with a ticker sentiment score and relevance per
    headline as Alpha Vantage's NEWS_SENTIMENT gives them. Tickers outside the synthetic
    market have no news here (an empty answer, as a vendor gives for a quiet ticker), so
    real price sources can run beside it offline."""

    market: SyntheticMarket
    name: str = VENDOR

    def headlines(
        self, tickers: Sequence[str], since: pd.Timestamp, until: pd.Timestamp
    ) -> pd.DataFrame:
        since, until = utc_naive(since), utc_naive(until)
        frame = self.market.headlines(since.date(), until.date())
        keep = frame["ticker"].isin(set(tickers)) & frame["published_at"].gt(since)
        frame = with_synthetic_provenance(frame[keep & frame["published_at"].le(until)])
        return conform(frame, NEWS_DTYPES)


@dataclass(frozen=True)
class SyntheticMacro:
    """The synthetic market's macro series, known the day they are dated (no release lag)."""

    market: SyntheticMarket
    name: str = VENDOR

    def observations(self, series: Sequence[str], start: dt.date, end: dt.date) -> pd.DataFrame:
        _check_known(series, MACRO_SERIES, "macro series")
        frame = self.market.macro(start, end)
        frame = with_synthetic_provenance(frame[frame["series"].isin(set(series))])
        return conform(frame.assign(observation_date=frame["date"]), MACRO_DTYPES)
