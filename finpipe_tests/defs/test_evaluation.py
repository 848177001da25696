"""prediction_scores and backtest on the shared pipeline's predictions."""

import pandas as pd
import pytest
from dagster import AssetKey
from upath import UPath

from finpipe.definitions import build_definitions
from finpipe.demo import materialize_range
from finpipe.lib.lake import read_frame

pytestmark = pytest.mark.slow


def test_scores_and_backtest_read_the_served_predictions(pipeline):
    settings, instance = pipeline
    defs = build_definitions(settings)
    materialize_range(defs, instance, ["prediction_scores"], "2024-03-01", "2024-04-30")
    scores = pd.concat(
        read_frame(UPath(settings.lake_root) / "prediction_scores" / f"date={d}" / "data.parquet")
        for d in pd.bdate_range("2024-03-01", "2024-04-29").strftime("%Y-%m-%d")
    )
    assert scores["date"].nunique() >= 40 and scores["ic"].between(-1, 1).all()
    assert scores["tickers"].max() <= 12 and set(scores["model_version"]) > set()
    # The last day's outcome is the next session's return: not known inside the range.
    last = read_frame(
        UPath(settings.lake_root) / "prediction_scores" / "date=2024-04-30" / "data.parquet"
    )
    assert last.empty
    event = instance.get_latest_materialization_event(AssetKey("prediction_scores"))
    assert "rolling_ic" in event.asset_materialization.metadata

    materialize_range(defs, instance, ["backtest"], "2024-04-22", "2024-04-22",
                      {"ops": {"backtest": {"config": {"top_k": 2, "cost_bps": 10}}}})  # fmt: skip
    meta = instance.get_latest_materialization_event(AssetKey("backtest")).asset_materialization
    assert meta.metadata["days"].value >= 30
    assert -1 < meta.metadata["max_drawdown"].value <= 0
    png = UPath(settings.lake_root) / "backtest" / "date=2024-04-22" / "equity.png"
    assert png.read_bytes()[:4] == b"\x89PNG"
