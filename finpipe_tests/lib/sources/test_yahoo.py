"""Yahoo's chart endpoint, replayed: split un-adjustment checked against Alpha Vantage's
independently published raw prices for AAPL around its 4:1 split of 2020-08-31."""

import datetime as dt
from pathlib import Path

import httpx
import pandas as pd
import pytest

from finpipe.errors import SourceError
from finpipe.lib.sources import RAW_PRICE_COLUMNS, SourceChain, YahooSource
from finpipe.lib.sources.frames import PRICE_DTYPES
from finpipe_tests.lib.sources.replay import Replay, recorded

AV = Path(__file__).parents[2] / "data" / "alphavantage_daily_adjusted" / "AAPL.csv"
CHART = recorded("yahoo_chart_AAPL_2020-08.json")
NOT_FOUND = {"chart": {"result": None, "error": {"code": "Not Found",
                                                 "description": "No data found, symbol may be delisted"}}}  # fmt: skip


def _ok(body: bytes | dict = CHART) -> httpx.Response:
    if isinstance(body, dict):
        return httpx.Response(200, json=body)
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


def _source(replay: Replay) -> YahooSource:
    return YahooSource.create(**replay.client_args())


def _chart(stamps: list[int], tz: str | None = None, **quote) -> dict:
    meta = {"symbol": "X"} | ({"exchangeTimezoneName": tz} if tz else {})
    result = {"meta": meta, "timestamp": stamps, "indicators": {"quote": [quote]}}
    return {"chart": {"result": [result], "error": None}}


def test_split_adjusted_chart_is_served_as_traded_with_the_days_split_and_dividend():
    replay = Replay(_ok())
    frame = _source(replay).prices(["AAPL"], dt.date(2020, 8, 3), dt.date(2020, 9, 4))
    assert list(frame.columns) == RAW_PRICE_COLUMNS
    assert frame.dtypes.astype(str).to_dict() == PRICE_DTYPES
    vendor = pd.read_csv(AV, parse_dates=["timestamp"]).set_index("timestamp")
    vendor = vendor.loc[frame["date"]]
    for column in RAW_PRICE_COLUMNS[2:9]:  # open … split_coefficient
        assert frame[column].to_numpy() == pytest.approx(vendor[column].to_numpy(), rel=1e-9)
    day = frame.set_index("date")
    assert day.loc["2020-08-28", "close"] == pytest.approx(499.23)  # Yahoo sends 124.8075
    assert day.loc["2020-08-28", "volume"] == 46907479  # Yahoo sends 4x
    assert day.loc["2020-08-07", "dividend_amount"] == pytest.approx(0.82)  # Yahoo sends 0.205
    assert day.loc["2020-08-31", "split_coefficient"] == 4.0
    assert (frame["vendor"] == "yahoo").all() and (frame["vendor_symbol"] == "AAPL").all()


def test_a_split_after_the_window_is_still_undone_because_the_request_runs_to_now():
    replay = Replay(_ok())
    frame = _source(replay).prices(["AAPL"], dt.date(2020, 8, 24), dt.date(2020, 8, 28))
    assert frame["close"].tolist() == pytest.approx([503.43, 499.3, 506.09, 500.04, 499.23])
    params = replay.requests[0].url.params
    assert int(params["period2"]) >= pd.Timestamp.now(tz="UTC").timestamp()
    assert int(params["period1"]) <= pd.Timestamp("2020-08-24", tz="UTC").timestamp()
    assert params["interval"] == "1d" and params["events"] == "div,splits"


def test_share_classes_are_spelt_the_yahoo_way_and_null_bars_are_not_bars():
    stamps = [1704205800, 1704292200, 1704378600]  # 2024-01-02..04, 09:30 New York
    body = _chart(stamps, open=[362.0, None, 364.0], high=[365.0, None, 366.0],
                  low=[360.0, None, 362.5], close=[363.5, None, None], volume=[1e6, None, 9e5])  # fmt: skip
    replay = Replay(_ok(body))
    frame = _source(replay).prices(["BRK.B"], dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    assert replay.requests[0].url.path == "/v8/finance/chart/BRK-B"
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-02", "2024-01-04"]
    assert frame["ticker"].tolist() == ["BRK.B"] * 2 and set(frame["vendor_symbol"]) == {"BRK-B"}
    assert pd.isna(frame["close"].iloc[1])  # a partial bar is kept: cleaning quarantines it


def test_dates_are_the_exchanges_local_dates():
    midnight_utc = int(pd.Timestamp("2024-01-04 00:00", tz="UTC").timestamp())  # 09:00 in Tokyo
    body = _chart([midnight_utc], "Asia/Tokyo", open=[1.0], high=[1.0], low=[1.0], close=[1.0],
                  volume=[1])  # fmt: skip
    frame = _source(Replay(_ok(body))).prices(["7203.T"], dt.date(2024, 1, 1), dt.date(2024, 1, 9))
    assert frame["date"].tolist() == [pd.Timestamp("2024-01-04")]


def test_unknown_symbol_404_is_a_clear_error():
    replay = Replay(httpx.Response(404, json=NOT_FOUND))
    with pytest.raises(SourceError, match="yahoo does not serve 'NOPE'.*symbol may be delisted"):
        _source(replay).prices(["NOPE"], dt.date(2024, 1, 1), dt.date(2024, 1, 9))
    assert len(replay.requests) == 1  # a 404 is not retried


def test_a_known_symbol_without_sessions_is_an_empty_typed_frame_not_an_error():
    body = {"chart": {"result": [{"meta": {"symbol": "AAPL", "exchangeTimezoneName":
            "America/New_York", "dataGranularity": "1d"}, "indicators": {"quote": [{}],
            "adjclose": [{}]}}], "error": None}}  # fmt: skip
    frame = _source(Replay(_ok(body))).prices(["AAPL"], dt.date(2024, 1, 1), dt.date(2024, 1, 1))
    assert frame.empty and list(frame.columns) == RAW_PRICE_COLUMNS
    assert frame.dtypes.astype(str).to_dict() == PRICE_DTYPES


def test_429_is_retried_after_the_pause_yahoo_asks_for():
    replay = Replay(httpx.Response(429, headers={"Retry-After": "3"}, text="Too Many Requests"),
                    _ok())  # fmt: skip
    frame = _source(replay).prices(["AAPL"], dt.date(2020, 8, 3), dt.date(2020, 8, 7))
    assert len(frame) == 5 and replay.waits == [3.0]


def test_yahoo_down_fails_over_with_provenance(market):
    from finpipe.lib.sources import SyntheticSource

    replay = Replay(*[httpx.Response(503)] * 3)
    chain = SourceChain((YahooSource.create(**replay.client_args(max_retries=2)),
                         SyntheticSource(market)))  # fmt: skip
    frame = chain.prices(list(market.tickers[:2]), dt.date(2024, 3, 1), dt.date(2024, 3, 5))
    assert set(frame["vendor"]) == {"synthetic"}
