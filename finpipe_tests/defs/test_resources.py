"""Every configured source name builds, and a wrong one says what would work."""

import pytest

from finpipe.defs.resources import build_resources
from finpipe.errors import ConfigError
from finpipe.settings import Settings


def test_every_source_kind_builds_into_its_chain(tmp_path):
    settings = Settings(
        home=tmp_path,
        market_sources=f"yahoo,alphavantage,csv:{tmp_path},ohlcv:{tmp_path},synthetic",
        news_sources="alphavantage,rss,rss:https://example.test/{ticker}.xml,synthetic",
        macro_sources="fred,synthetic",
        alphavantage_api_key="demo-key",
        fred_api_key="fred-key",
    )
    market = build_resources(settings)["market"]
    assert market.chain().name == (
        "yahoo > alphavantage > alphavantage-csv > ohlcv-csv > synthetic"
    )
    assert market.news_chain().name == "alphavantage > rss > rss > synthetic"
    assert market.macro_chain().name == "fred > synthetic"
    assert "demo-key" not in repr(market.news_chain()) + repr(market.macro_chain())


@pytest.mark.parametrize(
    ("field", "value", "variable"),
    [("market_sources", "bloomberg", "FINPIPE_MARKET_SOURCES"),
     ("news_sources", "alphavantage", "FINPIPE_NEWS_SOURCES"),  # no key configured
     ("macro_sources", "fred", "FINPIPE_MACRO_SOURCES")],
)  # fmt: skip
def test_a_source_that_cannot_be_built_names_the_setting(tmp_path, field, value, variable):
    market = build_resources(Settings(home=tmp_path, **{field: value}))["market"]
    build = {"market_sources": market.chain, "news_sources": market.news_chain,
             "macro_sources": market.macro_chain}[field]  # fmt: skip
    with pytest.raises(ConfigError, match=variable):
        build()
