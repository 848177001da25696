"""Alpha Vantage over HTTP, replayed through httpx's transport in the vendor's own formats."""

import datetime as dt
from pathlib import Path

import httpx
import pandas as pd
import pytest

from finpipe.errors import SourceError
from finpipe.lib.sources import RAW_PRICE_COLUMNS, AlphaVantageCsvDirectory, SourceChain
from finpipe.lib.sources.alphavantage import AlphaVantageSource
from finpipe.lib.sources.http import RateLimit, VendorClient

DATA = Path(__file__).parents[2] / "data" / "alphavantage_daily_adjusted"
D0, D1 = dt.date(2021, 4, 1), dt.date(2021, 4, 21)
KEY = "SECRET-KEY-123"
SESSIONS = 14  # 2021-04-01 to 2021-04-21, Good Friday closed


def _json_body(symbol: str) -> dict:
    rows = pd.read_csv(DATA / f"{symbol}.csv").tail(30)
    names = ["1. open", "2. high", "3. low", "4. close", "5. adjusted close", "6. volume",
             "7. dividend amount", "8. split coefficient"]  # fmt: skip
    columns = [
        "open",
        "high",
        "low",
        "close",
        "adjusted_close",
        "volume",
        "dividend_amount",
        "split_coefficient",
    ]
    series = {
        r["timestamp"]: {n: f"{r[c]}" for n, c in zip(names, columns, strict=True)}
        for _, r in rows.iterrows()
    }
    return {"Meta Data": {"2. Symbol": symbol}, "Time Series (Daily)": series}


def _source(responses: list, calls: list | None = None, **client_args) -> AlphaVantageSource:
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["apikey"] == KEY
        if calls is not None:
            calls.append(request)
        item = queue.pop(0)
        return item(request) if callable(item) else item

    client_args.setdefault("sleep", lambda s: None)
    client_args.setdefault("rate_limit", RateLimit())  # the shared free tier is per process
    return AlphaVantageSource.create(KEY, transport=httpx.MockTransport(handler), **client_args)


def test_json_answer_is_parsed_into_raw_prices_with_provenance():
    source = _source([httpx.Response(200, json=_json_body("MSFT"))])
    frame = source.prices(["MSFT"], D0, D1)
    vendor = pd.read_csv(DATA / "MSFT.csv", parse_dates=["timestamp"]).set_index("timestamp")
    assert len(frame) == SESSIONS and (frame["vendor"] == "alphavantage").all()
    assert list(frame.columns) == RAW_PRICE_COLUMNS and (frame["vendor_symbol"] == "MSFT").all()
    assert frame.set_index("date")["close"].equals(
        vendor.loc[frame["date"], "close"].rename_axis("date")
    )


def test_csv_answer_is_parsed_too():
    text = (DATA / "KO.csv").read_text()
    source = _source(
        [httpx.Response(200, text=text, headers={"content-type": "application/x-download"})]
    )
    source.datatype = "csv"
    assert source.prices(["KO"], D0, D1)["close"].notna().all()


def test_rate_limit_note_and_429_are_retried_with_retry_after():
    waits: list[float] = []
    note = httpx.Response(
        200,
        json={
            "Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute"
        },
    )
    too_many = httpx.Response(429, headers={"Retry-After": "7"})
    source = _source(
        [note, too_many, httpx.Response(200, json=_json_body("KO"))], sleep=waits.append
    )
    assert len(source.prices(["KO"], D0, D1)) == SESSIONS
    assert waits[1] == 7.0 and len(waits) == 2


@pytest.mark.parametrize(
    "notice",
    [
        "Thank you for using Alpha Vantage! This is a premium endpoint. You may subscribe to "
        "any of the premium plans at https://www.alphavantage.co/premium/ to instantly unlock "
        "all premium endpoints",
        "Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day.",
    ],
)
def test_notices_that_a_retry_cannot_fix_fail_at_once_with_the_vendors_words(notice):
    calls: list = []
    with pytest.raises(SourceError, match="without a daily series: Thank you") as err:
        _source([httpx.Response(200, json={"Information": notice})], calls).prices(["KO"], D0, D1)
    assert len(calls) == 1 and notice[:60] in str(err.value)


def test_unknown_symbol_is_a_clear_error_without_the_key():
    body = {
        "Error Message": "Invalid API call. Please retry or visit the documentation for TIME_SERIES_DAILY_ADJUSTED."
    }
    with pytest.raises(SourceError, match="does not know 'NOPE'") as err:
        _source([httpx.Response(200, json=body)]).prices(["NOPE"], D0, D1)
    assert KEY not in str(err.value)


def test_vendor_down_fails_over_to_the_next_source_and_provenance_says_so():
    down = [httpx.Response(503)] * 5
    chain = SourceChain((_source(down, max_retries=4), AlphaVantageCsvDirectory(DATA)))
    frame = chain.prices(["AAPL"], D0, D1)
    assert set(frame["vendor"]) == {"alphavantage-csv"}


def test_every_vendor_down_is_one_error_naming_each_vendor_and_no_secret(tmp_path):
    chain = SourceChain(
        (_source([httpx.Response(500)] * 3, max_retries=2), AlphaVantageCsvDirectory(tmp_path))
    )
    with pytest.raises(SourceError) as err:
        chain.prices(["AAPL", "MSFT"], D0, D1)
    message = str(err.value)
    assert "alphavantage:" in message and "alphavantage-csv:" in message and "HTTP 500" in message
    assert "AAPL, MSFT" in message and "2021-04-01..2021-04-21" in message and KEY not in message


def test_daily_budget_fails_fast_and_minute_budget_waits():
    clock = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    limit = RateLimit(per_minute=2, per_day=3)
    client = VendorClient("v", "https://example.test", rate_limit=limit, sleep=sleep, clock=lambda: clock[0],
                          transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})))  # fmt: skip
    for _ in range(3):
        client.get("/q", {})
    assert waits == [60.0]
    with pytest.raises(SourceError, match="daily request budget of 3"):
        client.get("/q", {})


def test_timeouts_are_retried():
    attempts = []

    def flaky(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) < 3:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, json=_json_body("KO"))

    source = AlphaVantageSource.create(
        KEY, transport=httpx.MockTransport(flaky), sleep=lambda s: None
    )
    assert len(source.prices(["KO"], D0, D1)) == SESSIONS and len(attempts) == 3
