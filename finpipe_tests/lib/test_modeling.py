import datetime as dt

import pandas as pd

from finpipe.lib.cleaning import clean_prices
from finpipe.lib.features import FEATURE_COLUMNS, build_features, next_day_target
from finpipe.lib.modeling import (
    MIN_EVAL_DAYS,
    SHORT_WINDOW_TREES,
    ModelParams,
    daily_ic,
    ic_summary,
    make_training_set,
    train,
)
from finpipe.lib.sentiment import daily_sentiment
from finpipe.lib.sources import SyntheticSource
from finpipe.lib.synthetic import MarketConfig, synthetic_market
from finpipe.lib.targets import TARGETS


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


def test_every_target_purges_its_horizon_and_ignores_prices_after_the_cutoff(market):
    feats = _features(market, dt.date(2024, 1, 1), dt.date(2024, 6, 28))
    cutoff = pd.Timestamp("2024-05-31")
    changed = feats.copy()
    changed.loc[changed["date"] > cutoff, FEATURE_COLUMNS] = 0.5  # ret_1d (the labels) too
    sessions = sorted(feats.loc[feats["date"] <= cutoff, "date"].unique())
    for target in TARGETS.values():
        training = make_training_set(feats, cutoff, target)
        # A label of horizon h needs the h sessions after its day, all by the cutoff.
        assert training.frame["date"].max() == sessions[-1 - target.horizon], target.name
        same = make_training_set(changed, cutoff, target)
        assert training.fingerprint == same.fingerprint, target.name
        params = ModelParams(n_estimators=40)
        assert (train(training, params).get_booster().save_raw()
                == train(same, params).get_booster().save_raw()), target.name  # fmt: skip


def test_early_stopping_picks_the_number_of_trees_below_the_ceiling(market):
    feats = _features(market, dt.date(2024, 1, 1), dt.date(2024, 9, 30))
    training = make_training_set(feats, pd.Timestamp("2024-09-30"))
    stopped = train(training, ModelParams(n_estimators=2000))
    assert 1 <= stopped.n_estimators < 2000
    without = train(training, ModelParams(n_estimators=200, early_stopping_rounds=0))
    assert without.n_estimators == 200  # no cap without early stopping
    direction = train(make_training_set(feats, pd.Timestamp("2024-09-30"),
                                        TARGETS["direction_1d"]), ModelParams())  # fmt: skip
    probabilities = direction.predict(training.frame[FEATURE_COLUMNS])
    assert ((probabilities > 0) & (probabilities < 1)).all()


def test_a_window_too_short_to_score_on_gets_a_modest_forest(market):
    feats = _features(market, dt.date(2024, 1, 1), dt.date(2024, 3, 15))
    training = make_training_set(feats, pd.Timestamp("2024-02-23"))
    assert training.frame["date"].nunique() < 4 * MIN_EVAL_DAYS  # nothing left to score on
    assert train(training, ModelParams()).n_estimators == SHORT_WINDOW_TREES
