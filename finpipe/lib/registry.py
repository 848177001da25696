"""The model registry: MLflow tracking runs and registered model versions.

Every call names its tracking URI explicitly (an `MlflowClient`), so nothing depends
on global MLflow state left by another run. A version carries tags that make
point-in-time selection possible: `train_start` and `train_end` (first and last feature
day), `data_end` (the last day whose prices the model saw: the last label is that day's
return), `partition`, and `champion_from` (the days it was promoted to serve from).
Predictions for day d use the champion as of d, and only a version whose `data_end` is
strictly before d. The aliases `champion` and `challenger` name the current ones.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import mlflow
import pandas as pd
import xgboost as xgb
from mlflow.tracking import MlflowClient

from finpipe.errors import ModelError, NoModelError
from finpipe.settings import redact_url

__all__ = ["CHALLENGER", "CHAMPION", "ModelRegistry", "ModelVersionInfo"]

CHAMPION, CHALLENGER = "champion", "challenger"  # MLflow aliases
CHAMPION_FROM = "champion_from"  # version tag: the days it became champion, comma-separated
CHAMPION_HISTORY = "champion_history"  # model tag: versions in the order they were promoted

os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


@dataclass(frozen=True)
class ModelVersionInfo:
    name: str
    version: str
    run_id: str
    train_start: pd.Timestamp
    train_end: pd.Timestamp
    data_end: pd.Timestamp
    tags: dict[str, str]


def _champion_from(version: ModelVersionInfo) -> list[pd.Timestamp]:
    return [pd.Timestamp(d) for d in version.tags.get(CHAMPION_FROM, "").split(",") if d]


def _described(model: xgb.XGBRegressor, example: pd.DataFrame) -> dict[str, str]:
    """The model's signature (column names and types in, a float out) and an input example,
    as MLflow writes them, so a reader knows what to feed the booster."""
    from mlflow.models import infer_signature

    signature = infer_signature(example, model.predict(example))
    return {
        "signature.json": json.dumps(signature.to_dict(), indent=2),
        "input_example.json": example.to_json(orient="split", index=False),
    }


@lru_cache(maxsize=64)
def _load_booster(tracking_uri: str, source_uri: str) -> xgb.Booster:
    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    with tempfile.TemporaryDirectory() as tmp:
        local = client.download_artifacts(*source_uri.split("/", 1), dst_path=tmp)
        booster = xgb.Booster()
        booster.load_model(str(Path(local)))
    return booster


class ModelRegistry:
    """Experiment and registered model of one model name."""

    def __init__(self, tracking_uri: str, artifact_root: str | None, name: str) -> None:
        self.tracking_uri, self.name = tracking_uri, name
        self.artifact_root = artifact_root
        self.client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)

    def _experiment_id(self) -> str:
        found = self.client.get_experiment_by_name(self.name)
        if found is not None:
            return found.experiment_id
        location = Path(self.artifact_root).resolve().as_uri() if self.artifact_root else None
        return self.client.create_experiment(self.name, artifact_location=location)

    def log_version(
        self,
        model: xgb.XGBRegressor,
        *,
        params: dict[str, object],
        metrics: dict[str, float],
        tags: dict[str, str],
        artifacts: dict[str, Path] | None = None,
        example: pd.DataFrame | None = None,
    ) -> ModelVersionInfo:
        """Record a training run and register its model as a new version; with `example`
        (model inputs), also its signature and an input example beside the model."""
        try:
            run = self.client.create_run(
                self._experiment_id(), tags=tags, run_name=tags.get("partition")
            )
            run_id = run.info.run_id
            for key, value in params.items():
                self.client.log_param(run_id, key, value)
            for key, value in metrics.items():
                if value == value:  # skip NaN
                    self.client.log_metric(run_id, key, float(value))
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "model.ubj"
                model.get_booster().save_model(str(path))
                self.client.log_artifact(run_id, str(path), artifact_path="model")
                if example is not None:
                    for name, text in _described(model, example.head(5)).items():
                        (Path(tmp) / name).write_text(text)
                        self.client.log_artifact(run_id, str(Path(tmp) / name), "model")
            for name, path in (artifacts or {}).items():  # a file, or a folder of them
                log = self.client.log_artifacts if path.is_dir() else self.client.log_artifact
                log(run_id, str(path), artifact_path=name)
            self.client.set_terminated(run_id)
            if not self._registered():
                self.client.create_registered_model(self.name)
            version = self.client.create_model_version(
                self.name, source=f"runs:/{run_id}/model/model.ubj", run_id=run_id, tags=tags
            )
        except mlflow.exceptions.MlflowException as exc:
            raise ModelError(
                f"cannot record model {self.name} in MLflow at {redact_url(self.tracking_uri)}: {exc}"
            ) from exc
        return self._info(version)

    def _registered(self) -> bool:
        try:
            self.client.get_registered_model(self.name)
            return True
        except mlflow.exceptions.MlflowException:
            return False

    def _info(self, version: mlflow.entities.model_registry.ModelVersion) -> ModelVersionInfo:
        tags = dict(version.tags)
        return ModelVersionInfo(
            name=self.name,
            version=str(version.version),
            run_id=version.run_id,
            train_start=pd.Timestamp(tags.get("train_start")),
            train_end=pd.Timestamp(tags.get("train_end")),
            data_end=pd.Timestamp(tags.get("data_end", tags.get("train_end"))),
            tags=tags,
        )

    def versions(self) -> list[ModelVersionInfo]:
        """Every version of the model, oldest first."""
        if not self._registered():
            return []
        found = self.client.search_model_versions(f"name = '{self.name}'", max_results=10_000)
        return sorted((self._info(v) for v in found), key=lambda v: int(v.version))

    def find(self, **tags: str) -> ModelVersionInfo | None:
        """The newest version whose tags include all of `tags`."""
        matches = [v for v in self.versions() if all(v.tags.get(k) == t for k, t in tags.items())]
        return matches[-1] if matches else None

    def version_for_day(
        self, day: pd.Timestamp, versions: list[ModelVersionInfo] | None = None
    ) -> ModelVersionInfo:
        """The champion serving `day`: the version most recently promoted to serve from a
        day on or before `day`, among those whose training data ends before `day`."""
        versions = versions if versions is not None else self.versions()
        served = [
            (start, int(v.version), v)
            for v in versions
            if v.data_end < day
            for start in _champion_from(v)
            if start <= day
        ]
        if not served:
            raise NoModelError(
                f"no version of model {self.name} was champion before {day.date()}; "
                "materialize trained_model for an earlier week first"
            )
        return max(served, key=lambda entry: entry[:2])[2]

    def champion(self) -> ModelVersionInfo | None:
        """The version aliased `champion` now, if any."""
        try:
            return self._info(self.client.get_model_version_by_alias(self.name, CHAMPION))
        except mlflow.exceptions.MlflowException:
            return None

    def tag(self, version: str, tags: dict[str, str]) -> None:
        for key, value in tags.items():
            self.client.set_model_version_tag(self.name, version, key, value)

    def mark_challenger(self, version: str) -> None:
        self.client.set_registered_model_alias(self.name, CHALLENGER, version)

    def promote(self, version: str, serves_from: pd.Timestamp, *, rollback: bool = False) -> None:
        """Make `version` the champion for days from `serves_from` on. Earlier days keep
        the champion they had: each version lists every day it became champion. A
        rollback undoes the last promotion in the history instead of adding one."""
        info = self._info(self.client.get_model_version(self.name, version))
        if info.data_end >= pd.Timestamp(serves_from):
            raise ModelError(
                f"version {version} saw prices up to {info.data_end.date()}: it cannot serve "
                f"from {pd.Timestamp(serves_from).date()}, only from a later day"
            )
        starts = [*_champion_from(info), pd.Timestamp(serves_from)]
        self.tag(version, {CHAMPION_FROM: ",".join(sorted({d.date().isoformat() for d in starts}))})
        self.client.set_registered_model_alias(self.name, CHAMPION, version)
        history = self.champion_history()
        history = history[:-1] if rollback else [*history, version]
        self.client.set_registered_model_tag(self.name, CHAMPION_HISTORY, ",".join(history))

    def champion_history(self) -> list[str]:
        """The promotions still in force, oldest first (a rollback removes the last)."""
        tags = self.client.get_registered_model(self.name).tags if self._registered() else {}
        return [v for v in tags.get(CHAMPION_HISTORY, "").split(",") if v]

    def previous_champion(self) -> str | None:
        """The version a rollback returns to: the champion before the current one."""
        history = self.champion_history()
        return history[-2] if len(history) > 1 else None

    def load(self, version: ModelVersionInfo) -> xgb.Booster:
        """The version's booster (cached per process)."""
        source = self.client.get_model_version(self.name, version.version).source
        run_id, rel = source.removeprefix("runs:/").split("/", 1)
        return _load_booster(self.tracking_uri, f"{run_id}/{rel}")
