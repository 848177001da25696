"""The exchange calendar (XNYS): which weekdays are trading sessions."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import exchange_calendars as xcals
import pandas as pd

__all__ = ["is_session", "trading_sessions"]

_CAL_START, _CAL_END = "2000-01-01", "2035-12-31"


@lru_cache(maxsize=1)
def _xnys() -> xcals.ExchangeCalendar:
    return xcals.get_calendar("XNYS", start=_CAL_START, end=_CAL_END)


def trading_sessions(start: dt.date, end: dt.date) -> pd.DatetimeIndex:
    """NYSE sessions in [start, end] as tz-naive midnight timestamps."""
    sessions = _xnys().sessions_in_range(pd.Timestamp(start), pd.Timestamp(end))
    return pd.DatetimeIndex(sessions.tz_localize(None) if sessions.tz else sessions, name="date")


def is_session(day: dt.date) -> bool:
    """True when NYSE trades on `day` (False on weekends and exchange holidays)."""
    return bool(_xnys().is_session(pd.Timestamp(day)))
