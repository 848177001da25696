"""Baselines every model version is compared with on its validation sessions: a model
that cannot beat these has learned nothing worth serving.

- `zero`: predicts no relative move (its IC is 0 by definition);
- `momentum`: the sign of the last 20 sessions' return;
- `ridge`: a standardized ridge regression on the same features (NaN → 0 after scaling);
- `logistic`: a standardized logistic regression of the direction (beats the day's mean or
  not), ranked by its probability.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from finpipe.lib.features import FEATURE_COLUMNS
from finpipe.lib.metrics import daily_ic, ic_summary

__all__ = ["BASELINES", "baseline_metrics"]


def _zero(train: pd.DataFrame, holdout: pd.DataFrame) -> np.ndarray:
    return np.zeros(len(holdout))


def _momentum(train: pd.DataFrame, holdout: pd.DataFrame) -> np.ndarray:
    return np.sign(holdout["ret_20d"].fillna(0.0).to_numpy())


def _ridge(train: pd.DataFrame, holdout: pd.DataFrame) -> np.ndarray:
    model = make_pipeline(
        StandardScaler(), SimpleImputer(strategy="constant", fill_value=0.0, keep_empty_features=True),
        Ridge(alpha=100.0),
    )  # fmt: skip
    model.fit(train[FEATURE_COLUMNS], train["target"])
    return model.predict(holdout[FEATURE_COLUMNS])


def _logistic(train: pd.DataFrame, holdout: pd.DataFrame) -> np.ndarray:
    model = make_pipeline(
        StandardScaler(), SimpleImputer(strategy="constant", fill_value=0.0, keep_empty_features=True),
        LogisticRegression(C=0.01, solver="newton-cholesky", max_iter=200),  # 2 steps, not ~30
    )  # fmt: skip
    model.fit(train[FEATURE_COLUMNS], train["target"] > 0)
    return model.predict_proba(holdout[FEATURE_COLUMNS])[:, 1]  # P(beats the day's mean)


BASELINES: dict[str, Callable[[pd.DataFrame, pd.DataFrame], np.ndarray]] = {
    "zero": _zero,
    "momentum": _momentum,
    "ridge": _ridge,
    "logistic": _logistic,
}


def baseline_metrics(train: pd.DataFrame, holdout: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Validation IC summary of each baseline fitted on `train`, scored on `holdout`.
    A constant prediction has no defined IC: `zero` counts as IC 0, hit rate 0.5."""
    out = {}
    for name, predict in BASELINES.items():
        out[name] = ic_summary(daily_ic(holdout.assign(prediction=predict(train, holdout))))
    out["zero"].update(ic=0.0, rank_ic=0.0, icir=0.0, hit_rate=0.5, days=holdout["date"].nunique())
    return out
