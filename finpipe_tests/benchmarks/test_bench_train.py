"""Benchmark `train`: the purged walk-forward of the weekly training asset on 500 tickers ×
5 years of full features, beside one plain XGBoost fit on the same rows."""

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from finpipe.lib.features import build_features
from finpipe.lib.modeling import ModelParams, make_training_set, train
from finpipe.lib.sentiment import daily_sentiment
from finpipe.lib.synthetic import MarketConfig, SyntheticMarket
from finpipe.lib.walkforward import walk_forward
from finpipe_tests.benchmarks.bench import best_of, report

pytestmark = pytest.mark.bench
N_TICKERS, START, END = 500, dt.date(2021, 1, 4), dt.date(2025, 12, 31)
FOLDS, FOLD_DAYS = 5, 60


def test_bench_train():
    market = SyntheticMarket(
        MarketConfig(n_tickers=N_TICKERS, fault_rate=0.0, start=START, end=END)
    )
    prices = market.clean_prices(START, END).assign(vendor="synthetic")
    news = daily_sentiment(market.headlines(START, END))
    feats = build_features(prices, news, market.macro(START, END), market.universe(), START, END)
    training = make_training_set(feats, pd.Timestamp(END))
    params = ModelParams()
    folds = []
    seconds = best_of(
        lambda: folds.append(walk_forward(training, params, FOLDS, FOLD_DAYS)), repeat=1
    )
    result = folds[-1]
    # One plain fit: no early-stopping probe, as many trees as the last fold chose.
    plain = replace(params, early_stopping_rounds=0, n_estimators=int(result["trees"].iloc[-1]))
    baseline = best_of(lambda: train(training, plain), repeat=1)
    report("train", seconds, "s", baseline,
           {"tickers": N_TICKERS, "rows": len(training.frame), "folds": FOLDS,
            "fold_days": FOLD_DAYS, "plain_fit_trees": plain.n_estimators,
            "cv_rank_ic": float(result["rank_ic"].mean()),
            "cv_ridge_rank_ic": float(result["ridge_rank_ic"].mean())})  # fmt: skip
    assert len(result) == FOLDS
