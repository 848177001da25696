"""Dependencies injected into the controllers."""

from __future__ import annotations

from litestar.datastructures import State

from finpipe.lib.warehouse import Warehouse

__all__ = ["provide_warehouse"]


def provide_warehouse(state: State) -> Warehouse:
    """The warehouse the app was created with (one engine per app)."""
    return state.warehouse
