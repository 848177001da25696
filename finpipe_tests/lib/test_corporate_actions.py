"""Adjusting for splits and dividends reproduces the vendor's adjusted close."""

from pathlib import Path

import pandas as pd
import pytest

from finpipe.lib.corporate_actions import adjusted_close

DATA = Path(__file__).parents[1] / "data" / "alphavantage_daily_adjusted"


def _history() -> pd.DataFrame:
    frames = [
        pd.read_csv(p, parse_dates=["timestamp"]).assign(ticker=p.stem)
        for p in sorted(DATA.glob("*.csv"))
    ]
    return pd.concat(frames, ignore_index=True).rename(columns={"timestamp": "date"})


def test_adjusted_close_matches_alpha_vantage_for_every_ticker_and_day():
    history = _history()
    assert history["ticker"].nunique() == 12
    relative = (adjusted_close(history) / history["adjusted_close"] - 1).abs()
    worst = relative.groupby(history["ticker"]).max()
    assert (worst < 1e-6).all(), worst[worst >= 1e-6]


@pytest.mark.parametrize(("day", "ratio"), [("2014-06-09", 7.0), ("2020-08-31", 4.0)])
def test_aapl_splits_are_in_the_raw_data_and_adjusted_away(day, ratio):
    aapl = _history().query("ticker == 'AAPL'").reset_index(drop=True)
    at = aapl.index[aapl["date"] == pd.Timestamp(day)][0]
    assert aapl.loc[at, "split_coefficient"] == pytest.approx(ratio, rel=1e-5)  # vendor: 7.000007
    raw_jump = aapl.loc[at, "close"] / aapl.loc[at - 1, "close"]
    adj = adjusted_close(aapl)
    assert raw_jump < 0.3  # the raw series falls by the split ratio
    assert abs(adj[at] / adj[at - 1] - 1) < 0.1  # the adjusted one does not
