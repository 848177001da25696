"""Report a benchmark figure beside its same-run baseline (DESIGN.md, "Measuring")."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
