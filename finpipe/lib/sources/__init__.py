"""Data sources behind small protocols, chained for failover."""

from finpipe.lib.sources.base import RAW_PRICE_COLUMNS, MarketDataSource, SourceChain
from finpipe.lib.sources.csv_dir import AlphaVantageCsvDirectory, constituents
from finpipe.lib.sources.synthetic import SyntheticSource

__all__ = [
    "RAW_PRICE_COLUMNS",
    "AlphaVantageCsvDirectory",
    "MarketDataSource",
    "SourceChain",
    "SyntheticSource",
    "constituents",
]
