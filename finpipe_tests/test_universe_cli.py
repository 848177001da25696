"""`finpipe universe`: the followed tickers change, and an added ticker gets its history."""

import pandas as pd
import pytest
from dagster import DagsterInstance
from upath import UPath

from finpipe.cli import main
from finpipe.definitions import build_definitions
from finpipe.defs.ingestion.sensors import restated_days
from finpipe.demo import PREPARE, materialize_range
from finpipe.lib.lake import read_frame
from finpipe.settings import get_settings

pytestmark = pytest.mark.slow
FIRST, LAST = "2024-01-02", "2024-01-12"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("FINPIPE_HOME", str(tmp_path / "finpipe"))
    monkeypatch.setenv("FINPIPE_N_TICKERS", "12")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def _tickers(settings, asset: str) -> dict[str, set[str]]:
    root = UPath(settings.lake_root) / asset
    return {
        day: set(read_frame(root / f"date={day}" / "data.parquet")["ticker"])
        for day in pd.bdate_range(FIRST, LAST).strftime("%Y-%m-%d")
        if day != "2024-01-15"
    }


def test_universe_add_backfills_the_history(home, capsys):
    assert main(["universe", "remove", "SYN011", "SYN012"]) == 0
    followed = pd.read_csv(home.universe_path)
    assert len(followed) == 10 and "SYN011" not in set(followed["ticker"])

    instance = DagsterInstance.get()
    defs = build_definitions(home)
    materialize_range(defs, instance, ["universe"], None, None)
    materialize_range(defs, instance, PREPARE, FIRST, LAST)
    assert not any("SYN011" in t for t in _tickers(home, "raw_prices").values())

    assert main(["universe", "add", "syn011"]) == 0  # case-insensitive, backfills
    assert "SYN011" in set(pd.read_csv(home.universe_path)["ticker"])
    for asset in ("raw_prices", "features"):
        assert all("SYN011" in t and "SYN012" not in t for t in _tickers(home, asset).values())
    # The new ticker's own splits are not restatements of the days they fall on.
    assert restated_days(instance, 0)[0] == []

    capsys.readouterr()
    assert main(["universe", "add", "NOPE"]) == 2
    assert "NOPE" in capsys.readouterr().err
    assert len(pd.read_csv(home.universe_path)) == 11  # nothing written on error
