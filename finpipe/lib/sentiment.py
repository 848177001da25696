"""Headline tone from finance word lists, combined with the vendor's score, per ticker and day.

**Scorer.** Loughran–McDonald-style lists: words that are positive or negative *in
finance* ("beat", "upgrade" / "miss", "impairment", "lawsuit"), not general-language
sentiment ("liability" or "tax" carry no tone here). A headline's lexicon tone is
(positive - negative) / (positive + negative) in [-1, 1], 0 without tone words. A negator
("not", "no", "never", "without", "fails to", …) up to three words before a tone word
flips it, as in Loughran & McDonald (2011).

**Vendor scores.** Raw news rows may carry `vendor_sentiment` (Alpha Vantage's ticker
sentiment, roughly -0.35 bearish … 0.35 bullish) and `relevance` (0..1), NaN when the
vendor gives none (synthetic, RSS) or absent. A headline's tone is the mean of its lexicon
tone and the vendor score scaled to [-1, 1] when there is one, else the lexicon tone;
the day's tone weights headlines by relevance (1 when unknown).

**Alignment.** The `raw_news` partition of session d holds headlines published after the
previous session's close and up to d's close (16:00 New York), so news after the close
already counts for the next trading day; `session_of` applies the same rule when rows
come without a `date`. Features of d therefore use only news known at d's close.

Known limits: no sarcasm or hedging, no entity attribution inside multi-company headlines,
a bag of words (word order matters only for negation), English only.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from finpipe.lib.calendar import session_of

__all__ = [
    "NEGATIVE",
    "NEGATORS",
    "POSITIVE",
    "daily_sentiment",
    "headline_tone",
    "session_of",
]

POSITIVE = frozenset(
    """achieve achieved achieves advance advances attain attained beat beats better boost
    boosted boosts breakthrough bullish exceed exceeded exceeds expand expands expansion
    favorable gain gained gains great grow growing grows growth high higher improve improved
    improvement improves jump jumped jumps optimistic outperform outperformed outperforms
    profit profitable profitability profits raise raised raises rallied rallies rally
    rebound rebounds record recover recovered recovery robust rise rises rising rose soar
    soared soars strength strengthen strong stronger success successful surge surged surges
    top tops upbeat upgrade upgraded upgrades win winning wins""".split()
)
NEGATIVE = frozenset(
    """adverse bankrupt bankruptcy bearish breach concern concerns crash crashed cut cuts
    decline declined declines default defaults deficit delay delayed delays downgrade
    downgraded downgrades downturn drop dropped drops fail failed failure falls fall fell
    fine fined fraud halt halted impairment investigation lawsuit lawsuits layoff layoffs
    litigation loss losses lower miss missed misses negative penalty plummet plummets plunge
    plunged plunges probe recall recalls recession resign resigns restatement selloff
    shortfall sink sinks slide slides slump slumps subpoena tumble tumbled tumbles
    underperform underperformed underperforms warn warning warns weak weaker weakness
    worst writedown""".split()
)
NEGATORS = frozenset(
    "not no never without none neither nor cannot can't isn't wasn't aren't don't doesn't "
    "didn't won't hardly fails".split()
)
NEGATION_SPAN = 3  # words after a negator that it flips (Loughran & McDonald)
VENDOR_SCALE = 0.35  # Alpha Vantage: |score| >= 0.35 is (bullish|bearish)
_WORD = re.compile(r"[a-z']+")


def headline_tone(text: str) -> float:
    """Lexicon tone of one headline in [-1, 1]."""
    pos = neg = 0
    since_negator = NEGATION_SPAN + 1
    for word in _WORD.findall(str(text).lower()):
        if word in NEGATORS:
            since_negator = 0
            continue
        since_negator += 1
        sign = 1 if word in POSITIVE else -1 if word in NEGATIVE else 0
        if sign:
            if since_negator <= NEGATION_SPAN:
                sign, since_negator = -sign, NEGATION_SPAN + 1
            pos, neg = pos + (sign > 0), neg + (sign < 0)
    return (pos - neg) / (pos + neg) if pos + neg else 0.0


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {"date": pd.Series(dtype="datetime64[ns]"), "ticker": pd.Series(dtype=str),
         "tone": pd.Series(dtype=float), "headlines": pd.Series(dtype="int64"),
         "lexicon_tone": pd.Series(dtype=float), "vendor_tone": pd.Series(dtype=float),
         "relevance": pd.Series(dtype=float)}
    )  # fmt: skip


def daily_sentiment(headlines: pd.DataFrame) -> pd.DataFrame:
    """Per (date, ticker): relevance-weighted tone, headline count, mean lexicon tone,
    relevance-weighted vendor tone (NaN without vendor scores) and mean relevance."""
    if headlines.empty:
        return _empty()
    frame = headlines
    if "date" not in frame:
        frame = frame.assign(date=session_of(frame["published_at"]))
    lexicon = np.fromiter(map(headline_tone, frame["headline"]), float, len(frame))
    nan = np.full(len(frame), np.nan)
    vendor = frame["vendor_sentiment"].to_numpy(float) if "vendor_sentiment" in frame else nan
    relevance = frame["relevance"].to_numpy(float) if "relevance" in frame else nan
    scaled = np.clip(vendor / VENDOR_SCALE, -1.0, 1.0)
    tone = np.where(np.isnan(scaled), lexicon, (lexicon + scaled) / 2.0)
    weight = np.where(np.isnan(relevance), 1.0, relevance)
    has_vendor = ~np.isnan(vendor)
    scored = pd.DataFrame(
        {"date": pd.to_datetime(frame["date"]).to_numpy(), "ticker": frame["ticker"].to_numpy(),
         "w": weight, "wt": weight * tone, "lexicon_tone": lexicon,
         "vw": np.where(has_vendor, weight, 0.0), "vwt": np.where(has_vendor, weight * vendor, 0.0),
         "relevance": relevance}
    )  # fmt: skip
    out = scored.groupby(["date", "ticker"], as_index=False).agg(
        w=("w", "sum"), wt=("wt", "sum"), headlines=("w", "size"),
        lexicon_tone=("lexicon_tone", "mean"), vw=("vw", "sum"), vwt=("vwt", "sum"),
        relevance=("relevance", "mean"),
    )  # fmt: skip
    with np.errstate(invalid="ignore", divide="ignore"):
        out["tone"] = np.where(out["w"] > 0, out["wt"] / out["w"], out["lexicon_tone"])
        out["vendor_tone"] = np.where(out["vw"] > 0, out["vwt"] / out["vw"], np.nan)
    out = out[["date", "ticker", "tone", "headlines", "lexicon_tone", "vendor_tone", "relevance"]]
    return out.sort_values(["date", "ticker"]).reset_index(drop=True)
