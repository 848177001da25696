"""News, macro, calendar and sector features: what the prices alone do not say.

News of a session are the headlines the `news_sentiment` asset dated to it (published after
the previous session's close and up to this one's, see `finpipe.lib.sentiment`); a row
dated on a day without prices counts for the next session with prices. Macro values count
from the day they became known (`date`; the release lag is applied upstream) and stay
until the next release: an as-of join on a fixed list of series, NaN for a series the
source does not have.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from finpipe.lib.calendar import trading_sessions
from finpipe.lib.features import indicators as ind
from finpipe.lib.features.crosssection import xs_mean
from finpipe.lib.features.panel import Panel
from finpipe.lib.features.registry import MACRO_SERIES, TONE_WINDOW, WEEKDAYS, _macro_name

__all__ = ["calendar_features", "macro_features", "news_features"]


def news_features(sentiment: pd.DataFrame, p: Panel) -> dict[str, np.ndarray]:
    """news_tone, news_tone_xs, news_count, news_tone_surprise_20 as (T, N) matrices."""
    shape = p.close.shape
    count, tone_sum = np.zeros(shape), np.zeros(shape)
    if len(sentiment):
        row = p.dates.searchsorted(pd.DatetimeIndex(sentiment["date"]), side="left")
        col = pd.Index(p.tickers).get_indexer(sentiment["ticker"])
        keep = (row < shape[0]) & (col >= 0)
        keep = slice(None) if keep.all() else keep  # views instead of gathers
        flat = row[keep] * shape[1] + col[keep]
        n = sentiment["headlines"].to_numpy(np.float64)[keep]
        tone = np.nan_to_num(sentiment["tone"].to_numpy(np.float64)[keep])
        count = np.bincount(flat, weights=n, minlength=count.size).reshape(shape)
        tone_sum = np.bincount(flat, weights=tone * n, minlength=count.size).reshape(shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        tone = np.divide(tone_sum, count, out=tone_sum)
    tone[~(count > 0)] = 0.0
    traded = np.where(p.present, tone, np.nan)
    traded -= xs_mean(traded)
    surprise = ind.rolling_mean(ind.shift(tone, 1), TONE_WINDOW)
    np.subtract(tone, surprise, out=surprise)
    return {
        "news_tone": tone,
        "news_tone_xs": traded,
        "news_count": count,
        f"news_tone_surprise_{TONE_WINDOW}": surprise,
    }


def macro_features(macro: pd.DataFrame, dates: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Per-session macro levels and changes (T,), from long (date, series, value) rows."""
    wide = pd.DataFrame(index=dates, columns=list(MACRO_SERIES), dtype=float)
    if len(macro):
        order = [c for c in ("date", "observation_date", "fetched_at") if c in macro]
        last = macro.sort_values(order, kind="stable").drop_duplicates(
            ["date", "series"], keep="last"
        )
        known = last.pivot(index="date", columns="series", values="value")
        known = known.reindex(columns=list(MACRO_SERIES)).astype(float)
        asof = known.reindex(known.index.union(dates)).ffill().reindex(dates)
        wide = asof
    out = {}
    for series, transforms in MACRO_SERIES.items():
        level = wide[series].to_numpy(np.float64)
        for kind, n in transforms:
            before = ind.shift(level[:, None], n)[:, 0] if n else level
            with np.errstate(invalid="ignore", divide="ignore"):
                value = {"level": level, "diff": level - before,
                         "logdiff": np.log(level) - np.log(before)}[kind]  # fmt: skip
            out[_macro_name(series, kind, n)] = value
    return out


def calendar_features(dates: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Day-of-week one-hot and month start/end flags (T,), from the exchange calendar."""
    out = {f"cal_dow_{d}": (dates.dayofweek == i).astype(float) for i, d in enumerate(WEEKDAYS)}
    if len(dates) == 0:
        return {**out, "cal_month_start": np.zeros(0), "cal_month_end": np.zeros(0)}
    sessions = trading_sessions(
        (dates[0] - pd.Timedelta(days=10)).date(), (dates[-1] + pd.Timedelta(days=10)).date()
    )
    pos = sessions.searchsorted(dates)
    prev = sessions[np.maximum(pos - 1, 0)]
    nxt = sessions[np.minimum(sessions.searchsorted(dates, side="right"), len(sessions) - 1)]
    out["cal_month_start"] = (prev.month != dates.month).astype(float)
    out["cal_month_end"] = (nxt.month != dates.month).astype(float)
    return out
