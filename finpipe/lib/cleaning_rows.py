"""Row-level cleaning: typing cells and validating rows with the `RawPrices` schema.

Each function splits a frame into the rows that pass and the rows that do not, the latter
with `rule` and `reason` columns, so no row is ever dropped silently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.errors as pa_errors
import pandera.pandas as pa
import pyarrow

from finpipe.lib.schemas import TEXT
from finpipe.lib.sources.base import RAW_PRICE_COLUMNS

__all__ = [
    "DATE_COLUMNS",
    "NUMERIC_COLUMNS",
    "PRICE_COLUMNS",
    "STRING_COLUMNS",
    "coerce_types",
    "reject",
    "schema_failures",
    "split_undated",
]

# The raw price contract as cleaning reads it; `vendor_symbol` is filled from `ticker`
# when a source does not deliver it (see `with_vendor_symbol`).
PRICE_COLUMNS = RAW_PRICE_COLUMNS
NUMERIC_COLUMNS = ["open", "high", "low", "close", "volume", "dividend_amount", "split_coefficient"]
DATE_COLUMNS = ["date", "fetched_at"]
STRING_COLUMNS = ["ticker", "vendor", "vendor_symbol"]


def reject(frame: pd.DataFrame, rule: str | np.ndarray, reason: str | np.ndarray) -> pd.DataFrame:
    """`frame` with the rule that rejected each row and a readable reason."""
    return frame.assign(rule=rule, reason=reason)


def _as_datetime(column: pd.Series) -> pd.Series:
    """tz-naive UTC datetime64[ns]; anything that does not parse becomes NaT."""
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return column.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    if pd.api.types.is_datetime64_dtype(column):
        return column if column.dtype == "datetime64[ns]" else column.astype("datetime64[ns]")
    parsed = pd.to_datetime(column, errors="coerce", format="mixed", utc=True)
    return parsed.dt.tz_localize(None).astype("datetime64[ns]")


def split_undated(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows with a readable date, the others rejected with rule `undated`): a row without
    a date belongs to no partition."""
    readable = _as_datetime(frame["date"]).notna().to_numpy()
    undated = frame[~readable]
    reasons = np.array([f"date {value!r} is missing or does not parse"
                        for value in undated["date"]], dtype=object)  # fmt: skip
    return frame[readable], reject(undated, "undated", reasons)


def _as_string(column: pd.Series) -> pd.Series:
    """Arrow-backed strings (`TEXT`) through the distinct values: few tickers and vendors,
    many rows."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    distinct = pyarrow.array(np.asarray(uniques, dtype=object).astype(str), pyarrow.large_string())
    values = distinct.take(pyarrow.array(codes, mask=codes < 0))
    return pd.Series(pd.arrays.ArrowStringArray(values), index=column.index, name=column.name)


def coerce_types(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type numbers, dates and strings column by column but judge cells one by one: a row
    with a value that does not parse is rejected naming the column and value, and the rest
    still gets typed (a column-wide cast would fail the whole batch for one bad cell).
    Columns that already have their type are not copied."""
    typed = {}
    failed: dict[str, np.ndarray] = {}
    for column in NUMERIC_COLUMNS:
        values = frame[column]
        if values.dtype != "float64":
            typed[column] = pd.to_numeric(values, errors="coerce").astype("float64")
            failed[column] = (typed[column].isna() & values.notna()).to_numpy()
    for column in DATE_COLUMNS:
        values = frame[column]
        if values.dtype != "datetime64[ns]":
            typed[column] = _as_datetime(values)
            failed[column] = (typed[column].isna() & values.notna()).to_numpy()
    for column in STRING_COLUMNS:
        if frame[column].dtype != TEXT:
            typed[column] = _as_string(frame[column])
    # One new frame with consolidated blocks: later row selections copy it cheaply.
    typed_frame = pd.DataFrame({c: typed.get(c, frame[c]) for c in frame.columns}, copy=False)
    if not failed:
        return typed_frame, frame.iloc[0:0].pipe(reject, "", "")
    bad = np.logical_or.reduce(list(failed.values()))
    if not bad.any():
        return typed_frame, frame.iloc[0:0].pipe(reject, "", "")
    positions = np.flatnonzero(bad)
    reasons = [
        "; ".join(f"{c}: cannot parse {frame[c].iat[i]!r}" for c, mask in failed.items() if mask[i])
        for i in positions
    ]  # one string per rejected row: only rejected rows pay for a Python loop
    return typed_frame[~bad], reject(frame[bad], "unparseable", np.array(reasons, dtype=object))


def schema_failures(
    frame: pd.DataFrame, schema: type[pa.DataFrameModel]
) -> tuple[np.ndarray, pd.DataFrame]:
    """Validate lazily: (mask of the rows that fail any check, those rows rejected with
    every reason found). Expects typed columns (see `coerce_types`).

    Failing rows come from each check's boolean output (`SchemaError.check_output`), not
    from pandera's failure-case table, whose reshaping costs about 0.1 ms per failing row
    for dataframe-wide checks. A failure that names no row (a missing column, a wrong
    dtype) rejects the whole frame.
    """
    try:
        schema.validate(frame, lazy=True, inplace=True)  # checks only: coerce is off
        return np.zeros(len(frame), dtype=bool), frame.iloc[0:0].pipe(reject, "", "")
    except pa_errors.SchemaErrors as err:
        errors = err.schema_errors
    found, frame_level = [], []
    for error in errors:
        positions, text = _failing_rows(frame, error)
        if positions is None:
            frame_level.append(text)
        elif len(positions):
            wide = error.column_name is None  # dataframe checks after column checks
            found.append(pd.DataFrame({"position": positions, "order": int(wide), "text": text,
                                       "check": _check_name(error)}))  # fmt: skip
    if frame_level:
        return np.ones(len(frame), dtype=bool), reject(frame, "schema", "; ".join(frame_level))
    cases = pd.concat(found, ignore_index=True).sort_values(["position", "order"], kind="stable")
    cases = cases.drop_duplicates(subset=["position", "text"])
    reasons: dict[int, list[str]] = {}  # per failing row, in position order: its reasons
    rules: dict[int, str] = {}  # and the first check it failed
    rows = zip(cases["position"], cases["text"], cases["check"], strict=True)
    for position, text, check in rows:
        reasons.setdefault(position, []).append(text)
        rules.setdefault(position, check)
    bad = np.zeros(len(frame), dtype=bool)
    bad[list(reasons)] = True
    joined = np.array(["; ".join(texts) for texts in reasons.values()], dtype=object)
    return bad, reject(frame[bad], np.array(list(rules.values()), dtype=object), joined)


def _check_name(error: pa_errors.SchemaError) -> str:
    check = error.check
    return check if isinstance(check, str) else str(check.error or check.name)


def _failing_rows(
    frame: pd.DataFrame, error: pa_errors.SchemaError
) -> tuple[np.ndarray | None, str | np.ndarray]:
    """Positions of the rows a schema error names, and the reason for each; positions None
    when the error is about the frame as a whole."""
    check, column = _check_name(error), error.column_name
    output = error.check_output
    if isinstance(output, pd.Series) and output.index.equals(frame.index):
        positions = np.flatnonzero(~output.fillna(True).to_numpy(dtype=bool))
        if column is None:
            return positions, check
        got = frame[column].iloc[positions].astype(str).to_numpy(dtype=object)
        return positions, f"{column}: {check} (got " + got + ")"
    cases = error.failure_cases
    if not isinstance(cases, pd.DataFrame) or "index" not in cases or cases["index"].isna().any():
        return None, f"{column or 'table'}: {check} (found {cases})"
    positions = frame.index.get_indexer(cases["index"])
    got = cases["failure_case"].astype(str).to_numpy(dtype=object)
    return positions, f"{column}: {check} (got " + got + ")"
