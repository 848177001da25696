"""The followed universe: by default every ticker the price source lists; a universe file
(`<home>/universe.csv`: ticker, name, sector) narrows or extends it.

`finpipe universe add|remove` edits the file; the `universe` asset reads it on every run,
so a change takes effect without a restart. Only tickers a configured source lists can be
added (with that listing's name and sector), so every followed ticker can be fetched.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from finpipe.errors import ConfigError
from finpipe.lib.features import SECTORS

__all__ = ["UNIVERSE_COLUMNS", "add_tickers", "followed_universe", "remove_tickers"]

UNIVERSE_COLUMNS = ["ticker", "name", "sector"]
UNKNOWN_SECTOR = "Unknown"  # what a source says when no reference knows the ticker


def _read(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the universe file {path}: {exc}") from exc
    missing = [c for c in UNIVERSE_COLUMNS if c not in frame.columns]
    if missing:
        raise ConfigError(f"universe file {path} lacks columns {missing} (has {list(frame)})")
    frame = frame[UNIVERSE_COLUMNS]
    problems = [
        f"line {i + 2}: empty ticker" for i in frame.index[frame["ticker"].str.strip() == ""]
    ]
    problems += [
        f"line {i + 2}: {row.ticker} has unknown sector {row.sector!r}"
        for i, row in frame.iterrows()
        if row.sector not in SECTORS and row.sector != UNKNOWN_SECTOR
    ]
    dup = frame["ticker"].duplicated()
    problems += [f"line {i + 2}: {t} is listed twice" for i, t in frame["ticker"][dup].items()]
    if problems:
        raise ConfigError(f"universe file {path} is invalid: " + "; ".join(problems[:10]))
    return frame.reset_index(drop=True)


def followed_universe(path: Path | None, listed: pd.DataFrame) -> pd.DataFrame:
    """The universe file when there is one, else every ticker the source lists."""
    if path is not None and path.exists():
        return _read(path)
    return listed[UNIVERSE_COLUMNS].sort_values("ticker").reset_index(drop=True)


def add_tickers(
    path: Path, tickers: Iterable[str], current: pd.DataFrame, known: pd.DataFrame
) -> pd.DataFrame:
    """Write `current` plus `tickers` (looked up in `known`, the sources' listings) to `path`.

    Raises ConfigError naming every ticker no source lists, and writes nothing.
    """
    wanted = [t.strip().upper() for t in tickers if t.strip()]
    lookup = known.drop_duplicates("ticker").set_index("ticker")
    unknown = [t for t in wanted if t not in lookup.index]
    if unknown:
        raise ConfigError(
            f"cannot add {unknown}: no configured price source lists them (FINPIPE_MARKET_SOURCES)"
        )
    new = [t for t in dict.fromkeys(wanted) if t not in set(current["ticker"])]
    rows = lookup.loc[new, ["name", "sector"]].rename_axis("ticker").reset_index()
    updated = pd.concat([current[UNIVERSE_COLUMNS], rows], ignore_index=True)
    return _write(path, updated)


def remove_tickers(path: Path, tickers: Iterable[str], current: pd.DataFrame) -> pd.DataFrame:
    """Write `current` without `tickers` to `path`; unknown tickers are an error."""
    drop = {t.strip().upper() for t in tickers}
    absent = sorted(drop - set(current["ticker"]))
    if absent:
        raise ConfigError(f"cannot remove {absent}: not in the universe")
    return _write(path, current[~current["ticker"].isin(drop)])


def _write(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[UNIVERSE_COLUMNS].sort_values("ticker").reset_index(drop=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    frame.to_csv(tmp, index=False)
    tmp.replace(path)  # atomic: a run reading the file never sees half of it
    return frame
