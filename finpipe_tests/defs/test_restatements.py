"""A split delivered late: re-fetching the day makes the sensor redo what read it."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from dagster import SkipReason, build_sensor_context, instance_for_test
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)
from upath import UPath

from finpipe.definitions import build_definitions
from finpipe.defs.ingestion.sensors import corporate_action_restatements
from finpipe.demo import PREPARE, materialize_range
from finpipe.lib.lake import read_frame
from finpipe.settings import Settings

pytestmark = pytest.mark.slow
DATA = Path(__file__).parents[1] / "data" / "alphavantage_daily_adjusted"
FIRST, SPLIT_DAY, LAST = "2014-06-02", "2014-06-09", "2014-06-13"  # AAPL 7:1 on 2014-06-09


def _aapl_return(settings: Settings, day: str) -> float:
    frame = read_frame(UPath(settings.lake_root) / "features" / f"date={day}" / "data.parquet")
    return float(frame.loc[frame["ticker"] == "AAPL", "ret_1d"].iloc[0])


def test_a_late_split_is_readjusted_downstream(tmp_path):
    folder = tmp_path / "vendor"
    folder.mkdir()
    for ticker in ("AAPL", "MSFT"):
        shutil.copy(DATA / f"{ticker}.csv", folder)
    aapl = pd.read_csv(folder / "AAPL.csv")
    without_split = aapl.assign(
        split_coefficient=aapl["split_coefficient"].where(aapl["timestamp"] != SPLIT_DAY, 1.0)
    )
    without_split.to_csv(folder / "AAPL.csv", index=False)  # the vendor has not got it yet

    settings = Settings(home=tmp_path / "finpipe", market_sources=f"csv:{folder}")
    (tmp_path / "dagster").mkdir()
    with instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance:
        defs = build_definitions(settings)
        materialize_range(defs, instance, ["universe"], None, None)
        materialize_range(defs, instance, PREPARE, FIRST, LAST)
        assert _aapl_return(settings, SPLIT_DAY) < -0.8  # the split looks like a crash

        quiet = list(corporate_action_restatements(build_sensor_context(instance=instance)))
        assert [type(r) for r in quiet] == [SkipReason]  # first materializations restate nothing

        aapl.to_csv(folder / "AAPL.csv", index=False)  # the vendor delivers the split
        materialize_range(defs, instance, ["raw_prices"], SPLIT_DAY, SPLIT_DAY)
        requests = list(corporate_action_restatements(build_sensor_context(instance=instance)))
        assert len(requests) == 1
        request = requests[0]
        assert request.tags[ASSET_PARTITION_RANGE_START_TAG] == SPLIT_DAY
        assert request.tags[ASSET_PARTITION_RANGE_END_TAG] == LAST
        assert "2014-06-09" in request.tags["finpipe/reason"]
        selection = [k.to_user_string() for k in request.asset_selection]
        assert selection == ["cleaned_prices", "features"]

        materialize_range(defs, instance, selection, SPLIT_DAY, LAST)
    assert abs(_aapl_return(settings, SPLIT_DAY)) < 0.05  # re-adjusted: no crash any more
