import datetime as dt

import pandas as pd

from finpipe.lib.calendar import news_window, session_of


def test_news_after_a_close_counts_for_the_next_session():
    stamps = pd.Series(pd.to_datetime([
        "2024-01-12 20:59", "2024-01-12 21:00",  # Friday, before and at the 16:00 ET close
        "2024-01-12 21:01", "2024-01-15 12:00",  # after the close; Martin Luther King Day
        "2024-07-03 17:30",                      # after the early close before Independence Day
    ]))  # fmt: skip
    assert session_of(stamps).dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-12", "2024-01-12", "2024-01-16", "2024-01-16", "2024-07-05"
    ]  # fmt: skip


def test_the_news_window_of_a_range_runs_from_the_previous_close_to_its_last_close():
    assert news_window(dt.date(2024, 1, 15), dt.date(2024, 1, 16)) == (
        pd.Timestamp("2024-01-12 21:00"), pd.Timestamp("2024-01-16 21:00")
    )  # fmt: skip
    assert news_window(dt.date(2024, 7, 1), dt.date(2024, 7, 1))[0] == pd.Timestamp(
        "2024-06-28 20:00"  # summer time: the close is 20:00 UTC
    )
    assert news_window(dt.date(2024, 1, 15), dt.date(2024, 1, 15)) is None  # holiday only
