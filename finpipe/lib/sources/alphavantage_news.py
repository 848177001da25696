"""Alpha Vantage `NEWS_SENTIMENT` as a news source, on the shared Alpha Vantage plumbing.

One request per ticker: `tickers=A,B` would ask for articles that mention *all* of them.
Each article gives one row per requested ticker among its `ticker_sentiment` entries, with
that ticker's sentiment score and relevance. `time_published`, `time_from` and `time_to`
are US/Eastern wall time: converted from and to UTC here. In the hour that repeats when
clocks fall back, the later (standard-time) reading is taken, so a headline is never
placed before it was published. A window without news is answered with an `Information`
"No articles found…": an empty result, not an error. Answers hold at most `limit`
articles (oldest first), so a full page is followed by the next one from its last time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import numpy as np
import pandas as pd

from finpipe.errors import SourceError
from finpipe.lib.sources.alphavantage import av_client, av_notice, throttled
from finpipe.lib.sources.frames import NEWS_DTYPES, conform, now_utc, stable_id, utc_naive
from finpipe.lib.sources.http import VendorClient, scrub

__all__ = ["AlphaVantageNews", "parse_feed"]

EASTERN = "America/New_York"
LIMIT = 1000


def _eastern_stamp(moment: pd.Timestamp) -> str:
    return moment.tz_localize("UTC").tz_convert(EASTERN).strftime("%Y%m%dT%H%M")


def _eastern_to_utc(stamps: pd.Series) -> pd.Series:
    local = pd.to_datetime(stamps, format="%Y%m%dT%H%M%S", errors="coerce")
    standard = np.zeros(len(local), dtype=bool)  # False: the standard-time (later) reading
    aware = local.dt.tz_localize(EASTERN, ambiguous=standard, nonexistent="shift_forward")
    return aware.dt.tz_convert("UTC").dt.tz_localize(None)


def parse_feed(feed: list[dict], ticker: str) -> pd.DataFrame:
    """(published_at, headline, story_id, vendor_sentiment, relevance) of the articles whose
    ticker sentiment names `ticker`; published_at in UTC."""
    rows = [
        (article.get("time_published"), article.get("title"),
         article.get("url") or stable_id(article.get("title"), article.get("time_published")),
         mention.get("ticker_sentiment_score"), mention.get("relevance_score"))
        for article in feed
        for mention in article.get("ticker_sentiment") or []
        if mention.get("ticker") == ticker
    ]  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=["published_at", "headline", "story_id", "vendor_sentiment", "relevance"]
    )
    frame["published_at"] = _eastern_to_utc(frame["published_at"])
    for column in ["vendor_sentiment", "relevance"]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


@dataclass
class AlphaVantageNews:
    api_key: str = field(repr=False)
    client: VendorClient
    name: str = "alphavantage"

    @classmethod
    def create(
        cls, api_key: str, transport: httpx.BaseTransport | None = None, **client_args
    ) -> AlphaVantageNews:
        return cls(api_key=api_key, client=av_client(transport, **client_args))

    def _page(self, ticker: str, since: pd.Timestamp, until: pd.Timestamp) -> list[dict]:
        params = {"function": "NEWS_SENTIMENT", "tickers": ticker,
                  "time_from": _eastern_stamp(since), "time_to": _eastern_stamp(until.ceil("min")),
                  "limit": LIMIT, "sort": "EARLIEST", "apikey": self.api_key}  # fmt: skip
        response = self.client.get("/query", params, throttled=throttled)
        try:
            body = response.json()
        except ValueError as exc:
            raise SourceError(f"alphavantage news on {ticker!r} is not JSON") from exc
        if isinstance(body, dict) and isinstance(body.get("feed"), list):
            return body["feed"]
        notice = av_notice(body)
        if notice is not None and "no articles" in notice.lower():
            return []
        detail = notice or (body.get("Error Message") if isinstance(body, dict) else None)
        detail = scrub(str(detail or f"an answer without a feed: {str(body)[:100]}"), params)
        raise SourceError(f"alphavantage could not serve news on {ticker!r}: {detail[:300]}")

    def _ticker(self, ticker: str, since: pd.Timestamp, until: pd.Timestamp) -> pd.DataFrame:
        frames, start = [], since
        while True:
            feed = self._page(ticker, start, until)
            frame = parse_feed(feed, ticker)
            frames.append(frame)
            last = frame["published_at"].max() if len(feed) >= LIMIT else pd.NaT
            if pd.isna(last) or last <= start:
                break
            start = last.floor("min")  # the next page overlaps by a minute; deduped below
        frame = pd.concat(frames, ignore_index=True).drop_duplicates("story_id")
        return frame.assign(ticker=ticker, vendor=self.name, fetched_at=now_utc())

    def headlines(
        self, tickers: Sequence[str], since: pd.Timestamp, until: pd.Timestamp
    ) -> pd.DataFrame:
        since, until = utc_naive(since), utc_naive(until)
        if not tickers:
            return conform(None, NEWS_DTYPES)
        frame = pd.concat([self._ticker(t, since, until) for t in tickers], ignore_index=True)
        in_window = frame["published_at"].gt(since) & frame["published_at"].le(until)
        return conform(frame[in_window].sort_values(["published_at", "ticker"]), NEWS_DTYPES)
