"""finpipe: a Dagster data-asset platform for financial prediction models."""

__version__ = "0.1.0"
