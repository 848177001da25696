"""Drift of the features: per-feature two-sample tests and an Evidently HTML report.

The reference is the data the serving model was trained on; the current sample is the
trailing week of cross-sections. A feature drifts when the Kolmogorov–Smirnov p-value
falls below the threshold; the Wasserstein distance (in reference standard deviations)
says how far.

Return-like and trend features move together with the market every day, so a single day's
cross-section always looks "shifted"; they are compared demeaned per day
(`relative_to_day`), which keeps changes in dispersion and shape and drops the common
move. Per-day constants (macro series) and one-hot columns are not tested.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "DriftResult",
    "drift_columns",
    "feature_drift",
    "relative_to_day",
    "write_evidently_report",
]

RELATIVE_PREFIXES = ("ret_", "sma_ratio_", "ema_ratio_", "macd_", "bb_", "rsi_", "dist_52w_")
MIN_EFFECT_SD = 0.5
UNTESTED_PREFIXES = ("sector_", "macro_")


def drift_columns(columns: list[str]) -> list[str]:
    """The feature columns a per-ticker drift test says something about."""
    return [c for c in columns if not c.startswith(UNTESTED_PREFIXES)]


def relative_to_day(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Return-like columns minus their cross-sectional mean of the day."""
    relative = [c for c in columns if c.startswith(RELATIVE_PREFIXES)]
    out = frame.copy()
    out[relative] = frame[relative] - frame.groupby("date")[relative].transform("mean")
    return out


@dataclass(frozen=True)
class DriftResult:
    table: pd.DataFrame  # feature, ks_stat, p_value, wasserstein_sd, drifted

    @property
    def drifted_features(self) -> list[str]:
        return self.table.loc[self.table["drifted"], "feature"].tolist()

    @property
    def status(self) -> str:
        """`drift` when a feature moved significantly *and* by at least MIN_EFFECT_SD reference
        standard deviations; `warning` when the shifts are significant but small."""
        drifted = self.table[self.table["drifted"]]
        if (drifted["wasserstein_sd"] >= MIN_EFFECT_SD).any():
            return "drift"
        return "warning" if len(drifted) else "ok"


def feature_drift(
    reference: pd.DataFrame, current: pd.DataFrame, columns: list[str], threshold: float
) -> DriftResult:
    """KS test and scaled Wasserstein distance per numeric column with enough data."""
    rows = []
    for col in columns:
        ref, cur = reference[col].dropna().to_numpy(), current[col].dropna().to_numpy()
        if len(ref) < 20 or len(cur) < 5 or np.unique(ref).size < 3:
            continue  # constant or too sparse (one-hot, warm-up): a KS test says nothing
        ks = stats.ks_2samp(ref, cur)
        scale = ref.std() or 1.0
        rows.append(
            (col, float(ks.statistic), float(ks.pvalue),
             float(stats.wasserstein_distance(ref, cur) / scale), bool(ks.pvalue < threshold))
        )  # fmt: skip
    table = pd.DataFrame(
        rows, columns=["feature", "ks_stat", "p_value", "wasserstein_sd", "drifted"]
    )
    return DriftResult(table.sort_values("p_value").reset_index(drop=True))


def write_evidently_report(
    reference: pd.DataFrame, current: pd.DataFrame, columns: list[str], path: Path
) -> Path:
    """Evidently's data-drift preset as a standalone HTML file."""
    from evidently import Report
    from evidently.presets import DataDriftPreset

    # Evidently rejects a column without values (a long-window feature still warming up).
    columns = [c for c in columns if reference[c].notna().any() and current[c].notna().any()]
    report = Report([DataDriftPreset(columns=columns)])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Evidently's own numpy warnings on constant columns
        snapshot = report.run(reference_data=reference[columns], current_data=current[columns])
    path.parent.mkdir(parents=True, exist_ok=True)
    snapshot.save_html(str(path))
    return path
