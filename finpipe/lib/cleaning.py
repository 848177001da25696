"""Cleaning raw prices: keep valid rows, quarantine the rest with a reason.

Nothing is dropped silently: every input row ends up either in `kept` or in
`rejected` (with `rule` and `reason` columns), so `len(raw) == len(kept) + len(rejected)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.errors as pa_errors
import pandera.pandas as pa

from finpipe.lib.schemas import RawPrices
from finpipe.lib.sources.base import RAW_PRICE_COLUMNS as PRICE_COLUMNS

__all__ = ["CleaningResult", "clean_prices", "split_valid_rows"]


@dataclass(frozen=True)
class CleaningResult:
    kept: pd.DataFrame
    rejected: pd.DataFrame  # input columns + `rule` + `reason`

    @property
    def rejected_share(self) -> float:
        total = len(self.kept) + len(self.rejected)
        return len(self.rejected) / total if total else 0.0


def _reject(frame: pd.DataFrame, rule: str | pd.Series, reason: str | pd.Series) -> pd.DataFrame:
    out = frame.copy()
    out["rule"], out["reason"] = rule, reason
    return out


def split_valid_rows(
    frame: pd.DataFrame, schema: type[pa.DataFrameModel]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate lazily; rows named in failure cases are rejected with every reason found.
    Expects typed columns (see `coerce_types`): the rows returned are not re-coerced.

    A failure that names no row (a missing column, say) rejects the whole frame.
    """
    try:
        return schema.validate(frame, lazy=True), frame.iloc[0:0].pipe(_reject, "", "")
    except pa_errors.SchemaErrors as err:
        cases = err.failure_cases
    frame_level = cases[cases["index"].isna()]
    if not frame_level.empty:
        reason = "; ".join(
            f"{row.column or 'table'}: {row.check} (found {row.failure_case})"
            for row in frame_level.itertuples()
        )
        return frame.iloc[0:0], _reject(frame, "schema", reason)
    is_column = cases["schema_context"] == "Column"
    cases = cases.assign(
        text=cases["check"]
        .astype(str)
        .where(
            ~is_column,
            cases["column"].astype(str)
            + ": "
            + cases["check"].astype(str)
            + " (got "
            + cases["failure_case"].astype(str)
            + ")",
        ),
        order=(~is_column).astype(int),
    ).sort_values(["index", "order"], kind="stable")
    cases = cases.drop_duplicates(subset=["index", "text"])
    by_row = cases.groupby("index")
    reasons = by_row["text"].agg("; ".join)
    rules = by_row["check"].first().astype(str)
    bad = frame.index.isin(reasons.index)
    rejected = _reject(frame[bad], rules.reindex(frame.index[bad]).values,
                       reasons.reindex(frame.index[bad]).values)  # fmt: skip
    return frame[~bad], rejected  # lazy validation named every failing row: the rest passed


NUMERIC_COLUMNS = ["open", "high", "low", "close", "volume", "dividend_amount", "split_coefficient"]
DATE_COLUMNS = ["date", "fetched_at"]


def coerce_types(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse numbers and dates cell by cell: a row with a value that does not parse is
    rejected naming the column and value, and the rest of the frame still gets typed (a
    column-wide cast would fail the whole batch for one bad cell)."""
    typed = frame.copy()
    for column in NUMERIC_COLUMNS:
        if not pd.api.types.is_float_dtype(frame[column]):
            typed[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    for column in DATE_COLUMNS:
        if not pd.api.types.is_datetime64_dtype(frame[column]):
            typed[column] = pd.to_datetime(frame[column], errors="coerce", format="mixed")
    failed = {c: typed[c].isna() & frame[c].notna() for c in NUMERIC_COLUMNS + DATE_COLUMNS}
    bad = np.logical_or.reduce(list(failed.values()))
    reasons = [
        "; ".join(f"{c}: cannot parse {frame.at[i, c]!r}" for c, mask in failed.items() if mask[i])
        for i in frame.index[bad]
    ]
    return typed[~bad], _reject(frame[bad], "unparseable", reasons)


def clean_prices(
    raw: pd.DataFrame, universe: Iterable[str], as_of: pd.Timestamp | None = None
) -> CleaningResult:
    """Duplicates, unknown tickers, schema violations and days after `as_of` (default: now)
    are quarantined; the rest is kept."""
    raw = raw.reset_index(drop=True)
    rejected: list[pd.DataFrame] = []

    missing = [c for c in PRICE_COLUMNS if c not in raw.columns]
    if missing:
        reason = f"missing columns {missing}; found {list(raw.columns)}"
        return CleaningResult(raw.iloc[0:0], _reject(raw, "schema", reason))

    rest = raw
    known = rest["ticker"].isin(set(universe))
    rejected.append(_reject(rest[~known], "unknown_ticker", "ticker is not in the universe"))
    rest = rest[known]

    typed, unparseable = coerce_types(rest[PRICE_COLUMNS])
    rejected.append(unparseable)
    kept, bad = split_valid_rows(typed, RawPrices)
    rejected.append(bad)
    as_of = as_of if as_of is not None else pd.Timestamp.now(tz="UTC").tz_localize(None)
    future = kept["date"] > as_of
    rejected.append(_reject(kept[future], "future_date", f"date is after {as_of:%Y-%m-%d %H:%M}"))
    kept = kept[~future]
    # Duplicates last, among valid rows only: an invalid first copy must not cost the day.
    dup = kept.duplicated(subset=["date", "ticker"], keep="first")
    rejected.append(
        _reject(kept[dup], "duplicate", "duplicate (ticker, date): first valid row kept")
    )
    kept = kept[~dup]
    # CleanPrices (unique per ticker and day) holds by construction; the asset's blocking
    # `schema_valid` check verifies it on what is written.
    kept = kept.sort_values(["date", "ticker"]).reset_index(drop=True)
    nonempty = [r for r in rejected if len(r)] or rejected[:1]
    return CleaningResult(kept, pd.concat(nonempty, ignore_index=True))
