import datetime as dt

import numpy as np
import pandas as pd
import pytest

from finpipe.lib.cleaning import clean_prices
from finpipe.lib.features import FEATURE_COLUMNS, REGISTRY, build_features, next_day_target
from finpipe.lib.sentiment import daily_sentiment
from finpipe.lib.sources import SyntheticSource


def _inputs(market, start, end):
    raw = SyntheticSource(market).prices(market.tickers, start, end)
    prices = clean_prices(raw, market.tickers).kept
    return prices, daily_sentiment(market.headlines(start, end)), market.macro(start, end)


@pytest.fixture(scope="module")
def year(market):
    """A year of inputs and the features of its last two months."""
    prices, news, macro = _inputs(market, dt.date(2023, 1, 3), dt.date(2024, 6, 28))
    out = build_features(prices, news, macro, market.universe(), dt.date(2024, 5, 1),
                         dt.date(2024, 6, 28))  # fmt: skip
    return prices, news, macro, out


def test_every_registered_feature_with_one_hot_sectors(year):
    *_, out = year
    assert list(out.columns) == ["date", "ticker", *FEATURE_COLUMNS]
    assert len(FEATURE_COLUMNS) == len(REGISTRY) >= 60
    sectors = out[[c for c in FEATURE_COLUMNS if c.startswith("sector_")]]
    assert (sectors.sum(axis=1) == 1).all()
    assert (out[[c for c in FEATURE_COLUMNS if c.startswith("cal_dow_")]].sum(axis=1) == 1).all()
    assert out.dtypes[FEATURE_COLUMNS].eq("float64").all()
    # A year and a half of history: every price feature is complete; absent macro series are NaN.
    complete = [c for c in FEATURE_COLUMNS if not c.startswith("macro_")]
    assert out[complete].notna().mean().min() > 0.97, out[complete].notna().mean().idxmin()
    assert out[["macro_dgs10", "macro_vixcls", "macro_cpi_yoy"]].notna().all().all()
    assert out[["macro_unrate", "macro_cpiaucsl_chg_60d"]].isna().all().all()


def test_values_are_in_their_ranges(year):
    *_, out = year
    assert out["rsi_14"].between(0, 100).all()
    assert out["dist_52w_high"].le(1e-12).all() and out["dist_52w_low"].ge(-1e-12).all()
    ranks = out[[c for c in FEATURE_COLUMNS if c.startswith("xs_rank_")]]
    assert ranks.min().min() == 0.0 and ranks.max().max() == 1.0
    assert out.groupby("date")["xs_z_vol_20d"].mean().abs().max() < 1e-9
    assert out.groupby("date")["ret_1d_xs"].mean().abs().max() < 1e-12
    assert out["beta_mkt_60"].between(0.2, 2.0).mean() > 0.95
    assert (out["cal_month_end"].groupby(out["date"].dt.to_period("M")).sum() > 0).all()


def test_a_split_and_an_ex_dividend_day_are_not_losses(market):
    prices, news, macro = _inputs(market, dt.date(2024, 1, 1), dt.date(2024, 3, 28))
    ticker, day = prices["ticker"].iloc[0], pd.Timestamp("2024-03-01")
    untouched = build_features(prices, news, macro, market.universe(), day, day)
    after = (prices["ticker"] == ticker) & (prices["date"] >= day)
    on_day = after & (prices["date"] == day)
    split = prices.copy()
    split.loc[after, ["open", "high", "low", "close"]] /= 4
    split.loc[on_day, "split_coefficient"] = 4.0
    paid = split.copy()  # and a dividend of 1.0 that lowers every later price by 1.0
    paid.loc[after, ["open", "high", "low", "close"]] -= 0.25
    paid.loc[on_day, "dividend_amount"] = 0.25
    expected = untouched[untouched["ticker"] == ticker].iloc[0]
    for frame in (split, paid):
        out = build_features(frame, news, macro, market.universe(), day, day)
        row = out[out["ticker"] == ticker].iloc[0]
        for name in ("ret_1d", "ret_5d", "sma_ratio_20", "ema_ratio_10", "rsi_14", "vol_20d"):
            assert row[name] == pytest.approx(expected[name], rel=1e-9, abs=1e-12), name
        assert row["atr_14"] == pytest.approx(expected["atr_14"], rel=0.02)


def test_filled_sessions_and_missing_optional_columns_are_tolerated(market):
    prices, news, macro = _inputs(market, dt.date(2024, 1, 1), dt.date(2024, 3, 28))
    day = pd.Timestamp("2024-03-28")
    prices = prices.drop(columns=["filled"], errors="ignore")  # cleaning may add it
    bare = build_features(prices.drop(columns="dividend_amount"), news, macro,
                          market.universe(), day, day)  # fmt: skip
    assert bare["ret_1d"].notna().all()
    flagged = prices.assign(filled=(prices["date"] == day) & (prices["ticker"] == "SYN001"))
    out = build_features(flagged, news, macro, market.universe(), day, day)
    row = out[out["ticker"] == "SYN001"].iloc[0]
    assert np.isnan(row["ret_1d"]) and np.isnan(row["volume_z_20"])  # no trade of its own
    assert out.loc[out["ticker"] != "SYN001", ["ret_1d", "volume_z_20"]].notna().all().all()
    assert len(build_features(prices, news.iloc[0:0], macro.iloc[0:0], market.universe(), day,
                              day)) == len(out)  # fmt: skip


def test_macro_values_count_from_the_day_they_are_known(market):
    prices, news, _ = _inputs(market, dt.date(2024, 1, 1), dt.date(2024, 3, 28))
    released = pd.DataFrame({
        "date": pd.to_datetime(["2024-02-14", "2024-03-13", "2024-03-13"]),
        "observation_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01"]),
        "series": "UNRATE", "value": [3.7, 3.8, 3.9], "vendor": "fred",
        "fetched_at": pd.Timestamp("2024-03-29"),
    })  # fmt: skip
    out = build_features(prices, news, released, market.universe(), dt.date(2024, 2, 13),
                         dt.date(2024, 3, 28))  # fmt: skip
    level = out.groupby("date")["macro_unrate"].first()
    assert np.isnan(level[pd.Timestamp("2024-02-13")])  # not known yet
    assert level[pd.Timestamp("2024-02-14")] == 3.7 and level[pd.Timestamp("2024-03-12")] == 3.7
    assert level[pd.Timestamp("2024-03-13")] == 3.9  # the newest observation released that day
    assert out["macro_dgs10"].isna().all()  # absent series: NaN, same columns


def test_news_dated_on_a_closed_day_counts_for_the_next_session(market):
    prices, _, macro = _inputs(market, dt.date(2024, 1, 1), dt.date(2024, 3, 28))
    news = pd.DataFrame({"date": pd.to_datetime(["2024-02-17", "2024-02-19", "2024-02-20"]),
                         "ticker": "SYN002", "tone": [1.0, -0.5, 0.5], "headlines": [1, 1, 2]})  # fmt: skip
    out = build_features(prices, news, macro, market.universe(), dt.date(2024, 2, 16),
                         dt.date(2024, 2, 21))  # fmt: skip
    row = out[out["ticker"] == "SYN002"].set_index("date")
    # Saturday and Presidents' Day news reach Tuesday's session together with Tuesday's own.
    assert row.loc["2024-02-16", "news_count"] == 0 and row.loc["2024-02-20", "news_count"] == 4
    assert row.loc["2024-02-20", "news_tone"] == pytest.approx((1.0 - 0.5 + 2 * 0.5) / 4)
    assert row.loc["2024-02-21", "news_tone"] == 0.0


def test_target_is_the_next_session_return_demeaned(market):
    prices, news, macro = _inputs(market, dt.date(2024, 1, 1), dt.date(2024, 3, 28))
    out = build_features(
        prices, news, macro, market.universe(), dt.date(2024, 3, 1), dt.date(2024, 3, 28)
    )
    target = next_day_target(out)
    last = out["date"] == out["date"].max()
    assert target[last].isna().all()
    day, nxt = sorted(out["date"].unique())[-3:-1]
    row = out.index[(out["date"] == day) & (out["ticker"] == out["ticker"].iloc[0])][0]
    next_day = out[out["date"] == nxt]
    expected = next_day.loc[next_day["ticker"] == out.loc[row, "ticker"], "ret_1d"].iloc[0]
    assert target[row] == pytest.approx(expected - next_day["ret_1d"].mean())


def test_empty_inputs_give_an_empty_table_with_every_column(market):
    out = build_features(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), market.universe(),
                         dt.date(2024, 1, 2), dt.date(2024, 1, 2))  # fmt: skip
    assert out.empty and list(out.columns) == ["date", "ticker", *FEATURE_COLUMNS]
