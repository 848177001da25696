"""The exchange calendar (XNYS): which weekdays are trading sessions."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import exchange_calendars as xcals
import numpy as np
import pandas as pd

__all__ = ["is_session", "news_window", "previous_session", "session_of", "trading_sessions"]

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


def previous_session(day: dt.date) -> dt.date:
    """The last NYSE session strictly before `day`."""
    return _xnys().date_to_session(pd.Timestamp(day) - pd.Timedelta(days=1), "previous").date()


def news_window(start: dt.date, end: dt.date) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The (since, until] UTC instants whose news belongs to the sessions in [start, end]:
    from the close of the session before `start` to the last close in the range, so news
    after a close (or over a weekend or holiday) counts for the next session. None when
    the range holds no session."""
    cal = _xnys()
    sessions = cal.sessions_in_range(pd.Timestamp(start), pd.Timestamp(end))
    if len(sessions) == 0:
        return None
    since = cal.session_close(cal.previous_session(sessions[0]))
    until = cal.session_close(sessions[-1])
    return since.tz_convert("UTC").tz_localize(None), until.tz_convert("UTC").tz_localize(None)


def session_of(published_at: pd.Series) -> pd.Series:
    """The session each UTC instant's news counts for: the first session whose close is at
    or after it (the calendar's last session for instants beyond its range)."""
    closes = _closes()
    position = closes.searchsorted(pd.DatetimeIndex(pd.to_datetime(published_at)), side="left")
    position = np.minimum(position, len(closes) - 1)
    return pd.Series(_close_days()[position], index=published_at.index, name="date")


@lru_cache(maxsize=1)
def _close_days() -> pd.DatetimeIndex:
    """The day of every session's close (aligned with `_closes`)."""
    return _closes().normalize()


@lru_cache(maxsize=1)
def _closes() -> pd.DatetimeIndex:
    """Every session's close, tz-naive UTC."""
    closes = _xnys().closes
    return pd.DatetimeIndex(closes.dt.tz_convert("UTC").dt.tz_localize(None))
