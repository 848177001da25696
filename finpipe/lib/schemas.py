"""pandera schemas of the lake's tables: what a valid row is, checked lazily."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

__all__ = ["CleanPrices", "Features", "RawPrices"]


class RawPrices(pa.DataFrameModel):
    """Daily OHLCV as vendors deliver it (unadjusted, one row per ticker and day)."""

    date: Series[pd.Timestamp] = pa.Field(nullable=False)
    # String dtype, not `str`: pandera checks `str` value by value (seconds per million rows).
    ticker: Series[pd.StringDtype] = pa.Field(
        nullable=False, str_length={"min_value": 1, "max_value": 16}
    )
    open: Series[float] = pa.Field(gt=0, nullable=False)
    high: Series[float] = pa.Field(gt=0, nullable=False)
    low: Series[float] = pa.Field(gt=0, nullable=False)
    close: Series[float] = pa.Field(gt=0, nullable=False)
    volume: Series[float] = pa.Field(ge=0, nullable=False)
    dividend_amount: Series[float] = pa.Field(ge=0, nullable=False)
    split_coefficient: Series[float] = pa.Field(gt=0, nullable=False)
    vendor: Series[pd.StringDtype] = pa.Field(nullable=False)
    fetched_at: Series[pd.Timestamp] = pa.Field(nullable=False)

    @pa.dataframe_check(name="high >= low")
    def high_above_low(cls, df: pd.DataFrame) -> Series[bool]:
        return df["high"] >= df["low"]

    @pa.dataframe_check(name="open within [low, high]")
    def open_in_range(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["open"] >= df["low"]) & (df["open"] <= df["high"])

    @pa.dataframe_check(name="close within [low, high]")
    def close_in_range(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["close"] >= df["low"]) & (df["close"] <= df["high"])

    class Config:
        coerce = True
        strict = "filter"


class CleanPrices(RawPrices):
    """Cleaned prices: raw rules plus one row per (ticker, date)."""

    class Config:
        coerce = True
        strict = True
        unique = ["date", "ticker"]


class Features(pa.DataFrameModel):
    """The model's input: one row per ticker and day, numeric features only besides keys."""

    date: Series[pd.Timestamp] = pa.Field(nullable=False)
    ticker: Series[str] = pa.Field(nullable=False)

    class Config:
        unique = ["date", "ticker"]
