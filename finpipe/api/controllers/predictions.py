"""Prediction history of one ticker."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter

from finpipe.api.schemas import Prediction, PredictionsResponse, parse_drivers
from finpipe.errors import NotFoundError
from finpipe.lib.warehouse import Warehouse, ticker_predictions


class PredictionsController(Controller):
    path = "/v1/predictions"
    tags = ["predictions"]

    @get(
        "/{ticker:str}",
        sync_to_thread=True,
        summary="A ticker's most recent predictions, newest first",
    )
    def for_ticker(
        self,
        warehouse: Warehouse,
        ticker: Annotated[
            str, Parameter(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9.\-]+$")
        ],
        limit: Annotated[int, Parameter(ge=1, le=1000)] = 20,
    ) -> PredictionsResponse:
        symbol = ticker.upper()
        frame = ticker_predictions(warehouse, symbol, limit)
        if frame.empty:
            raise NotFoundError(f"no predictions for ticker {symbol!r}: is it in the universe?")
        items = [
            Prediction(
                date=r.date,
                prediction=float(r.prediction),
                model_name=r.model_name,
                model_version=str(r.model_version),
                drivers=parse_drivers(r.drivers),
            )  # fmt: skip
            for r in frame.itertuples()
        ]
        return PredictionsResponse(ticker=symbol, count=len(items), predictions=items)
