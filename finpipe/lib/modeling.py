"""Training the cross-sectional return model and measuring it (IC, rank IC, hit rate)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import xgboost as xgb

from finpipe.lib.features import FEATURE_COLUMNS, next_day_target

__all__ = [
    "ModelParams",
    "TrainingSet",
    "daily_ic",
    "feature_importance",
    "fit_with_holdout",
    "ic_summary",
    "make_training_set",
    "train",
]


@dataclass(frozen=True)
class ModelParams:
    """XGBoost hyper-parameters; seeded so the same data gives the same model."""

    n_estimators: int = 150
    max_depth: int = 3
    learning_rate: float = 0.05
    subsample: float = 0.8
    colsample_bytree: float = 0.8
    min_child_weight: float = 20.0
    seed: int = 7

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(repr(sorted(self.as_dict().items())).encode()).hexdigest()[:8]


@dataclass(frozen=True)
class TrainingSet:
    frame: pd.DataFrame  # date, ticker, features, target (no NaN target)
    start: pd.Timestamp  # first feature day
    end: pd.Timestamp  # last feature day
    data_end: pd.Timestamp  # last day whose prices the model saw (its labels reach it)

    @property
    def fingerprint(self) -> str:
        """Hash of the rows: equal fingerprints mean equal training data."""
        hashed = pd.util.hash_pandas_object(self.frame, index=False).to_numpy()
        return hashlib.sha256(hashed.tobytes()).hexdigest()[:16]


def make_training_set(features: pd.DataFrame, cutoff: pd.Timestamp) -> TrainingSet:
    """Rows up to `cutoff` whose label is known by `cutoff` (the last day's label is purged)."""
    window = features[features["date"] <= cutoff].sort_values(["date", "ticker"])
    data_end = window["date"].max() if len(window) else cutoff
    window = window.assign(target=next_day_target(window)).dropna(subset=["target"])
    window = window.reset_index(drop=True)
    start = window["date"].min() if len(window) else cutoff
    end = window["date"].max() if len(window) else cutoff
    return TrainingSet(window, start, end, data_end)


def train(training: TrainingSet, params: ModelParams) -> xgb.XGBRegressor:
    """Fit gradient-boosted trees on the features; single-threaded for exact reproducibility."""
    model = xgb.XGBRegressor(
        tree_method="hist",
        n_jobs=1,
        random_state=params.seed,
        n_estimators=params.n_estimators,
        max_depth=params.max_depth,
        learning_rate=params.learning_rate,
        subsample=params.subsample,
        colsample_bytree=params.colsample_bytree,
        min_child_weight=params.min_child_weight,
    )
    model.fit(training.frame[FEATURE_COLUMNS], training.frame["target"])
    return model


def fit_with_holdout(
    training: TrainingSet, params: ModelParams, validation_days: int
) -> tuple[xgb.XGBRegressor, dict[str, float]]:
    """Score a probe fitted without the last `validation_days` sessions on those sessions,
    then fit the served model on the whole window. Returns the model and `val_*` metrics."""
    dates = sorted(training.frame["date"].unique())
    if len(dates) < 2 * validation_days:  # too short to hold anything out
        return train(training, params), {"val_ic": float("nan"), "val_rank_ic": float("nan"),
                                         "train_rows": float(len(training.frame))}  # fmt: skip
    split = dates[-validation_days]
    early = training.frame["date"] < split
    probe = train(TrainingSet(training.frame[early], training.start, split, split), params)
    holdout = training.frame[~early].assign(prediction=lambda f: probe.predict(f[FEATURE_COLUMNS]))
    metrics = {f"val_{k}": v for k, v in ic_summary(daily_ic(holdout)).items()}
    metrics["train_rows"] = float(len(training.frame))
    return train(training, params), metrics


def feature_importance(model: xgb.XGBRegressor) -> pd.DataFrame:
    """Total gain per feature, as a share of the model's total gain, largest first."""
    gain = pd.Series(model.get_booster().get_score(importance_type="total_gain"), dtype=float)
    share = (gain / gain.sum()).reindex(FEATURE_COLUMNS).fillna(0.0)
    return share.sort_values(ascending=False).rename_axis("feature").reset_index(name="gain_share")


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
