"""Benchmark `model_quality`: out-of-sample rank IC of the model against the oracle IC."""

import datetime as dt

import pandas as pd
import pytest

from finpipe.lib.baselines import BASELINES
from finpipe.lib.cleaning import clean_prices
from finpipe.lib.features import FEATURE_COLUMNS, build_features, next_day_target
from finpipe.lib.modeling import ModelParams, daily_ic, ic_summary, make_training_set, train
from finpipe.lib.sentiment import daily_sentiment
from finpipe.lib.sources import SyntheticSource
from finpipe.lib.synthetic import MarketConfig, SyntheticMarket
from finpipe_tests.benchmarks.bench import report

pytestmark = pytest.mark.bench
START, END, TEST_START = dt.date(2024, 1, 1), dt.date(2025, 8, 29), pd.Timestamp("2024-09-01")


def test_bench_model_quality():
    """Monthly retraining on the trailing year, scored on the following month: the same
    point-in-time discipline as the weekly `trained_model` → `predictions` assets."""
    market = SyntheticMarket(MarketConfig(n_tickers=50))
    raw = SyntheticSource(market).prices(market.tickers, START, END)
    prices = clean_prices(raw, market.tickers).kept
    news = daily_sentiment(market.headlines(START, END))
    feats = build_features(prices, news, market.macro(START, END), market.universe(), START, END)
    feats["target"] = next_day_target(feats)
    scored = {name: [] for name in ("model", *BASELINES)}
    for month_start in pd.date_range(TEST_START, END, freq="MS"):
        cutoff = month_start - pd.Timedelta(days=1)
        window = feats[feats["date"] > cutoff - pd.Timedelta(weeks=52)].drop(columns="target")
        training = make_training_set(window, cutoff)
        model = train(training, ModelParams())
        month = feats[
            (feats["date"] >= month_start) & (feats["date"] < month_start + pd.offsets.MonthBegin())
        ]
        scored["model"].append(month.assign(prediction=model.predict(month[FEATURE_COLUMNS])))
        for name, predict in BASELINES.items():  # fitted on the same rows
            scored[name].append(month.assign(prediction=predict(training.frame, month)))
    summaries = {name: ic_summary(daily_ic(pd.concat(parts))) for name, parts in scored.items()}
    result = summaries["model"]
    oracle = market.oracle_ic(TEST_START.date(), END)
    baselines = {f"{name}_rank_ic": round(summaries[name]["rank_ic"], 4)
                 for name in BASELINES if name != "zero"}  # fmt: skip
    print(f"model rank IC {result['rank_ic']:.4f}; baselines {baselines}")
    report("model_quality", result["rank_ic"], "rank IC", oracle,
           {"ic": result["ic"], "days": result["days"], "tickers": 50,
            "test": f"{TEST_START.date()}..{END}", **baselines})  # fmt: skip
