"""Prediction quality: daily information coefficients and their summary."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LEAK_RANK_IC", "daily_ic", "ic_summary", "leaking_features"]


def _within_day_corr(x: pd.Series, y: pd.Series, day: pd.Series) -> pd.Series:
    """Pearson correlation of x and y within each day (NaN when either is constant)."""
    xc = x - x.groupby(day).transform("mean")
    yc = y - y.groupby(day).transform("mean")
    sums = pd.DataFrame({"xy": xc * yc, "xx": xc * xc, "yy": yc * yc}).groupby(day).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums["xy"] / np.sqrt(sums["xx"] * sums["yy"])


def daily_ic(frame: pd.DataFrame, pred: str = "prediction", target: str = "target") -> pd.DataFrame:
    """Per day: Pearson IC, Spearman rank IC and hit rate (sign agreement); NaN on a day
    with fewer than 3 tickers or one constant prediction. Grouped sums, not a Python call
    per day: training scores thousands of days a week."""
    frame = frame.dropna(subset=[pred, target])
    day = frame["date"]
    x, y = frame[pred].astype(float), frame[target].astype(float)
    by = x.groupby(day)
    ranks = frame[[pred, target]].groupby(day).rank()
    hit = (np.sign(x - by.transform("mean")) == np.sign(y)).astype(float)
    out = pd.DataFrame({
        "ic": _within_day_corr(x, y, day),
        "rank_ic": _within_day_corr(ranks[pred], ranks[target], day),
        "hit_rate": hit.groupby(day).mean(),
    })  # fmt: skip
    scored = (by.size() >= 3) & (by.nunique() >= 2)
    return out.where(scored).rename_axis("date")


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


LEAK_RANK_IC = 0.5  # no honest daily feature comes near this; a label copy sits near 1
# Fewer (ticker, day) pairs than this judge nothing: a feature still warming up, defined on
# one or two days of 12 tickers, reaches ±0.5 by chance (sd about 1/sqrt(pairs)).
LEAK_MIN_PAIRS = 250


def leaking_features(
    frame: pd.DataFrame, columns: list[str], target: str = "target", limit: float = LEAK_RANK_IC
) -> dict[str, float]:
    """Features whose cross-sectional rank correlation with the label, pooled over days and
    over at least LEAK_MIN_PAIRS rows, exceeds `limit` in size: they almost surely contain
    the label itself."""
    ranked = frame.groupby("date")[[*columns, target]].rank(pct=True)
    centered = ranked - ranked.groupby(frame["date"]).transform("mean")
    corr = centered[columns].corrwith(centered[target])
    pairs = centered[columns].notna().mul(centered[target].notna(), axis=0).sum()
    return {c: round(float(v), 4) for c, v in corr.items()
            if abs(v) > limit and pairs[c] >= LEAK_MIN_PAIRS}  # fmt: skip
