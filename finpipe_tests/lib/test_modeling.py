import datetime as dt

import pandas as pd

from finpipe.lib.cleaning import clean_prices
from finpipe.lib.features import FEATURE_COLUMNS, build_features, next_day_target
from finpipe.lib.modeling import ModelParams, daily_ic, ic_summary, make_training_set, train
from finpipe.lib.sentiment import daily_sentiment
from finpipe.lib.sources import SyntheticSource
from finpipe.lib.synthetic import MarketConfig, synthetic_market


def _features(market, start, end):
    raw = SyntheticSource(market).prices(market.tickers, start, end)
    prices = clean_prices(raw, market.tickers).kept
    news = daily_sentiment(market.headlines(start, end))
    return build_features(prices, news, market.macro(start, end), market.universe(), start, end)


def test_model_learns_the_planted_signal_out_of_sample():
    market = synthetic_market(MarketConfig(n_tickers=40))
    feats = _features(market, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    cutoff = pd.Timestamp("2024-09-30")
    model = train(make_training_set(feats, cutoff), ModelParams())
    test = feats[feats["date"] > cutoff].copy()
    test["prediction"] = model.predict(test[FEATURE_COLUMNS])
    test["target"] = next_day_target(test)
    summary = ic_summary(daily_ic(test))
    assert summary["rank_ic"] > 0.05
    assert summary["days"] > 50


def test_training_is_reproducible_and_the_cutoff_day_label_is_purged(market):
    feats = _features(market, dt.date(2024, 1, 1), dt.date(2024, 6, 28))
    cutoff = pd.Timestamp("2024-05-31")
    training = make_training_set(feats, cutoff)
    assert training.frame["date"].max() < cutoff  # the cutoff day's label needs a later price
    first = train(training, ModelParams()).get_booster().save_raw()
    second = train(make_training_set(feats, cutoff), ModelParams()).get_booster().save_raw()
    assert first == second


def test_prices_after_the_cutoff_do_not_change_the_training_set(market):
    feats = _features(market, dt.date(2024, 1, 1), dt.date(2024, 6, 28))
    cutoff = pd.Timestamp("2024-05-31")
    changed = feats.copy()
    changed.loc[changed["date"] > cutoff, FEATURE_COLUMNS] = 99.0
    assert (
        make_training_set(feats, cutoff).fingerprint
        == make_training_set(changed, cutoff).fingerprint
    )
