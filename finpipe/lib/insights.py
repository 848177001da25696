"""Insights: each day's predictions ranked into long / neutral / short calls."""

from __future__ import annotations

import pandas as pd

__all__ = ["INSIGHT_COLUMNS", "rank_insights"]

INSIGHT_COLUMNS = ["date", "ticker", "rank", "score", "prediction", "direction", "sector",
                   "model_name", "model_version", "drivers"]  # fmt: skip


def rank_insights(
    predictions: pd.DataFrame, universe: pd.DataFrame, quantile: float = 0.2
) -> pd.DataFrame:
    """Rank 1 is the highest predicted return; the top and bottom `quantile` are long and
    short. `score` is the prediction's cross-sectional z-score."""
    if predictions.empty:
        return pd.DataFrame(columns=INSIGHT_COLUMNS)
    frame = predictions.copy()
    by_day = frame.groupby("date")["prediction"]
    frame["rank"] = by_day.rank(ascending=False, method="first").astype("int64")
    std = by_day.transform("std").replace(0.0, 1.0).fillna(1.0)
    frame["score"] = (frame["prediction"] - by_day.transform("mean")) / std
    pct = frame["rank"] / by_day.transform("size")
    frame["direction"] = "neutral"
    frame.loc[pct <= quantile, "direction"] = "long"
    frame.loc[pct > 1 - quantile, "direction"] = "short"
    frame["sector"] = frame["ticker"].map(universe.set_index("ticker")["sector"])
    # Predictions stored before drivers existed have none: NULL, not an error.
    frame = frame.reindex(columns=INSIGHT_COLUMNS)
    frame["drivers"] = frame["drivers"].astype(object).where(frame["drivers"].notna(), None)
    return frame.sort_values(["date", "rank"]).reset_index(drop=True)
