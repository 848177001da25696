"""Prediction quality: daily information coefficients and their summary."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["daily_ic", "ic_summary"]


def daily_ic(frame: pd.DataFrame, pred: str = "prediction", target: str = "target") -> pd.DataFrame:
    """Per day: Pearson IC, Spearman rank IC and hit rate (sign agreement)."""
    frame = frame.dropna(subset=[pred, target])

    def one_day(day: pd.DataFrame) -> pd.Series:
        if len(day) < 3 or day[pred].nunique() < 2:
            return pd.Series({"ic": np.nan, "rank_ic": np.nan, "hit_rate": np.nan})
        return pd.Series(
            {
                "ic": day[pred].corr(day[target]),
                "rank_ic": day[pred].rank().corr(day[target].rank()),
                "hit_rate": float(
                    (np.sign(day[pred] - day[pred].mean()) == np.sign(day[target])).mean()
                ),
            }
        )

    return frame.groupby("date")[[pred, target]].apply(one_day)


def ic_summary(ics: pd.DataFrame) -> dict[str, float]:
    """Mean IC, rank IC, ICIR (mean/std of daily IC) and hit rate over days."""
    ics = ics.dropna()
    if ics.empty:
        return {"ic": float("nan"), "rank_ic": float("nan"), "icir": float("nan"),
                "hit_rate": float("nan"), "days": 0}  # fmt: skip
    std = ics["ic"].std()
    return {
        "ic": float(ics["ic"].mean()),
        "rank_ic": float(ics["rank_ic"].mean()),
        "icir": float(ics["ic"].mean() / std) if std > 0 else float("nan"),
        "hit_rate": float(ics["hit_rate"].mean()),
        "days": int(len(ics)),
    }
