"""The repository's Dagster instance config and the `dagster` CLI view of the code location."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from dagster import DagsterInstance

ROOT = Path(__file__).parents[1]


def test_local_instance_has_retries_and_a_bounded_run_queue(tmp_path):
    (tmp_path / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())
    instance = DagsterInstance.from_config(str(tmp_path))
    try:
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 2
        config = yaml.safe_load((ROOT / "dagster.yaml").read_text())
        assert config["run_queue"]["max_concurrent_runs"] == 2
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
    finally:
        instance.dispose()


@pytest.mark.slow
def test_dagster_cli_validates_and_lists_the_assets(tmp_path):
    env_home = {"DAGSTER_HOME": str(tmp_path)}
    (tmp_path / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())
    dagster = [sys.executable, "-m", "dagster"]
    run = dict(cwd=ROOT, capture_output=True, text=True, timeout=300,
               env={**os.environ, **env_home})  # fmt: skip
    validate = subprocess.run(
        [*dagster, "definitions", "validate", "-m", "finpipe.definitions"], **run
    )
    assert validate.returncode == 0, validate.stderr[-2000:]
    listed = subprocess.run([*dagster, "asset", "list", "-m", "finpipe.definitions"], **run)
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert {"raw_prices", "cleaned_prices", "features", "trained_model", "predictions",
            "drift_report", "insights"} <= set(listed.stdout.split())  # fmt: skip
