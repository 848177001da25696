import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from finpipe.errors import SourceError
from finpipe.lib.cleaning import clean_prices
from finpipe.lib.sources import (
    MACRO_COLUMNS,
    NEWS_COLUMNS,
    RAW_PRICE_COLUMNS,
    AlphaVantageCsvDirectory,
    OhlcvCsvDirectory,
    SourceChain,
    SyntheticMacro,
    SyntheticNews,
    SyntheticSource,
)
from finpipe.lib.sources.frames import MACRO_DTYPES, NEWS_DTYPES

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


def test_each_ticker_comes_from_the_first_source_that_knows_it(market, tmp_path):
    start, end = dt.date(2024, 3, 1), dt.date(2024, 3, 5)
    rows = SyntheticSource(market).prices([market.tickers[1]], start, end)
    rows.rename(columns={"date": "timestamp"}).assign(adjusted_close=rows["close"]).to_csv(
        tmp_path / "KO.csv", index=False
    )  # a vendor file for KO only
    chain = SourceChain((AlphaVantageCsvDirectory(tmp_path), SyntheticSource(market)))
    tickers = ["KO", market.tickers[0], "DELISTED"]
    frame = chain.prices(tickers, start, end)
    vendors = frame.groupby("ticker")["vendor"].first().to_dict()
    assert vendors == {"KO": "alphavantage-csv", market.tickers[0]: "synthetic"}
    assert frame.attrs["unserved"] == ["DELISTED"]  # known to no source: reported, not fatal


def test_malformed_csv_rows_reach_cleaning_and_are_quarantined(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    shutil.copy(DATA / "KO.csv", folder / "KO.csv")
    with (folder / "KO.csv").open("a") as handle:
        handle.write("2021-04-22,40.0,39.0,41.0,40.5,40.5,100,0.0,1.0\n")  # high < low
        handle.write("not-a-date,40.0,41.0,39.0,40.5,40.5,100,0.0,1.0\n")
        handle.write("2021-04-23,40.0,41.0,39.0,4O.5,40.5,100,0.0,1.0\n")  # letter O: tolerant path
    frame = AlphaVantageCsvDirectory(folder).prices(
        ["KO"], dt.date(2021, 4, 1), dt.date(2021, 4, 30)
    )
    result = clean_prices(frame, ["KO"])
    assert len(result.kept) + len(result.rejected) == len(frame)
    reasons = " ".join(result.rejected["reason"])
    assert "high >= low" in reasons and "date" in reasons and "'4O.5'" in reasons
    assert (result.kept["date"] < "2021-04-22").all() and len(result.kept) == 14


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


def test_every_market_source_emits_exactly_the_raw_price_contract(market, tmp_path):
    _yfinance_export(tmp_path)
    cases = [
        (SyntheticSource(market), market.tickers[0], dt.date(2024, 3, 1), dt.date(2024, 3, 5)),
        (AlphaVantageCsvDirectory(DATA), "AAPL", D0, D1),
        (OhlcvCsvDirectory(tmp_path), "AAPL", D0, D1),
    ]
    for source, ticker, start, end in cases:
        frame = source.prices([ticker], start, end)
        assert len(frame) > 0 and list(frame.columns) == RAW_PRICE_COLUMNS, source.name
        assert (frame["vendor_symbol"] == ticker).all() and (frame["vendor"] == source.name).all()


def test_synthetic_news_is_filtered_to_the_half_open_window_in_the_news_contract(market):
    tickers = list(market.tickers[:3])
    day = market.headlines(dt.date(2024, 3, 4), dt.date(2024, 3, 4))
    day = day[day["ticker"].isin(tickers)].sort_values("published_at")
    since, until = day["published_at"].iloc[0], day["published_at"].iloc[-1]
    frame = SyntheticNews(market).headlines(tickers, since, until)
    assert list(frame.columns) == NEWS_COLUMNS
    assert frame.dtypes.astype(str).to_dict() == NEWS_DTYPES
    assert len(frame) == (day["published_at"] > since).sum() and frame["published_at"].min() > since
    assert frame["published_at"].max() == until and set(frame["ticker"]) <= set(tickers)
    assert (
        frame["vendor_sentiment"].between(-1, 1).all() and frame["relevance"].between(0.3, 1).all()
    )
    assert (frame["fetched_at"] >= frame["published_at"]).all() and frame["story_id"].is_unique
    assert SyntheticNews(market).headlines(["AAPL"], since, until).empty  # not in this market


def test_synthetic_macro_is_known_the_day_it_is_dated(market):
    frame = SyntheticMacro(market).observations(
        ["VIXCLS"], dt.date(2024, 3, 4), dt.date(2024, 3, 8)
    )
    assert list(frame.columns) == MACRO_COLUMNS
    assert frame.dtypes.astype(str).to_dict() == MACRO_DTYPES
    assert len(frame) == 5 and set(frame["series"]) == {"VIXCLS"}
    assert (frame["date"] == frame["observation_date"]).all()
    with pytest.raises(SourceError, match="no macro series \\['UNRATE'\\]"):
        SyntheticMacro(market).observations(["UNRATE"], dt.date(2024, 3, 4), dt.date(2024, 3, 8))


def _yfinance_export(folder: Path, ticker: str = "AAPL") -> pd.DataFrame:
    """AAPL as yfinance's `history(auto_adjust=False).to_csv()` writes it: split-adjusted
    prices and dividends, local midnights with an offset, 0 for no split."""
    raw = pd.read_csv(DATA / f"{ticker}.csv", parse_dates=["timestamp"])
    raw = raw[raw["timestamp"].between("2014-05-01", "2014-06-30")].reset_index(drop=True)
    later = raw["split_coefficient"][::-1].cumprod()[::-1].shift(-1, fill_value=1.0)
    export = pd.DataFrame(
        {
            "Date": raw["timestamp"].dt.strftime("%Y-%m-%d 00:00:00-04:00"),
            **{c.title(): raw[c] / later for c in ["open", "high", "low", "close"]},
            "Adj Close": raw["adjusted_close"],
            "Volume": raw["volume"] * later,
            "Dividends": raw["dividend_amount"] / later,
            "Stock Splits": raw["split_coefficient"].replace(1.0, 0.0),
        }
    )
    export.to_csv(folder / f"{ticker}.csv", index=False)
    return raw


def test_ohlcv_directory_undoes_yfinance_split_adjustment(tmp_path):
    raw = _yfinance_export(tmp_path).set_index("timestamp")
    frame = OhlcvCsvDirectory(tmp_path).prices(["AAPL"], D0, D1).set_index("date")
    expected = raw.loc[frame.index]
    for column in RAW_PRICE_COLUMNS[2:9]:  # open … split_coefficient
        assert frame[column].to_numpy() == pytest.approx(expected[column].to_numpy(), rel=1e-9)
    assert frame.loc["2014-06-06", "close"] == pytest.approx(645.57)  # 7:1 split on 06-09
    assert frame.loc["2014-06-09", "split_coefficient"] == pytest.approx(7.0, rel=1e-5)
    as_filed = OhlcvCsvDirectory(tmp_path, split_adjusted=False).prices(["AAPL"], D0, D1)
    assert as_filed.set_index("date").loc["2014-06-06", "close"] == pytest.approx(
        645.57 / 7, rel=1e-5
    )
    assert clean_prices(frame.reset_index(), ["AAPL"]).rejected.empty


def test_ohlcv_directory_without_optional_columns_and_with_bad_cells(tmp_path):
    (tmp_path / "KO.csv").write_text(
        "Date,Open,High,Low,Close,Volume\n"
        "2021-04-01,52.5,53.0,52.1,52.8,100\n"
        "2021-04-05,oops,53.0,52.1,52.8,100\n"
        "2021-04-06,52.5,53.0,52.1,52.8,100\n"
    )
    frame = OhlcvCsvDirectory(tmp_path).prices(["KO"], dt.date(2021, 4, 1), dt.date(2021, 4, 30))
    assert frame["split_coefficient"].tolist() == [1.0] * 3
    assert frame["dividend_amount"].tolist() == [0.0] * 3
    result = clean_prices(frame, ["KO"])
    assert len(result.rejected) == 1 and "cannot parse 'oops'" in result.rejected["reason"].iloc[0]
    (tmp_path / "MSFT.csv").write_text("Date,Close\n2021-04-01,52.8\n")
    with pytest.raises(SourceError, match="lacks columns \\['Open', 'High', 'Low', 'Volume'\\]"):
        OhlcvCsvDirectory(tmp_path).prices(["MSFT"], dt.date(2021, 4, 1), dt.date(2021, 4, 30))
