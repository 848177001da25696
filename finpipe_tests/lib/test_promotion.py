import numpy as np
import pandas as pd

from finpipe.lib.promotion import decide

DAYS = pd.bdate_range("2024-03-01", periods=20)


def _ics(mean: float, seed: int) -> pd.Series:
    return pd.Series(np.random.default_rng(seed).normal(mean, 0.05, len(DAYS)), index=DAYS)


def test_a_clearly_better_challenger_is_promoted_with_its_numbers():
    decision = decide(_ics(0.10, 1), _ics(0.02, 2))
    assert decision.promote and decision.days == 20 and decision.p_value < 0.001
    assert decision.tags()["promotion.decision"] == "promoted"


def test_a_worse_or_merely_equal_challenger_is_not():
    assert not decide(_ics(0.02, 1), _ics(0.10, 2)).promote
    same = _ics(0.05, 3)
    assert not decide(same + 0.001 * np.random.default_rng(4).normal(size=20), same).promote


def test_a_margin_must_be_beaten_too():
    assert not decide(_ics(0.10, 1), _ics(0.02, 2), margin=0.2).promote


def test_no_champion_or_too_few_shared_days():
    assert decide(_ics(0.0, 1), None).promote
    short = decide(_ics(0.1, 1).iloc[:4], _ics(0.0, 2))
    assert not short.promote and "4 shared" in short.reason


def test_a_day_without_a_ranking_counts_as_no_skill():
    constant = pd.Series(np.nan, index=DAYS)  # a model that predicts the same for everyone
    assert decide(_ics(0.05, 1), constant).promote
    assert not decide(constant, _ics(0.05, 1)).promote


def test_on_50_tickers_a_sound_model_beats_a_constant_champion_at_the_default_p():
    import datetime as dt

    from finpipe.lib.features import build_features
    from finpipe.lib.modeling import ModelParams, fit_with_holdout, make_training_set
    from finpipe.lib.sentiment import daily_sentiment
    from finpipe.lib.synthetic import MarketConfig, synthetic_market

    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    market = synthetic_market(MarketConfig(n_tickers=50, fault_rate=0.0))
    prices = market.clean_prices(start, end).assign(vendor="synthetic")
    news = daily_sentiment(market.headlines(start, end).assign(vendor="synthetic"))
    feats = build_features(prices, news, market.macro(start, end), market.universe(), start, end)
    training = make_training_set(feats, pd.Timestamp(end))
    good = fit_with_holdout(training, ModelParams(), validation_days=40)
    constant = fit_with_holdout(training, ModelParams(min_child_weight=1e9), validation_days=40)
    assert constant.daily["rank_ic"].isna().all()  # one prediction for everyone: no ranking
    decision = decide(good.daily["rank_ic"], constant.daily["rank_ic"])
    assert decision.promote, decision.reason
    assert not decide(constant.daily["rank_ic"], good.daily["rank_ic"]).promote
