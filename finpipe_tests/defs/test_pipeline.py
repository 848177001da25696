"""The whole asset graph on a small universe, on a real Dagster instance."""

import json

import pandas as pd
import pytest
import sqlalchemy as sa
from dagster import AssetKey, instance_for_test
from upath import UPath

from finpipe.definitions import build_definitions
from finpipe.demo import materialize_range
from finpipe.lib.lake import read_frame
from finpipe.lib.registry import ModelRegistry
from finpipe.lib.warehouse import Warehouse, insights, predictions, quarantine
from finpipe.settings import Settings
from finpipe_tests.conftest import FIRST, LAST

pytestmark = pytest.mark.slow


def lake(settings: Settings, asset: str, day: str) -> pd.DataFrame:
    return read_frame(UPath(settings.lake_root) / asset / f"date={day}" / "data.parquet")


def test_every_asset_has_materialized_partitions(pipeline):
    _, instance = pipeline
    for asset in ["raw_prices", "raw_news", "macro_indicators", "cleaned_prices", "news_sentiment",
                  "features", "predictions", "insights", "drift_report"]:  # fmt: skip
        assert len(instance.get_materialized_partitions(AssetKey(asset))) > 0, asset
    assert len(instance.get_materialized_partitions(AssetKey("trained_model"))) == 17


def test_holidays_are_empty_partitions_flagged_market_closed(pipeline):
    settings, instance = pipeline
    assert lake(settings, "raw_prices", "2024-01-15").empty  # Martin Luther King Jr. Day
    event = instance.get_latest_materialization_event(AssetKey("raw_prices"))
    assert "2024-01-15" in event.asset_materialization.metadata["market_closed_days"].value


def test_bad_rows_are_quarantined_and_never_reach_features(pipeline):
    settings, _ = pipeline
    wh = Warehouse(settings.warehouse)
    rejected = wh.read(sa.select(quarantine))
    assert len(rejected) > 0 and rejected["reason"].str.len().gt(0).all()
    days = pd.date_range(FIRST, LAST, freq="B").strftime("%Y-%m-%d")
    raw = pd.concat([lake(settings, "raw_prices", d) for d in days])
    cleaned = pd.concat([lake(settings, "cleaned_prices", d) for d in days])
    kept = cleaned[~cleaned["filled"]]  # forward-filled rows are not raw rows
    feats = pd.concat([lake(settings, "features", d) for d in days])
    assert len(raw) == len(kept) + len(rejected)
    payloads = pd.DataFrame([json.loads(p) for p in rejected["payload"]])
    assert {"duplicate", "greater_than(0)"} <= set(rejected["rule"])
    assert rejected["reason"].str.contains("high >= low").any()
    bad = payloads[rejected["rule"].to_numpy() != "duplicate"]
    filled = set(zip(cleaned.loc[cleaned["filled"], "date"], cleaned.loc[cleaned["filled"], "ticker"], strict=True))  # fmt: skip
    keys = set(zip(pd.to_datetime(feats["date"]), feats["ticker"], strict=True)) - filled
    assert bad.shape[0] > 0
    assert not any(
        (pd.Timestamp(d), t) in keys for d, t in zip(bad["date"], bad["ticker"], strict=True)
    )


def test_predictions_only_use_models_trained_before_the_day(pipeline):
    settings, _ = pipeline
    registry = ModelRegistry(settings.mlflow_uri, settings.mlflow_artifacts, settings.model_name)
    versions = registry.versions()
    assert all(v.data_end > v.train_end for v in versions)  # the last label is a later day's return
    data_end = {v.version: v.data_end for v in versions}
    preds = Warehouse(settings.warehouse).read(sa.select(predictions))
    assert len(preds) > 0
    assert all(
        data_end[v] < pd.Timestamp(d)
        for d, v in zip(preds["date"], preds["model_version"], strict=True)
    )


def test_rematerializing_a_partition_gives_identical_files_and_rows(pipeline):
    settings, instance = pipeline
    day = "2024-04-10"
    assets = ["raw_prices", "cleaned_prices", "features", "predictions", "insights"]
    wh = Warehouse(settings.warehouse)
    defs = build_definitions(settings)

    def snapshot():
        files = {
            a: (UPath(settings.lake_root) / a / f"date={day}" / "data.parquet").read_bytes()
            for a in assets
        }
        rows = {t.name: wh.read(sa.select(t).order_by(*t.primary_key.columns)).drop(columns=["run_id"], errors="ignore")
                for t in (predictions, insights, quarantine)}  # fmt: skip
        return files, rows

    backfilled = lake(settings, "features", day)
    materialize_range(defs, instance, assets, day, day)
    first_files, first_rows = snapshot()
    materialize_range(defs, instance, assets, day, day)
    second_files, second_rows = snapshot()
    assert first_files == second_files
    for name, frame in second_rows.items():
        pd.testing.assert_frame_equal(frame, first_rows[name], obj=name)
        assert not frame.duplicated(subset=frame.columns[:3].tolist()).any()
    # A daily run reproduces the range backfill up to floating-point summation order.
    pd.testing.assert_frame_equal(lake(settings, "features", day), backfilled, rtol=1e-9)


def test_drift_report_has_ks_p_values_and_an_html_report(pipeline):
    settings, instance = pipeline
    event = instance.get_latest_materialization_event(AssetKey("drift_report"))
    meta = event.asset_materialization.metadata
    assert meta["ks_p_values"].value and "vol_20d" in meta["ks_p_values"].value
    html = UPath(meta["report"].value)
    assert html.exists() and b"Data Drift" in html.read_bytes()


def test_drift_is_flagged_after_the_planted_regime_shift_only(pipeline):
    settings, _ = pipeline
    status = {day: lake(settings, "drift_report", day)["status"].iloc[0]
              for day in ("2024-03-18", "2024-03-19", "2024-04-29", "2024-04-30")}  # fmt: skip
    assert status["2024-03-18"] != "drift" and status["2024-03-19"] != "drift", status
    assert status["2024-04-29"] == "drift" and status["2024-04-30"] == "drift", status


def test_dagster_postgres_instance_with_postgres_warehouse_and_s3_lake(
    postgres_url, tmp_path, s3_endpoint, s3_bucket
):
    settings = Settings(home=tmp_path / "finpipe", n_tickers=8, warehouse_url=postgres_url,
                        lake_url=f"s3://{s3_bucket}/lake", s3_endpoint_url=s3_endpoint)  # fmt: skip
    storage = {"postgres": {"postgres_url": postgres_url.replace("+psycopg2", "")}}
    with instance_for_test(overrides={"storage": storage}) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        defs = build_definitions(settings)
        materialize_range(defs, instance, ["universe"], None, None)
        materialize_range(
            defs, instance, ["raw_prices", "cleaned_prices"], "2024-01-02", "2024-01-05"
        )
        done = instance.get_materialized_partitions(AssetKey("cleaned_prices"))
        assert done == {"2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"}
    kept = read_frame(UPath(settings.lake_root, endpoint_url=s3_endpoint) / "cleaned_prices"
                      / "date=2024-01-03" / "data.parquet")  # fmt: skip
    assert sorted(kept["ticker"]) == [f"SYN00{i}" for i in range(1, 9)]
    assert Warehouse(postgres_url).count(quarantine) >= 0
