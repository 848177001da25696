"""`finpipe serve` (what `make serve` runs): Dagster webserver + daemon and the API, for real."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from finpipe_tests.conftest import LAST, free_port

pytestmark = pytest.mark.slow

LINEAGE = [("raw_prices", "cleaned_prices"), ("cleaned_prices", "features"),
           ("features", "trained_model"), ("trained_model", "predictions"),
           ("predictions", "insights")]  # fmt: skip
QUERY = "{ assetNodes { assetKey { path } dependencyKeys { path } } }"


def _wait(url: str, deadline: float, proc: subprocess.Popen) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"finpipe serve exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError(f"{url} did not answer in time")


def test_serve_exposes_the_asset_graph_and_the_insights(pipeline, tmp_path):
    settings, instance = pipeline
    ui, api = free_port(), free_port()
    env = {**os.environ, "FINPIPE_HOME": str(settings.home), "FINPIPE_N_TICKERS": "12", "FINPIPE_FAULT_RATE": "0.03",
           "FINPIPE_DAGSTER_PORT": str(ui), "FINPIPE_API_PORT": str(api),
           "DAGSTER_HOME": str(tmp_path / "dagster_home")}  # fmt: skip
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "finpipe.cli", "serve"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, cwd=Path(__file__).parents[1],
                            start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        _wait(f"http://127.0.0.1:{api}/health", deadline, proc)
        _wait(f"http://127.0.0.1:{ui}/server_info", deadline, proc)
        nodes = httpx.post(
            f"http://127.0.0.1:{ui}/graphql", json={"query": QUERY}, timeout=60
        ).json()
        parents = {n["assetKey"]["path"][0]: {d["path"][0] for d in n["dependencyKeys"]}
                   for n in nodes["data"]["assetNodes"]}  # fmt: skip
        for up, down in LINEAGE:
            assert up in parents[down], (up, down)
        body = httpx.get(f"http://127.0.0.1:{api}/v1/insights/latest", timeout=10).json()
        assert body["date"] == LAST and body["count"] == 12
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # like Ctrl-C on `make serve`
        try:
            proc.wait(timeout=60)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the group
            log.close()
