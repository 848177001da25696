"""The look-ahead guard: recompute one day from inputs cut off at that day and compare.

Features of day d must only use what was known at d's close. If any computation reached
forward (a centred window, a backward price adjustment, a full-sample normalisation),
cutting the inputs after d would change d's values; this comparison catches it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from finpipe.lib.features.build import build_features
from finpipe.lib.features.registry import FEATURE_COLUMNS

__all__ = ["LookAheadResult", "recompute_day"]


@dataclass(frozen=True)
class LookAheadResult:
    passed: bool
    max_abs_diff: float
    differing: list[str]  # features whose values changed


def _until(frame: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    return frame[pd.to_datetime(frame["date"]) <= day] if "date" in frame and len(frame) else frame


def recompute_day(
    features: pd.DataFrame,
    prices: pd.DataFrame,
    sentiment: pd.DataFrame,
    macro: pd.DataFrame,
    universe: pd.DataFrame,
    day: pd.Timestamp,
    rtol: float = 1e-9,
) -> LookAheadResult:
    """Compare `features` of `day` with features built from inputs dated up to `day`."""
    stored = features[features["date"] == day].sort_values("ticker").reset_index(drop=True)
    again = build_features(
        _until(prices, day), _until(sentiment, day), _until(macro, day), universe,
        day.date(), day.date(),
    )  # fmt: skip
    again = again.sort_values("ticker").reset_index(drop=True)
    if len(again) != len(stored) or not (again["ticker"].to_numpy() == stored["ticker"]).all():
        return LookAheadResult(False, float("inf"), ["<rows differ>"])
    a, b = stored[FEATURE_COLUMNS].to_numpy(float), again[FEATURE_COLUMNS].to_numpy(float)
    same = np.isclose(a, b, rtol=rtol, atol=1e-12, equal_nan=True)
    with np.errstate(invalid="ignore"):
        diff = np.abs(a - b)
    max_diff = float(np.nanmax(diff)) if np.isfinite(diff).any() else 0.0
    differing = [c for c, ok in zip(FEATURE_COLUMNS, same.all(axis=0), strict=True) if not ok]
    return LookAheadResult(not differing, max_diff, differing)
