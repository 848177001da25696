"""Response bodies of the REST API (msgspec Structs: fast, typed, in the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt

import msgspec

__all__ = ["Health", "Insight", "InsightsResponse", "Prediction", "PredictionsResponse"]


class Health(msgspec.Struct):
    status: str
    version: str
    warehouse: str


class Insight(msgspec.Struct):
    ticker: str
    rank: int
    score: float
    prediction: float
    direction: str
    sector: str | None
    model_name: str
    model_version: str


class InsightsResponse(msgspec.Struct):
    date: dt.date
    count: int
    insights: list[Insight]


class Prediction(msgspec.Struct):
    date: dt.date
    prediction: float
    model_name: str
    model_version: str


class PredictionsResponse(msgspec.Struct):
    ticker: str
    count: int
    predictions: list[Prediction]
