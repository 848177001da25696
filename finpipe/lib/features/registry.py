"""The feature registry: every model input with its meaning and the history it needs.

`lookback` counts the sessions *before* the day that a complete value needs; the largest
one sets how many upstream partitions the `features` asset reads
(`finpipe.defs.partitions.FEATURE_LOOKBACK`). Recursive indicators (EMA, MACD, RSI, ATR)
restart `RECURSIVE_WINDOW` sessions before each day, so their lookback is that window and
their value never depends on data older than it. docs/features.md shows this table (a
test keeps it in step).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = [
    "FEATURE_COLUMNS",
    "MACRO_SERIES",
    "MAX_LOOKBACK",
    "RECURSIVE_WINDOW",
    "REGISTRY",
    "SECTORS",
    "SECTOR_COLUMNS",
    "Feature",
    "registry_frame",
    "registry_markdown",
]

RECURSIVE_WINDOW = 260  # sessions (a year and a bit): EMA-200 and the 52-week range fit in it
MA_WINDOWS = (5, 10, 20, 50, 200)
VOL_WINDOWS = (5, 20, 60)
VOLUME_WINDOWS = (20, 60)
RETURN_HORIZONS = (1, 5, 20)
BETA_WINDOW = 60
YEAR = 252  # sessions in the 52-week high/low
TONE_WINDOW = 20
RANKED = ("ret_5d", "ret_20d", "rsi_14")  # percentile ranks per day: robust to outliers
Z_SCORED = ("vol_20d", "volume_z_20")  # z-scores per day
# The eleven GICS sectors, fixed so the one-hot columns are the same in every partition.
SECTORS = (
    "Communication Services", "Consumer Discretionary", "Consumer Staples", "Energy",
    "Financials", "Health Care", "Industrials", "Information Technology", "Materials",
    "Real Estate", "Utilities",
)  # fmt: skip
SECTOR_COLUMNS = [f"sector_{s.lower().replace(' ', '_')}" for s in SECTORS]
# Macro series → (transform, sessions): a fixed list, so columns never depend on the vendor.
# Monthly series are released about every 23 sessions: the as-of value may be that old.
MACRO_SERIES = {
    "DGS10": (("level", 0), ("diff", 5)),
    "VIXCLS": (("level", 0), ("diff", 5)),
    "CPI_YOY": (("level", 0),),
    "CPIAUCSL": (("logdiff", 60),),
    "UNRATE": (("level", 0), ("diff", 60)),
}
_RELEASE_GAP = 25
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


@dataclass(frozen=True)
class Feature:
    name: str
    group: str
    lookback: int
    description: str


def _macro_name(series: str, kind: str, sessions: int) -> str:
    suffix = "" if kind == "level" else f"_chg_{sessions}d"
    return f"macro_{series.lower()}{suffix}"


def _registry() -> list[Feature]:
    w = RECURSIVE_WINDOW - 1
    feats = [Feature(f"ret_{h}d", "returns", h, f"total return over {h} session(s), split- and "
                     "dividend-adjusted") for h in RETURN_HORIZONS]  # fmt: skip
    feats.append(Feature("ret_1d_xs", "returns", 1, "ret_1d minus the day's cross-sectional mean"))
    feats += [Feature(f"ret_{h}d_sector_rel", "returns", h, f"ret_{h}d minus the day's mean "
                      "over the ticker's sector") for h in RETURN_HORIZONS]  # fmt: skip
    feats += [
        Feature(f"sma_ratio_{n}", "trend", n - 1, f"close / SMA({n}) - 1") for n in MA_WINDOWS
    ]
    feats += [Feature(f"ema_ratio_{n}", "trend", w, f"close / EMA({n}) - 1, EMA seeded "
                      f"{RECURSIVE_WINDOW} sessions back") for n in MA_WINDOWS]  # fmt: skip
    feats += [
        Feature("macd_line", "trend", w, "MACD(12, 26) line / close"),
        Feature("macd_signal", "trend", w, "MACD signal EMA(9) / close"),
        Feature("macd_hist", "trend", w, "MACD histogram (line - signal) / close"),
        Feature("rsi_14", "oscillator", w, "RSI(14), Wilder smoothing, 0..100"),
        Feature("bb_pctb_20", "oscillator", 19, "Bollinger %B: close within SMA(20) ± 2 sd"),
        Feature("atr_14", "volatility", w, "ATR(14) of split-adjusted OHLC / close"),
    ]
    feats += [Feature(f"vol_{n}d", "volatility", n, f"sd of daily returns over {n} sessions "
                      f"(from {n - 1} at a ticker's start)")
              for n in VOL_WINDOWS]  # fmt: skip
    feats.append(Feature("range_hl", "volatility", 0, "(high - low) / close of the day"))
    feats += [Feature(f"volume_z_{n}", "volume", n - 1, f"z-score of log volume (split-adjusted) "
                      f"against its {n}-session mean and sd") for n in VOLUME_WINDOWS]  # fmt: skip
    feats += [
        Feature("dist_52w_high", "trend", YEAR - 1, "close / 252-session high - 1"),
        Feature("dist_52w_low", "trend", YEAR - 1, "close / 252-session low - 1"),
        Feature(f"beta_mkt_{BETA_WINDOW}", "risk", BETA_WINDOW,
                "beta of daily returns to the equal-weighted universe, 60 sessions"),
        Feature(f"beta_sector_{BETA_WINDOW}", "risk", BETA_WINDOW,
                "beta of daily returns to the equal-weighted sector, 60 sessions"),
    ]  # fmt: skip
    lookbacks = {f.name: f.lookback for f in feats}
    feats += [Feature(f"xs_rank_{name}", "cross-section", lookbacks[name],
                      f"percentile rank of {name} among the day's tickers, 0..1") for name in RANKED]  # fmt: skip
    feats += [Feature(f"xs_z_{name}", "cross-section", lookbacks[name],
                      f"z-score of {name} among the day's tickers") for name in Z_SCORED]  # fmt: skip
    feats += [
        Feature("news_tone", "news", 0, "mean headline tone of the day (0 without news)"),
        Feature("news_tone_xs", "news", 0, "news_tone minus the day's cross-sectional mean"),
        Feature("news_count", "news", 0, "headlines of the day"),
        Feature(f"news_tone_surprise_{TONE_WINDOW}", "news", TONE_WINDOW,
                "news_tone minus its mean over the previous 20 sessions"),
    ]  # fmt: skip
    for series, transforms in MACRO_SERIES.items():
        for kind, n in transforms:
            text = {"level": "as-of level", "diff": f"change over {n} sessions",
                    "logdiff": f"log change over {n} sessions"}[kind]  # fmt: skip
            feats.append(Feature(_macro_name(series, kind, n), "macro", n + _RELEASE_GAP,
                                 f"{series} {text} (NaN when the source lacks it)"))  # fmt: skip
    feats += [Feature(f"cal_dow_{d}", "calendar", 0, f"1 on {d.title()}days") for d in WEEKDAYS]
    feats += [
        Feature("cal_month_start", "calendar", 0, "1 on the month's first session"),
        Feature("cal_month_end", "calendar", 0, "1 on the month's last session (exchange calendar)"),
    ]  # fmt: skip
    feats += [Feature(col, "sector", 0, f"1 when the GICS sector is {name}")
              for name, col in zip(SECTORS, SECTOR_COLUMNS, strict=True)]  # fmt: skip
    return feats


REGISTRY: tuple[Feature, ...] = tuple(_registry())
FEATURE_COLUMNS: list[str] = [f.name for f in REGISTRY]
MAX_LOOKBACK: int = max(f.lookback for f in REGISTRY)


def registry_frame() -> pd.DataFrame:
    """The registry as a table: feature, group, lookback (sessions), description."""
    return pd.DataFrame(
        [(f.name, f.group, f.lookback, f.description) for f in REGISTRY],
        columns=["feature", "group", "lookback", "description"],
    )


def registry_markdown() -> str:
    """The registry as a markdown table (asset metadata and docs/features.md)."""
    return registry_frame().to_markdown(index=False)
