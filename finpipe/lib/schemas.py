"""pandera schemas of the lake's tables: what a valid row is, checked lazily."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

__all__ = ["TEXT", "CleanPrices", "Features", "RawPrices"]

# Arrow-backed strings: null checks read a bitmap and string checks run in Arrow, where
# Python-backed strings are checked object by object (~10 ms per million rows per check).
TEXT = pd.StringDtype("pyarrow")
_Text = Annotated[pd.StringDtype, "pyarrow", pd.NA]


class RawPrices(pa.DataFrameModel):
    """Daily OHLCV as vendors deliver it (unadjusted, one row per ticker and day).

    Built-in column checks and vectorized dataframe checks only: `validate_rows` runs it
    lazily over whole ranges (millions of rows). Strings are Arrow-backed `pd.StringDtype`
    (`TEXT`), not `str` (pandera checks `str` value by value); `coerce` is off because cleaning types every
    column first and pandera's coercion would copy each one again. The dataframe checks
    list one failure case: the failing rows are in each error's `check_output`.
    """

    date: Series[pd.Timestamp] = pa.Field(nullable=False)
    ticker: Series[_Text] = pa.Field(nullable=False, str_length={"min_value": 1, "max_value": 16})
    open: Series[float] = pa.Field(gt=0, nullable=False)
    high: Series[float] = pa.Field(gt=0, nullable=False)
    low: Series[float] = pa.Field(gt=0, nullable=False)
    close: Series[float] = pa.Field(gt=0, nullable=False)
    volume: Series[float] = pa.Field(ge=0, nullable=False)
    dividend_amount: Series[float] = pa.Field(ge=0, nullable=False)
    split_coefficient: Series[float] = pa.Field(gt=0, nullable=False)
    vendor: Series[_Text] = pa.Field(nullable=False)
    # The symbol as the vendor spells it (BRK-B for BRK.B); cleaning fills it from `ticker`
    # when a source does not deliver it yet.
    vendor_symbol: Series[_Text] = pa.Field(nullable=True)
    fetched_at: Series[pd.Timestamp] = pa.Field(nullable=False)

    @pa.dataframe_check(name="high >= low", ignore_na=False, n_failure_cases=1)
    def high_above_low(cls, df: pd.DataFrame) -> Series[bool]:
        return df["high"] >= df["low"]

    @pa.dataframe_check(name="open within [low, high]", ignore_na=False, n_failure_cases=1)
    def open_in_range(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["open"] >= df["low"]) & (df["open"] <= df["high"])

    @pa.dataframe_check(name="close within [low, high]", ignore_na=False, n_failure_cases=1)
    def close_in_range(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["close"] >= df["low"]) & (df["close"] <= df["high"])

    class Config:
        coerce = False
        strict = True


class CleanPrices(RawPrices):
    """Cleaned prices: raw rules, one row per (ticker, date), and two derived columns.

    `total_return` is the day's split- and dividend-adjusted return against the ticker's
    previous row (NaN without one): its cumulative product is an adjusted price index
    whose past never changes when a later split arrives, unlike a back-adjusted close.
    `filled` marks rows carried forward from the previous close for a missing session.
    """

    total_return: Series[float] = pa.Field(nullable=True)
    filled: Series[bool] = pa.Field(nullable=False)

    class Config:
        coerce = False
        strict = True
        unique = ["date", "ticker"]


class Features(pa.DataFrameModel):
    """The model's input: one row per ticker and day, numeric features only besides keys."""

    date: Series[pd.Timestamp] = pa.Field(nullable=False)
    ticker: Series[str] = pa.Field(nullable=False)

    class Config:
        unique = ["date", "ticker"]
