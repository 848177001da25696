import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finpipe.lib.cleaning import clean_prices
from finpipe.lib.schemas import CleanPrices


def _raw(market, start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 8)):
    frame = market.clean_prices(start, end)
    return frame.assign(
        dividend_amount=0.0, vendor="synthetic", fetched_at=pd.to_datetime(frame["date"])
    )


def test_bad_rows_are_quarantined_with_reasons_and_counts_add_up(market):
    raw = _raw(market)
    bad = raw.iloc[[0, 1, 2]].copy()
    bad.iloc[0, bad.columns.get_loc("close")] = -5.0  # negative price
    bad.iloc[1, bad.columns.get_loc("high")] = bad.iloc[1]["low"] / 2  # high < low
    raw = pd.concat(
        [raw.drop(index=[0, 1]), bad.iloc[:2], raw.iloc[[5]]], ignore_index=True
    )  # + duplicate
    result = clean_prices(raw, market.tickers)
    assert len(raw) == len(result.kept) + len(result.rejected)
    reasons = dict(zip(result.rejected["rule"], result.rejected["reason"], strict=True))
    assert "duplicate" in reasons
    assert any("greater_than(0)" in r for r in reasons.values())
    assert any("high >= low" in r for r in reasons.values())
    CleanPrices.validate(result.kept)
    assert not (result.kept["close"] <= 0).any()


def test_unknown_tickers_and_missing_columns_are_rejected_not_dropped(market):
    raw = _raw(market)
    raw.loc[0, "ticker"] = "NOPE"
    result = clean_prices(raw, market.tickers)
    assert result.rejected["rule"].tolist() == ["unknown_ticker"]
    wrong = clean_prices(raw.rename(columns={"close": "Close"}), market.tickers)
    assert wrong.kept.empty and len(wrong.rejected) == len(raw)
    assert "missing columns ['close']" in wrong.rejected["reason"].iloc[0]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
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
    raw = _raw(market).head(60).astype({"volume": "object", "close": "object"})
    raw = raw.astype({c: "object" for c in ["open", "high", "low", "close", "volume"]})
    for row, column, value in corruptions:
        raw.iloc[row, raw.columns.get_loc(column)] = value
    result = clean_prices(raw, market.tickers)
    assert len(result.kept) + len(result.rejected) == len(raw)
    CleanPrices.validate(result.kept)
    assert result.rejected["reason"].str.len().gt(0).all()


KINDS = {
    "nan_close": ("close", np.nan),
    "zero_open": ("open", 0.0),
    "text_volume": ("volume", "lots"),
    "future_date": ("date", pd.Timestamp("2099-01-04")),
    "garbage_date": ("date", "yesterday"),
    "unknown_ticker": ("ticker", "ZZZZ"),
    "duplicate_of_first": (None, None),
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(hits=st.dictionaries(st.integers(1, 59), st.sampled_from(sorted(KINDS)), max_size=15))
def test_fuzzed_bad_rows_are_quarantined_with_their_reason_and_good_rows_kept(market, hits):
    raw = _raw(market).head(60).astype(object)
    for row, kind in hits.items():
        _apply(raw, row, kind)
    result = clean_prices(raw, market.tickers)
    assert len(result.kept) + len(result.rejected) == len(raw)
    assert len(result.kept) == len(raw) - len(hits)  # exactly the corrupted rows are rejected
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
