import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finpipe.lib.cleaning import CleaningRules, clean_prices
from finpipe.lib.cleaning_panel import Panel
from finpipe.lib.cleaning_rules import OutlierRule, outliers, stale_rows, total_returns
from finpipe.lib.corporate_actions import adjusted_close
from finpipe.lib.quality_gate import rejected_share_gate
from finpipe.lib.schemas import CleanPrices
from finpipe.lib.sources import AlphaVantageCsvDirectory

VENDOR_DATA = Path(__file__).parents[1] / "data" / "alphavantage_daily_adjusted"
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _raw(market, start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 8)):
    frame = market.clean_prices(start, end)
    return frame.assign(
        dividend_amount=0.0, vendor="synthetic", fetched_at=pd.to_datetime(frame["date"])
    )


def _real(result) -> pd.DataFrame:
    return result.kept[~result.kept["filled"]]


def _row(frame: pd.DataFrame, day: str, ticker: str) -> pd.Series:
    hit = frame[(frame["date"] == pd.Timestamp(day)) & (frame["ticker"] == ticker)]
    assert len(hit) == 1, (day, ticker, len(hit))
    return hit.iloc[0]


def test_bad_rows_are_quarantined_with_reasons_and_counts_add_up(market):
    raw = _raw(market)
    bad = raw.iloc[[0, 1, 2]].copy()
    bad.iloc[0, bad.columns.get_loc("close")] = -5.0  # negative price
    bad.iloc[1, bad.columns.get_loc("high")] = bad.iloc[1]["low"] / 2  # high < low
    raw = pd.concat(
        [raw.drop(index=[0, 1]), bad.iloc[:2], raw.iloc[[5]]], ignore_index=True
    )  # + duplicate
    result = clean_prices(raw, market.tickers)
    assert len(raw) == result.rows_kept + len(result.rejected)
    reasons = dict(zip(result.rejected["rule"], result.rejected["reason"], strict=True))
    assert "duplicate" in reasons
    assert any("greater_than(0)" in r for r in reasons.values())
    assert any("high >= low" in r for r in reasons.values())
    CleanPrices.validate(result.kept)
    assert not (result.kept["close"] <= 0).any()
    # The two quarantined days are forward-filled from the previous close, never dropped.
    assert result.kept["filled"].sum() == 0  # first day of the data: nothing to fill from
    assert set(result.missing["status"]) == {"missing"}


def test_unknown_tickers_and_missing_columns_are_rejected_not_dropped(market):
    raw = _raw(market)
    raw.loc[0, "ticker"] = "NOPE"
    result = clean_prices(raw, market.tickers)
    assert result.rejected["rule"].tolist() == ["unknown_ticker"]
    wrong = clean_prices(raw.rename(columns={"close": "Close"}), market.tickers)
    assert wrong.kept.empty and len(wrong.rejected) == len(raw)
    assert "missing columns ['close']" in wrong.rejected["reason"].iloc[0]


@FUZZ
@given(
    corruptions=st.lists(
        st.tuples(
            st.integers(0, 59),
            st.sampled_from(["open", "high", "low", "close", "volume"]),
            st.sampled_from([np.nan, -1.0, 0.0, 1e9, "x"]),
        ),
        max_size=12,
    )
)
def test_fuzzed_rows_every_input_row_is_kept_or_quarantined(market, corruptions):
    raw = _raw(market).head(60)
    raw = raw.astype({c: "object" for c in ["open", "high", "low", "close", "volume"]})
    for row, column, value in corruptions:
        raw.iloc[row, raw.columns.get_loc(column)] = value
    result = clean_prices(raw, market.tickers)
    assert result.rows_kept + len(result.rejected) == len(raw)
    CleanPrices.validate(result.kept)
    assert result.rejected["reason"].str.len().gt(0).all()


KINDS = {
    "nan_close": ("close", np.nan),
    "zero_open": ("open", 0.0),
    "text_volume": ("volume", "lots"),
    "future_date": ("date", pd.Timestamp("2099-01-04")),
    "garbage_date": ("date", "yesterday"),
    "holiday": ("date", pd.Timestamp("2024-01-15")),  # Martin Luther King Jr. Day
    "unknown_ticker": ("ticker", "ZZZZ"),
    "duplicate_of_first": (None, None),
}


@FUZZ
@given(hits=st.dictionaries(st.integers(1, 59), st.sampled_from(sorted(KINDS)), max_size=15))
def test_fuzzed_bad_rows_are_quarantined_with_their_reason_and_good_rows_kept(market, hits):
    raw = _raw(market).head(60).astype(object)
    for row, kind in hits.items():
        _apply(raw, row, kind)
    result = clean_prices(raw, market.tickers)
    assert result.rows_kept + len(result.rejected) == len(raw)
    assert result.rows_kept == len(raw) - len(hits)  # exactly the corrupted rows are rejected
    assert result.rejected["reason"].str.len().gt(0).all()
    CleanPrices.validate(result.kept)


def _apply(frame: pd.DataFrame, row: int, kind: str) -> None:
    if kind == "duplicate_of_first":
        frame.loc[row] = frame.loc[0].to_numpy()
    else:
        column, value = KINDS[kind]
        frame.loc[row, column] = value


def test_wrong_column_names_quarantine_every_row_with_the_reason(market):
    raw = _raw(market).head(10).rename(columns={"close": "Close", "volume": "vol"})
    result = clean_prices(raw, market.tickers)
    assert result.kept.empty and len(result.rejected) == 10
    assert "missing columns ['close', 'volume']" in result.rejected["reason"].iloc[0]


# --- time rules: history, bad ticks, stale prices, gaps ----------------------------------

HISTORY = (dt.date(2024, 1, 2), dt.date(2024, 4, 30))


def _history(market) -> pd.DataFrame:
    return _raw(market, *HISTORY).assign(vendor_symbol=lambda f: f["ticker"])


def _scale_row(frame: pd.DataFrame, day: str, ticker: str, factor: float, **values) -> None:
    at = (frame["date"] == pd.Timestamp(day)) & (frame["ticker"] == ticker)
    frame.loc[at, ["open", "high", "low", "close"]] *= factor
    for column, value in values.items():
        frame.loc[at, column] = value


def test_a_bad_tick_on_ordinary_volume_is_quarantined_and_the_next_day_kept(market):
    raw = _history(market)
    _scale_row(raw, "2024-03-12", "SYN003", 10.0)  # consistent OHLC: only returns show it
    result = clean_prices(raw, market.tickers)
    bad = result.rejected[result.rejected["rule"] == "outlier"]
    assert bad[["ticker"]].values.tolist() == [["SYN003"]]
    assert pd.Timestamp(bad["date"].iloc[0]) == pd.Timestamp("2024-03-12")
    reason = bad["reason"].iloc[0]
    assert "total return +8" in reason and "robust z" in reason and "volume z" in reason
    # The day after the bad print is ordinary against the last kept close: kept.
    after = _row(result.kept, "2024-03-13", "SYN003")
    assert not after["filled"] and abs(after["total_return"]) < 0.2
    # The bad day is filled from the previous close so features see no gap.
    fill = _row(result.kept, "2024-03-12", "SYN003")
    before = _row(result.kept, "2024-03-11", "SYN003")
    assert fill["filled"] and fill["close"] == fill["open"] == before["close"]
    assert fill["volume"] == 0 and fill["total_return"] == 0


def test_the_same_move_on_a_volume_spike_is_news_and_kept(market):
    raw = _history(market)
    later = (raw["ticker"] == "SYN003") & (raw["date"] >= pd.Timestamp("2024-03-12"))
    raw.loc[later, ["open", "high", "low", "close"]] *= 10  # a move that stays
    news = (raw["date"] == pd.Timestamp("2024-03-12")) & (raw["ticker"] == "SYN003")
    raw.loc[news, "volume"] *= 30
    result = clean_prices(raw, market.tickers)
    assert result.rejected.empty
    assert _row(result.kept, "2024-03-12", "SYN003")["total_return"] > 8
    # The same persistent move on ordinary volume: only its first day is suspect.
    raw.loc[news, "volume"] /= 30
    rejected = clean_prices(raw, market.tickers).rejected
    assert rejected[["ticker", "rule"]].values.tolist() == [["SYN003", "outlier"]]


def test_a_split_is_not_an_outlier_and_total_returns_cross_it(market):
    raw = _history(market)
    later = (raw["ticker"] == "SYN005") & (raw["date"] >= pd.Timestamp("2024-03-12"))
    raw.loc[later, ["open", "high", "low", "close"]] /= 4
    raw.loc[later, "volume"] *= 4
    raw.loc[(raw["ticker"] == "SYN005") & (raw["date"] == pd.Timestamp("2024-03-12")),
            "split_coefficient"] = 4.0  # fmt: skip
    result = clean_prices(raw, market.tickers)
    assert result.rejected.empty
    plain = clean_prices(_history(market), market.tickers).kept
    pd.testing.assert_series_equal(
        result.kept["total_return"], plain["total_return"], check_exact=False, rtol=1e-9
    )


def test_a_quarantined_split_day_is_filled_carrying_the_split(market):
    raw = _history(market)
    later = (raw["ticker"] == "SYN005") & (raw["date"] >= pd.Timestamp("2024-03-12"))
    raw.loc[later, ["open", "high", "low", "close"]] /= 2
    split_day = (raw["ticker"] == "SYN005") & (raw["date"] == pd.Timestamp("2024-03-12"))
    raw.loc[split_day, "split_coefficient"] = 2.0
    raw.loc[split_day, "high"] = raw.loc[split_day, "low"] / 2  # quarantined: high < low
    result = clean_prices(raw, market.tickers)
    assert result.rejected["rule"].tolist() == ["high >= low"]  # no outlier the day after
    fill = _row(result.kept, "2024-03-12", "SYN005")
    before = _row(result.kept, "2024-03-11", "SYN005")
    assert fill["filled"] and fill["split_coefficient"] == 2.0
    assert fill["close"] == pytest.approx(before["close"] / 2)
    # features' convention: close * split / previous close - 1 is 0 through the fill.
    assert fill["close"] * fill["split_coefficient"] / before["close"] - 1 == pytest.approx(0)
    plain = clean_prices(_history(market), market.tickers).kept
    after = _row(result.kept, "2024-03-13", "SYN005")["total_return"]
    real = _row(plain, "2024-03-12", "SYN005")["total_return"]
    following = _row(plain, "2024-03-13", "SYN005")["total_return"]
    assert after == pytest.approx((1 + real) * (1 + following) - 1)


def test_stale_prices_are_quarantined_from_the_third_unchanged_session(market):
    raw = _history(market)
    days = ["2024-03-12", "2024-03-13", "2024-03-14", "2024-03-15"]
    source = _row(raw, "2024-03-11", "SYN007")
    for day in days:
        at = (raw["date"] == pd.Timestamp(day)) & (raw["ticker"] == "SYN007")
        raw.loc[at, ["open", "high", "low", "close"]] = source[["open", "high", "low", "close"]].to_numpy(dtype=float)  # fmt: skip
        raw.loc[at, "volume"] = 0
    result = clean_prices(raw, market.tickers, rules=CleaningRules(stale_repeats=3))
    stale = result.rejected[result.rejected["rule"] == "stale"]
    assert sorted(pd.to_datetime(stale["date"]).dt.strftime("%Y-%m-%d")) == days[2:]
    assert "for 3 sessions in a row" in stale["reason"].iloc[0]
    # The same prices on real volume are a quiet market, not a stale feed.
    for day in days:
        at = (raw["date"] == pd.Timestamp(day)) & (raw["ticker"] == "SYN007")
        raw.loc[at, "volume"] = 1000
    assert clean_prices(raw, market.tickers).rejected.empty


@pytest.mark.parametrize("ordered", [True, False])  # the fast path and the general one
def test_stale_rows_counts_repeats_per_ticker_across_missing_days(ordered):
    sessions = pd.DatetimeIndex(pd.bdate_range("2024-01-02", periods=6))
    grid = Panel(sessions, pd.Index(["A", "B"]), np.array([0, 1, 2, 4, 5, 0, 1]),
                 np.array([0, 0, 0, 0, 0, 1, 1]), ordered)  # fmt: skip
    flat = np.array([5.0, 5, 5, 5, 5, 7, 7])
    prices = {"open": flat, "high": flat, "low": flat, "close": flat,
              "volume": np.array([9.0, 0, 0, 0, 0, 0, 3])}  # fmt: skip
    assert stale_rows(prices, grid).tolist() == [0, 1, 2, 3, 4, 0, 0]


def test_outliers_directly_on_a_grid_judge_only_with_enough_history():
    rng = np.random.default_rng(1)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, (80, 3)), axis=0))
    close[70, 0] *= 10  # bad tick
    close[10, 1] *= 10  # too early: fewer than min_periods returns before it
    volume = np.full(close.shape, 1e6) * np.exp(rng.normal(0, 0.1, close.shape))
    present = np.ones(close.shape, dtype=bool)
    found = outliers(close, np.zeros(close.shape), np.ones(close.shape), volume, present,
                     OutlierRule(min_periods=20))  # fmt: skip
    assert np.argwhere(found.flagged).tolist() == [[70, 0]]
    assert found.z[70, 0] > 100 and abs(found.volume_z[70, 0]) < 2
    # Settled: the returns already skip the flagged cell, as cleaning's kept rows need.
    kept = present & ~found.flagged
    again = total_returns(close, np.zeros(close.shape), np.ones(close.shape), kept)
    assert found.settled and np.allclose(found.ret[kept], again[kept], equal_nan=True)


def test_missing_sessions_are_filled_up_to_the_bound_and_holidays_are_never_missing(market):
    raw = _raw(market, dt.date(2024, 1, 8), dt.date(2024, 1, 26))
    gap = pd.bdate_range("2024-01-16", "2024-01-22")  # five sessions after MLK day
    raw = raw[~((raw["ticker"] == "SYN002") & raw["date"].isin(gap))]
    result = clean_prices(raw, market.tickers, rules=CleaningRules(max_fill_days=3))
    assert result.rows_kept == len(raw)
    missing = result.missing.set_index("date")
    assert set(missing["ticker"]) == {"SYN002"}
    assert pd.Timestamp("2024-01-15") not in missing.index  # exchange holiday
    assert missing["status"].tolist() == ["filled"] * 3 + ["missing"] * 2
    assert (missing["cause"] == "no row from the vendor").all()
    fills = result.kept[result.kept["filled"]]
    last = _row(result.kept, "2024-01-12", "SYN002")
    assert (fills[["open", "high", "low", "close"]] == last["close"]).all().all()
    assert (fills["volume"] == 0).all() and (fills["split_coefficient"] == 1).all()
    assert (fills["vendor"] == last["vendor"]).all()
    assert not result.kept.duplicated(subset=["date", "ticker"]).any()
    CleanPrices.validate(result.kept)


def test_rows_before_start_are_context_only_and_a_day_matches_the_backfill(market):
    raw = _history(market)
    _scale_row(raw, "2024-04-10", "SYN003", 0.1)
    raw = raw[~((raw["ticker"] == "SYN004") & (raw["date"] == pd.Timestamp("2024-04-10")))]
    backfill = clean_prices(raw, market.tickers)
    day = clean_prices(raw[raw["date"] <= pd.Timestamp("2024-04-10")], market.tickers,
                       start=dt.date(2024, 4, 10), end=dt.date(2024, 4, 10))  # fmt: skip
    assert set(day.kept["date"]) == {pd.Timestamp("2024-04-10")}
    assert day.rejected["rule"].tolist() == ["outlier"]
    same = backfill.kept[backfill.kept["date"] == pd.Timestamp("2024-04-10")]
    pd.testing.assert_frame_equal(day.kept, same.reset_index(drop=True))
    assert day.missing[["ticker", "status"]].values.tolist() == [["SYN003", "filled"],
                                                                 ["SYN004", "filled"]]  # fmt: skip


def test_undated_rows_count_once_even_when_the_lookback_reads_them_many_times(market):
    raw = _raw(market).astype(object)
    undated = raw.iloc[[3]].assign(date="n/a")
    raw = pd.concat([raw, undated, undated, undated], ignore_index=True)
    day = dt.date(2024, 3, 8)
    result = clean_prices(raw, market.tickers, start=day, end=day)
    assert result.rejected["rule"].tolist() == ["unparseable"]


def test_vendor_symbol_is_filled_from_the_ticker_until_sources_deliver_it(market):
    raw = _raw(market)
    assert "vendor_symbol" not in raw
    kept = clean_prices(raw, market.tickers).kept
    assert (kept["vendor_symbol"] == kept["ticker"]).all()
    spelled = clean_prices(raw.assign(vendor_symbol="BRK-B"), market.tickers).kept
    assert (spelled["vendor_symbol"] == "BRK-B").all()
    assert isinstance(spelled["vendor_symbol"].dtype, pd.StringDtype)


def test_real_vendor_history_total_returns_match_the_vendor_adjusted_close():
    source = AlphaVantageCsvDirectory(VENDOR_DATA)
    tickers = source.universe()["ticker"].tolist()
    raw = source.prices(tickers, dt.date(2012, 1, 3), dt.date(2021, 4, 30))
    result = clean_prices(raw, tickers)
    kept = _real(result)
    assert result.rejected_share < 0.001  # real splits (AAPL 7:1 and 4:1) are not outliers
    assert set(result.rejected["rule"]) <= {"outlier"}
    index = np.log1p(kept["total_return"].fillna(0.0)).groupby(kept["ticker"]).cumsum()
    drift = np.log(adjusted_close(kept)) - index
    assert (drift.groupby(kept["ticker"]).agg(np.ptp) < 1e-9).all()


def test_rejected_share_gate_needs_evidence_beyond_noise():
    assert rejected_share_gate(1, 50, 0.01, 0.99).passed  # one bad row of a 50-ticker day
    assert not rejected_share_gate(4, 50, 0.01, 0.99).passed
    assert rejected_share_gate(11, 500, 0.01, 0.99).passed
    assert not rejected_share_gate(12, 500, 0.01, 0.99).passed
    big = rejected_share_gate(1300, 126_000, 0.01, 0.99)
    assert big.passed and big.blocking_count == 1344  # large batches block just above 1%
    assert rejected_share_gate(0, 0, 0.01, 0.99).passed


TIME_KINDS = ["bad_tick", "stale_run", "drop", "negative_close", "duplicate"]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    hits=st.dictionaries(
        st.tuples(st.integers(30, 80), st.integers(0, 11)),
        st.sampled_from(TIME_KINDS),
        max_size=10,
    )  # fmt: skip
)
def test_fuzzed_time_faults_every_row_is_kept_or_quarantined_and_days_match_the_backfill(
    market, hits
):
    raw = _history(market)
    sessions = sorted(raw["date"].unique())
    keep = np.ones(len(raw), dtype=bool)
    extra = []
    for (day, ticker), kind in hits.items():
        at = np.flatnonzero(
            (raw["date"] == sessions[day]) & (raw["ticker"] == market.tickers[ticker])
        )
        if kind == "bad_tick":  # on ordinary volume: the ticker's median
            raw.loc[at, ["open", "high", "low", "close"]] *= 10
            raw.loc[at, "volume"] = raw.loc[
                raw["ticker"] == market.tickers[ticker], "volume"
            ].median()
        elif kind == "stale_run":  # three sessions repeating the previous one, no volume
            prev = (raw["date"] == sessions[day - 1]) & (raw["ticker"] == market.tickers[ticker])
            for later in range(day, min(day + 3, len(sessions))):
                row = (raw["date"] == sessions[later]) & (raw["ticker"] == market.tickers[ticker])
                raw.loc[row, ["open", "high", "low", "close"]] = raw.loc[prev, ["open", "high", "low", "close"]].to_numpy()  # fmt: skip
                raw.loc[row, "volume"] = 0
        elif kind == "drop":
            keep[at] = False
        elif kind == "negative_close":
            raw.loc[at, "close"] *= -1
        else:
            extra.append(raw.iloc[at])
    raw = pd.concat([raw[keep], *extra], ignore_index=True)
    result = clean_prices(raw, market.tickers)
    assert result.rows_kept + len(result.rejected) == len(raw)
    CleanPrices.validate(result.kept)
    assert result.rejected["reason"].str.len().gt(0).all()
    real = set(zip(_real(result)["date"], _real(result)["ticker"], strict=True))
    fills = result.kept[result.kept["filled"]]
    assert not any(key in real for key in zip(fills["date"], fills["ticker"], strict=True))
    # A lone bad tick (nothing else wrong with the ticker around it) is always caught.
    for (day, ticker), kind in hits.items():
        near = [k for (d, t), k in hits.items() if t == ticker and abs(d - day) <= 3]
        if kind == "bad_tick" and near == ["bad_tick"]:
            assert (sessions[day], market.tickers[ticker]) not in real
    # A daily run with its lookback gives the backfill's verdict for its day.
    day = sessions[-1]
    daily = clean_prices(raw, market.tickers, start=day.date(), end=day.date())
    same = result.kept[result.kept["date"] == day].reset_index(drop=True)
    pd.testing.assert_frame_equal(daily.kept, same)
    assert len(daily.rejected) == int((pd.to_datetime(result.rejected["date"]) == day).sum())


def test_nothing_loaded_gives_a_typed_empty_frame_and_every_session_missing(market):
    for raw in (pd.DataFrame(), pd.DataFrame({"Close": [1.0]})):
        day = clean_prices(
            raw, market.tickers, start=dt.date(2024, 1, 16), end=dt.date(2024, 1, 16)
        )
        CleanPrices.validate(day.kept)
        assert day.kept.empty and len(day.rejected) == len(raw)
        assert (day.missing["status"] == "missing").sum() == len(market.tickers)
        holiday = dt.date(2024, 1, 15)
        assert clean_prices(raw, market.tickers, start=holiday, end=holiday).missing.empty
