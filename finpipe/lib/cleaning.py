"""Cleaning raw prices: keep valid rows, quarantine the rest with a reason.

Nothing is dropped silently: every input row ends up either in `kept` or in
`rejected` (with `rule` and `reason` columns), so `len(raw) == len(kept) + len(rejected)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import pandera.errors as pa_errors
import pandera.pandas as pa

from finpipe.lib.schemas import CleanPrices, RawPrices
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
    return schema.validate(frame[~bad], lazy=True), rejected


def clean_prices(raw: pd.DataFrame, universe: Iterable[str]) -> CleaningResult:
    """Duplicates, unknown tickers and schema violations are quarantined; the rest is kept."""
    raw = raw.reset_index(drop=True)
    rejected: list[pd.DataFrame] = []

    missing = [c for c in PRICE_COLUMNS if c not in raw.columns]
    if missing:
        reason = f"missing columns {missing}; found {list(raw.columns)}"
        return CleaningResult(raw.iloc[0:0], _reject(raw, "schema", reason))

    dup = raw.duplicated(subset=["date", "ticker"], keep="first")
    rejected.append(_reject(raw[dup], "duplicate", "duplicate (ticker, date): first row kept"))
    rest = raw[~dup]

    known = rest["ticker"].isin(set(universe))
    rejected.append(_reject(rest[~known], "unknown_ticker", "ticker is not in the universe"))
    rest = rest[known]

    kept, bad = split_valid_rows(rest[PRICE_COLUMNS], RawPrices)
    rejected.append(bad)
    kept = CleanPrices.validate(kept.sort_values(["date", "ticker"]).reset_index(drop=True))
    return CleaningResult(kept, pd.concat(rejected, ignore_index=True))
