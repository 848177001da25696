import datetime as dt

import numpy as np
import pandas as pd
import pytest

from finpipe.lib.cleaning import clean_prices
from finpipe.lib.features import FEATURE_COLUMNS, build_features, next_day_target
from finpipe.lib.sentiment import daily_sentiment, headline_tone
from finpipe.lib.sources import SyntheticSource


def _inputs(market, start, end):
    raw = SyntheticSource(market).prices(market.tickers, start, end)
    prices = clean_prices(raw, market.tickers).kept
    return prices, daily_sentiment(market.headlines(start, end)), market.macro(start, end)


def test_at_least_ten_features_and_one_hot_sectors(market):
    prices, news, macro = _inputs(market, dt.date(2024, 1, 1), dt.date(2024, 6, 28))
    out = build_features(
        prices, news, macro, market.universe(), dt.date(2024, 5, 1), dt.date(2024, 6, 28)
    )
    assert len(FEATURE_COLUMNS) >= 10
    sectors = out[[c for c in FEATURE_COLUMNS if c.startswith("sector_")]]
    assert (sectors.sum(axis=1) == 1).all()
    assert out[["ret_1d", "sma_ratio_50", "vol_20d", "news_tone"]].notna().mean().min() > 0.95


def test_features_of_a_day_do_not_depend_on_later_data(market):
    day = dt.date(2024, 5, 15)
    start = dt.date(2024, 1, 2)
    early = build_features(*_inputs(market, start, day), market.universe(), day, day)
    later = build_features(
        *_inputs(market, start, day + dt.timedelta(days=30)), market.universe(), day, day
    )
    pd.testing.assert_frame_equal(early, later)


def test_a_split_does_not_show_up_as_a_return(market):
    prices, news, macro = _inputs(market, dt.date(2024, 1, 1), dt.date(2024, 3, 28))
    ticker, day = prices["ticker"].iloc[0], pd.Timestamp("2024-03-01")
    after = (prices["ticker"] == ticker) & (prices["date"] >= day)
    prices.loc[after, ["open", "high", "low", "close"]] /= 4
    prices.loc[after & (prices["date"] == day), "split_coefficient"] = 4.0
    out = build_features(prices, news, macro, market.universe(), day, day)
    assert abs(out.loc[out["ticker"] == ticker, "ret_1d"].iloc[0]) < 0.2


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


@pytest.mark.parametrize(
    ("text", "sign"),
    [("SYN001 beats on results", 1), ("SYN001 misses badly", -1), ("no loss for SYN001", 1),
     ("SYN001 not strong", -1), ("SYN001 holds meeting", 0)],
)  # fmt: skip
def test_headline_tone_handles_negation(text, sign):
    assert np.sign(headline_tone(text)) == sign
