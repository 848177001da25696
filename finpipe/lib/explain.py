"""Why a prediction is what it is: each feature's contribution from XGBoost's own SHAP
values (`pred_contribs`), exact for tree models, summing to the prediction."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import xgboost as xgb

from finpipe.lib.plots import figure, png

__all__ = ["importance_png", "top_drivers"]


def top_drivers(booster: xgb.Booster, features: pd.DataFrame, k: int = 3) -> list[str]:
    """Per row, the `k` features that moved the prediction most, as a JSON list of
    `{"feature", "contribution"}` (largest absolute contribution first)."""
    if features.empty:
        return []
    names = list(features.columns)
    contribs = booster.predict(xgb.DMatrix(features), pred_contribs=True)[:, :-1]  # drop bias
    order = np.argsort(-np.abs(contribs), axis=1, kind="stable")[:, :k]
    return [
        json.dumps([{"feature": names[j], "contribution": round(float(row[j]), 8)} for j in top])
        for row, top in zip(contribs, order, strict=True)
    ]


def importance_png(importance: pd.DataFrame, top: int = 20) -> bytes:
    """Bar chart of the `top` features by share of total gain (from `feature_importance`)."""
    shown = importance.head(top).iloc[::-1]
    fig, ax = figure(6, 0.25 * len(shown) + 1)
    ax.barh(shown["feature"], shown["gain_share"])
    ax.set_xlabel("share of total gain")
    ax.set_title(f"Top {len(shown)} features")
    return png(fig)
