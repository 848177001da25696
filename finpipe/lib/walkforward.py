"""Walk-forward cross-validation: every fold trains only on sessions before its validation
block, with a purge and an embargo gap, so no training label overlaps a validation day.

Folds are consecutive blocks of `fold_days` sessions at the end of the window. Fold k
trains on everything before its block less a gap of `purge + embargo` sessions:
- the purge is the label's horizon (at least `purge_days`): a label of horizon h spans the
  next h sessions, so the last h labels before the block would reach into it;
- the embargo drops `embargo_days` more: features such as 20-day returns are serially
  correlated, so the sessions right before the block resemble it more than the sessions a
  served model meets (it stops `validation_days` plus the horizon before its cutoff).
Training always precedes validation. Each fold scores the model and the baselines on the
same block.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from finpipe.lib.baselines import baseline_metrics
from finpipe.lib.features import FEATURE_COLUMNS
from finpipe.lib.metrics import daily_ic, ic_summary
from finpipe.lib.modeling import ModelParams, TrainingSet, train

__all__ = ["fold_metrics", "walk_forward"]


def walk_forward(
    training: TrainingSet,
    params: ModelParams,
    folds: int,
    fold_days: int,
    purge_days: int = 1,
    embargo_days: int = 0,
) -> pd.DataFrame:
    """One row per fold: its validation block, training rows, and the model's IC, rank IC,
    ICIR, hit rate and RMSE (of the label) beside each baseline's rank IC. Folds without
    at least `fold_days` sessions to train on are left out."""
    frame = training.frame
    dates = np.sort(frame["date"].unique())
    gap = max(purge_days, training.target.horizon) + embargo_days
    rows = []
    for k in range(folds):
        end = len(dates) - (folds - 1 - k) * fold_days
        start = end - fold_days
        if start - gap < fold_days:
            continue
        fit = training.before(pd.Timestamp(dates[start]), gap=gap)
        block = frame[frame["date"].between(dates[start], dates[end - 1])]
        model = train(fit, params)
        predicted = block.assign(prediction=model.predict(block[FEATURE_COLUMNS]))
        summary = ic_summary(daily_ic(predicted))
        rmse = float(np.sqrt(((predicted["prediction"] - predicted["label"]) ** 2).mean()))
        baselines = baseline_metrics(fit.frame, block)
        rows.append({
            "fold": k, "first_day": pd.Timestamp(dates[start]).date().isoformat(),
            "last_day": pd.Timestamp(dates[end - 1]).date().isoformat(),
            "train_rows": len(fit.frame), "trees": model.n_estimators, **summary, "rmse": rmse,
            **{f"{name}_rank_ic": b["rank_ic"] for name, b in baselines.items()},
        })  # fmt: skip
    return pd.DataFrame(rows)


def fold_metrics(folds: pd.DataFrame) -> dict[str, float]:
    """MLflow metrics of a walk-forward: per fold and averaged over folds."""
    shown = [c for c in folds.columns if c in ("ic", "rank_ic", "icir", "hit_rate", "rmse")
             or c.endswith("_rank_ic")]  # fmt: skip
    out = {f"cv_fold{int(r.fold)}_{c}": float(getattr(r, c)) for r in folds.itertuples()
           for c in shown}  # fmt: skip
    out |= {f"cv_{c}": float(folds[c].mean()) for c in shown} if len(folds) else {}
    return out
