"""Response bodies of the REST API (msgspec Structs: fast, typed, in the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt

import msgspec

__all__ = [
    "Driver",
    "Health",
    "Insight",
    "InsightsResponse",
    "Prediction",
    "PredictionsResponse",
    "parse_drivers",
]


class Health(msgspec.Struct):
    status: str
    version: str
    warehouse: str


class Driver(msgspec.Struct):
    """A feature's SHAP contribution to one prediction (same unit as the prediction)."""

    feature: str
    contribution: float


def parse_drivers(stored: object) -> list[Driver]:
    """The drivers column as stored in the warehouse (JSON, or NULL for older rows)."""
    if not isinstance(stored, str) or not stored.startswith("["):  # NULL, NaN or older rows
        return []
    return msgspec.json.decode(stored, type=list[Driver])


class Insight(msgspec.Struct):
    ticker: str
    rank: int
    score: float
    prediction: float
    direction: str
    sector: str | None
    model_name: str
    model_version: str
    drivers: list[Driver] = []


class InsightsResponse(msgspec.Struct):
    date: dt.date
    count: int
    insights: list[Insight]


class Prediction(msgspec.Struct):
    date: dt.date
    prediction: float
    model_name: str
    model_version: str
    drivers: list[Driver] = []


class PredictionsResponse(msgspec.Struct):
    ticker: str
    count: int
    predictions: list[Prediction]
