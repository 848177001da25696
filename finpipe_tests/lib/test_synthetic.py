import datetime as dt

import numpy as np
import pandas as pd

from finpipe.lib.synthetic import MarketConfig, SyntheticMarket

D0, D1 = dt.date(2024, 1, 1), dt.date(2024, 6, 28)


def test_same_seed_same_data_and_horizon_does_not_change_the_past():
    short = SyntheticMarket(MarketConfig(n_tickers=8, end=dt.date(2025, 1, 31)))
    long = SyntheticMarket(MarketConfig(n_tickers=8, end=dt.date(2027, 12, 31)))
    pd.testing.assert_frame_equal(short.prices(D0, D1), long.prices(D0, D1))
    pd.testing.assert_frame_equal(short.headlines(D0, D0), long.headlines(D0, D0))
    other_seed = SyntheticMarket(MarketConfig(n_tickers=8, seed=8, end=dt.date(2025, 1, 31)))
    assert not np.allclose(other_seed.prices(D0, D1)["close"], short.prices(D0, D1)["close"])


def test_oracle_ic_is_positive_and_weakens_after_the_regime_shift(market):
    before = market.oracle_ic(dt.date(2024, 1, 1), dt.date(2024, 8, 30))
    after = market.oracle_ic(dt.date(2024, 9, 3), dt.date(2025, 6, 30))
    assert 0.1 < before < 0.5
    assert 0 < after < before


def test_regime_shift_raises_volatility(market):
    ret = market.returns
    shift = market.sessions.searchsorted(pd.Timestamp("2024-09-02"))
    assert ret[shift:].std() > 1.4 * ret[:shift].std()


def test_raw_prices_carry_faults_and_splits():
    market = SyntheticMarket(MarketConfig(n_tickers=50, fault_rate=0.01))
    raw = market.prices(dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    assert raw.duplicated(["date", "ticker"]).any()
    assert (raw["close"] <= 0).any()
    assert (raw["high"] < raw["low"]).any()
    assert ((raw["close"] > raw["high"]) & (raw["high"] >= raw["low"]) & (raw["close"] > 0)).any()
    expected_rows = (
        len(market.sessions[market._rows(dt.date(2023, 1, 1), dt.date(2025, 12, 31))]) * 50
    )
    assert len(raw.drop_duplicates(["date", "ticker"])) < expected_rows  # missing rows
    assert (raw["split_coefficient"] > 1).sum() >= 1


def test_headline_tone_carries_the_planted_tone(market):
    from finpipe.lib.sentiment import daily_sentiment

    news = daily_sentiment(market.headlines(D0, D1))
    rows = market._rows(D0, D1)
    truth = pd.DataFrame(market.tone[rows], index=market.sessions[rows], columns=market.tickers)
    truth = truth.stack().rename("truth").rename_axis(["date", "ticker"]).reset_index()
    joined = news.merge(truth, on=["date", "ticker"])
    assert joined["tone"].corr(joined["truth"]) > 0.5
