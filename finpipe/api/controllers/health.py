"""Liveness and readiness."""

from __future__ import annotations

import sqlalchemy as sa
from litestar import Controller, get

from finpipe import __version__
from finpipe.api.schemas import Health
from finpipe.lib.warehouse import Warehouse


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get(
        "/", sync_to_thread=True, summary="Service health, including whether the warehouse answers"
    )
    def health(self, warehouse: Warehouse) -> Health:
        try:
            with warehouse.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            state = "ok"
        except sa.exc.SQLAlchemyError:
            state = "unreachable"
        return Health(
            status="ok" if state == "ok" else "degraded", version=__version__, warehouse=state
        )
