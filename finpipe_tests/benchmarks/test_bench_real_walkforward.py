"""Benchmark `real_walkforward`: the model on the real vendor data (12 S&P 500 stocks,
Alpha Vantage CSVs, 2012–2021), retrained monthly and scored out of sample from 2013 on,
beside the best baseline fitted on the same rows. No target: there is no oracle for real
prices, and 12 stocks give a noisy daily IC."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from finpipe.lib.cleaning import clean_prices
from finpipe.lib.features import build_features
from finpipe.lib.sources import AlphaVantageCsvDirectory
from finpipe.lib.sources.csv_dir import constituents
from finpipe_tests.benchmarks.bench import monthly_retrained, report

pytestmark = pytest.mark.bench
DATA = Path(__file__).parents[1] / "data" / "alphavantage_daily_adjusted"
START, END, TEST_START = dt.date(2012, 1, 3), dt.date(2021, 4, 21), dt.date(2013, 1, 1)


def test_bench_real_walkforward():
    tickers = sorted(p.stem for p in DATA.glob("*.csv"))
    raw = AlphaVantageCsvDirectory(DATA).prices(tickers, START, END)
    prices = clean_prices(raw, tickers).kept
    universe = constituents()
    universe = universe[universe["ticker"].isin(tickers)]
    no_news = pd.DataFrame(columns=["date", "ticker", "tone", "headlines"])
    no_macro = pd.DataFrame(columns=["date", "series", "value"])
    feats = build_features(prices, no_news, no_macro, universe, START, END)
    summaries = monthly_retrained(feats, TEST_START.isoformat(), END.isoformat())
    result = summaries.pop("model")
    shown = {f"{name}_rank_ic": round(s["rank_ic"], 4) for name, s in summaries.items()
             if name != "zero"}  # fmt: skip
    best = max(shown.values())
    print(f"real data: model rank IC {result['rank_ic']:.4f} IC {result['ic']:.4f} over "
          f"{result['days']} days; baselines {shown}")  # fmt: skip
    report("real_walkforward", result["rank_ic"], "rank IC", best,
           {"ic": result["ic"], "icir": result["icir"], "hit_rate": result["hit_rate"],
            "days": result["days"], "tickers": len(tickers), "test": f"{TEST_START}..{END}",
            **shown})  # fmt: skip
