"""One error tree for finpipe.

    FinpipeError                  base: every error finpipe raises on purpose
    ├── ConfigError               a FINPIPE_* setting or a run config is invalid
    ├── SourceError               a data source failed to deliver
    │   └── UnknownTickerError        it does not serve some tickers (and may serve the rest)
    ├── DataQualityError          data broke a blocking rule (schema, check, threshold)
    ├── ModelError                training or loading a model failed
    │   └── NoModelError          no model version qualifies for the requested day
    ├── WarehouseError            the warehouse rejected a read or write
    └── NotFoundError             a requested ticker, date or report does not exist

Messages say what was wrong, with which input, and what to do. The API maps these
classes to HTTP codes in one place (`finpipe.api.app`).
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DataQualityError",
    "FinpipeError",
    "ModelError",
    "NoModelError",
    "NotFoundError",
    "SourceError",
    "UnknownTickerError",
    "WarehouseError",
]


class FinpipeError(Exception):
    """Base class of every error finpipe raises on purpose."""


class ConfigError(FinpipeError):
    """A setting or run config is invalid."""


class SourceError(FinpipeError):
    """A data source could not deliver the requested data."""


class UnknownTickerError(SourceError):
    """A source does not serve `tickers` (unknown, delisted); `served` holds what it
    delivered for the others, so a chain asks the next source for these tickers only."""

    def __init__(self, message: str, tickers: list[str], served: object = None) -> None:
        super().__init__(message)
        self.tickers, self.served = list(tickers), served


class DataQualityError(FinpipeError):
    """Data broke a blocking quality rule."""


class ModelError(FinpipeError):
    """Training, registering or loading a model failed."""


class NoModelError(ModelError):
    """No registered model version was trained strictly before the requested day."""


class WarehouseError(FinpipeError):
    """The warehouse rejected a read or a write."""


class NotFoundError(FinpipeError):
    """A requested ticker, date or report does not exist."""
