"""Training the cross-sectional return model and measuring it (IC, rank IC, hit rate)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

import pandas as pd
import xgboost as xgb

from finpipe.lib.baselines import baseline_metrics
from finpipe.lib.features import FEATURE_COLUMNS, next_day_target
from finpipe.lib.metrics import daily_ic, ic_summary

__all__ = [
    "ModelParams",
    "TrainingSet",
    "Validated",
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


@dataclass(frozen=True)
class Validated:
    """A model fitted without the last validation sessions, and its scores on them."""

    model: xgb.XGBRegressor
    train_end: pd.Timestamp  # last feature day it was fitted on
    data_end: pd.Timestamp  # last day whose prices the model saw
    holdout: pd.DataFrame  # the validation rows (features and target)
    daily: pd.DataFrame  # per validation day: ic, rank_ic, hit_rate
    metrics: dict[str, float]  # val_* summaries and train_rows


def fit_with_holdout(training: TrainingSet, params: ModelParams, validation_days: int) -> Validated:
    """Fit on all but the last `validation_days` sessions and score those sessions.

    The fitted model is the one registered and served: it is a few weeks staler than a
    refit on everything, but later versions can be compared with it on days neither saw.
    A window too short to hold anything out is fitted whole and left unscored."""
    dates = sorted(training.frame["date"].unique())
    if len(dates) < 2 * validation_days:
        empty = pd.DataFrame(columns=["ic", "rank_ic", "hit_rate"])
        metrics = {"val_ic": float("nan"), "val_rank_ic": float("nan"),
                   "train_rows": float(len(training.frame))}  # fmt: skip
        return Validated(train(training, params), training.end, training.data_end,
                         training.frame.iloc[0:0], empty, metrics)  # fmt: skip
    split = dates[-validation_days]
    early = training.frame["date"] < split
    last_day = pd.Timestamp(dates[-validation_days - 1])  # its label is the move into `split`
    fit = train(TrainingSet(training.frame[early], training.start, last_day, split), params)
    holdout = training.frame[~early]
    daily = daily_ic(holdout.assign(prediction=fit.predict(holdout[FEATURE_COLUMNS])))
    metrics = {f"val_{k}": v for k, v in ic_summary(daily).items()}
    metrics["train_rows"] = float(early.sum())
    for name, summary in baseline_metrics(training.frame[early], holdout).items():
        metrics.update({f"val_{name}_{k}": v for k, v in summary.items() if k != "days"})
    return Validated(fit, last_day, split, holdout, daily, metrics)


def feature_importance(model: xgb.XGBRegressor) -> pd.DataFrame:
    """Total gain per feature, as a share of the model's total gain, largest first."""
    gain = pd.Series(model.get_booster().get_score(importance_type="total_gain"), dtype=float)
    share = (gain / gain.sum()).reindex(FEATURE_COLUMNS).fillna(0.0)
    return share.sort_values(ascending=False).rename_axis("feature").reset_index(name="gain_share")
