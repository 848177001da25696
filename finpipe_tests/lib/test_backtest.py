import numpy as np
import pandas as pd
import pytest

from finpipe.lib.backtest import BacktestParams, equity_png, performance, run_backtest

DAYS = pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"])
TICKERS = ["A", "B", "C", "D"]


def _long(values: np.ndarray, name: str) -> pd.DataFrame:
    frame = pd.DataFrame(values, index=DAYS, columns=TICKERS)
    return frame.rename_axis(index="date", columns="ticker").stack().rename(name).reset_index()


def test_long_short_returns_costs_and_benchmark_by_hand():
    fwd = pd.DataFrame(
        [[0.02, 0.01, -0.01, -0.03], [0.00, 0.01, 0.02, -0.01], [np.nan] * 4],
        index=DAYS, columns=TICKERS,
    )  # fmt: skip
    scores = np.array([[4, 3, 2, 1], [1, 2, 3, 4], [1, 2, 3, 4]], dtype=float)
    daily = run_backtest(_long(scores, "prediction"), fwd, BacktestParams(top_k=1, cost_bps=10))
    assert len(daily) == 2  # the last day has no outcome yet
    # Day 1: long A (+2%), short D (-3%) → +5%; book built from nothing: turnover 2.
    # Day 2: long D (-1%), short A (0%) → -1%; A and D flip sides: turnover 4.
    assert daily["gross"].tolist() == pytest.approx([0.05, -0.01])
    assert daily["turnover"].tolist() == pytest.approx([2.0, 4.0])
    assert daily["net"].tolist() == pytest.approx([0.05 - 0.002, -0.01 - 0.004])
    # Equal-weight buy-and-hold: day 1 mean -0.25%; day 2 from the drifted values.
    held = np.array([1.02, 1.01, 0.99, 0.97])
    day2 = (held * np.array([1.00, 1.01, 1.02, 0.99])).mean() / held.mean() - 1
    assert daily["benchmark"].tolist() == pytest.approx([-0.0025, day2])

    stats = performance(daily)
    assert stats["max_drawdown"] == pytest.approx(-0.014)
    assert stats["mean_turnover"] == pytest.approx(3.0)
    assert equity_png(daily, "test")[:8] == b"\x89PNG\r\n\x1a\n"


def test_perfect_foresight_beats_its_costs_and_the_benchmark():
    rng = np.random.default_rng(0)
    days = pd.bdate_range("2024-01-01", periods=120)
    fwd = pd.DataFrame(rng.normal(0, 0.02, (120, 20)), index=days,
                       columns=[f"T{i}" for i in range(20)])  # fmt: skip
    preds = fwd.rename_axis(index="date", columns="ticker").stack().rename("prediction")
    daily = run_backtest(preds.reset_index(), fwd, BacktestParams(top_k=3, cost_bps=5))
    stats = performance(daily)
    assert stats["sharpe"] > 10 and stats["information_ratio"] > 10
    assert stats["max_drawdown"] > -0.05
