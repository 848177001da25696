"""Cross-vendor check: where two vendors quote the same ticker and day, their closes agree."""

from __future__ import annotations

import pandas as pd

__all__ = ["CLOSE_TOLERANCE", "close_disagreements"]

CLOSE_TOLERANCE = 0.005  # 0.5%: more than rounding or a late print, less than a bad tick


def close_disagreements(
    primary: pd.DataFrame, reference: pd.DataFrame, tolerance: float = CLOSE_TOLERANCE
) -> tuple[int, pd.DataFrame]:
    """How many (date, ticker) both frames quote, and those whose unadjusted closes differ
    by more than `tolerance` relative to the reference, largest difference first."""
    keys = ["date", "ticker"]

    def closes(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame[[*keys, "close", "vendor"]].copy()
        out["date"] = pd.to_datetime(out["date"], errors="coerce")
        out["close"] = pd.to_numeric(out["close"], errors="coerce")
        return out.dropna(subset=["date", "close"]).drop_duplicates(keys)

    both = closes(primary).merge(closes(reference), on=keys, suffixes=("", "_reference"))
    both["relative_difference"] = (both["close"] / both["close_reference"] - 1).abs()
    flagged = both[both["relative_difference"] > tolerance]
    return len(both), flagged.sort_values("relative_difference", ascending=False).reset_index(
        drop=True
    )
