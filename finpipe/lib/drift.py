"""Drift of the features: per-feature two-sample tests and an Evidently HTML report.

The reference is the data the serving model was trained on; the current sample is one
day's cross-section. A feature drifts when the Kolmogorov–Smirnov p-value falls below
the threshold; the Wasserstein distance (in reference standard deviations) says how far.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["DriftResult", "feature_drift", "write_evidently_report"]


@dataclass(frozen=True)
class DriftResult:
    table: pd.DataFrame  # feature, ks_stat, p_value, wasserstein_sd, drifted
    threshold: float

    @property
    def drifted_features(self) -> list[str]:
        return self.table.loc[self.table["drifted"], "feature"].tolist()

    @property
    def share_drifted(self) -> float:
        return float(self.table["drifted"].mean()) if len(self.table) else 0.0

    @property
    def status(self) -> str:
        return (
            "drift" if self.share_drifted >= 0.25 else "warning" if self.drifted_features else "ok"
        )


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
    return DriftResult(table.sort_values("p_value").reset_index(drop=True), threshold)


def write_evidently_report(
    reference: pd.DataFrame, current: pd.DataFrame, columns: list[str], path: Path
) -> Path:
    """Evidently's data-drift preset as a standalone HTML file."""
    from evidently import Report
    from evidently.presets import DataDriftPreset

    report = Report([DataDriftPreset(columns=columns)])
    snapshot = report.run(reference_data=reference[columns], current_data=current[columns])
    path.parent.mkdir(parents=True, exist_ok=True)
    snapshot.save_html(str(path))
    return path
