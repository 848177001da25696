"""FRED, replayed: missing values skipped, values dated the day they became known."""

import datetime as dt

import httpx
import pandas as pd
import pytest

from finpipe.errors import SourceError
from finpipe.lib.sources import (
    MACRO_COLUMNS,
    FredSource,
    ReleaseLag,
    SourceChain,
    SyntheticMacro,
)
from finpipe.lib.sources.frames import MACRO_DTYPES
from finpipe_tests.lib.sources.replay import Replay, recorded

KEY = "abcdef0123456789abcdef0123456789"
UNKNOWN = {"error_code": 400, "error_message": "Bad Request.  The series does not exist."}


def _ok(name: str) -> httpx.Response:
    return httpx.Response(200, content=recorded(name), headers={"content-type": "application/json"})


def _fred(replay: Replay, **options) -> FredSource:
    return FredSource.create(KEY, **replay.client_args(), **options)


def test_daily_series_is_known_the_next_federal_business_day_and_dots_are_skipped():
    replay = Replay(_ok("fred_DGS10_2024-01.json"))
    frame = _fred(replay).observations(["DGS10"], dt.date(2024, 1, 16), dt.date(2024, 1, 19))
    assert list(frame.columns) == MACRO_COLUMNS
    assert frame.dtypes.astype(str).to_dict() == MACRO_DTYPES
    # Friday 01-12 is known on Tuesday 01-16 (Monday was Martin Luther King Day, whose "."
    # is no row); 01-19 is known on 01-22, after the window.
    assert frame["date"].dt.strftime("%m-%d").tolist() == ["01-16", "01-17", "01-18", "01-19"]
    assert frame["observation_date"].dt.strftime("%m-%d").tolist() == [
        "01-12", "01-16", "01-17", "01-18",
    ]  # fmt: skip
    assert frame["value"].tolist() == [3.94, 4.07, 4.10, 4.14]
    assert set(frame["vendor"]) == {"fred"} and set(frame["series"]) == {"DGS10"}
    params = replay.requests[0].url.params
    assert params["series_id"] == "DGS10" and params["file_type"] == "json"
    assert params["api_key"] == KEY and params["observation_start"] < "2024-01-12"


def test_monthly_series_waits_for_its_conservative_release_lag_and_lags_are_configurable():
    window = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    frame = _fred(Replay(_ok("fred_UNRATE_2024-Q1.json"))).observations(["UNRATE"], *window)
    assert frame[["date", "observation_date", "value"]].values.tolist() == [
        [pd.Timestamp("2024-03-14"), pd.Timestamp("2024-02-01"), 3.9]  # 42 days later
    ]
    custom = _fred(Replay(_ok("fred_UNRATE_2024-Q1.json")),
                   release_lags={"UNRATE": ReleaseLag(days=35)})  # fmt: skip
    assert custom.observations(["UNRATE"], *window)["date"].tolist() == [pd.Timestamp("2024-03-07")]
    unknown = _fred(Replay(_ok("fred_UNRATE_2024-Q1.json")), default_lag=ReleaseLag(days=5))
    assert unknown.lag("NEWSERIES") == ReleaseLag(days=5)


def test_unknown_series_is_an_error_naming_it_and_never_the_key():
    replay = Replay(httpx.Response(400, json=UNKNOWN))
    source = _fred(replay)
    with pytest.raises(SourceError, match="fred cannot serve series 'NOPE'.*does not exist") as err:
        source.observations(["NOPE"], dt.date(2024, 1, 2), dt.date(2024, 1, 5))
    assert KEY not in str(err.value) and KEY not in repr(source) and len(replay.requests) == 1


def test_a_key_echoed_in_an_error_body_is_masked():
    echo = {"error_code": 400, "error_message": f"Bad Request.  The value {KEY} is not registered."}
    for answer in [httpx.Response(400, json=echo), httpx.Response(403, text=f"key {KEY} refused")]:
        with pytest.raises(SourceError) as err:
            _fred(Replay(answer)).observations(["DGS10"], dt.date(2024, 1, 2), dt.date(2024, 1, 5))
        assert KEY not in str(err.value) and "***" in str(err.value)


def test_429_then_success():
    replay = Replay(
        httpx.Response(429, headers={"Retry-After": "2"}), _ok("fred_DGS10_2024-01.json")
    )
    frame = _fred(replay).observations(["DGS10"], dt.date(2024, 1, 16), dt.date(2024, 1, 19))
    assert len(frame) == 4 and replay.waits == [2.0]


def test_fred_down_fails_over_to_the_synthetic_series_and_provenance_says_so(market):
    replay = Replay(*[httpx.Response(500)] * 2)
    chain = SourceChain((_fred(replay, max_retries=1), SyntheticMacro(market)))
    frame = chain.observations(["DGS10", "VIXCLS"], dt.date(2024, 3, 4), dt.date(2024, 3, 8))
    assert set(frame["vendor"]) == {"synthetic"} and len(frame) == 10
    assert (frame["date"] == frame["observation_date"]).all()


def test_every_macro_source_down_is_one_error_naming_each(market):
    replay = Replay(*[httpx.Response(500)] * 2)
    chain = SourceChain((_fred(replay, max_retries=1), SyntheticMacro(market)))
    with pytest.raises(SourceError) as err:
        chain.observations(["UNRATE"], dt.date(2024, 3, 4), dt.date(2024, 3, 8))
    message = str(err.value)
    assert message.startswith("no macro source could serve 1 series (UNRATE)")
    assert "fred: fred GET" in message and "HTTP 500" in message
    assert "synthetic: the synthetic market has no macro series ['UNRATE']" in message
    assert "2024-03-04..2024-03-08" in message and KEY not in message


def test_release_lag_counts_federal_business_days_strictly_after_the_observation():
    observed = pd.Series(pd.to_datetime(["2023-10-06", "2024-01-13", "2024-01-16"]))
    known = ReleaseLag(business_days=1).known_on(observed)
    # Columbus Day (bond market shut, stocks open) and a Saturday before MLK Day.
    assert known.dt.strftime("%Y-%m-%d").tolist() == ["2023-10-10", "2024-01-16", "2024-01-17"]
    # 50 days land on Saturday 2023-11-25: known on the next business day.
    assert ReleaseLag(days=50).known_on(observed.head(1)).tolist() == [pd.Timestamp("2023-11-27")]
