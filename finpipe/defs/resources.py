"""Resources: typed, built from settings, handed to assets as parameters."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from dagster import ConfigurableResource, EnvVar
from pydantic import Field, SecretStr

from finpipe.defs.lake_io import LakeIOManager, LakeResource
from finpipe.errors import ConfigError, SourceError
from finpipe.lib.registry import ModelRegistry
from finpipe.lib.sources import (
    YAHOO_RSS,
    AlphaVantageCsvDirectory,
    AlphaVantageNews,
    AlphaVantageSource,
    FredSource,
    OhlcvCsvDirectory,
    RssHeadlines,
    SourceChain,
    SyntheticMacro,
    SyntheticNews,
    SyntheticSource,
    YahooSource,
)
from finpipe.lib.sources.yahoo import yahoo_symbol
from finpipe.lib.synthetic import MarketConfig, SyntheticMarket, synthetic_market
from finpipe.lib.targets import get_target
from finpipe.lib.universe import followed_universe
from finpipe.lib.warehouse import Warehouse
from finpipe.settings import Settings

__all__ = ["MarketResource", "RegistryResource", "WarehouseResource", "build_resources"]


class WarehouseResource(ConfigurableResource):
    """The warehouse database (SQLite file or PostgreSQL)."""

    url: str = Field(description="SQLAlchemy URL")

    def get(self) -> Warehouse:
        return Warehouse(self.url)


class MarketResource(ConfigurableResource):
    """Where prices come from (an ordered source chain) and the synthetic market that is
    the offline source of prices, headlines and macro series."""

    sources: list[str] = Field(
        ["synthetic"],
        description="`synthetic`, `yahoo`, `alphavantage`, `csv:<folder>` or `ohlcv:<folder>`",
    )
    reference_sources: list[str] = Field(
        [], description="sources `raw_prices` cross-checks closes against (same syntax)"
    )
    universe_file: str | None = Field(None, description="CSV of the followed tickers")
    news_sources: list[str] = Field(
        ["synthetic"], description="`synthetic`, `alphavantage`, `rss[:<url>]`"
    )
    macro_sources: list[str] = Field(["synthetic"], description="`synthetic` or `fred`")
    macro_series: list[str] = Field(["DGS10", "VIXCLS", "CPI_YOY"])
    fred_api_key: str | None = Field(None, description="set from an EnvVar, never inline")
    alphavantage_api_key: str | None = Field(None, description="set from an EnvVar, never inline")
    seed: int = 7
    n_tickers: int = 50
    fault_rate: float = 0.003
    regime_shift: str | None = Field(None, description="YYYY-MM-DD of the regime shift")

    def market(self) -> SyntheticMarket:
        shift = dt.date.fromisoformat(self.regime_shift) if self.regime_shift else None
        return synthetic_market(
            MarketConfig(
                seed=self.seed,
                n_tickers=self.n_tickers,
                regime_shift=shift,
                fault_rate=self.fault_rate,
            )
        )

    def chain(self) -> SourceChain:
        """The configured price sources, in order of preference."""
        return self._price_chain(self.sources)

    def reference_chain(self) -> SourceChain | None:
        """The sources closes are cross-checked against, or None when there are none."""
        return self._price_chain(self.reference_sources) if self.reference_sources else None

    def universe(self) -> pd.DataFrame:
        """The followed tickers: the universe file when there is one, else all listed."""
        path = Path(self.universe_file) if self.universe_file else None
        return followed_universe(path, self.chain().universe())

    def listed(self) -> pd.DataFrame:
        """Every ticker any configured source lists (what `finpipe universe add` accepts)."""
        frames, failures = [], []
        for source in self.chain().sources:
            try:
                frames.append(source.universe())
            except SourceError as exc:  # a source that cannot list right now adds nothing
                failures.append(f"{source.name}: {exc}")
        if not frames:
            raise SourceError("no market-data source could list tickers; " + "; ".join(failures))
        return pd.concat(frames, ignore_index=True).drop_duplicates("ticker")

    def news_chain(self) -> SourceChain:
        """The configured headline sources, in order of preference."""
        av = self.alphavantage_api_key
        return _chain(self.news_sources, "FINPIPE_NEWS_SOURCES", {
            "synthetic": lambda _: SyntheticNews(self.market()),
            "alphavantage": lambda _: AlphaVantageNews.create(av) if av else None,
            "rss": lambda url: RssHeadlines.create(url or YAHOO_RSS, symbol=yahoo_symbol),
        }, "`synthetic`, `rss[:<url with {ticker}>]`, or `alphavantage` with "
           "FINPIPE_ALPHAVANTAGE_API_KEY set")  # fmt: skip

    def macro_chain(self) -> SourceChain:
        """The configured macro sources, in order of preference."""
        fred = self.fred_api_key
        return _chain(self.macro_sources, "FINPIPE_MACRO_SOURCES", {
            "synthetic": lambda _: SyntheticMacro(self.market()),
            "fred": lambda _: FredSource.create(fred) if fred else None,
        }, "`synthetic`, or `fred` with FINPIPE_FRED_API_KEY set")  # fmt: skip

    def _price_chain(self, specs: list[str]) -> SourceChain:
        av = self.alphavantage_api_key
        return _chain(specs, "FINPIPE_MARKET_SOURCES", {
            "synthetic": lambda _: SyntheticSource(self.market()),
            "yahoo": lambda _: YahooSource.create(),
            "csv": lambda folder: AlphaVantageCsvDirectory(Path(folder)) if folder else None,
            "ohlcv": lambda folder: OhlcvCsvDirectory(Path(folder)) if folder else None,
            "alphavantage": lambda _: AlphaVantageSource.create(av) if av else None,
        }, "`synthetic`, `yahoo`, `csv:<folder>`, `ohlcv:<folder>`, or `alphavantage` with "
           "FINPIPE_ALPHAVANTAGE_API_KEY set")  # fmt: skip


def _chain(
    specs: list[str], variable: str, factories: dict[str, Callable[[str], object]], hint: str
) -> SourceChain:
    """Sources from `kind[:argument]` specs; a factory answers None when its setting
    (a key, a folder) is missing."""
    built = []
    for spec in specs:
        kind, _, arg = spec.partition(":")
        source = factories[kind](arg) if kind in factories else None
        if source is None:
            raise ConfigError(f"cannot build source {spec!r} in {variable}: use {hint}")
        built.append(source)
    if not built:
        raise ConfigError(f"no source configured ({variable} is empty)")
    return SourceChain(tuple(built))


class RegistryResource(ConfigurableResource):
    """MLflow tracking server and model registry."""

    tracking_uri: str
    artifact_root: str | None = None
    model_prefix: str = "finpipe"
    serving_target: str = "return_1d"

    def registry(self, target: str | None = None) -> ModelRegistry:
        """The registered model of `target`; by default the one that serves predictions."""
        name = get_target(target or self.serving_target).model_name(self.model_prefix)
        return ModelRegistry(self.tracking_uri, self.artifact_root, name)


def _secret(variable: str, value: SecretStr | None) -> str | EnvVar | None:
    """A secret for resource config: when it came from the environment, an EnvVar, so the
    Dagster UI shows the variable's name and never the value."""
    if value is None:
        return None
    plain = value.get_secret_value()
    return EnvVar(variable) if os.environ.get(variable) == plain else plain


def _list(specs: str) -> list[str]:
    return [s.strip() for s in specs.split(",") if s.strip()]


def build_resources(settings: Settings) -> dict[str, object]:
    """The resources of a deployment, from its settings."""
    return {
        "io_manager": LakeIOManager(
            base_path=settings.lake_root, s3_endpoint_url=settings.s3_endpoint_url
        ),
        "lake": LakeResource(
            base_path=settings.lake_root, s3_endpoint_url=settings.s3_endpoint_url
        ),
        "warehouse": WarehouseResource(
            url=_secret("FINPIPE_WAREHOUSE_URL", settings.warehouse_url) or settings.warehouse
        ),
        "market": MarketResource(
            sources=_list(settings.market_sources),
            reference_sources=_list(settings.reference_sources),
            news_sources=_list(settings.news_sources),
            macro_sources=_list(settings.macro_sources),
            macro_series=_list(settings.macro_series),
            fred_api_key=_secret("FINPIPE_FRED_API_KEY", settings.fred_api_key),
            universe_file=str(settings.universe_path),
            alphavantage_api_key=_secret(
                "FINPIPE_ALPHAVANTAGE_API_KEY", settings.alphavantage_api_key
            ),
            seed=settings.seed,
            n_tickers=settings.n_tickers,
            fault_rate=settings.fault_rate,
            regime_shift=settings.regime_shift_date.isoformat()
            if settings.regime_shift_date
            else None,
        ),
        "registry": RegistryResource(
            tracking_uri=settings.mlflow_uri,
            artifact_root=settings.mlflow_artifacts,
            model_prefix=settings.model_prefix,
            serving_target=settings.serving_target,
        ),
    }
