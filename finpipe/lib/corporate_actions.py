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

__all__ = ["CORPORATE_ACTIONS_KEY", "adjusted_close", "corporate_actions", "event_factor"]

CORPORATE_ACTIONS_KEY = "corporate_actions"  # raw_prices metadata: the events of each day


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


def corporate_actions(raw: pd.DataFrame) -> dict[str, list[list[object]]]:
    """The splits and dividends in a raw price frame, by day: `{"2020-08-31": [["AAPL",
    4.0, 0.0]], ...}` (ticker, split coefficient, dividend), sorted, days without events
    left out. Unparseable cells count as no event: cleaning quarantines those rows."""
    if raw.empty:
        return {}
    split = pd.to_numeric(raw["split_coefficient"], errors="coerce").fillna(1.0)
    dividend = pd.to_numeric(raw.get("dividend_amount", 0.0), errors="coerce")
    dividend = pd.Series(dividend, index=raw.index).fillna(0.0)
    events = (split != 1.0) | (dividend != 0.0)
    dates = pd.to_datetime(raw["date"], errors="coerce").dt.strftime("%Y-%m-%d")
    rows = pd.DataFrame(
        {"date": dates, "ticker": raw["ticker"], "split": split, "dividend": dividend}
    )[events & dates.notna()].sort_values(["date", "ticker"])
    rows = rows.round({"split": 10, "dividend": 10})  # a re-parse must not look like news
    return {
        day: group[["ticker", "split", "dividend"]].values.tolist()
        for day, group in rows.groupby("date")
    }
