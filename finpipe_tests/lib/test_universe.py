import pandas as pd
import pytest

from finpipe.errors import ConfigError
from finpipe.lib.universe import add_tickers, followed_universe, remove_tickers

LISTED = pd.DataFrame(
    {"ticker": ["AAPL", "MSFT", "XOM"], "name": ["Apple", "Microsoft", "Exxon"],
     "sector": ["Information Technology", "Information Technology", "Energy"]}
)  # fmt: skip


def test_without_a_file_every_listed_ticker_is_followed(tmp_path):
    assert followed_universe(tmp_path / "universe.csv", LISTED)["ticker"].tolist() == [
        "AAPL", "MSFT", "XOM"
    ]  # fmt: skip


def test_add_and_remove_edit_the_file(tmp_path):
    path = tmp_path / "universe.csv"
    current = remove_tickers(path, ["msft"], followed_universe(path, LISTED))
    assert followed_universe(path, LISTED)["ticker"].tolist() == ["AAPL", "XOM"]
    added = add_tickers(path, ["MSFT", "AAPL"], current, LISTED)  # AAPL already followed
    assert added["ticker"].tolist() == ["AAPL", "MSFT", "XOM"]
    assert followed_universe(path, LISTED).equals(added)


def test_unknown_tickers_are_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "universe.csv"
    with pytest.raises(ConfigError, match=r"\['NOPE'\]"):
        add_tickers(path, ["MSFT", "NOPE"], LISTED.iloc[:1], LISTED)
    assert not path.exists()
    with pytest.raises(ConfigError, match="not in the universe"):
        remove_tickers(path, ["TSLA"], LISTED)


def test_a_broken_universe_file_says_which_line(tmp_path):
    path = tmp_path / "universe.csv"
    path.write_text("ticker,name,sector\nAAPL,Apple,Tech\nAAPL,Apple,Energy\n")
    with pytest.raises(ConfigError) as err:
        followed_universe(path, LISTED)
    assert "line 2: AAPL has unknown sector 'Tech'" in str(err.value)
    assert "line 3: AAPL is listed twice" in str(err.value)
