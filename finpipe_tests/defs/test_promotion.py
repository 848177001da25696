"""Champion/challenger on the shared pipeline: decisions in MLflow tags, aliases and
Dagster metadata, the promotion bar from run config; manual promotion and rollback from
the CLI."""

import pandas as pd
import pytest
from dagster import AssetKey, materialize
from upath import UPath

from finpipe.cli import main
from finpipe.definitions import build_definitions
from finpipe.demo import materialize_range
from finpipe.lib.features import next_day_target
from finpipe.lib.lake import read_frame, write_frame
from finpipe.lib.registry import ModelRegistry
from finpipe.lib.targets import TARGETS
from finpipe.settings import get_settings

pytestmark = pytest.mark.slow
WEEK = "2024-04-22"


def _train(settings, instance, **config) -> dict:
    config = {"targets": ["return_1d"], "min_child_weight": 20.0, **config}
    run_config = {"ops": {"trained_model": {"config": config}}}
    materialize_range(build_definitions(settings), instance, ["trained_model"], WEEK, WEEK,
                      run_config)  # fmt: skip
    event = instance.get_latest_materialization_event(AssetKey("trained_model"))
    return event.asset_materialization.metadata


def test_challengers_replace_the_champion_only_when_better(pipeline, monkeypatch):
    settings, instance = pipeline
    reg = ModelRegistry(settings.mlflow_uri, settings.mlflow_artifacts, settings.model_name)
    versions = reg.versions()
    assert versions[0].tags["promotion.decision"] == "promoted"
    assert "no comparable champion" in versions[0].tags["promotion.reason"]
    assert all("promotion.decision" in v.tags for v in versions)
    champion = reg.champion()
    assert champion is not None and champion.tags.get("champion_from")

    # No leaf may hold less than 1e9 of weight: no split, one constant prediction, no skill.
    worse = _train(settings, instance, min_child_weight=1e9)
    challenger = reg.versions()[-1]
    assert challenger.tags["promotion.decision"] == "rejected"
    assert reg.champion().version == champion.version  # the alias did not move
    assert worse["champions"].value == {reg.name: champion.version}
    assert "not better" in worse["weeks"].value

    # By hand: serve the worse one, then a sound challenger wins the champion back.
    monkeypatch.setenv("FINPIPE_HOME", str(settings.home))
    get_settings.cache_clear()
    try:
        # A version cannot serve a day whose prices it saw.
        assert main(["model", "promote", challenger.version, "--from", "2024-03-01"]) == 2
        assert reg.champion().version == champion.version
        assert main(["model", "promote", challenger.version, "--from", "2024-04-29"]) == 0
        assert reg.champion().version == challenger.version
        # 12 tickers × 20 days give the t-test no power to tell sound from constant (the
        # 50-ticker test in lib/test_promotion.py does): here the bar comes from config.
        better = _train(settings, instance, n_estimators=61, promotion_margin=-1.0)
        winner = reg.versions()[-1]
        assert winner.tags["promotion.decision"] == "promoted", winner.tags["promotion.reason"]
        assert better["champions"].value == {reg.name: winner.version}
        assert main(["model", "rollback", "--from", "2024-05-06"]) == 0
        assert reg.champion().version == challenger.version
    finally:
        get_settings.cache_clear()


def test_a_feature_that_leaks_the_label_fails_the_check_and_registers_nothing(pipeline):
    settings, instance = pipeline
    reg = ModelRegistry(settings.mlflow_uri, settings.mlflow_artifacts, settings.model_name)
    before = len(reg.versions())
    files = sorted((UPath(settings.lake_root) / "features").glob("date=*/data.parquet"))
    originals = {f: f.read_bytes() for f in files}
    frame = pd.concat([read_frame(f) for f in files], ignore_index=True)
    frame["ret_5d"] = next_day_target(frame)  # tomorrow's answer, handed in as a feature
    try:
        for f in files:
            day = pd.Timestamp(f.parent.name.removeprefix("date="))
            write_frame(frame[frame["date"] == day], f)
        defs = build_definitions(settings)
        result = materialize(
            list(defs.assets), selection=["trained_model"], instance=instance,
            resources=defs.resources, partition_key=WEEK, raise_on_error=False,
        )  # fmt: skip
    finally:
        for f, data in originals.items():
            f.write_bytes(data)
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.check_name == "no_label_leak" and not evaluation.passed
    assert "ret_5d" in evaluation.metadata["leaking_features"].value[f"{WEEK} return_1d"]
    assert len(reg.versions()) == before


def test_each_version_records_its_walk_forward_in_mlflow(pipeline):
    settings, instance = pipeline
    reg = ModelRegistry(settings.mlflow_uri, settings.mlflow_artifacts, settings.model_name)
    version = next(v for v in reversed(reg.versions()) if v.tags["promotion.decision"])
    metrics = reg.client.get_run(version.run_id).data.metrics
    assert {"cv_rank_ic", "cv_rmse", "cv_ridge_rank_ic"} <= set(metrics)
    assert any(k.startswith("cv_fold") and k.endswith("_rank_ic") for k in metrics)
    assert "val_logistic_rank_ic" in metrics
    files = {a.path for folder in ("model", "explain", "cv")
             for a in reg.client.list_artifacts(version.run_id, folder)}  # fmt: skip
    assert {"model/model.ubj", "model/signature.json", "model/input_example.json",
            "explain/feature_importance.png", "cv/walk_forward.csv"} <= files  # fmt: skip
    records = instance.fetch_materializations(AssetKey("trained_model"), limit=50).records
    assert any("walk_forward_return_1d" in r.event_log_entry.asset_materialization.metadata
               for r in records)  # fmt: skip


def test_each_target_has_its_own_registered_model(pipeline, monkeypatch, capsys):
    settings, instance = pipeline
    meta = _train(settings, instance, targets=list(TARGETS), n_estimators=60)
    names = {t.model_name(settings.model_prefix): t.name for t in TARGETS.values()}
    assert set(meta["champions"].value) == set(names)
    for name, target in names.items():
        versions = ModelRegistry(settings.mlflow_uri, settings.mlflow_artifacts, name).versions()
        assert versions and {v.tags["target"] for v in versions} == {target}, name
    assert "return_5d" in meta["weeks"].value and "walk_forward_direction_5d" in meta
    monkeypatch.setenv("FINPIPE_HOME", str(settings.home))
    get_settings.cache_clear()
    try:
        assert main(["model", "list", "--target", "direction_5d"]) == 0
        assert "finpipe-direction-5d" in capsys.readouterr().out
        assert main(["model", "list", "--target", "return_2d"]) == 2  # names the choices
    finally:
        get_settings.cache_clear()
