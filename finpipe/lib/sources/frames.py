"""Frame plumbing shared by the sources: contract dtypes, timestamps, split un-adjustment."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from finpipe.errors import UnknownTickerError
from finpipe.lib.sources.base import MACRO_COLUMNS, NEWS_COLUMNS, RAW_PRICE_COLUMNS

__all__ = [
    "MACRO_DTYPES",
    "NEWS_DTYPES",
    "PRICE_DTYPES",
    "conform",
    "now_utc",
    "served_per_ticker",
    "stable_id",
    "utc_naive",
    "unadjust_splits",
]

_TIME = "datetime64[ns]"
PRICE_DTYPES: dict[str, str] = {
    **dict.fromkeys(RAW_PRICE_COLUMNS, "float64"),
    **dict.fromkeys(["date", "fetched_at"], _TIME),
    **dict.fromkeys(["ticker", "vendor", "vendor_symbol"], "object"),
}
NEWS_DTYPES: dict[str, str] = {
    **dict.fromkeys(NEWS_COLUMNS, "object"),
    **dict.fromkeys(["published_at", "fetched_at"], _TIME),
    **dict.fromkeys(["vendor_sentiment", "relevance"], "float64"),
}
MACRO_DTYPES: dict[str, str] = {
    **dict.fromkeys(MACRO_COLUMNS, "object"),
    **dict.fromkeys(["date", "observation_date", "fetched_at"], _TIME),
    "value": "float64",
}


def conform(frame: pd.DataFrame | None, dtypes: Mapping[str, str]) -> pd.DataFrame:
    """Exactly the contract's columns, in order and typed; `None` or an empty frame gives an
    empty, correctly typed frame (no data for a range is an answer, not an error)."""
    if frame is None or frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})
    return frame[list(dtypes)].astype(dict(dtypes)).reset_index(drop=True)


def now_utc() -> pd.Timestamp:
    """Fetch time: now, tz-naive UTC, to the second."""
    return pd.Timestamp.now(tz="UTC").tz_localize(None).floor("s")


def stable_id(*parts: object) -> str:
    """An id that is the same on every fetch of the same item, for items without one."""
    return "sha1:" + hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:20]


def utc_naive(moment: pd.Timestamp | str) -> pd.Timestamp:
    """A timestamp as tz-naive UTC (aware ones converted, naive ones taken as UTC)."""
    moment = pd.Timestamp(moment)
    return moment.tz_convert("UTC").tz_localize(None) if moment.tzinfo else moment


def unadjust_splits(frame: pd.DataFrame, splits: pd.Series) -> pd.DataFrame:
    """Undo a vendor's split adjustment. `splits`: ratio (new shares per old, 4.0 for 4:1)
    indexed by ex-date. Prices and dividends before an ex-date were divided by its ratio and
    volumes multiplied, so each row is scaled back by the product of the ratios of every
    split strictly after its date (the ex-date itself already trades at the new price)."""
    splits = splits[splits.notna() & (splits > 0)].sort_index()
    if splits.empty:
        return frame
    later = np.append(np.cumprod(splits.to_numpy()[::-1])[::-1], 1.0)
    factor = later[np.searchsorted(splits.index.to_numpy(), frame["date"].to_numpy(), "right")]
    out = frame.copy()
    for column, scale in [("open", factor), ("high", factor), ("low", factor),
                          ("close", factor), ("dividend_amount", factor), ("volume", 1 / factor)]:  # fmt: skip
        number = pd.to_numeric(frame[column], errors="coerce") * scale
        number = number.round() if column == "volume" else number
        # A cell that does not parse stays as delivered: cleaning quarantines it with a reason.
        out[column] = number.where(number.notna() | frame[column].isna(), frame[column])
    return out


def served_per_ticker(
    tickers: Sequence[str], fetch: Callable[[str], pd.DataFrame], vendor: str
) -> pd.DataFrame:
    """Fetch ticker by ticker (as per-symbol vendor APIs do); tickers the vendor does not
    know are collected, and the rest is still served (raised with the error, so a chain
    asks the next source for the unknown ones only). Other failures propagate."""
    frames, unknown, details = [], [], []
    for ticker in tickers:
        try:
            frames.append(fetch(ticker))
        except UnknownTickerError as exc:
            unknown.append(ticker)
            details.append(str(exc))
    frames = [f for f in frames if not f.empty]
    served = conform(pd.concat(frames, ignore_index=True) if frames else None, PRICE_DTYPES)
    if unknown:
        detail = "; ".join(details[:3]) + (" …" if len(details) > 3 else "")
        raise UnknownTickerError(
            f"{vendor} does not serve {unknown[:10]}: {detail}", unknown, served
        )
    return served
