"""Modeling: the weekly trained model and the daily predictions it serves."""

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xgboost as xgb
from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetDep,
    AssetExecutionContext,
    AssetIn,
    BackfillPolicy,
    Config,
    MaterializeResult,
    MetadataValue,
    Output,
    asset,
)
from pydantic import Field

from finpipe.defs.partitions import (
    DAILY,
    TRAINING_WEEKS,
    previous_week_mapping,
    training_window_mapping,
    weekly_partitions,
)
from finpipe.defs.resources import RegistryResource, WarehouseResource
from finpipe.errors import NoModelError
from finpipe.lib.baselines import BASELINES
from finpipe.lib.explain import importance_png, top_drivers
from finpipe.lib.features import FEATURE_COLUMNS
from finpipe.lib.metrics import LEAK_RANK_IC, leaking_features
from finpipe.lib.modeling import (
    MIN_EVAL_DAYS,
    ModelParams,
    feature_importance,
    fit_with_holdout,
    make_training_set,
)
from finpipe.lib.promotion import challenge
from finpipe.lib.registry import ModelRegistry
from finpipe.lib.targets import TARGETS, Target, get_target
from finpipe.lib.walkforward import fold_metrics, walk_forward
from finpipe.lib.warehouse import predictions as predictions_table
from finpipe.settings import redact_url


class TrainingConfig(Config):
    targets: list[str] = Field(
        list(TARGETS),
        description="Targets to train, each its own registered model: return_1d, return_5d "
        "(forward returns demeaned across tickers), direction_1d, direction_5d.",
    )
    min_training_days: int = Field(40, ge=10, description="No model before this many sessions.")
    validation_days: int = Field(20, ge=5, description="Last sessions held out for validation.")
    n_estimators: int = Field(1000, ge=1, description="Most trees; early stopping picks fewer.")
    max_depth: int = 3
    learning_rate: float = 0.05
    min_child_weight: float = Field(200.0, ge=0, description="Minimum rows per leaf.")
    early_stopping_rounds: int = Field(
        20, ge=0, description="Stop adding trees after this many without a better score; 0: off."
    )
    early_stopping_days: int = Field(
        40, ge=MIN_EVAL_DAYS, description="Last sessions scored while growing trees."
    )
    seed: int = 7
    cv_folds: int = Field(
        3, ge=0, description="Walk-forward folds of `validation_days` sessions, scored per fold."
    )
    purge_days: int = Field(
        1, ge=0, description="Sessions dropped before each fold's block (at least the horizon)."
    )
    embargo_days: int = Field(5, ge=0, description="Further sessions dropped after the purge.")
    promotion_margin: float = Field(
        0.0, description="Mean daily rank IC a challenger must beat the champion by."
    )
    promotion_p_value: float = Field(
        0.05, gt=0, lt=1, description="Paired t-test p-value below which the win counts."
    )

    def params(self) -> ModelParams:
        return ModelParams(n_estimators=self.n_estimators, max_depth=self.max_depth,
                           learning_rate=self.learning_rate,
                           min_child_weight=self.min_child_weight,
                           early_stopping_rounds=self.early_stopping_rounds,
                           early_stopping_days=self.early_stopping_days, seed=self.seed)  # fmt: skip


def _week_cutoff(week_key: str) -> pd.Timestamp:
    """Last calendar day of the week starting on Monday `week_key`."""
    return pd.Timestamp(week_key) + pd.Timedelta(days=6)


@dataclass
class _Trained:
    """What one (week, target) training left for the asset's metadata."""

    row: dict
    leaks: list[str] = field(default_factory=list)
    folds: pd.DataFrame | None = None
    importance: pd.DataFrame | None = None


def _train_week(
    reg: ModelRegistry, features: pd.DataFrame, week: str, target: Target, config: TrainingConfig
) -> _Trained:
    """Train, register and challenge the model of `target` for `week`."""
    head = {"week": week, "target": target.name, "version": "-"}
    cutoff = _week_cutoff(week)
    window = features[features["date"] > cutoff - pd.Timedelta(weeks=TRAINING_WEEKS)]
    training = make_training_set(window, cutoff, target)
    days = training.frame["date"].nunique()
    if days < config.min_training_days:
        return _Trained({**head, "status": f"skipped: {days} sessions"})
    params = config.params()
    leaks = leaking_features(training.frame, FEATURE_COLUMNS)
    if leaks:  # never register a model that was handed the answer
        return _Trained({**head, "status": f"refused: label leak {leaks}"}, leaks)
    fingerprint = f"{training.fingerprint}-{params.fingerprint}"
    existing = reg.find(partition=week, fingerprint=fingerprint)
    if existing is not None:
        return _Trained({**head, "version": existing.version, "status": "unchanged"})
    fitted = fit_with_holdout(training, params, config.validation_days)
    tags = {
        "partition": week,
        "target": target.name,
        "train_start": training.start.date().isoformat(),
        "train_end": fitted.train_end.date().isoformat(),
        "data_end": fitted.data_end.date().isoformat(),
        "fingerprint": fingerprint,
    }
    importance = feature_importance(fitted.model)
    folds = walk_forward(training, params, config.cv_folds, config.validation_days,
                         config.purge_days, config.embargo_days)  # fmt: skip
    metrics = {**fitted.metrics, **fold_metrics(folds)}
    with tempfile.TemporaryDirectory() as tmp:
        explain = Path(tmp) / "explain"
        explain.mkdir()
        importance.to_csv(explain / "feature_importance.csv", index=False)
        (explain / "feature_importance.png").write_bytes(importance_png(importance))
        folds.to_csv(Path(tmp) / "walk_forward.csv", index=False)
        info = reg.log_version(fitted.model, params=params.as_dict(), metrics=metrics,
                               tags=tags, example=training.frame[FEATURE_COLUMNS],
                               artifacts={"explain": explain,
                                          "cv": Path(tmp) / "walk_forward.csv"})  # fmt: skip
    reg.mark_challenger(info.version)
    decision = challenge(reg, fitted, week, margin=config.promotion_margin,
                         p_value=config.promotion_p_value)  # fmt: skip
    reg.tag(info.version, decision.tags())
    if decision.promote:
        reg.promote(info.version, serves_from=cutoff + pd.Timedelta(days=1))
    row = {**head, "version": info.version,
           "status": "champion" if decision.promote else "challenger",
           "trees": fitted.model.n_estimators,
           "val_rank_ic": round(fitted.metrics["val_rank_ic"], 4),
           **{f"{b}_rank_ic": round(fitted.metrics.get(f"val_{b}_rank_ic", float("nan")), 4)
              for b in BASELINES},
           "reason": decision.reason}  # fmt: skip
    return _Trained(row, folds=folds, importance=importance)


@asset(
    group_name="modeling",
    partitions_def=weekly_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    kinds={"xgboost", "mlflow"},
    check_specs=[
        AssetCheckSpec(
            "no_label_leak",
            asset="trained_model",
            blocking=True,
            description="No feature ranks tickers like the label it is trained on "
            f"(|pooled daily rank IC| ≤ {LEAK_RANK_IC}); a week that fails registers nothing.",
        )
    ],
    ins={
        "features": AssetIn(
            partition_mapping=training_window_mapping,
            metadata={"allow_missing_partitions": True},
        )
    },
)
def trained_model(
    context: AssetExecutionContext,
    config: TrainingConfig,
    features: pd.DataFrame,
    registry: RegistryResource,
) -> MaterializeResult:
    """Gradient-boosted models of each target (next-day and 5-day relative returns and
    their direction), trained each week on the trailing 52 weeks of features (less the
    last validation sessions), registered in MLflow per target as the `challenger`, and
    promoted to `champion` only when they beat the champion on those validation sessions
    (paired t-test on daily rank ICs)."""
    targets = [get_target(name) for name in config.targets]
    rows, shown, leaked = [], {}, {}
    for target in targets:
        reg = registry.registry(target.name)
        for week in context.partition_keys:
            if features.empty:  # every upstream partition of the window is missing
                rows.append({"week": week, "target": target.name, "version": "-",
                             "status": "skipped: no features"})  # fmt: skip
                continue
            trained = _train_week(reg, features, week, target, config)
            rows.append(trained.row)
            if trained.leaks:
                leaked[f"{week} {target.name}"] = trained.leaks
            if trained.folds is not None:
                shown[target.name] = trained
            context.log.info(f"{reg.name} week {week}: {trained.row['status']} "
                             f"{trained.row.get('reason', '')}")  # fmt: skip
    summary = pd.DataFrame(rows)
    extra = {}
    for name, trained in shown.items():
        extra[f"walk_forward_{name}"] = MetadataValue.md(
            trained.folds.to_markdown(index=False, floatfmt=".4f")
        )
    serving = shown.get(registry.serving_target) or next(iter(shown.values()), None)
    if serving is not None:
        extra["feature_importance"] = MetadataValue.md(
            serving.importance.head(10).to_markdown(index=False, floatfmt=".3f")
        )
    champions = {}
    for target in targets:
        champion = registry.registry(target.name).champion()
        champions[target.model_name(registry.model_prefix)] = champion.version if champion else "-"
    leak_check = AssetCheckResult(
        check_name="no_label_leak",
        passed=not leaked,
        metadata={"leaking_features": MetadataValue.json(leaked),
                  "limit_rank_ic": MetadataValue.float(LEAK_RANK_IC)},
    )  # fmt: skip
    return MaterializeResult(
        check_results=[leak_check],
        metadata={
            **extra,
            "serving_model": MetadataValue.text(registry.registry().name),
            "champions": MetadataValue.json(champions),
            "weeks": MetadataValue.md(summary.tail(30).to_markdown(index=False)),
            "mlflow_tracking_uri": MetadataValue.text(redact_url(registry.tracking_uri)),
        },
    )


@asset(
    group_name="modeling",
    **DAILY,
    kinds={"xgboost", "parquet"},
    deps=[AssetDep("trained_model", partition_mapping=previous_week_mapping)],
)
def predictions(
    context: AssetExecutionContext,
    features: pd.DataFrame,
    registry: RegistryResource,
    warehouse: WarehouseResource,
) -> Output[pd.DataFrame]:
    """Each ticker's prediction of the serving target (by default the next-day relative
    return), from the champion as of that day (never a model whose data reaches the day),
    with its top three drivers (SHAP contributions)."""
    reg = registry.registry()
    versions = reg.versions()
    parts, missing = [], []
    for day, rows in features.groupby("date", sort=True):
        try:
            version = reg.version_for_day(pd.Timestamp(day), versions)
        except NoModelError:
            missing.append(pd.Timestamp(day).date().isoformat())
            continue
        booster = reg.load(version)
        scores = booster.predict(xgb.DMatrix(rows[FEATURE_COLUMNS]))
        drivers = top_drivers(booster, rows[FEATURE_COLUMNS])
        parts.append(
            pd.DataFrame(
                {
                    "date": rows["date"].to_numpy(),
                    "ticker": rows["ticker"].to_numpy(),
                    "prediction": scores.astype("float64"),
                    "model_name": reg.name,
                    "model_version": version.version,
                    "drivers": drivers,
                }
            )  # fmt: skip
        )
    columns = ["date", "ticker", "prediction", "model_name", "model_version", "drivers"]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    warehouse.get().replace_days(
        predictions_table,
        [dt.date.fromisoformat(k) for k in context.partition_keys],
        frame.assign(date=pd.to_datetime(frame["date"]).dt.date).to_dict("records"),
    )
    return Output(
        frame,
        metadata={
            "rows": MetadataValue.int(len(frame)),
            "model_versions": MetadataValue.json(
                sorted(frame["model_version"].unique().tolist(), key=int)
            ),
            "days_without_model": MetadataValue.json(missing),
        },
    )
