"""Report a benchmark figure beside its same-run baseline (DESIGN.md, "Measuring")."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

OUT = Path(".finpipe/bench")


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Fastest wall time of `repeat` calls: the least noisy estimate on a shared machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def report(
    name: str, value: float, unit: str, baseline: float, params: dict[str, Any]
) -> dict[str, Any]:
    """Print `BENCH name=… value=… unit=… baseline=… ratio=…` and write .finpipe/bench/<name>.json."""
    ratio = value / baseline if baseline else float("nan")
    record = {
        "name": name,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "ratio": ratio,
        "params": params,
    }
    print(
        f"BENCH name={name} value={value:.6g} unit={unit} baseline={baseline:.6g} ratio={ratio:.4g}"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(record, indent=2))
    return record


def monthly_retrained(features: pd.DataFrame, test_start: str, end: str) -> dict[str, dict]:
    """Out-of-sample IC summary of the model and of each baseline, retrained at each month
    start on the trailing 52 weeks and scored on that month: the point-in-time discipline of
    the weekly `trained_model` → `predictions` assets, at a twelfth of the fits."""
    from finpipe.lib.baselines import BASELINES
    from finpipe.lib.features import FEATURE_COLUMNS, next_day_target
    from finpipe.lib.metrics import daily_ic, ic_summary
    from finpipe.lib.modeling import ModelParams, make_training_set, train

    scored_rows = features.assign(target=next_day_target(features))
    scored: dict[str, list[pd.DataFrame]] = {name: [] for name in ("model", *BASELINES)}
    for month_start in pd.date_range(test_start, end, freq="MS"):
        cutoff = month_start - pd.Timedelta(days=1)
        window = features[features["date"] > cutoff - pd.Timedelta(weeks=52)]
        training = make_training_set(window, cutoff)
        model = train(training, ModelParams())
        month = scored_rows[scored_rows["date"].between(
            month_start, month_start + pd.offsets.MonthEnd(0))]  # fmt: skip
        scored["model"].append(month.assign(prediction=model.predict(month[FEATURE_COLUMNS])))
        for name, predict in BASELINES.items():  # fitted on the same rows
            scored[name].append(month.assign(prediction=predict(training.frame, month)))
    return {name: ic_summary(daily_ic(pd.concat(parts))) for name, parts in scored.items()}
