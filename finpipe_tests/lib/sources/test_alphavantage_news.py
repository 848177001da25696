"""Alpha Vantage NEWS_SENTIMENT, replayed in the vendor's format."""

import httpx
import pandas as pd
import pytest

from finpipe.errors import SourceError
from finpipe.lib.sources import NEWS_COLUMNS, AlphaVantageNews, RssHeadlines, SourceChain
from finpipe.lib.sources import alphavantage_news as av_news
from finpipe.lib.sources.frames import NEWS_DTYPES
from finpipe_tests.lib.sources.replay import Replay, recorded, recorded_json

KEY = "SECRET-KEY-123"
SINCE, UNTIL = pd.Timestamp("2024-01-02 00:00"), pd.Timestamp("2024-01-03 00:00")
FEED = recorded("alphavantage_news_sentiment_2024-01-02.json")
NOTE = {"Note": "Thank you for using Alpha Vantage! Our standard API call frequency is "
                "5 calls per minute and 500 calls per day."}  # fmt: skip


def _ok(body: bytes | dict = FEED) -> httpx.Response:
    if isinstance(body, dict):
        return httpx.Response(200, json=body)
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


def _news(replay: Replay, **client_args) -> AlphaVantageNews:
    return AlphaVantageNews.create(KEY, **replay.client_args(**client_args))


def test_one_row_per_article_and_requested_ticker_with_its_scores_in_utc():
    replay = Replay(_ok(), _ok())
    frame = _news(replay).headlines(["AAPL", "MSFT"], SINCE, UNTIL)
    assert list(frame.columns) == NEWS_COLUMNS
    assert frame.dtypes.astype(str).to_dict() == NEWS_DTYPES
    rows = frame[["published_at", "ticker", "vendor_sentiment", "relevance"]].values.tolist()
    assert rows == [
        # 09:35:12 and 13:30 in New York (EST, UTC-5) are 14:35:12 and 18:30 UTC.
        [pd.Timestamp("2024-01-02 14:35:12"), "AAPL", -0.312644, 0.862214],
        [pd.Timestamp("2024-01-02 18:30:00"), "AAPL", 0.210456, 0.530121],
        [pd.Timestamp("2024-01-02 18:30:00"), "MSFT", 0.253112, 0.581204],
    ]
    assert frame["story_id"].iloc[0].startswith("https://www.benzinga.com/news/24/01/36435113")
    assert frame["headline"].iloc[0].startswith("Apple Stock Falls As Barclays")
    assert (frame["vendor"] == "alphavantage").all()
    params = [r.url.params for r in replay.requests]
    assert [p["tickers"] for p in params] == ["AAPL", "MSFT"]  # one request per ticker
    assert params[0]["function"] == "NEWS_SENTIMENT" and params[0]["sort"] == "EARLIEST"
    assert params[0]["time_from"] == "20240101T1900" and params[0]["time_to"] == "20240102T1900"
    assert params[0]["limit"] == "1000" and params[0]["apikey"] == KEY


def test_eastern_wall_time_is_converted_with_daylight_saving():
    feed = [{"title": t, "url": f"https://x.test/{t}", "time_published": t,
             "ticker_sentiment": [{"ticker": "AAPL", "relevance_score": "0.5",
                                   "ticker_sentiment_score": "0.1"}]}
            for t in ["20240702T093000", "20241103T013000"]]  # fmt: skip
    published = av_news.parse_feed(feed, "AAPL")["published_at"].tolist()
    # EDT is UTC-4; 01:30 on 2024-11-03 happens twice: the later, standard-time one is taken.
    assert published == [pd.Timestamp("2024-07-02 13:30"), pd.Timestamp("2024-11-03 06:30")]


def test_the_window_is_half_open():
    since, until = pd.Timestamp("2024-01-02 14:35:12"), pd.Timestamp("2024-01-02 18:30")
    frame = _news(Replay(_ok())).headlines(["AAPL"], since, until)
    assert frame["published_at"].tolist() == [until]  # since excluded, until included


def test_no_articles_is_an_empty_result_and_a_throttle_note_is_retried():
    no_news = {"items": "0", "information": "No articles found. Please adjust the time range "
               "or refer to the API documentation https://www.alphavantage.co/documentation#newsapi"}  # fmt: skip
    replay = Replay(_ok(no_news), _ok(NOTE), _ok())
    news = _news(replay)
    empty = news.headlines(["AAPL"], SINCE, UNTIL)
    assert empty.empty and list(empty.columns) == NEWS_COLUMNS
    assert len(news.headlines(["AAPL"], SINCE, UNTIL)) == 2 and len(replay.waits) == 1


def test_invalid_inputs_and_daily_budget_fail_at_once_without_the_key():
    invalid = {"Information": "Invalid inputs. Please refer to the API documentation "
               "https://www.alphavantage.co/documentation#newsapi and try again."}  # fmt: skip
    daily = {"Information": "Thank you for using Alpha Vantage! Our standard API rate limit is "
             "25 requests per day. Please subscribe to any of the premium plans."}  # fmt: skip
    for body in [invalid, daily]:
        replay = Replay(_ok(body))
        with pytest.raises(SourceError, match="could not serve news on 'AAPL'") as err:
            _news(replay).headlines(["AAPL"], SINCE, UNTIL)
        assert body["Information"][:30] in str(err.value) and KEY not in str(err.value)
        assert len(replay.requests) == 1


def test_a_full_page_is_followed_by_the_next(monkeypatch):
    monkeypatch.setattr(av_news, "LIMIT", 2)
    body = recorded_json("alphavantage_news_sentiment_2024-01-02.json")
    first, second = dict(body, feed=body["feed"][:2]), dict(body, feed=body["feed"][1:])
    replay = Replay(_ok(first), _ok(second))
    frame = _news(replay).headlines(["AAPL"], SINCE, UNTIL)
    assert len(frame) == 2 and frame["story_id"].is_unique  # the overlap is deduped
    assert replay.requests[1].url.params["time_from"] == "20240102T1330"


def test_news_vendor_down_fails_over_and_all_down_is_one_error():
    rss_body = httpx.Response(200, content=recorded("yahoo_rss_AAPL.xml"),
                              headers={"content-type": "application/rss+xml"})  # fmt: skip
    av = Replay(*[_ok(NOTE)] * 2)
    rss = Replay(rss_body)
    chain = SourceChain((_news(av, max_retries=1),
                         RssHeadlines.create(name="yahoo-rss", **rss.client_args())))  # fmt: skip
    frame = chain.headlines(["AAPL"], SINCE, UNTIL)
    assert set(frame["vendor"]) == {"yahoo-rss"} and len(frame) == 3

    down = SourceChain((_news(Replay(*[_ok(NOTE)] * 2), max_retries=1),
                        RssHeadlines.create(**Replay(httpx.Response(502)).client_args(max_retries=0))))  # fmt: skip
    with pytest.raises(SourceError) as err:
        down.headlines([f"T{i}" for i in range(12)], SINCE, UNTIL)
    message = str(err.value)
    assert message.startswith("no news source could serve headlines on 12 tickers (T0, T1,")
    assert "T9 …)" in message and "T10" not in message
    assert "alphavantage: " in message and "throttled by the vendor" in message
    assert "rss: " in message and "HTTP 502" in message and KEY not in message
    assert "(2024-01-02 00:00:00, 2024-01-03 00:00:00]" in message
