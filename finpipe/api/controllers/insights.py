"""Published insights: what brokers read each morning."""

from __future__ import annotations

import msgspec
from litestar import Controller, get

from finpipe.api.schemas import Insight, InsightsResponse, parse_drivers
from finpipe.errors import NotFoundError
from finpipe.lib.warehouse import Warehouse, latest_insights

_FIELDS = tuple(Insight.__struct_fields__)


class InsightsController(Controller):
    path = "/v1/insights"
    tags = ["insights"]

    @get(
        "/latest",
        sync_to_thread=True,
        summary="Every ticker's insight for the most recent published day, by rank",
    )
    def latest(self, warehouse: Warehouse) -> InsightsResponse:
        frame = latest_insights(warehouse)
        if frame.empty:
            raise NotFoundError("no insights are published yet: materialize the insights asset")
        rows = frame[list(_FIELDS)].to_dict("records")
        items = [
            msgspec.convert({**row, "drivers": parse_drivers(row["drivers"])}, Insight)
            for row in rows
        ]
        return InsightsResponse(date=frame["date"].iloc[0], count=len(items), insights=items)
