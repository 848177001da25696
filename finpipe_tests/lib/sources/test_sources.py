import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from finpipe.errors import SourceError
from finpipe.lib.cleaning import clean_prices
from finpipe.lib.sources import (
    RAW_PRICE_COLUMNS,
    AlphaVantageCsvDirectory,
    SourceChain,
    SyntheticSource,
)

DATA = Path(__file__).parents[2] / "data" / "alphavantage_daily_adjusted"
D0, D1 = dt.date(2014, 6, 2), dt.date(2014, 6, 13)


def test_csv_directory_serves_raw_prices_with_corporate_actions_and_provenance():
    source = AlphaVantageCsvDirectory(DATA)
    universe = source.universe()
    assert len(universe) == 12
    assert universe.set_index("ticker").loc["AAPL", "sector"] == "Information Technology"
    frame = source.prices(["AAPL", "MSFT"], D0, D1)
    assert set(RAW_PRICE_COLUMNS) <= set(frame.columns)
    assert (frame["vendor"] == "alphavantage-csv").all()
    assert frame.loc[
        frame["date"] == pd.Timestamp("2014-06-09"), "split_coefficient"
    ].max() == pytest.approx(7.0, rel=1e-5)
    result = clean_prices(frame, universe["ticker"])
    assert len(result.kept) == len(frame) and result.rejected.empty


def test_chain_fails_over_and_names_every_vendor_when_all_fail(market, tmp_path):
    synthetic = SyntheticSource(market)
    chain = SourceChain((AlphaVantageCsvDirectory(tmp_path), synthetic))
    served = chain.prices(list(market.tickers[:3]), dt.date(2024, 3, 1), dt.date(2024, 3, 5))
    assert set(served["vendor"]) == {"synthetic"}  # the CSV folder has no such files
    with pytest.raises(SourceError) as err:
        chain.prices(["AAPL", "ZZZZ"], dt.date(2024, 3, 1), dt.date(2024, 3, 5))
    message = str(err.value)
    assert "alphavantage-csv" in message and "synthetic" in message
    assert "AAPL" in message and "2024-03-01..2024-03-05" in message


def test_malformed_csv_rows_reach_cleaning_and_are_quarantined(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    shutil.copy(DATA / "KO.csv", folder / "KO.csv")
    with (folder / "KO.csv").open("a") as handle:
        handle.write("2021-04-22,40.0,39.0,41.0,40.5,40.5,100,0.0,1.0\n")  # high < low
        handle.write("not-a-date,40.0,41.0,39.0,40.5,40.5,100,0.0,1.0\n")
    frame = AlphaVantageCsvDirectory(folder).prices(
        ["KO"], dt.date(2021, 4, 1), dt.date(2021, 4, 30)
    )
    result = clean_prices(frame, ["KO"])
    assert len(result.kept) + len(result.rejected) == len(frame)
    reasons = " ".join(result.rejected["reason"])
    assert "high >= low" in reasons and "date" in reasons


def test_a_folder_without_csv_files_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="no <TICKER>.csv files"):
        AlphaVantageCsvDirectory(tmp_path).universe()


def test_market_resource_builds_the_configured_chain_and_rejects_bad_specs():
    from finpipe.defs.resources import MarketResource
    from finpipe.errors import ConfigError

    chain = MarketResource(sources=[f"csv:{DATA}", "synthetic"], n_tickers=5).chain()
    assert [s.name for s in chain.sources] == ["alphavantage-csv", "synthetic"]
    with pytest.raises(ConfigError, match="FINPIPE_ALPHAVANTAGE_API_KEY"):
        MarketResource(sources=["alphavantage"]).chain()
    with pytest.raises(ConfigError, match="'ftp'"):
        MarketResource(sources=["ftp"]).chain()
