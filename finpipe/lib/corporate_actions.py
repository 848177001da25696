"""Corporate actions: split- and dividend-adjusting a price history.

Raw prices stay as traded. Adjustment is backward from the newest day, the convention
of Alpha Vantage's `adjusted_close` (reproduced to 1e-6 on its published data, see the
tests): on an ex-day t with dividend D and split coefficient S, every earlier price is
multiplied by

    close_t / (close_t + D_t) / S_t

so the adjusted series is a total-return price level ending at the latest raw close.
Adjusting depends on every later event, so it is computed over a loaded range, as of
the range's last day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["adjusted_close", "event_factor"]


def event_factor(close: pd.Series, dividend: pd.Series, split: pd.Series) -> pd.Series:
    """Factor that an event on each day applies to all earlier prices (1 without events)."""
    return close / (close + dividend.fillna(0.0)) / split.fillna(1.0)


def adjusted_close(frame: pd.DataFrame) -> pd.Series:
    """Adjusted close per row of a long (date, ticker, close, dividend_amount,
    split_coefficient) frame, as of each ticker's last day in the frame."""
    ordered = frame.sort_values(["ticker", "date"])
    dividend = ordered.get("dividend_amount", pd.Series(0.0, index=ordered.index))
    factor = event_factor(ordered["close"], dividend, ordered["split_coefficient"])
    # Product of the factors of all *later* days of the same ticker.
    log_factor = (
        np.log(factor)
        .groupby(ordered["ticker"])
        .transform(lambda s: s[::-1].cumsum()[::-1].shift(-1, fill_value=0.0))
    )
    return (ordered["close"] * np.exp(log_factor)).reindex(frame.index).rename("adjusted_close")
