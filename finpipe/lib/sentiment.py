"""Headline tone from finance word lists, with negation, aggregated per ticker and day.

A small Loughran–McDonald-style lexicon: a headline's tone is
(positive - negative) / (positive + negative) over its words, in [-1, 1], 0 when it has
no tone word; a negator ("not", "no", "never", "without") flips the next tone word.
Known limits: no sarcasm, no entity attribution inside multi-company headlines.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["NEGATIVE", "POSITIVE", "daily_sentiment", "headline_tone"]

POSITIVE = frozenset(
    "beat beats surge surges upgrade upgraded record strong growth gain gains win wins raise "
    "raises outperform profit profitable rally rallies improve improves boost boosts".split()
)
NEGATIVE = frozenset(
    "miss misses plunge plunges downgrade downgraded loss losses weak lawsuit cut cuts recall "
    "recalls underperform decline declines fall falls fraud probe warning default".split()
)
NEGATORS = frozenset({"not", "no", "never", "without"})
_WORD = re.compile(r"[a-z']+")


def headline_tone(text: str) -> float:
    """Tone of one headline in [-1, 1]."""
    pos = neg = 0
    negate = False
    for word in _WORD.findall(text.lower()):
        if word in NEGATORS:
            negate = True
            continue
        sign = 1 if word in POSITIVE else -1 if word in NEGATIVE else 0
        if sign:
            sign = -sign if negate else sign
            pos, neg = pos + (sign > 0), neg + (sign < 0)
            negate = False
    return (pos - neg) / (pos + neg) if pos + neg else 0.0


def daily_sentiment(headlines: pd.DataFrame) -> pd.DataFrame:
    """Per (date, ticker): mean tone and headline count."""
    if headlines.empty:
        return pd.DataFrame(
            {"date": pd.Series(dtype="datetime64[ns]"), "ticker": pd.Series(dtype=str),
             "tone": pd.Series(dtype=float), "headlines": pd.Series(dtype="int64")}
        )  # fmt: skip
    scored = headlines.assign(tone=np.fromiter(map(headline_tone, headlines["headline"]), float))
    out = scored.groupby(["date", "ticker"], as_index=False).agg(
        tone=("tone", "mean"), headlines=("tone", "size")
    )
    return out.sort_values(["date", "ticker"]).reset_index(drop=True)
