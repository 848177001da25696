"""Evaluation: how the served predictions did once outcomes are known, scored daily and
traded weekly in a cost-aware backtest."""

import base64

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetIn,
    BackfillPolicy,
    Config,
    MaterializeResult,
    MetadataValue,
    Output,
    TimeWindowPartitionMapping,
    asset,
)
from pydantic import Field

from finpipe.defs.lake_io import LakeResource
from finpipe.defs.partitions import (
    DAILY,
    TRAINING_WEEKS,
    closed_days,
    training_window_mapping,
    weekly_partitions,
)
from finpipe.lib.backtest import (
    BacktestParams,
    equity_png,
    performance,
    run_backtest,
)
from finpipe.lib.features import next_day_target, next_session_returns
from finpipe.lib.modeling import daily_ic
from finpipe.lib.plots import figure, png

# predictions[d] are judged by the next session's return, stored in features of the next
# session: d + 1, or a few weekdays later across a holiday (Good Friday, Thanksgiving).
_WITH_NEXT_DAY = TimeWindowPartitionMapping(start_offset=0, end_offset=3)
_OPTIONAL = {"metadata": {"allow_missing_partitions": True}}
SCORE_COLUMNS = ["date", "model_version", "tickers", "ic", "rank_ic", "hit_rate"]
_SHOWN = ["days", "annual_return", "sharpe", "information_ratio", "max_drawdown", "mean_turnover"]


def _png_markdown(png: bytes, alt: str) -> MetadataValue:
    return MetadataValue.md(f"![{alt}](data:image/png;base64,{base64.b64encode(png).decode()})")


@asset(
    group_name="evaluation",
    **DAILY,
    kinds={"pandas", "parquet"},
    ins={"features": AssetIn(partition_mapping=_WITH_NEXT_DAY, **_OPTIONAL)},
)
def prediction_scores(
    context: AssetExecutionContext, predictions: pd.DataFrame, features: pd.DataFrame
) -> Output[pd.DataFrame]:
    """Realized quality of each day's predictions per model version: IC, rank IC and hit
    rate against the next session's relative return. A day is scored once that session
    exists; re-materialize it then (its latest partition usually has no outcome yet)."""
    if features.empty:  # no outcome loaded at all
        features = pd.DataFrame(columns=["date", "ticker", "ret_1d"])
    scored = predictions.merge(
        features.assign(target=next_day_target(features))[["date", "ticker", "target"]],
        on=["date", "ticker"],
    ).dropna(subset=["target"])
    parts = []
    for version, rows in scored.groupby("model_version"):
        ics = daily_ic(rows).dropna().reset_index()
        counts = rows.groupby("date").size().rename("tickers").reset_index()
        parts.append(ics.merge(counts, on="date").assign(model_version=version))
    frame = (
        pd.concat(parts, ignore_index=True)[SCORE_COLUMNS].sort_values("date")
        if parts
        else pd.DataFrame(columns=SCORE_COLUMNS)
    )
    metadata = {
        "days_scored": MetadataValue.int(len(frame)),
        "days_awaiting_outcome": MetadataValue.int(
            len(set(context.partition_keys) - set(closed_days(context.partition_keys)))
            - frame["date"].nunique()
        ),
    }
    if len(frame):
        metadata["mean_ic"] = MetadataValue.float(float(frame["ic"].mean()))
        metadata["mean_rank_ic"] = MetadataValue.float(float(frame["rank_ic"].mean()))
        metadata["hit_rate"] = MetadataValue.float(float(frame["hit_rate"].mean()))
        by_version = frame.groupby("model_version")[["ic", "rank_ic", "hit_rate"]].mean()
        metadata["by_model_version"] = MetadataValue.md(by_version.to_markdown(floatfmt=".4f"))
        if frame["date"].nunique() >= 5:
            metadata["rolling_ic"] = _png_markdown(_rolling_ic_png(frame), "rolling IC")
    return Output(frame, metadata=metadata)


def _rolling_ic_png(frame: pd.DataFrame) -> bytes:
    daily = frame.groupby("date")[["ic", "rank_ic"]].mean()
    fig, ax = figure(8, 3)
    daily.rolling(20, min_periods=5).mean().plot(ax=ax)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_title("20-day rolling IC and rank IC")
    ax.grid(alpha=0.3)
    return png(fig)


class BacktestConfig(Config):
    top_k: int = Field(5, ge=1, description="Names held long and short each day.")
    cost_bps: float = Field(5.0, ge=0, description="Cost per unit of weight traded, in bp.")


@asset(
    group_name="evaluation",
    partitions_def=weekly_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    kinds={"pandas", "matplotlib"},
    ins={
        "predictions": AssetIn(partition_mapping=training_window_mapping, **_OPTIONAL),
        "features": AssetIn(partition_mapping=training_window_mapping, **_OPTIONAL),
    },
)
def backtest(
    context: AssetExecutionContext,
    config: BacktestConfig,
    predictions: pd.DataFrame,
    features: pd.DataFrame,
    lake: LakeResource,
) -> MaterializeResult:
    """Long the top-k, short the bottom-k predictions each day over the trailing 52
    weeks, net of transaction costs, against an equal-weight buy-and-hold: annualized
    return, Sharpe, information ratio, max drawdown, turnover and the equity curve."""
    params = BacktestParams(top_k=config.top_k, cost_bps=config.cost_bps)
    if predictions.empty or features.empty:
        return MaterializeResult(metadata={"days": 0, "note": "no predictions in the window"})
    outcomes = next_session_returns(features)
    dates = pd.to_datetime(predictions["date"])
    weeks, last = [], None
    for week in context.partition_keys:  # a backfill of many weeks runs as one run
        end = pd.Timestamp(week) + pd.Timedelta(days=6)
        start = end - pd.Timedelta(weeks=TRAINING_WEEKS)
        window = predictions[(dates > start) & (dates <= end)]
        if window.empty:
            continue
        daily = run_backtest(window, outcomes, params)
        stats = performance(daily)
        png = equity_png(daily, f"Long/short top {params.top_k}, {params.cost_bps:g} bp, to {week}")
        folder = lake.path("backtest", f"date={week}")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "equity.png").write_bytes(png)
        daily.to_csv(folder / "daily.csv", index=False)
        weeks.append({"week": week, **{k: stats[k] for k in _SHOWN}})
        last = (stats, png, folder)
    if last is None:
        return MaterializeResult(metadata={"days": 0, "note": "no predictions in the window"})
    stats, png, folder = last
    context.log.info(
        f"backtest to {weeks[-1]['week']}: Sharpe {stats['sharpe']:.2f}, "
        f"IR {stats['information_ratio']:.2f}"
    )
    return MaterializeResult(
        metadata={
            **{k: MetadataValue.float(round(v, 6)) for k, v in stats.items()},
            "equity_curve": _png_markdown(png, "equity curve"),
            "equity_png": MetadataValue.path(str(folder / "equity.png")),
            "weeks": MetadataValue.md(
                pd.DataFrame(weeks).tail(30).to_markdown(index=False, floatfmt=".3f")
            ),
            "top_k": params.top_k,
            "cost_bps": params.cost_bps,
        }
    )
