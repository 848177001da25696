"""Alpha Vantage over HTTP: `TIME_SERIES_DAILY_ADJUSTED` as JSON or CSV.

Alpha Vantage answers problems with HTTP 200: a `Note` or `Information` body when the
caller is over its rate limit (retried, then the chain fails over) and an
`Error Message` body for an unknown symbol.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import pandas as pd

from finpipe.errors import SourceError
from finpipe.lib.sources.csv_dir import constituents
from finpipe.lib.sources.http import RateLimit, VendorClient

__all__ = ["AlphaVantageSource", "FREE_TIER"]

BASE_URL = "https://www.alphavantage.co"
FREE_TIER = RateLimit(per_minute=5, per_day=25)
_JSON_FIELDS = {"1. open": "open", "2. high": "high", "3. low": "low", "4. close": "close",
                "6. volume": "volume", "7. dividend amount": "dividend_amount",
                "8. split coefficient": "split_coefficient"}  # fmt: skip


def _throttled(response: httpx.Response) -> bool:
    if "json" not in response.headers.get("content-type", ""):
        return False
    body = response.json()
    return isinstance(body, dict) and ("Note" in body or "Information" in body)


def parse_daily_adjusted(response: httpx.Response, symbol: str) -> pd.DataFrame:
    """Rows (date, open, …, split_coefficient) from a JSON or CSV answer."""
    if "json" in response.headers.get("content-type", ""):
        body = response.json()
        if "Error Message" in body:
            raise SourceError(
                f"alphavantage does not know {symbol!r}: {body['Error Message'][:200]}"
            )
        series = body.get("Time Series (Daily)")
        if not isinstance(series, dict):
            raise SourceError(
                f"alphavantage answered for {symbol!r} without a daily series: {list(body)[:5]}"
            )
        frame = pd.DataFrame.from_dict(series, orient="index").rename(columns=_JSON_FIELDS)
        frame = frame[list(_JSON_FIELDS.values())].apply(pd.to_numeric, errors="coerce")
        frame = frame.rename_axis("date").reset_index()
    else:
        frame = pd.read_csv(io.StringIO(response.text)).rename(columns={"timestamp": "date"})
        frame = frame.drop(columns=["adjusted_close"], errors="ignore")
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
        client = VendorClient("alphavantage", BASE_URL, transport=transport,
                              rate_limit=client_args.pop("rate_limit", FREE_TIER), **client_args)  # fmt: skip
        return cls(api_key=api_key, client=client)

    def universe(self) -> pd.DataFrame:
        return constituents()[["ticker", "name", "sector"]]

    def prices(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> pd.DataFrame:
        compact = (dt.date.today() - start).days < 100  # `compact` holds the last 100 sessions
        frames = []
        for symbol in tickers:
            params = {"function": "TIME_SERIES_DAILY_ADJUSTED", "symbol": symbol,
                      "outputsize": "compact" if compact else "full", "datatype": self.datatype,
                      "apikey": self.api_key}  # fmt: skip
            response = self.client.get("/query", params, throttled=_throttled)
            fetched_at = pd.Timestamp.now(tz="UTC").tz_localize(None).floor("s")
            frame = parse_daily_adjusted(response, symbol)
            in_range = frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))
            frames.append(
                frame[in_range].assign(ticker=symbol, vendor=self.name, fetched_at=fetched_at)
            )
        return pd.concat(frames, ignore_index=True)
