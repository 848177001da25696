"""Training the cross-sectional return model and measuring it (IC, rank IC, hit rate)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import xgboost as xgb

from finpipe.lib.baselines import baseline_metrics
from finpipe.lib.features import FEATURE_COLUMNS
from finpipe.lib.metrics import daily_ic, ic_summary
from finpipe.lib.targets import TARGETS, Target, with_target

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


MIN_EVAL_DAYS = 10  # sessions early stopping needs to score trees on
SHORT_WINDOW_TREES = 150  # a window too short to score on gets at most this many trees


@dataclass(frozen=True)
class ModelParams:
    """XGBoost hyper-parameters; seeded so the same data gives the same model.

    `n_estimators` is a ceiling: the number of trees is chosen by early stopping on the
    last `early_stopping_days` sessions of the training rows (at most a quarter of them,
    after a purge of the label's horizon), then the model is refitted on all rows with that
    many trees; `early_stopping_rounds=0` fits `n_estimators` trees."""

    n_estimators: int = 1000
    max_depth: int = 3
    learning_rate: float = 0.05
    subsample: float = 0.8
    colsample_bytree: float = 0.8
    min_child_weight: float = 200.0  # in rows of a return target (see `_booster`)
    early_stopping_rounds: int = 20
    early_stopping_days: int = 40
    seed: int = 7

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(repr(sorted(self.as_dict().items())).encode()).hexdigest()[:8]


@dataclass(frozen=True)
class TrainingSet:
    frame: pd.DataFrame  # date, ticker, features, target and label (no NaN label)
    start: pd.Timestamp  # first feature day
    end: pd.Timestamp  # last feature day
    data_end: pd.Timestamp  # no price after this day reached the model (an upper bound)
    target: Target = TARGETS["return_1d"]

    def before(self, day: pd.Timestamp, gap: int = 0) -> TrainingSet:
        """The rows dated before `day` less the last `gap` sessions before it; with a gap of
        at least the horizon, no label reaches `day`, its `data_end`."""
        dates = pd.DatetimeIndex(self.frame["date"].unique()).sort_values()
        stop = max(int(dates.searchsorted(day)) - gap, 0)
        rows = self.frame[self.frame["date"] < dates[stop]] if stop < len(dates) else self.frame
        last = dates[stop - 1] if stop else self.start
        return TrainingSet(rows, self.start, last, pd.Timestamp(day), self.target)

    @property
    def fingerprint(self) -> str:
        """Hash of the rows: equal fingerprints mean equal training data."""
        hashed = pd.util.hash_pandas_object(self.frame, index=False).to_numpy()
        return hashlib.sha256(hashed.tobytes()).hexdigest()[:16]


def make_training_set(
    features: pd.DataFrame, cutoff: pd.Timestamp, target: Target = TARGETS["return_1d"]
) -> TrainingSet:
    """Rows up to `cutoff` whose label is known by `cutoff` (the last `horizon` days'
    labels are purged)."""
    window = features[features["date"] <= cutoff].sort_values(["date", "ticker"])
    data_end = window["date"].max() if len(window) else cutoff
    window = with_target(window, target).dropna(subset=["label"]).reset_index(drop=True)
    start = window["date"].min() if len(window) else cutoff
    end = window["date"].max() if len(window) else cutoff
    return TrainingSet(window, start, end, data_end, target)


def _booster(params: ModelParams, objective: str, n_estimators: int, **extra) -> xgb.XGBRegressor:
    # Single-threaded: the same rows give the same model bytes. A leaf's weight is its rows'
    # hessian: 1 per row for squared error, p(1 - p) ≈ 1/4 for the logistic loss.
    per_row = 0.25 if objective == "binary:logistic" else 1.0
    return xgb.XGBRegressor(
        tree_method="hist", n_jobs=1, random_state=params.seed, objective=objective,
        n_estimators=n_estimators, max_depth=params.max_depth,
        learning_rate=params.learning_rate, subsample=params.subsample,
        colsample_bytree=params.colsample_bytree,
        min_child_weight=params.min_child_weight * per_row, **extra,
    )  # fmt: skip


def train(training: TrainingSet, params: ModelParams) -> xgb.XGBRegressor:
    """Fit gradient-boosted trees on the label: early stopping picks the number of trees
    on the last sessions, then a refit on every row uses that many."""
    frame, objective = training.frame, training.target.objective
    dates = np.sort(frame["date"].unique())
    # A short window scores on its last quarter; under 10 sessions scores say nothing, and
    # the ceiling (1000 trees) would overfit a few hundred rows.
    eval_days = min(params.early_stopping_days, len(dates) // 4)
    trees = params.n_estimators
    if params.early_stopping_rounds and eval_days < MIN_EVAL_DAYS:
        trees = min(trees, SHORT_WINDOW_TREES)
    elif params.early_stopping_rounds:
        first_eval = pd.Timestamp(dates[-eval_days])
        fit = training.before(first_eval, gap=training.target.horizon).frame
        held = frame[frame["date"] >= first_eval]
        probe = _booster(params, objective, params.n_estimators,
                         early_stopping_rounds=params.early_stopping_rounds)  # fmt: skip
        probe.fit(fit[FEATURE_COLUMNS], fit["label"],
                  eval_set=[(held[FEATURE_COLUMNS], held["label"])], verbose=False)  # fmt: skip
        trees = probe.best_iteration + 1
    model = _booster(params, objective, trees)
    model.fit(frame[FEATURE_COLUMNS], frame["label"])
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
    """Fit on all but the last `validation_days` sessions (less a purge of the label's
    horizon before them) and score those sessions.

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
    split = pd.Timestamp(dates[-validation_days])
    early = training.before(split, gap=training.target.horizon)
    fit = train(early, params)
    holdout = training.frame[training.frame["date"] >= split]
    daily = daily_ic(holdout.assign(prediction=fit.predict(holdout[FEATURE_COLUMNS])))
    metrics = {f"val_{k}": v for k, v in ic_summary(daily).items()}
    metrics["train_rows"] = float(len(early.frame))
    metrics["trees"] = float(fit.n_estimators)
    for name, summary in baseline_metrics(early.frame, holdout).items():
        metrics.update({f"val_{name}_{k}": v for k, v in summary.items() if k != "days"})
    return Validated(fit, early.end, split, holdout, daily, metrics)


def feature_importance(model: xgb.XGBRegressor) -> pd.DataFrame:
    """Total gain per feature, as a share of the model's total gain, largest first."""
    gain = pd.Series(model.get_booster().get_score(importance_type="total_gain"), dtype=float)
    share = (gain / gain.sum()).reindex(FEATURE_COLUMNS).fillna(0.0)
    return share.sort_values(ascending=False).rename_axis("feature").reset_index(name="gain_share")
