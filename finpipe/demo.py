"""`finpipe demo`: backfill every asset on the embedded defaults and summarize the result.

Runs are real Dagster runs on the instance in DAGSTER_HOME, so the UI (`make serve`)
shows them, their partitions and their metadata afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from dagster import AssetKey, DagsterInstance, materialize
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)
from rich.console import Console
from rich.table import Table

from finpipe.definitions import build_definitions
from finpipe.defs.lake_io import lake_path
from finpipe.defs.partitions import daily_partitions, weekly_partitions
from finpipe.errors import FinpipeError
from finpipe.lib.baselines import BASELINES
from finpipe.lib.calendar import trading_sessions
from finpipe.lib.features import FEATURE_COLUMNS, next_day_target
from finpipe.lib.lake import read_frame
from finpipe.lib.modeling import daily_ic, ic_summary
from finpipe.lib.registry import ModelRegistry
from finpipe.lib.targets import TARGETS
from finpipe.lib.warehouse import Warehouse, insights
from finpipe.settings import Settings

__all__ = ["PREPARE", "DemoPlan", "materialize_range", "refresh_history", "run_demo"]

ASSETS = ["universe", "raw_prices", "raw_news", "macro_indicators", "cleaned_prices",
          "news_sentiment", "features", "trained_model", "predictions", "prediction_scores",
          "backtest", "drift_report", "insights"]  # fmt: skip
# Everything a day needs before a model can use it, in one run per range.
PREPARE = ["raw_prices", "raw_news", "macro_indicators", "cleaned_prices", "news_sentiment",
           "features"]  # fmt: skip
# Errors only: a range's first days warn for each lookback partition before it (expected).
_QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
RECENT_WEEKS = 4  # weeks of 5-day and direction models (each target trains as long as 1-day)


def _targets(*names: str) -> dict[str, Any]:
    return {"ops": {"trained_model": {"config": {"targets": list(names)}}}}


@dataclass(frozen=True)
class DemoPlan:
    """Which partitions each stage of the demo materializes."""

    first_day: str
    last_day: str
    first_week: str
    last_week: str
    recent_week: str  # the other targets train from this week on
    drift_first_day: str

    @classmethod
    def for_range(cls, start: dt.date, end: dt.date, drift_days: int) -> DemoPlan:
        """Every weekday partition in [start, end]; every week starting on or after `start`
        whose Friday is on or before `end`."""
        now = dt.datetime.combine(end + dt.timedelta(days=8), dt.time())
        first, last = start.isoformat(), end.isoformat()
        days = [
            k for k in daily_partitions.get_partition_keys(current_time=now) if first <= k <= last
        ]
        weeks = [
            k for k in weekly_partitions.get_partition_keys(current_time=now)
            if k >= first and dt.date.fromisoformat(k) + dt.timedelta(days=4) <= end
        ]  # fmt: skip
        return cls(days[0], days[-1], weeks[0], weeks[-1], weeks[-min(RECENT_WEEKS, len(weeks))],
                   days[-min(drift_days, len(days))])  # fmt: skip


def materialize_range(
    defs: Any,
    instance: DagsterInstance,
    selection: list[str],
    first: str | None,
    last: str | None,
    run_config: dict[str, Any] | None = None,
) -> None:
    """One run materializing `selection` over the partition range [first, last]."""
    tags = {}
    if first is not None:
        tags = {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}
    result = materialize(
        list(defs.assets), selection=selection, instance=instance, resources=defs.resources,
        tags={**tags, "finpipe/source": "demo"}, run_config={**_QUIET, **(run_config or {})},
    )  # fmt: skip
    if not result.success:
        raise FinpipeError(f"the run materializing {selection} failed; open it in the Dagster UI")


def refresh_history(defs: Any, instance: DagsterInstance, console: Console) -> None:
    """Re-materialize the universe and every daily stage over the range already
    materialized, so a ticker just added to the universe gets its whole history."""
    materialize_range(defs, instance, ["universe"], None, None)
    for selection in (PREPARE, ["predictions", "insights"]):
        keys = sorted(instance.get_materialized_partitions(AssetKey(selection[0])))
        if not keys:
            continue
        began = time.perf_counter()
        with console.status(f"backfilling {', '.join(selection)} {keys[0]} → {keys[-1]} …"):
            materialize_range(defs, instance, selection, keys[0], keys[-1])
        console.print(f"[green]✓[/green] {', '.join(selection)} {keys[0]} → {keys[-1]} "
                      f"({time.perf_counter() - began:.0f} s)")  # fmt: skip


def run_demo(
    settings: Settings, drift_days: int = 10, console: Console | None = None
) -> dict[str, Any]:
    """Materialize everything from the first partition to `settings.demo_end_date`."""
    console = console or Console()
    started = time.perf_counter()
    plan = DemoPlan.for_range(settings.demo_start_date, settings.demo_end_date, drift_days)
    defs = build_definitions(settings)
    instance = DagsterInstance.get()
    serving = settings.serving_target
    others = [t for t in TARGETS if t != serving]
    stages = [
        ("universe", ["universe"], None, None, None),
        (f"ingest, clean, featurize {plan.first_day} → {plan.last_day}",
         PREPARE, plan.first_day, plan.last_day, None),
        (f"train weekly {serving} models {plan.first_week} → {plan.last_week}",
         ["trained_model"], plan.first_week, plan.last_week, _targets(serving)),
        (f"train {', '.join(others)} models {plan.recent_week} → {plan.last_week}",
         ["trained_model"], plan.recent_week, plan.last_week, _targets(*others)),
        ("predict, score and publish insights", ["predictions", "prediction_scores", "insights"],
         plan.first_day, plan.last_day, None),
        (f"backtest the year to {plan.last_week}", ["backtest"], plan.last_week, plan.last_week,
         None),
        (f"drift reports {plan.drift_first_day} → {plan.last_day}", ["drift_report"],
         plan.drift_first_day, plan.last_day, None),
    ]  # fmt: skip
    for step, (description, selection, first, last, config) in enumerate(stages, start=1):
        began = time.perf_counter()
        with console.status(f"[{step}/{len(stages)}] {description} …"):
            materialize_range(defs, instance, selection, first, last, config)
        console.print(f"[green]✓[/green] [{step}/{len(stages)}] {description} "
                      f"({time.perf_counter() - began:.0f} s)")  # fmt: skip
    summary = summarize(settings, instance, plan, time.perf_counter() - started)
    path = settings.home / "demo-summary.json"
    path.write_text(json.dumps(summary, indent=2, default=str))
    _print_summary(console, summary, path, settings)
    return summary


def _lake_frame(settings: Settings, asset: str) -> pd.DataFrame:
    root = lake_path(settings.lake_root, settings.s3_endpoint_url) / asset
    frames = [read_frame(f) for f in sorted(root.glob("date=*/data.parquet"))]
    return pd.concat([f for f in frames if len(f)], ignore_index=True) if frames else pd.DataFrame()


def summarize(
    settings: Settings, instance: DagsterInstance, plan: DemoPlan, wall: float
) -> dict[str, Any]:
    """The demo's numbers, read back from the instance, the lake and the warehouse."""
    partitions = {a: len(instance.get_materialized_partitions(AssetKey(a))) or
                  int(instance.get_latest_materialization_event(AssetKey(a)) is not None)
                  for a in ASSETS}  # fmt: skip
    features = _lake_frame(settings, "features")
    preds = _lake_frame(settings, "predictions")
    scored = preds.merge(
        features.assign(target=next_day_target(features))[["date", "ticker", "target"]],
        on=["date", "ticker"],
    )
    last_year = scored[scored["date"] > scored["date"].max() - pd.Timedelta(days=365)]
    model = ic_summary(daily_ic(last_year))
    days = sorted(last_year["date"].unique())
    synthetic = settings.market_sources == "synthetic"
    oracle = float("nan")  # known only for the synthetic market
    if synthetic and len(days) > 1:
        market = build_definitions(settings).resources["market"].market()
        sessions = trading_sessions(days[0], days[-1] + pd.Timedelta(days=7))
        oracle = market.oracle_ic(sessions[1], sessions[len(days) - 1])
    drift = _lake_frame(settings, "drift_report")
    last_drift = drift[drift["date"] == drift["date"].max()] if len(drift) else drift
    drift_day = last_drift["date"].iloc[0].date().isoformat() if len(last_drift) else None
    report = (
        (
            lake_path(settings.lake_root, settings.s3_endpoint_url)
            / "drift_report"
            / f"date={drift_day}"
            / "report.html"
        )  # fmt: skip
        if drift_day
        else None
    )
    warehouse = Warehouse(settings.warehouse)
    return {
        "range": {"first_day": plan.first_day, "last_day": plan.last_day},
        "tickers": settings.n_tickers,
        "features": len(FEATURE_COLUMNS),
        "partitions_materialized": partitions,
        "champion": {
            "model_versions_used": sorted(last_year["model_version"].unique().tolist(), key=int),
            "out_of_sample_days": model["days"],
            "ic": model["ic"],
            "rank_ic": model["rank_ic"],
            "icir": model["icir"],
            "hit_rate": model["hit_rate"],
            "oracle_ic": oracle,
            "rank_ic_over_oracle": model["rank_ic"] / oracle if oracle else float("nan"),
        },
        "drift": {
            "day": drift_day,
            "status": last_drift["status"].iloc[0] if len(last_drift) else None,
            "drifted_features": last_drift.loc[last_drift["drifted"], "feature"].tolist()
            if len(last_drift)
            else [],
            "report": str(report) if report else None,
            "regime_shift_date": settings.regime_shift_date if synthetic else None,
        },
        "validation": _validation_summary(settings),
        "backtest": _backtest_summary(instance),
        "insights_published": warehouse.count(insights),
        "wall_time_s": round(wall, 1),
    }


def _validation_summary(settings: Settings) -> dict[str, Any]:
    """Per target's registered model: mean validation rank IC of its weekly versions beside
    the baselines fitted on the same data, and how many versions became champion."""
    out = {}
    for target in TARGETS.values():
        name = target.model_name(settings.model_prefix)
        reg = ModelRegistry(settings.mlflow_uri, settings.mlflow_artifacts, name)
        versions = reg.versions()
        if not versions:
            continue
        metrics = pd.DataFrame([reg.client.get_run(v.run_id).data.metrics for v in versions])
        names = {"model": "val_rank_ic", **{b: f"val_{b}_rank_ic" for b in BASELINES}}
        champion = reg.champion()
        out[target.name] = {
            "model_name": name,
            "versions": len(versions),
            "promoted": len(reg.champion_history()),
            "champion": champion.version if champion else None,
            "mean_trees": float(metrics["trees"].mean()) if "trees" in metrics else None,
            "mean_validation_rank_ic": {k: float(metrics[c].mean())
                                        for k, c in names.items() if c in metrics},
        }  # fmt: skip
    return out


def _backtest_summary(instance: DagsterInstance) -> dict[str, Any]:
    event = instance.get_latest_materialization_event(AssetKey("backtest"))
    if event is None:
        return {}
    meta = event.asset_materialization.metadata
    keys = ["annual_return", "sharpe", "information_ratio", "max_drawdown", "mean_turnover",
            "benchmark_annual_return", "benchmark_sharpe"]  # fmt: skip
    out = {k: meta[k].value for k in keys if k in meta}
    if "equity_png" in meta:
        out["equity_curve"] = meta["equity_png"].value
    return out


def _print_summary(
    console: Console, summary: dict[str, Any], path: Path, settings: Settings
) -> None:
    table = Table(title="Partitions materialized", show_header=True)
    table.add_column("asset")
    table.add_column("partitions", justify="right")
    for asset, count in summary["partitions_materialized"].items():
        table.add_row(asset, str(count))
    console.print(table)
    champ, drift = summary["champion"], summary["drift"]
    oracle = (
        f" vs oracle IC {champ['oracle_ic']:.4f} (ratio {champ['rank_ic_over_oracle']:.2f})"
        if champ["oracle_ic"] == champ["oracle_ic"]  # not NaN: a synthetic market
        else " (real data: no oracle)"
    )
    console.print(
        f"[bold]Model[/bold] ({summary['features']} features, out of sample, last "
        f"{champ['out_of_sample_days']} days): IC {champ['ic']:.4f}, "
        f"rank IC {champ['rank_ic']:.4f}{oracle}"
    )
    shift = drift["regime_shift_date"]
    planted = f"; regime shift planted on {shift}" if shift else ""
    console.print(
        f"[bold]Drift[/bold] on {drift['day']}: {drift['status']} "
        f"({len(drift['drifted_features'])} features drifted{planted})\n"
        f"  report: {drift['report']}"
    )
    for target, val in summary["validation"].items():
        shown = ", ".join(f"{k} {v:.4f}" for k, v in val["mean_validation_rank_ic"].items())
        console.print(
            f"[bold]Validation {target}[/bold] ({val['model_name']}, mean rank IC over "
            f"{val['versions']} weekly versions): {shown}; {val['promoted']} promoted to "
            f"champion, now version {val['champion']}"
        )
    bt = summary["backtest"]
    if bt:
        console.print(
            f"[bold]Backtest[/bold] (long/short, net of costs, last 52 weeks): annual return "
            f"{bt['annual_return']:.1%}, Sharpe {bt['sharpe']:.2f}, information ratio "
            f"{bt['information_ratio']:.2f}, max drawdown {bt['max_drawdown']:.1%} vs "
            f"equal-weight {bt['benchmark_annual_return']:.1%} (Sharpe "
            f"{bt['benchmark_sharpe']:.2f})\n  equity curve: {bt.get('equity_curve')}"
        )
    console.print(f"[bold]Insights published:[/bold] {summary['insights_published']}")
    console.print(f"[bold]Wall time:[/bold] {summary['wall_time_s']} s   summary: {path}")
    console.print(
        "Open the Dagster UI and the API with [bold]make serve[/bold]: "
        f"http://127.0.0.1:{settings.dagster_port} and "
        f"http://{settings.api_host}:{settings.api_port}/v1/insights/latest"
    )
