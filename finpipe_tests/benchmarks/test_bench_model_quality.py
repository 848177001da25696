"""Benchmark `model_quality`: out-of-sample rank IC of the model against the oracle IC, and
beside every baseline fitted on the same rows."""

import datetime as dt

import pytest

from finpipe.lib.cleaning import clean_prices
from finpipe.lib.features import build_features
from finpipe.lib.sentiment import daily_sentiment
from finpipe.lib.sources import SyntheticSource
from finpipe.lib.synthetic import MarketConfig, SyntheticMarket
from finpipe_tests.benchmarks.bench import monthly_retrained, report

pytestmark = pytest.mark.bench
START, END, TEST_START = dt.date(2024, 1, 1), dt.date(2025, 8, 29), dt.date(2024, 9, 1)


def test_bench_model_quality():
    market = SyntheticMarket(MarketConfig(n_tickers=50))
    raw = SyntheticSource(market).prices(market.tickers, START, END)
    prices = clean_prices(raw, market.tickers).kept
    news = daily_sentiment(market.headlines(START, END))
    feats = build_features(prices, news, market.macro(START, END), market.universe(), START, END)
    summaries = monthly_retrained(feats, TEST_START.isoformat(), END.isoformat())
    result = summaries.pop("model")
    oracle = market.oracle_ic(TEST_START, END)
    baselines = {f"{name}_rank_ic": round(s["rank_ic"], 4) for name, s in summaries.items()
                 if name != "zero"}  # fmt: skip
    print(f"model rank IC {result['rank_ic']:.4f}; baselines {baselines}")
    report("model_quality", result["rank_ic"], "rank IC", oracle,
           {"ic": result["ic"], "days": result["days"], "tickers": 50,
            "test": f"{TEST_START}..{END}", **baselines})  # fmt: skip
