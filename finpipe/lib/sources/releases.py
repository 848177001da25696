"""When a macro observation becomes known: its observation date plus a release lag.

A macro row counts from the day its value was published, never from the day it describes:
March's unemployment rate is dated 2024-03-01 by FRED but nobody knew it before the
first Friday of April. The lags below are deliberately *conservative* (at or beyond the
latest usual release): a lag that is too long only delays a feature by a few days, one
that is too short leaks the future into training and inflates every backtest.
Exceptional delays (a government shutdown postponing a report) are not covered; exact
publication dates would need ALFRED vintages.

| series               | observation date     | published                      | lag used           |
|----------------------|----------------------|--------------------------------|--------------------|
| DGS2, DGS10, DGS3MO, | the business day     | next business day (H.15)       | 1 business day     |
| T10Y2Y, DFF          |                      |                                |                    |
| VIXCLS               | the trading day      | at that day's close            | 1 business day     |
| UNRATE, PAYEMS       | 1st of the month     | first (or second) Friday of    | 42 days (≤ 40 seen)|
|                      |                      | next month                     |                    |
| CPIAUCSL, CPILFESL   | 1st of the month     | ~10th-15th of next month       | 50 days (≤ 46 seen)|
| GDP, GDPC1           | 1st of the quarter   | advance estimate ~30 days after| 125 days           |
|                      |                      | the quarter ends               |                    |
| anything else        |                      | unknown                        | DEFAULT_LAG, 60 d  |

Business days are US federal business days (the Federal Reserve's calendar), so a
Friday yield is known on Monday, or on Tuesday after Columbus Day, when the stock market
is open but the bond market is not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar

__all__ = ["DEFAULT_LAG", "RELEASE_LAGS", "ReleaseLag"]


@dataclass(frozen=True)
class ReleaseLag:
    """`days` calendar days after the observation date, then `business_days` more US
    federal business days (counted strictly after that day)."""

    days: int = 0
    business_days: int = 0

    def known_on(self, observed: pd.Series) -> pd.Series:
        """The business day each observation became known (a release never lands on a
        weekend or holiday, and a day-partitioned lake has no weekend to put it in)."""
        shifted = pd.to_datetime(observed) + pd.Timedelta(days=self.days)
        if shifted.empty:
            return shifted
        days = shifted.to_numpy().astype("datetime64[D]")
        holidays = (
            USFederalHolidayCalendar()
            .holidays(
                pd.Timestamp(days.min()) - pd.Timedelta(days=7),
                pd.Timestamp(days.max()) + pd.Timedelta(days=30),
            )
            .values.astype("M8[D]")
        )
        if self.business_days:
            # roll="backward" then +n: the n-th business day strictly after the day.
            known = np.busday_offset(days, self.business_days, roll="backward", holidays=holidays)
        else:
            known = np.busday_offset(days, 0, roll="forward", holidays=holidays)
        return pd.Series(known.astype("datetime64[ns]"), index=observed.index)

    def lookback(self) -> dt.timedelta:
        """How far before a window's first day its earliest known value may be observed."""
        return dt.timedelta(days=self.days + 2 * self.business_days + 5)  # weekends, holidays


_DAILY = ReleaseLag(business_days=1)
RELEASE_LAGS: dict[str, ReleaseLag] = {
    **dict.fromkeys(["DGS2", "DGS10", "DGS3MO", "T10Y2Y", "DFF", "VIXCLS"], _DAILY),
    **dict.fromkeys(["UNRATE", "PAYEMS"], ReleaseLag(days=42)),
    **dict.fromkeys(["CPIAUCSL", "CPILFESL"], ReleaseLag(days=50)),
    **dict.fromkeys(["GDP", "GDPC1"], ReleaseLag(days=125)),
}
DEFAULT_LAG = ReleaseLag(days=60)
