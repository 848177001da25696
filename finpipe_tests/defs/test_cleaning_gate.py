"""cleaned_prices on a real instance: the rejected-share gate blocks downstream only when a
batch is significantly above the limit, and every rejected row reaches the quarantine."""

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa
from dagster import AssetKey, build_asset_context, instance_for_test, materialize
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from finpipe.definitions import build_definitions
from finpipe.defs.cleaning.assets import CleaningConfig, cleaned_prices
from finpipe.defs.resources import WarehouseResource
from finpipe.demo import PREPARE, materialize_range
from finpipe.lib.synthetic import MarketConfig, synthetic_market
from finpipe.lib.warehouse import Warehouse, quarantine
from finpipe.settings import Settings

pytestmark = pytest.mark.slow
FIRST, LAST = "2024-03-04", "2024-03-08"


def _prepare(settings: Settings, tmp_path, run_config=None):
    """One run of everything a day needs before modeling, over FIRST..LAST."""
    (tmp_path / "dagster").mkdir(exist_ok=True)
    with instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance:
        defs = build_definitions(settings)
        materialize_range(defs, instance, ["universe"], None, None)
        result = materialize(
            list(defs.assets), selection=PREPARE, instance=instance, resources=defs.resources,
            tags={ASSET_PARTITION_RANGE_START_TAG: FIRST, ASSET_PARTITION_RANGE_END_TAG: LAST},
            run_config=run_config or {}, raise_on_error=False,
        )  # fmt: skip
        checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
        features = instance.get_materialized_partitions(AssetKey("features"))
        return result, checks, features


def test_a_batch_above_the_limit_blocks_features(tmp_path):
    settings = Settings(home=tmp_path / "finpipe", n_tickers=12, fault_rate=0.2)
    result, checks, features = _prepare(settings, tmp_path)
    assert not result.success
    assert not checks["rejected_share"].passed
    meta = checks["rejected_share"].metadata
    assert meta["rows_rejected"].value >= meta["rows_that_would_block"].value
    assert features == set()  # the blocking check stopped downstream materialization
    rows = Warehouse(settings.warehouse).read(sa.select(quarantine))
    assert len(rows) == meta["rows_rejected"].value and set(rows["run_id"]) == {result.run_id}


def test_a_batch_below_the_limit_flows_on(tmp_path):
    settings = Settings(home=tmp_path / "finpipe", n_tickers=12, fault_rate=0.003)
    result, checks, features = _prepare(settings, tmp_path)
    assert result.success and checks["rejected_share"].passed
    assert checks["schema_valid"].passed
    assert features == {"2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08"}


def test_the_limit_is_configurable(tmp_path):
    settings = Settings(home=tmp_path / "finpipe", n_tickers=12, fault_rate=0.2)
    config = {"ops": {"cleaned_prices": {"config": {"max_rejected_share": 0.5}}}}
    result, checks, features = _prepare(settings, tmp_path, config)
    assert result.success and checks["rejected_share"].passed and len(features) == 5


def test_new_rules_reach_the_quarantine_with_partition_rule_reason_and_run(tmp_path):
    market = synthetic_market(MarketConfig(n_tickers=4))
    raw = market.clean_prices(dt.date(2024, 1, 2), dt.date(2024, 4, 10)).assign(
        dividend_amount=0.0, vendor="synthetic", fetched_at=lambda f: f["date"]
    )
    day = pd.Timestamp("2024-04-10")
    raw.loc[(raw["date"] == day) & (raw["ticker"] == "SYN001"),
            ["open", "high", "low", "close"]] *= 10  # bad tick  # fmt: skip
    stuck = raw[(raw["date"] == pd.Timestamp("2024-04-03")) & (raw["ticker"] == "SYN002")]
    for later in ["2024-04-04", "2024-04-05", "2024-04-08", "2024-04-09", "2024-04-10"]:
        row = (raw["date"] == pd.Timestamp(later)) & (raw["ticker"] == "SYN002")
        prices = stuck[["open", "high", "low", "close"]].to_numpy()
        raw.loc[row, ["open", "high", "low", "close"]] = prices  # a stale feed
        raw.loc[row, "volume"] = 0
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    resources = {"warehouse": WarehouseResource(url=url)}
    with build_asset_context(partition_key="2024-04-10", resources=resources) as context:
        outputs = list(cleaned_prices(context, CleaningConfig(), raw, market.universe()))
    kept = outputs[0].value
    assert set(kept["date"]) == {day} and kept["filled"].sum() == 2  # both days filled
    assert outputs[0].metadata["rows_in"].value == 4
    rows = Warehouse(url).read(sa.select(quarantine))
    assert sorted(rows["rule"]) == ["outlier", "stale"]
    assert set(rows["partition"]) == {"2024-04-10"} and set(rows["asset"]) == {"cleaned_prices"}
    assert rows["reason"].str.len().gt(20).all() and rows["run_id"].notna().all()
