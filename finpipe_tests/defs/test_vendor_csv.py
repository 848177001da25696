"""Real vendor data (Alpha Vantage CSVs of 12 S&P 500 stocks) through the asset graph."""

from pathlib import Path

import pandas as pd
import pytest
from dagster import instance_for_test
from upath import UPath

from finpipe.definitions import build_definitions
from finpipe.demo import PREPARE, materialize_range
from finpipe.lib.corporate_actions import adjusted_close
from finpipe.lib.lake import read_frame
from finpipe.settings import Settings

pytestmark = pytest.mark.slow
DATA = Path(__file__).parents[1] / "data" / "alphavantage_daily_adjusted"
FIRST, LAST = "2014-05-01", "2014-06-30"  # AAPL's 7:1 split on 2014-06-09, many dividends


def _lake(settings: Settings, asset: str) -> pd.DataFrame:
    days = pd.bdate_range(FIRST, LAST).strftime("%Y-%m-%d")
    root = UPath(settings.lake_root) / asset
    return pd.concat(
        [read_frame(root / f"date={d}" / "data.parquet") for d in days], ignore_index=True
    )


def test_vendor_csvs_flow_through_cleaning_and_features(tmp_path):
    settings = Settings(home=tmp_path / "finpipe", market_sources=f"csv:{DATA}")
    (tmp_path / "dagster").mkdir()
    with instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance:
        defs = build_definitions(settings)
        materialize_range(defs, instance, ["universe"], None, None)
        materialize_range(defs, instance, PREPARE, FIRST, LAST)
    cleaned = _lake(settings, "cleaned_prices")
    assert cleaned["ticker"].nunique() == 12 and (cleaned["vendor"] == "alphavantage-csv").all()

    # Adjusting the cleaned range reproduces the vendor's adjusted close up to one factor per
    # ticker (the vendor's series is as of 2021; ours as of the range end).
    vendor = pd.concat(pd.read_csv(p, parse_dates=["timestamp"]).assign(ticker=p.stem)
                       for p in DATA.glob("*.csv")).rename(columns={"timestamp": "date"})  # fmt: skip
    joined = cleaned.assign(ours=adjusted_close(cleaned)).merge(
        vendor[["date", "ticker", "adjusted_close"]], on=["date", "ticker"]
    )
    scale = (
        joined.sort_values("date").groupby("ticker")[["ours", "adjusted_close"]].transform("last")
    )
    relative = (
        joined["ours"] * scale["adjusted_close"] / scale["ours"] / joined["adjusted_close"] - 1
    ).abs()
    assert len(joined) == len(cleaned) and relative.max() < 1e-6

    features = _lake(settings, "features")
    split_day = features[(features["ticker"] == "AAPL") & (features["date"] == "2014-06-09")]
    assert abs(split_day["ret_1d"].iloc[0]) < 0.05  # a 7:1 split is not a -86% return
    assert features["sector_information_technology"].sum() > 0
