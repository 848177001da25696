"""Features of each ticker and day, computed over the whole universe at once.

Inputs are long frames (date, ticker, ...); the work happens on date × ticker matrices
so nothing loops over tickers. Raw prices are unadjusted: returns use the split
coefficient and dividend of the day (total return, the convention of
`finpipe.lib.corporate_actions`), so neither a split nor an ex-dividend day looks like a loss.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from finpipe.lib.calendar import trading_sessions

__all__ = ["FEATURE_COLUMNS", "SECTORS", "build_features", "next_day_target"]

MA_WINDOWS = (5, 10, 20, 50)
VOL_WINDOWS = (5, 20)
# The eleven GICS sectors, fixed so the one-hot columns are the same in every partition.
SECTORS = (
    "Communication Services", "Consumer Discretionary", "Consumer Staples", "Energy",
    "Financials", "Health Care", "Industrials", "Information Technology", "Materials",
    "Real Estate", "Utilities",
)  # fmt: skip
SECTOR_COLUMNS = [f"sector_{s.lower().replace(' ', '_')}" for s in SECTORS]
FEATURE_COLUMNS = [
    "ret_1d", "ret_1d_xs", "ret_5d", "ret_20d",
    *[f"sma_ratio_{w}" for w in MA_WINDOWS],
    *[f"vol_{w}d" for w in VOL_WINDOWS],
    "volume_z_20", "range_hl",
    "news_tone", "news_tone_xs", "news_count",
    "macro_vix", "macro_rate_chg_5d",
    *SECTOR_COLUMNS,
]  # fmt: skip


def _wide(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.pivot(index="date", columns="ticker", values=column).sort_index()


def build_features(
    prices: pd.DataFrame,
    sentiment: pd.DataFrame,
    macro: pd.DataFrame,
    universe: pd.DataFrame,
    start: dt.date,
    end: dt.date,
) -> pd.DataFrame:
    """Features for the days in [start, end] where a ticker has a price.

    `prices` must reach 50 sessions before `start` for complete windows (the upstream
    mapping reads 60 weekdays); earlier rows only feed the windows and are not emitted.
    """
    if prices.empty:
        return pd.DataFrame(columns=["date", "ticker", *FEATURE_COLUMNS])
    close = _wide(prices, "close")
    present = close.notna()
    close = close.ffill(limit=3)
    split = _wide(prices, "split_coefficient").fillna(1.0)
    dividend = _wide(prices, "dividend_amount").fillna(0.0) if "dividend_amount" in prices else 0.0
    ret = ((close + dividend) * split / close.shift(1) - 1).where(present)
    index = np.exp(np.log1p(ret.fillna(0.0)).cumsum())  # split-free price index

    feats: dict[str, pd.DataFrame] = {
        "ret_1d": ret,
        "ret_1d_xs": ret.sub(ret.mean(axis=1), axis=0),
        "ret_5d": index / index.shift(5) - 1,
        "ret_20d": index / index.shift(20) - 1,
    }
    for w in MA_WINDOWS:
        feats[f"sma_ratio_{w}"] = index / index.rolling(w, min_periods=w).mean() - 1
    for w in VOL_WINDOWS:
        feats[f"vol_{w}d"] = ret.rolling(w, min_periods=w - 1).std()
    log_volume = np.log1p(_wide(prices, "volume"))
    roll = log_volume.rolling(20, min_periods=10)
    feats["volume_z_20"] = (log_volume - roll.mean()) / roll.std()
    feats["range_hl"] = (_wide(prices, "high") - _wide(prices, "low")) / close

    tone = (
        _wide(sentiment, "tone").reindex(index=close.index, columns=close.columns)
        if not sentiment.empty
        else pd.DataFrame(np.nan, index=close.index, columns=close.columns)
    )
    feats["news_tone"] = tone.fillna(0.0)
    feats["news_tone_xs"] = feats["news_tone"].sub(feats["news_tone"].mean(axis=1), axis=0)
    count = _wide(sentiment, "headlines") if not sentiment.empty else tone
    feats["news_count"] = count.reindex(index=close.index, columns=close.columns).fillna(0.0)

    stacked = pd.concat({name: f.where(present) for name, f in feats.items()}, axis=1)
    long = stacked.stack(level=1, future_stack=True).reset_index()
    long = long[long["ret_1d"].notna() | long["news_count"].notna()]
    long = long.dropna(subset=["range_hl"])

    macro_wide = (
        (
            macro.pivot(index="date", columns="series", values="value").sort_index()
            if not macro.empty
            else pd.DataFrame(index=close.index)
        )
        .reindex(close.index)
        .ffill()
    )
    macro_feats = pd.DataFrame(
        {
            "macro_vix": macro_wide.get("VIXCLS", np.nan),
            "macro_rate_chg_5d": macro_wide.get("DGS10", pd.Series(np.nan, index=close.index)).diff(
                5
            ),
        },
        index=close.index,
    )
    long = long.merge(macro_feats, left_on="date", right_index=True, how="left")

    sectors = universe.set_index("ticker")["sector"]
    for name, column in zip(SECTORS, SECTOR_COLUMNS, strict=True):
        long[column] = (long["ticker"].map(sectors) == name).astype("float64")

    window = (long["date"] >= pd.Timestamp(start)) & (long["date"] <= pd.Timestamp(end))
    out = long.loc[window, ["date", "ticker", *FEATURE_COLUMNS]]
    return out.sort_values(["date", "ticker"]).reset_index(drop=True)


def next_day_target(features: pd.DataFrame) -> pd.Series:
    """The label: each ticker's next-session return, demeaned across tickers that day.

    NaN where the next session is not in `features` (so the last day of a training
    window never sees a price from beyond the window's cut-off).
    """
    if features.empty:
        return pd.Series(dtype="float64", index=features.index, name="target")
    ret = _wide(features, "ret_1d")
    # On the exchange calendar, so a missing day gives NaN rather than a later day's return.
    ret = ret.reindex(trading_sessions(ret.index.min(), ret.index.max()))
    nxt = ret.shift(-1)
    nxt = nxt.sub(nxt.mean(axis=1), axis=0)
    target = nxt.stack(future_stack=True).rename("target")
    keys = pd.MultiIndex.from_frame(features[["date", "ticker"]])
    return pd.Series(target.reindex(keys).to_numpy(), index=features.index, name="target")
