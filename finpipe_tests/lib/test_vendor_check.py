import pandas as pd

from finpipe.lib.vendor_check import close_disagreements


def _quotes(vendor: str, closes: list[object]) -> pd.DataFrame:
    return pd.DataFrame(
        {"date": ["2024-01-02", "2024-01-02", "2024-01-03"], "ticker": ["A", "B", "A"],
         "close": closes, "vendor": vendor}
    )  # fmt: skip


def test_closes_more_than_half_a_percent_apart_are_flagged():
    primary = _quotes("yahoo", [100.0, 50.0, "bad"])
    reference = _quotes("alphavantage", [100.4, 50.3, 101.0]).iloc[:3]
    compared, flagged = close_disagreements(primary, reference)
    assert compared == 2  # the unparseable close is not compared
    assert flagged[["ticker", "vendor", "vendor_reference"]].values.tolist() == [
        ["B", "yahoo", "alphavantage"]
    ]
    assert abs(flagged["relative_difference"].iloc[0] - (50.0 / 50.3 - 1) * -1) < 1e-12
