"""Data sources behind small protocols (market data, news, macro), chained for failover."""

from finpipe.lib.sources.alphavantage import AlphaVantageSource
from finpipe.lib.sources.alphavantage_news import AlphaVantageNews
from finpipe.lib.sources.base import (
    MACRO_COLUMNS,
    NEWS_COLUMNS,
    RAW_PRICE_COLUMNS,
    MacroSource,
    MarketDataSource,
    NewsSource,
    SourceChain,
)
from finpipe.lib.sources.csv_dir import AlphaVantageCsvDirectory, OhlcvCsvDirectory, constituents
from finpipe.lib.sources.fred import FredSource
from finpipe.lib.sources.http import RateLimit, VendorClient
from finpipe.lib.sources.releases import DEFAULT_LAG, RELEASE_LAGS, ReleaseLag
from finpipe.lib.sources.rss import YAHOO_RSS, RssHeadlines
from finpipe.lib.sources.synthetic import SyntheticMacro, SyntheticNews, SyntheticSource
from finpipe.lib.sources.yahoo import YahooSource

__all__ = [
    "DEFAULT_LAG",
    "MACRO_COLUMNS",
    "NEWS_COLUMNS",
    "RAW_PRICE_COLUMNS",
    "RELEASE_LAGS",
    "YAHOO_RSS",
    "AlphaVantageCsvDirectory",
    "AlphaVantageNews",
    "AlphaVantageSource",
    "FredSource",
    "MacroSource",
    "MarketDataSource",
    "NewsSource",
    "OhlcvCsvDirectory",
    "RateLimit",
    "ReleaseLag",
    "RssHeadlines",
    "SourceChain",
    "SyntheticMacro",
    "SyntheticNews",
    "SyntheticSource",
    "VendorClient",
    "YahooSource",
    "constituents",
]
