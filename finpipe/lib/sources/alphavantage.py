"""Alpha Vantage over HTTP: the plumbing every Alpha Vantage source shares, and
`TIME_SERIES_DAILY_ADJUSTED` (JSON or CSV) as a market-data source.

Alpha Vantage answers problems with HTTP 200 and a JSON note: `Note` (the old per-minute
limit) or an `Information` asking to spread requests out is a throttle, retried by the
client and then failed over; any other `Information` (daily budget spent, premium
endpoint, invalid inputs, demo key) and `Error Message` (unknown symbol) are errors at
once, since retrying cannot help.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import pandas as pd

from finpipe.errors import SourceError, UnknownTickerError
from finpipe.lib.sources.csv_dir import constituents
from finpipe.lib.sources.frames import now_utc, served_per_ticker
from finpipe.lib.sources.http import RateLimit, VendorClient

__all__ = ["FREE_TIER", "AlphaVantageSource", "av_client", "av_notice", "throttled"]

BASE_URL = "https://www.alphavantage.co"
FREE_TIER = RateLimit(per_minute=5, per_day=25)
_PACING = ("call frequency", "sparingly", "per second", "per minute")
_JSON_FIELDS = {"1. open": "open", "2. high": "high", "3. low": "low", "4. close": "close",
                "6. volume": "volume", "7. dividend amount": "dividend_amount",
                "8. split coefficient": "split_coefficient"}  # fmt: skip


def av_client(transport: httpx.BaseTransport | None = None, **client_args) -> VendorClient:
    """The client every Alpha Vantage source uses: free-tier limits unless told otherwise."""
    client_args.setdefault("rate_limit", FREE_TIER)
    return VendorClient("alphavantage", BASE_URL, transport=transport, **client_args)


def av_notice(body: object) -> str | None:
    """The text of a `Note`/`Information` answer (any case), or None for a data answer."""
    if not isinstance(body, dict):
        return None
    notes = [v for k, v in body.items() if k.lower() in ("note", "information")]
    return str(notes[0]) if notes else None


def throttled(response: httpx.Response) -> bool:
    """Did Alpha Vantage ask us to slow down (worth a retry after a pause)?"""
    if "json" not in response.headers.get("content-type", ""):
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    notice = av_notice(body)
    if notice is None:
        return False
    return "Note" in body or any(word in notice.lower() for word in _PACING)


def parse_daily_adjusted(response: httpx.Response, symbol: str) -> pd.DataFrame:
    """Rows (date, open, …, split_coefficient) from a JSON or CSV answer."""
    if "json" in response.headers.get("content-type", ""):
        body = response.json()
        if "Error Message" in body:
            raise UnknownTickerError(
                f"alphavantage does not know {symbol!r}: {body['Error Message'][:200]}", [symbol]
            )
        series = body.get("Time Series (Daily)")
        if not isinstance(series, dict):
            detail = av_notice(body) or f"keys {list(body)[:5]}"
            raise SourceError(
                f"alphavantage answered for {symbol!r} without a daily series: {detail[:300]}"
            )
        frame = pd.DataFrame.from_dict(series, orient="index").rename(columns=_JSON_FIELDS)
        frame = frame[list(_JSON_FIELDS.values())].apply(pd.to_numeric, errors="coerce")
        frame = frame.rename_axis("date").reset_index()
    else:
        frame = pd.read_csv(io.StringIO(response.text)).rename(columns={"timestamp": "date"})
        missing = [c for c in ["date", *_JSON_FIELDS.values()] if c not in frame.columns]
        if missing:
            raise SourceError(f"alphavantage CSV for {symbol!r} lacks columns {missing}")
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
    return frame.sort_values("date").reset_index(drop=True)


@dataclass
class AlphaVantageSource:
    api_key: str = field(repr=False)
    client: VendorClient
    datatype: str = "json"
    name: str = "alphavantage"

    @classmethod
    def create(
        cls, api_key: str, transport: httpx.BaseTransport | None = None, **client_args
    ) -> AlphaVantageSource:
        return cls(api_key=api_key, client=av_client(transport, **client_args))

    def universe(self) -> pd.DataFrame:
        return constituents()[["ticker", "name", "sector"]]

    def prices(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> pd.DataFrame:
        compact = (dt.date.today() - start).days < 100  # `compact` holds the last 100 sessions

        def one(symbol: str) -> pd.DataFrame:
            params = {"function": "TIME_SERIES_DAILY_ADJUSTED", "symbol": symbol,
                      "outputsize": "compact" if compact else "full", "datatype": self.datatype,
                      "apikey": self.api_key}  # fmt: skip
            response = self.client.get("/query", params, throttled=throttled)
            fetched_at = now_utc()
            frame = parse_daily_adjusted(response, symbol)
            in_range = frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))
            return frame[in_range].assign(
                ticker=symbol, vendor=self.name, vendor_symbol=symbol, fetched_at=fetched_at
            )

        return served_per_ticker(tickers, one, self.name)
