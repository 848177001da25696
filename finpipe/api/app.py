"""The REST API: `create_app()` builds the Litestar application."""

from __future__ import annotations

from litestar import Litestar, MediaType, Request, Response
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.status_codes import (
    HTTP_404_NOT_FOUND,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from finpipe import __version__
from finpipe.api.controllers.health import HealthController
from finpipe.api.controllers.insights import InsightsController
from finpipe.api.controllers.predictions import PredictionsController
from finpipe.api.deps import provide_warehouse
from finpipe.errors import (
    ConfigError,
    DataQualityError,
    FinpipeError,
    NotFoundError,
    WarehouseError,
)
from finpipe.lib.warehouse import Warehouse
from finpipe.settings import Settings, get_settings

__all__ = ["create_app"]

# The one place that maps finpipe errors to HTTP status codes.
STATUS_BY_ERROR: dict[type[FinpipeError], int] = {
    NotFoundError: HTTP_404_NOT_FOUND,
    ConfigError: HTTP_422_UNPROCESSABLE_ENTITY,
    DataQualityError: HTTP_422_UNPROCESSABLE_ENTITY,
    WarehouseError: HTTP_503_SERVICE_UNAVAILABLE,
}


def _finpipe_error(request: Request, exc: FinpipeError) -> Response:
    status = next(
        (code for cls, code in STATUS_BY_ERROR.items() if isinstance(exc, cls)),
        HTTP_500_INTERNAL_SERVER_ERROR,
    )
    return Response(
        {"status_code": status, "error": type(exc).__name__, "detail": str(exc)},
        status_code=status,
        media_type=MediaType.JSON,
    )


def create_app(settings: Settings | None = None, warehouse: Warehouse | None = None) -> Litestar:
    """The API over the warehouse named by `settings` (or the given `warehouse`)."""
    settings = settings or get_settings()
    wh = warehouse or Warehouse(settings.warehouse)

    async def on_startup(app: Litestar) -> None:
        app.state.warehouse = wh

    async def on_shutdown(app: Litestar) -> None:
        if warehouse is None:
            wh.dispose()

    return Litestar(
        route_handlers=[HealthController, InsightsController, PredictionsController],
        dependencies={"warehouse": Provide(provide_warehouse, sync_to_thread=False)},
        exception_handlers={FinpipeError: _finpipe_error},
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        openapi_config=OpenAPIConfig(
            title="finpipe",
            version=__version__,
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),  # fmt: skip
    )
