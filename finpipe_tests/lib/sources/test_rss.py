"""RSS 2.0 and Atom headlines, fetched by VendorClient and parsed by feedparser."""

import httpx
import numpy as np
import pandas as pd
import pytest

from finpipe.errors import ConfigError, SourceError
from finpipe.lib.sources import NEWS_COLUMNS, RssHeadlines
from finpipe.lib.sources.frames import NEWS_DTYPES
from finpipe.lib.sources.yahoo import yahoo_symbol
from finpipe_tests.lib.sources.replay import Replay, recorded

TOKEN = "s3cr3t-token"


def _feed(name: str, kind: str = "application/rss+xml") -> httpx.Response:
    return httpx.Response(200, content=recorded(name), headers={"content-type": kind})


def _rss(replay: Replay, template: str | None = None, **options) -> RssHeadlines:
    template = (
        template
        or "https://feeds.finance.yahoo.com/rss/2.0/headline?s={ticker}&region=US&lang=en-US"
    )
    return RssHeadlines.create(template, **options, **replay.client_args())


def test_rss_items_in_the_half_open_window_with_ids_and_utc_times():
    replay = Replay(_feed("yahoo_rss_AAPL.xml"))
    since, until = pd.Timestamp("2024-01-02 14:35:12"), pd.Timestamp("2024-01-02 21:00")
    frame = _rss(replay).headlines(["AAPL"], since, until)
    assert list(frame.columns) == NEWS_COLUMNS
    assert frame.dtypes.astype(str).to_dict() == NEWS_DTYPES
    # 14:35:12 is `since` (excluded); 13:30 -0500 is 18:30 UTC; 21:00 is `until` (included).
    assert frame["published_at"].tolist() == [pd.Timestamp("2024-01-02 18:30"), until]
    assert frame["headline"].tolist() == [
        "Microsoft closes the gap on Apple", "Apple earnings preview: services in focus",
    ]  # fmt: skip
    assert frame["story_id"].iloc[0] == "0a9d7e21-6c4b-3b1e-8f1d-7f9a4c2d5e60"  # the guid
    assert frame[["vendor_sentiment", "relevance"]].isna().all().all()
    assert (frame["ticker"] == "AAPL").all() and (frame["vendor"] == "rss").all()
    assert str(replay.requests[0].url) == (
        "https://feeds.finance.yahoo.com/rss/2.0/headline?s=AAPL&region=US&lang=en-US"
    )


def test_atom_entries_use_published_else_updated():
    replay = Replay(_feed("atom_feed_MSFT.xml", "application/atom+xml"))
    frame = _rss(replay, "https://news.example.com/feeds/{ticker}", name="example-atom").headlines(
        ["MSFT"], pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")
    )
    assert frame[["published_at", "story_id"]].values.tolist() == [
        [pd.Timestamp("2024-01-02 14:04:05"), "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"],
        [pd.Timestamp("2024-01-02 19:45:00"), "urn:uuid:2c1a9e3f-55d2-4f1b-9e8a-0b7c6d5e4f3a"],
    ]
    assert set(frame["vendor"]) == {"example-atom"} and np.isnan(frame["relevance"]).all()


def test_tickers_can_be_spelt_the_feeds_way():
    replay = Replay(_feed("yahoo_rss_AAPL.xml"))
    _rss(replay, symbol=yahoo_symbol).headlines(
        ["BRK.B"], pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02")
    )
    assert replay.requests[0].url.params["s"] == "BRK-B"


@pytest.mark.parametrize(
    "body",
    [b"<html><body><h1>Will be right back...</h1></body></html>",
     b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</ti"],
)  # fmt: skip
def test_a_malformed_feed_is_an_error_naming_the_ticker_and_the_redacted_url(body):
    replay = Replay(httpx.Response(200, content=body, headers={"content-type": "text/html"}))
    source = _rss(replay, "https://news.example.com/{ticker}.rss?token=" + TOKEN)
    with pytest.raises(SourceError, match="malformed feed for 'AAPL' from https://news") as err:
        source.headlines(["AAPL"], pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02"))
    assert TOKEN not in str(err.value) and "'token': '***'" in str(err.value)
    assert TOKEN not in repr(source)


def test_a_well_formed_feed_without_items_is_no_news_even_mislabelled():
    empty = b"<?xml version='1.0'?><rss version='2.0'><channel><title>AAPL</title></channel></rss>"
    answer = httpx.Response(200, content=empty, headers={"content-type": "text/html"})
    frame = _rss(Replay(answer)).headlines(
        ["AAPL"], pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02")
    )
    assert frame.empty and frame.dtypes.astype(str).to_dict() == NEWS_DTYPES


def test_429_then_success_and_a_template_without_ticker_is_a_config_error():
    replay = Replay(httpx.Response(429, headers={"Retry-After": "1"}), _feed("yahoo_rss_AAPL.xml"))
    frame = _rss(replay).headlines(["AAPL"], pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-03"))
    assert len(frame) == 4 and replay.waits == [1.0]
    with pytest.raises(ConfigError, match="placeholder"):
        RssHeadlines.create("https://feeds.example.com/news.rss")
