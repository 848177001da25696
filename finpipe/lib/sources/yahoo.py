"""Yahoo Finance's v8 chart endpoint as a market-data source.

Not through the `yfinance` package: it now requires curl_cffi sessions, which cannot be
replayed through an httpx transport in tests; the chart JSON is simple to read here.

`GET /v8/finance/chart/{symbol}?period1&period2&interval=1d&events=div,splits` answers
`{"chart": {"result": [{"meta", "timestamp", "events", "indicators": {"quote": [{"open",
"high", "low", "close", "volume"}]}}], "error": null}}`, nulls marking missing bars.

- Yahoo's OHLC, volume *and dividend amounts* are split-adjusted (not dividend-adjusted);
  finpipe's raw contract is prices as traded with the day's split coefficient and
  dividend. So the adjustment is undone: every row is scaled by the product of the ratios
  (numerator/denominator) of the splits after its date (`frames.unadjust_splits`).
  Yahoo adjusts for every split up to today, so the request always runs to now, else a
  split after the window would go unseen and its adjustment could not be undone.
- Timestamps are session opens; the date is taken in the exchange's time zone
  (`meta.exchangeTimezoneName`, America/New_York when absent).
- An unknown symbol is HTTP 404 `{"chart": {"result": null, "error": {"code": "Not Found",
  "description": "No data found, symbol may be delisted"}}}`: a `SourceError`. A known
  symbol without sessions in the range is a result without `timestamp`: an empty frame.
  429 is retried by `VendorClient`.
- Share classes are spelt with a dash (BRK.B → BRK-B).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pandas as pd

from finpipe.errors import SourceError, UnknownTickerError
from finpipe.lib.sources.csv_dir import constituents
from finpipe.lib.sources.frames import (
    now_utc,
    served_per_ticker,
    unadjust_splits,
)
from finpipe.lib.sources.http import RateLimit, VendorClient

__all__ = ["YAHOO_PACE", "YahooSource", "parse_chart", "yahoo_symbol"]

BASE_URL = "https://query1.finance.yahoo.com"
EXCHANGE_TZ = "America/New_York"
YAHOO_PACE = RateLimit(per_minute=60)  # Yahoo publishes no limit: a polite pace
# Yahoo answers 429 to clients that do not look like a browser.
HEADERS = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) finpipe", "Accept": "application/json"}
_QUOTE = ["open", "high", "low", "close", "volume"]


def yahoo_symbol(ticker: str) -> str:
    return ticker.replace(".", "-")


def _local_dates(stamps: Sequence[int], tz: str) -> pd.Series:
    moments = pd.to_datetime(pd.Series(stamps, dtype="int64"), unit="s", utc=True)
    return moments.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()


def _events(events: object, tz: str, value: Callable[[dict], float]) -> pd.Series:
    """Event values by local date, from Yahoo's {"<unix>": {"date": <unix>, …}} mapping."""
    items = list(events.values()) if isinstance(events, dict) else []
    dates = _local_dates([int(e["date"]) for e in items], tz)
    values = pd.Series([float(value(e)) for e in items], index=dates.values, dtype="float64")
    return values.groupby(level=0).prod() if values.index.has_duplicates else values


def parse_chart(body: object, symbol: str) -> pd.DataFrame:
    """(date, open, …, split_coefficient) as traded, from a chart answer."""
    chart = body.get("chart") if isinstance(body, dict) else None
    if not isinstance(chart, dict):
        raise SourceError(f"yahoo answered for {symbol!r} without a chart")
    results, error = chart.get("result") or [], chart.get("error")
    if error or not results:
        error = error if isinstance(error, dict) else {}
        detail = f"{error.get('code', 'no result')}: {error.get('description', '')}"
        raise UnknownTickerError(f"yahoo does not serve {symbol!r}: {detail}", [symbol])
    result = results[0]
    tz = (result.get("meta") or {}).get("exchangeTimezoneName") or EXCHANGE_TZ
    stamps = result.get("timestamp") or []
    quotes = ((result.get("indicators") or {}).get("quote") or [{}])[0]
    columns = {c: quotes.get(c) or [None] * len(stamps) for c in _QUOTE}
    if any(len(v) != len(stamps) for v in columns.values()):
        raise SourceError(f"yahoo sent quotes and timestamps of unequal lengths for {symbol!r}")
    frame = pd.DataFrame(
        {"date": _local_dates(stamps, tz)}
        | {c: pd.Series(v, dtype="object").astype("float64") for c, v in columns.items()}
    )
    events = result.get("events") or {}
    dividends = _events(events.get("dividends"), tz, lambda e: e["amount"])
    splits = _events(events.get("splits"), tz, lambda e: e["numerator"] / e["denominator"])
    frame["dividend_amount"] = frame["date"].map(dividends).fillna(0.0)
    frame["split_coefficient"] = frame["date"].map(splits).fillna(1.0)
    frame = frame.dropna(subset=_QUOTE[:4], how="all")  # a timestamp without a bar
    return unadjust_splits(frame, splits)


@dataclass
class YahooSource:
    client: VendorClient
    name: str = "yahoo"

    @classmethod
    def create(cls, transport: httpx.BaseTransport | None = None, **client_args) -> YahooSource:
        """A Yahoo source (no API key: the chart endpoint is open)."""
        client_args.setdefault("rate_limit", YAHOO_PACE)
        client_args.setdefault("headers", HEADERS)
        return cls(VendorClient("yahoo", BASE_URL, transport=transport, **client_args))

    def universe(self) -> pd.DataFrame:
        return constituents()[["ticker", "name", "sector"]]

    def _ticker(self, ticker: str, start: dt.date, end: dt.date) -> pd.DataFrame:
        symbol = yahoo_symbol(ticker)
        first = pd.Timestamp(start, tz="UTC") - pd.Timedelta(days=1)  # any exchange's morning
        params = {"period1": int(first.timestamp()),
                  "period2": int(pd.Timestamp.now(tz="UTC").ceil("D").timestamp()) + 86400,
                  "interval": "1d", "events": "div,splits"}  # fmt: skip
        response = self.client.get(f"/v8/finance/chart/{quote(symbol, safe='')}", params,
                                   accept=(404,))  # fmt: skip
        try:
            body = response.json()
        except ValueError as exc:
            raise SourceError(
                f"yahoo answered for {symbol!r} with HTTP {response.status_code}, not JSON"
            ) from exc
        frame = parse_chart(body, symbol)
        frame = frame[frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))]
        return frame.assign(
            ticker=ticker, vendor=self.name, vendor_symbol=symbol, fetched_at=now_utc()
        )

    def prices(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> pd.DataFrame:
        return served_per_ticker(tickers, lambda t: self._ticker(t, start, end), self.name)
