"""The lake IO manager: Parquet partitions on Dagster's UPathIOManager (local or s3://)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dagster import (
    ConfigurableIOManagerFactory,
    ConfigurableResource,
    InputContext,
    MetadataValue,
    OutputContext,
    UPathIOManager,
)
from pydantic import Field
from upath import UPath

from finpipe.lib.lake import partition_dir, read_frame, split_by_date, write_frame

__all__ = ["LakeIOManager", "LakeResource", "ParquetLakeIOManager"]


class ParquetLakeIOManager(UPathIOManager):
    """Stores each partition as `<asset>/date=<key>/data.parquet`.

    Extends the base class in two ways that single-run backfills need: a frame that
    covers many partitions is split on its `date` column, and many loaded partitions are
    concatenated back into one frame (the code downstream works on ranges, vectorized).
    """

    extension = ".parquet"

    def get_path_for_partition(self, context: Any, path: UPath, partition: str) -> UPath:
        return path / partition_dir(partition) / "data"

    def dump_to_path(self, context: OutputContext, obj: pd.DataFrame, path: UPath) -> None:
        write_frame(obj, path)

    def load_from_path(self, context: InputContext, path: UPath) -> pd.DataFrame:
        return read_frame(path)

    def handle_output(self, context: OutputContext, obj: Any) -> None:
        if obj is None:
            return
        if not context.has_asset_partitions or len(context.asset_partition_keys) == 1:
            super().handle_output(context, obj)
            context.add_output_metadata({"rows": MetadataValue.int(len(obj))})
            return
        paths = self._get_paths_for_partitions(context)
        parts = split_by_date(obj, list(paths))
        for key, frame in parts.items():
            self.make_directory(paths[key].parent)
            self.dump_to_path(context, frame, paths[key])
        first = paths[min(paths)].parent.parent
        context.add_output_metadata(
            {
                "path": MetadataValue.path(str(first)),
                "rows": MetadataValue.int(len(obj)),
                "partitions_written": MetadataValue.int(len(parts)),
            }
        )

    def load_input(self, context: InputContext) -> Any:
        loaded = super().load_input(context)
        if isinstance(loaded, dict):
            frames = [frame for frame in loaded.values() if frame is not None]
            return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return pd.DataFrame() if loaded is None else loaded


def lake_path(base_path: str, s3_endpoint_url: str | None) -> UPath:
    """The lake root as a UPath (local folder or `s3://`, with its endpoint)."""
    options: dict[str, Any] = {}
    if base_path.startswith("s3://") and s3_endpoint_url:
        options["endpoint_url"] = s3_endpoint_url
    return UPath(base_path, **options)


class LakeIOManager(ConfigurableIOManagerFactory):
    """Configures the lake: a base path (local or `s3://bucket/prefix`) and S3 options."""

    base_path: str = Field(description="Root of the lake: a local folder or s3://bucket/prefix.")
    s3_endpoint_url: str | None = Field(
        None, description="S3 endpoint, e.g. a MinIO or moto server."
    )

    def create_io_manager(self, context: Any) -> ParquetLakeIOManager:
        return ParquetLakeIOManager(base_path=lake_path(self.base_path, self.s3_endpoint_url))


class LakeResource(ConfigurableResource):
    """The same lake for files that are not frames (HTML reports, plots)."""

    base_path: str
    s3_endpoint_url: str | None = None

    def path(self, *parts: str) -> UPath:
        return lake_path(self.base_path, self.s3_endpoint_url).joinpath(*parts)
