"""The model registry: MLflow tracking runs and registered model versions.

Every call names its tracking URI explicitly (an `MlflowClient`), so nothing depends
on global MLflow state left by another run. A version carries tags that make
point-in-time selection possible: `train_start` and `train_end` (first and last feature
day), `data_end` (the last day whose prices the model saw: the last label is that day's
return) and `partition`; predictions for day d may only use a version whose `data_end`
is strictly before d.
"""

from __future__ import annotations

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

__all__ = ["ModelRegistry", "ModelVersionInfo"]

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
    ) -> ModelVersionInfo:
        """Record a training run and register its model as a new version."""
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
            for name, file in (artifacts or {}).items():
                self.client.log_artifact(run_id, str(file), artifact_path=name)
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
        """The most recent version whose training data (labels included) ends before `day`."""
        eligible = [
            v for v in (versions if versions is not None else self.versions()) if v.data_end < day
        ]
        if not eligible:
            raise NoModelError(
                f"no version of model {self.name} was trained before {day.date()}; "
                "materialize trained_model for an earlier week first"
            )
        return max(eligible, key=lambda v: (v.data_end, int(v.version)))

    def load(self, version: ModelVersionInfo) -> xgb.Booster:
        """The version's booster (cached per process)."""
        source = self.client.get_model_version(self.name, version.version).source
        run_id, rel = source.removeprefix("runs:/").split("/", 1)
        return _load_booster(self.tracking_uri, f"{run_id}/{rel}")
