"""finpipe: a Dagster data-asset platform for financial prediction models."""

from finpipe.memory import reuse_freed_memory

__version__ = "0.1.0"

# Every finpipe process (Dagster code and run workers, the API, the CLI, tests) allocates
# large short-lived arrays: see `finpipe.memory`.
reuse_freed_memory()
