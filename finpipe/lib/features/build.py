"""The feature table: every registered feature for every ticker and day in a range.

Features of day d use only rows dated d or earlier (each indicator looks back, none
forward), so a day's features do not change when later data arrive. The (T, N) matrices
become the output's columns as they are computed (views when the output spans most of
their rows), so memory stays at about the output plus a few matrices.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from finpipe.lib.calendar import trading_sessions
from finpipe.lib.features.context import calendar_features, macro_features, news_features
from finpipe.lib.features.panel import load_panel
from finpipe.lib.features.registry import FEATURE_COLUMNS, SECTOR_COLUMNS, SECTORS
from finpipe.lib.features.technical import technical_features

__all__ = [
    "build_features",
    "empty_features",
    "forward_returns",
    "next_day_target",
    "next_session_returns",
]


def empty_features() -> pd.DataFrame:
    """A feature table without rows, with the right columns and dtypes."""
    frame = pd.DataFrame(np.empty((0, len(FEATURE_COLUMNS))), columns=FEATURE_COLUMNS)
    frame.insert(0, "date", pd.Series(dtype="datetime64[ns]"))
    frame.insert(1, "ticker", pd.Series(dtype=object))
    return frame


def _broadcast(values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A per-day or per-ticker series as a (date, ticker)-ordered float column (several
    times faster than np.repeat or np.tile)."""
    out = np.empty(shape)
    out[:] = values
    return out.reshape(-1)


def build_features(
    prices: pd.DataFrame,
    sentiment: pd.DataFrame,
    macro: pd.DataFrame,
    universe: pd.DataFrame,
    start: dt.date,
    end: dt.date,
) -> pd.DataFrame:
    """Features for the days in [start, end] where a ticker has a price, sorted by (date,
    ticker). Earlier rows of `prices` (the registry's lookback) only feed the windows."""
    if prices.empty:
        return empty_features()
    p = load_panel(prices)
    lo = p.dates.searchsorted(pd.Timestamp(start))
    hi = p.dates.searchsorted(pd.Timestamp(end), side="right")
    emitted = p.present[lo:hi]
    flat = None if emitted.all() else np.flatnonzero(emitted)
    n_rows = emitted.size if flat is None else len(flat)
    if n_rows == 0:
        return empty_features()
    rows = np.arange(emitted.size) if flat is None else flat
    day, ticker = np.divmod(rows, emitted.shape[1])
    columns: dict[str, np.ndarray] = {}
    # When the emitted days are most of the matrices' rows (a backfill), the (date, ticker)-
    # ordered matrices themselves become the columns: no copy into one large fresh block.
    share = flat is None and 2 * (hi - lo) >= len(p.dates)

    def put(name: str, matrix: np.ndarray) -> None:
        block = matrix[lo:hi].reshape(-1)  # a view of a C-ordered matrix
        if flat is not None:
            block = block[flat]
        elif not share:
            block = block.copy()  # not a view that keeps the lookback rows alive
        columns[name] = block.astype(np.float64, copy=False)

    sectors = universe.set_index("ticker")["sector"].reindex(p.tickers)
    sector_codes = pd.factorize(sectors, use_na_sentinel=False)[0]
    for name, matrix in technical_features(p, sector_codes):
        put(name, matrix)
    for name, matrix in news_features(sentiment, p).items():
        put(name, matrix)
    per_day = {**macro_features(macro, p.dates), **calendar_features(p.dates)}
    for name, series in per_day.items():
        days = series[lo:hi]
        columns[name] = _broadcast(days[:, None], emitted.shape) if flat is None else days[day]
    for label, name in zip(SECTORS, SECTOR_COLUMNS, strict=True):
        member = (sectors.to_numpy() == label).astype(np.float64)
        columns[name] = _broadcast(member, emitted.shape) if flat is None else member[ticker]

    frame = {"date": p.dates[lo:hi][day], "ticker": p.tickers[ticker]}
    return pd.DataFrame(frame | {name: columns[name] for name in FEATURE_COLUMNS}, copy=False)


def next_session_returns(features: pd.DataFrame) -> pd.DataFrame:
    """date × ticker matrix of each ticker's return from that session's close to the next
    session's; NaN when the next session is not in `features`. On the exchange calendar,
    so a missing day gives NaN rather than a later day's return."""
    ret = features.pivot(index="date", columns="ticker", values="ret_1d").sort_index()
    ret = ret.reindex(trading_sessions(ret.index.min(), ret.index.max()))
    return ret.shift(-1)


def forward_returns(features: pd.DataFrame, horizon: int = 1) -> pd.Series:
    """Each row's compounded return over the next `horizon` sessions, demeaned across the
    tickers of its day.

    NaN where one of those sessions is not in `features` (so the last days of a training
    window never see a price from beyond the window's cut-off).
    """
    if features.empty:
        return pd.Series(dtype="float64", index=features.index, name="target")
    fwd = next_session_returns(features)
    if horizon > 1:  # the next h log returns summed: row t compounds r[t+1] … r[t+h]
        growth = np.log1p(fwd).rolling(horizon, min_periods=horizon).sum()
        fwd = np.expm1(growth.shift(-(horizon - 1)))
    fwd = fwd.sub(fwd.mean(axis=1), axis=0)
    target = fwd.stack(future_stack=True).rename("target")
    keys = pd.MultiIndex.from_frame(features[["date", "ticker"]])
    return pd.Series(target.reindex(keys).to_numpy(), index=features.index, name="target")


def next_day_target(features: pd.DataFrame) -> pd.Series:
    """The next-day label: each ticker's next-session return, demeaned across tickers."""
    return forward_returns(features, 1)
