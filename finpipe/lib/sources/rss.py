"""Headlines from RSS 2.0 or Atom feeds, one feed per ticker, e.g. Yahoo Finance's
`https://feeds.finance.yahoo.com/rss/2.0/headline?s={ticker}&region=US&lang=en-US`.

The body is fetched by `VendorClient` (retries, rate limit, redaction) and handed to
feedparser as a stream, so feedparser never fetches a URL itself (that would bypass all
of it, and the tests' transport). A row per entry: title, story_id from the entry's id
(else its link, else a hash), published (else updated) time in UTC; feeds score no
sentiment (NaN). Entries without a date cannot be placed in (since, until] and are left
out. A malformed feed (feedparser's `bozo`, or no feed at all such as an HTML error page)
without entries is a `SourceError`; a well-formed feed without entries is simply no news.
"""

from __future__ import annotations

import calendar
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import feedparser
import httpx
import numpy as np
import pandas as pd

from finpipe.errors import ConfigError, SourceError
from finpipe.lib.sources.frames import NEWS_DTYPES, conform, now_utc, stable_id, utc_naive
from finpipe.lib.sources.http import RateLimit, VendorClient, scrub, shown

__all__ = ["YAHOO_RSS", "RssHeadlines"]

YAHOO_RSS = "https://feeds.finance.yahoo.com/rss/2.0/headline?s={ticker}&region=US&lang=en-US"
# What feedparser flags but parses anyway: a mislabelled content type or charset.
_NOTICES = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


def _same(ticker: str) -> str:
    return ticker


def parse_entries(entries: list) -> pd.DataFrame:
    """(published_at, headline, story_id) of the dated entries; published_at in UTC."""
    rows = []
    for entry in entries:
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")  # UTC struct_time
        if stamp is None:
            continue
        title, link = entry.get("title", ""), entry.get("link")
        story_id = entry.get("id") or link or stable_id(title, calendar.timegm(stamp))
        rows.append((pd.Timestamp(calendar.timegm(stamp), unit="s"), title, story_id))
    return pd.DataFrame(rows, columns=["published_at", "headline", "story_id"])


@dataclass
class RssHeadlines:
    url_template: str = field(repr=False)  # may hold a token in its query
    client: VendorClient
    name: str = "rss"
    symbol: Callable[[str], str] = _same  # ticker → the feed's spelling (BRK.B → BRK-B)

    @classmethod
    def create(
        cls,
        url_template: str = YAHOO_RSS,
        transport: httpx.BaseTransport | None = None,
        *,
        name: str = "rss",
        symbol: Callable[[str], str] = _same,
        **client_args,
    ) -> RssHeadlines:
        if "{ticker}" not in url_template:
            raise ConfigError(f"RSS URL template needs a {{ticker}} placeholder: {url_template}")
        client_args.setdefault("rate_limit", RateLimit(per_minute=60))
        client = VendorClient(name, "", transport=transport, **client_args)
        return cls(url_template, client, name=name, symbol=symbol)

    def _feed(self, ticker: str) -> pd.DataFrame:
        url = httpx.URL(self.url_template.replace("{ticker}", quote(self.symbol(ticker), safe="")))
        path, params = str(url.copy_with(query=None)), dict(url.params)
        response = self.client.get(path, params)
        kind = response.headers.get("content-type")
        parsed = feedparser.parse(
            io.BytesIO(response.content), response_headers={"content-type": kind} if kind else {}
        )
        bozo = parsed.bozo and not isinstance(parsed.get("bozo_exception"), _NOTICES)
        if not parsed.entries and (bozo or not parsed.version):
            problem = parsed.get("bozo_exception") or "neither RSS nor Atom"
            problem = scrub(str(problem), params)
            raise SourceError(
                f"{self.name}: malformed feed for {ticker!r} from {shown(path, params)}: {problem}"
            )
        return parse_entries(parsed.entries).assign(ticker=ticker, fetched_at=now_utc())

    def headlines(
        self, tickers: Sequence[str], since: pd.Timestamp, until: pd.Timestamp
    ) -> pd.DataFrame:
        since, until = utc_naive(since), utc_naive(until)
        frames = [self._feed(t) for t in tickers]
        frame = pd.concat(frames, ignore_index=True) if frames else None
        if frame is None or frame.empty:
            return conform(None, NEWS_DTYPES)
        frame = frame[frame["published_at"].gt(since) & frame["published_at"].le(until)]
        frame = frame.assign(vendor=self.name, vendor_sentiment=np.nan, relevance=np.nan)
        return conform(frame.sort_values(["published_at", "ticker"]), NEWS_DTYPES)
