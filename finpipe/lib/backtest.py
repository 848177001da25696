"""A cost-aware long/short backtest of daily predictions.

Each day: long the `top_k` highest predictions and short the `top_k` lowest, equally
weighted (each side sums to 1), held from that close to the next. Rebalancing costs
`cost_bps` basis points per unit of weight traded (turnover = sum of |weight changes|).
The benchmark is an equal-weight buy-and-hold of every ticker from the first day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from finpipe.lib.plots import figure, png

__all__ = ["BacktestParams", "equity_png", "performance", "run_backtest"]

TRADING_DAYS = 252


@dataclass(frozen=True)
class BacktestParams:
    top_k: int = 5
    cost_bps: float = 5.0


def _weights(scores: pd.DataFrame, top_k: int) -> pd.DataFrame:
    """+1/k for the k best, -1/k for the k worst scores of each day (0 elsewhere)."""
    ranks = scores.rank(axis=1, method="first")
    count = scores.notna().sum(axis=1)
    k = np.minimum(top_k, count // 2).to_numpy()[:, None]
    long = ranks.to_numpy() > (count.to_numpy()[:, None] - k)
    short = ranks.to_numpy() <= k
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.where(long, 1.0 / k, 0.0) - np.where(short, 1.0 / k, 0.0)
    return pd.DataFrame(np.nan_to_num(weights), index=scores.index, columns=scores.columns)


def run_backtest(
    predictions: pd.DataFrame, outcomes: pd.DataFrame, params: BacktestParams
) -> pd.DataFrame:
    """Per day: gross and net long/short return, cost, turnover and the benchmark return.
    `outcomes` is `next_session_returns(features)`; days without an outcome yet are left out."""
    scores = predictions.pivot(index="date", columns="ticker", values="prediction").sort_index()
    fwd = outcomes.reindex(index=scores.index, columns=scores.columns)
    known = fwd.notna().any(axis=1)
    scores, fwd = scores[known], fwd[known]
    weights = _weights(scores, params.top_k)
    gross = (weights * fwd.fillna(0.0)).sum(axis=1)
    turnover = weights.diff().abs().sum(axis=1)
    turnover.iloc[:1] = weights.iloc[:1].abs().sum(axis=1)  # building the first book
    cost = turnover * params.cost_bps / 1e4
    held = (1 + fwd.fillna(0.0)).cumprod()  # buy-and-hold value of each ticker
    value = held.mean(axis=1)
    benchmark = value / value.shift(1, fill_value=1.0) - 1
    return pd.DataFrame(
        {"gross": gross, "cost": cost, "net": gross - cost, "turnover": turnover,
         "benchmark": benchmark}
    ).rename_axis("date").reset_index()  # fmt: skip


def _max_drawdown(returns: pd.Series) -> float:
    equity = (1 + returns).cumprod()
    return float((equity / equity.cummax() - 1).min()) if len(equity) else float("nan")


def performance(daily: pd.DataFrame) -> dict[str, float]:
    """Annualized return, volatility, Sharpe, information ratio against the benchmark,
    max drawdown and mean daily turnover; the benchmark's return, Sharpe and drawdown."""
    net, bench = daily["net"], daily["benchmark"]
    n = len(daily)

    def annual(r: pd.Series) -> float:
        return float((1 + r).prod() ** (TRADING_DAYS / n) - 1) if n else float("nan")

    def ratio(r: pd.Series) -> float:
        sd = r.std()
        return float(r.mean() / sd * np.sqrt(TRADING_DAYS)) if n > 1 and sd > 0 else float("nan")

    return {
        "days": float(n),
        "annual_return": annual(net),
        "annual_volatility": float(net.std() * np.sqrt(TRADING_DAYS)) if n > 1 else float("nan"),
        "sharpe": ratio(net),
        "information_ratio": ratio(net - bench),
        "max_drawdown": _max_drawdown(net),
        "mean_turnover": float(daily["turnover"].mean()) if n else float("nan"),
        "annual_cost": float(daily["cost"].mean() * TRADING_DAYS) if n else float("nan"),
        "benchmark_annual_return": annual(bench),
        "benchmark_sharpe": ratio(bench),
        "benchmark_max_drawdown": _max_drawdown(bench),
    }


def equity_png(daily: pd.DataFrame, title: str) -> bytes:
    """The growth of 1 for the strategy (gross and net of costs) and the benchmark, as PNG."""
    fig, ax = figure(8, 3.5)
    for column, label in (("gross", "long/short, gross"), ("net", "long/short, net of costs"),
                          ("benchmark", "equal-weight buy-and-hold")):  # fmt: skip
        ax.plot(daily["date"], (1 + daily[column]).cumprod(), label=label)
    ax.set_yscale("log")  # equal moves look equal at any level
    ax.set_title(title)
    ax.set_ylabel("growth of 1 (log scale)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.autofmt_xdate()
    return png(fig)
