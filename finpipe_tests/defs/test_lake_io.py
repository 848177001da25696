import datetime as dt

import pandas as pd
import pytest
from dagster import AssetIn, BackfillPolicy, DailyPartitionsDefinition, asset, materialize
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)
from upath import UPath

from finpipe.defs.lake_io import LakeIOManager, lake_path
from finpipe.lib.lake import read_frame

DAYS = DailyPartitionsDefinition(start_date="2024-01-01", end_date="2024-01-10")


@asset(partitions_def=DAYS, backfill_policy=BackfillPolicy.single_run())
def numbers(context) -> pd.DataFrame:
    window = context.partition_time_window
    dates = pd.date_range(window.start.date(), window.end.date() - dt.timedelta(days=1))
    dates = dates[dates != pd.Timestamp("2024-01-03")]  # a day with no rows
    return pd.DataFrame({"date": dates, "value": range(len(dates))})


@asset(partitions_def=DAYS, ins={"numbers": AssetIn()})
def doubled(numbers: pd.DataFrame) -> pd.DataFrame:
    return numbers.assign(value=numbers["value"] * 2)


def _run(io: LakeIOManager, tags=None, partition_key=None, selection=None):
    return materialize([numbers, doubled], resources={"io_manager": io}, tags=tags,
                       partition_key=partition_key, selection=selection)  # fmt: skip


def _roundtrip(io: LakeIOManager, root: UPath) -> None:
    tags = {
        ASSET_PARTITION_RANGE_START_TAG: "2024-01-01",
        ASSET_PARTITION_RANGE_END_TAG: "2024-01-05",
    }
    assert _run(io, tags=tags, selection=["numbers"]).success
    files = sorted(p.parent.name for p in (root / "numbers").glob("date=*/data.parquet"))
    assert files == [f"date=2024-01-0{d}" for d in range(1, 6)]
    assert read_frame(root / "numbers" / "date=2024-01-03" / "data.parquet").empty
    assert _run(io, partition_key="2024-01-04", selection=["doubled"]).success
    out = read_frame(root / "doubled" / "date=2024-01-04" / "data.parquet")
    assert out["value"].tolist() == [4]


def test_local_lake_splits_ranges_into_date_partitions(tmp_path):
    _roundtrip(LakeIOManager(base_path=str(tmp_path)), UPath(tmp_path))


@pytest.mark.slow
def test_s3_lake_on_moto(s3_endpoint, s3_bucket):
    base = f"s3://{s3_bucket}/lake"
    _roundtrip(
        LakeIOManager(base_path=base, s3_endpoint_url=s3_endpoint), lake_path(base, s3_endpoint)
    )


def test_same_frame_gives_identical_bytes(tmp_path):
    from finpipe.lib.lake import write_frame

    frame = pd.DataFrame({"date": pd.to_datetime(["2024-01-02"]), "x": [1.5]})
    a, b = UPath(tmp_path / "a.parquet"), UPath(tmp_path / "b.parquet")
    write_frame(frame, a)
    write_frame(frame.copy(), b)
    assert a.read_bytes() == b.read_bytes()
