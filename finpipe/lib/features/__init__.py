"""Features of each ticker and day, computed over the whole universe at once.

Inputs are long frames (date, ticker, ...); the work happens on date × ticker matrices
so nothing loops over tickers. The registry (`REGISTRY`) names every feature with its
meaning and lookback; docs/features.md explains the method and its limits.
"""

from finpipe.lib.features.build import (
    build_features,
    empty_features,
    forward_returns,
    next_day_target,
    next_session_returns,
)
from finpipe.lib.features.registry import (
    FEATURE_COLUMNS,
    MAX_LOOKBACK,
    RECURSIVE_WINDOW,
    REGISTRY,
    SECTOR_COLUMNS,
    SECTORS,
    Feature,
    registry_frame,
    registry_markdown,
)

__all__ = [
    "FEATURE_COLUMNS",
    "MAX_LOOKBACK",
    "RECURSIVE_WINDOW",
    "REGISTRY",
    "SECTORS",
    "SECTOR_COLUMNS",
    "Feature",
    "build_features",
    "next_session_returns",
    "empty_features",
    "forward_returns",
    "next_day_target",
    "registry_frame",
    "registry_markdown",
]
