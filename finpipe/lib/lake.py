"""Parquet in the lake: one deterministic way to write and read a frame.

Paths follow `<asset>/date=YYYY-MM-DD/data.parquet`; the same code serves local paths
and `s3://` because it goes through the path object's own `open`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["partition_dir", "read_frame", "split_by_date", "write_frame"]


def partition_dir(partition_key: str) -> str:
    """The Hive-style folder of one daily or weekly partition."""
    return f"date={partition_key}"


def write_frame(frame: pd.DataFrame, path: Any) -> None:
    """Write `frame` (index dropped) so the same data always gives the same bytes."""
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    with path.open("wb") as handle:
        pq.write_table(table, handle, compression="zstd")


def read_frame(path: Any) -> pd.DataFrame:
    """Read one Parquet file; raises FileNotFoundError when it is absent."""
    with path.open("rb") as handle:
        return pq.read_table(handle).to_pandas()


def split_by_date(frame: pd.DataFrame, partition_keys: list[str]) -> dict[str, pd.DataFrame]:
    """One frame per partition key, matched on the `date` column; days without rows
    (exchange holidays) get an empty frame with the same columns. Rows without a valid
    date (kept raw so cleaning can quarantine them) go to the first partition; a row
    dated outside the partitions is an error, never dropped."""
    if "date" not in frame.columns:
        raise KeyError("a multi-partition lake frame needs a `date` column to split on")
    keys = pd.to_datetime(frame["date"], errors="coerce").dt.strftime("%Y-%m-%d")
    keys = keys.fillna(partition_keys[0])
    outside = sorted(set(keys) - set(partition_keys))
    if outside:
        raise ValueError(f"rows dated {outside[:5]} are outside the partitions being written")
    groups = {key: part for key, part in frame.groupby(keys.to_numpy(), sort=False)}
    empty = frame.iloc[0:0]
    return {key: groups.get(key, empty) for key in partition_keys}
