"""Replaying vendor answers through httpx's transport: no network, requests recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx

from finpipe.lib.sources.http import RateLimit

VENDOR_RESPONSES = Path(__file__).parents[2] / "data" / "vendor_responses"


def recorded(name: str) -> bytes:
    """A vendor's answer body as recorded under finpipe_tests/data/vendor_responses/."""
    return (VENDOR_RESPONSES / name).read_bytes()


def recorded_json(name: str) -> dict:
    return json.loads(recorded(name))


class Replay:
    """Answers requests in order from `answers` (responses, or callables of the request)."""

    def __init__(self, *answers: httpx.Response | Callable[[httpx.Request], httpx.Response]):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.waits: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        return answer(request) if callable(answer) else answer

    def client_args(self, **overrides) -> dict:
        """Transport, a recorded no-op sleep and no rate limit: tests are instant."""
        return {"transport": httpx.MockTransport(self), "sleep": self.waits.append,
                "rate_limit": RateLimit(), **overrides}  # fmt: skip
