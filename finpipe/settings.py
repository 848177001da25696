"""Typed settings, read once from `FINPIPE_*` environment variables.

Defaults are the embedded ones used by `make demo`: everything lives under `./.finpipe`
(Parquet lake, SQLite warehouse, Dagster home, MLflow SQLite store), so no service is
needed. Production points the same settings at S3, PostgreSQL and an MLflow server.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from finpipe.errors import ConfigError

__all__ = ["Settings", "get_settings", "redact_url"]


def redact_url(url: str) -> str:
    """A URL safe to show: any password replaced by ***."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1] if "@" in url else url


class Settings(BaseSettings):
    """Every knob of finpipe; one instance per process (see `get_settings`)."""

    model_config = SettingsConfigDict(env_prefix="FINPIPE_", extra="ignore", frozen=True)

    home: Path = Field(Path(".finpipe"), description="Root of all embedded state.")
    lake_url: str | None = Field(None, description="Lake root: a path or s3://bucket/prefix.")
    s3_endpoint_url: str | None = Field(None, description="S3 endpoint (moto, MinIO).")
    warehouse_url: SecretStr | None = Field(None, description="SQLAlchemy URL of the warehouse.")
    mlflow_tracking_uri: str | None = Field(None, description="MLflow tracking/registry URI.")
    model_prefix: str = Field(
        "finpipe", description="Registered models are named <prefix>-<target>, one per target."
    )
    serving_target: Literal["return_1d", "direction_1d"] = Field(
        "return_1d",
        description="The target whose champion makes predictions and insights. A one-day "
        "target: predictions are scored and backtested on the next session's return.",
    )

    demo_end_date: dt.date = Field(
        dt.date(2025, 12, 31), description="Last day `finpipe demo` runs."
    )
    market_sources: str = Field(
        "synthetic",
        description="Ordered, comma-separated price sources: `synthetic`, `yahoo` (chart "
        "API), `alphavantage` (HTTP, needs FINPIPE_ALPHAVANTAGE_API_KEY), `csv:<folder>` "
        "(Alpha Vantage daily-adjusted CSVs), `ohlcv:<folder>` (Date,Open,High,Low,Close,"
        "Volume[,Dividends,Stock Splits] CSVs). The first that answers serves.",
    )
    alphavantage_api_key: SecretStr | None = Field(None, description="Alpha Vantage API key.")
    news_sources: str = Field(
        "synthetic",
        description="Ordered headline sources: `synthetic`, `alphavantage` (NEWS_SENTIMENT), "
        "`rss` (Yahoo Finance's per-ticker feed) or `rss:<url with {ticker}>`.",
    )
    macro_sources: str = Field(
        "synthetic",
        description="Ordered macro sources: `synthetic`, `fred` (FINPIPE_FRED_API_KEY).",
    )
    macro_series: str = Field(
        "DGS10,VIXCLS,CPI_YOY",
        description="Macro series to ingest; with FRED e.g. DGS10,VIXCLS,CPIAUCSL,UNRATE.",
    )
    fred_api_key: SecretStr | None = Field(None, description="FRED API key.")
    reference_sources: str = Field(
        "",
        description="Comma-separated price sources (same syntax as FINPIPE_MARKET_SOURCES) "
        "that `raw_prices` cross-checks its closes against; empty: none.",
    )
    universe_file: Path | None = Field(
        None,
        description="CSV (ticker, name, sector) of the followed tickers, edited by "
        "`finpipe universe`; default <home>/universe.csv. Absent file: every listed ticker.",
    )
    demo_start_date: dt.date = Field(
        dt.date(2024, 1, 1), description="First day `finpipe demo` runs."
    )
    seed: int = 7
    n_tickers: int = Field(50, ge=5, le=5000)
    fault_rate: float = Field(
        0.003, ge=0, le=0.2, description="Share of synthetic raw rows made bad."
    )
    regime_shift_date: dt.date | None = Field(
        dt.date(2025, 9, 1), description="Day the synthetic market changes regime (drift truth)."
    )

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    dagster_port: int = 3000

    @property
    def lake_root(self) -> str:
        return self.lake_url or str((self.home / "lake").resolve())

    @property
    def universe_path(self) -> Path:
        return (self.universe_file or self.home / "universe.csv").resolve()

    @property
    def warehouse(self) -> str:
        if self.warehouse_url is not None:
            return self.warehouse_url.get_secret_value()
        return f"sqlite:///{(self.home / 'warehouse.db').resolve()}"

    @property
    def model_name(self) -> str:
        """The registered model that serves predictions."""
        from finpipe.lib.targets import get_target

        return get_target(self.serving_target).model_name(self.model_prefix)

    @property
    def mlflow_uri(self) -> str:
        return self.mlflow_tracking_uri or f"sqlite:///{(self.home / 'mlflow.db').resolve()}"

    @property
    def mlflow_artifacts(self) -> str:
        return str((self.home / "mlartifacts").resolve())

    @property
    def dagster_home(self) -> Path:
        return (self.home / "dagster_home").resolve()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once; a bad value is a
    ConfigError naming its variable."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"FINPIPE_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from None
