"""The cross-vendor check flags a close that two vendors quote differently."""

import shutil
from pathlib import Path

import pandas as pd
from dagster import instance_for_test, materialize
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from finpipe.definitions import build_definitions
from finpipe.settings import Settings

DATA = Path(__file__).parents[1] / "data" / "alphavantage_daily_adjusted"


def _vendor_copy(folder: Path, bump_day: str | None = None) -> Path:
    folder.mkdir()
    for ticker in ("AAPL", "MSFT"):
        shutil.copy(DATA / f"{ticker}.csv", folder)
    if bump_day:
        frame = pd.read_csv(folder / "AAPL.csv")
        frame.loc[frame["timestamp"] == bump_day, "close"] *= 1.01
        frame.to_csv(folder / "AAPL.csv", index=False)
    return folder


def test_closes_that_disagree_by_more_than_half_a_percent_fail_the_check(tmp_path):
    primary = _vendor_copy(tmp_path / "primary")
    reference = _vendor_copy(tmp_path / "reference", bump_day="2014-06-03")
    settings = Settings(
        home=tmp_path / "finpipe",
        market_sources=f"csv:{primary}",
        reference_sources=f"csv:{reference}",
    )
    defs = build_definitions(settings)
    with instance_for_test() as instance:
        materialize(list(defs.assets), selection=["universe"], instance=instance,
                    resources=defs.resources)  # fmt: skip
        result = materialize(
            list(defs.assets), selection=["raw_prices"], instance=instance,
            resources=defs.resources,
            tags={ASSET_PARTITION_RANGE_START_TAG: "2014-06-02",
                  ASSET_PARTITION_RANGE_END_TAG: "2014-06-04"},
        )  # fmt: skip
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.check_name == "cross_vendor_close" and not evaluation.passed
    assert evaluation.metadata["compared"].value == 6
    assert evaluation.metadata["disagreements"].value == 1
    assert "2014-06-03" in evaluation.metadata["failure_cases"].value
