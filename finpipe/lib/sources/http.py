"""One HTTP client for every vendor: time-outs, retries with backoff and jitter on 429/5xx,
`Retry-After` honoured, per-vendor rate limits, and secrets kept out of every message."""

from __future__ import annotations

import logging
import random
import time
from collections import deque
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

import httpx

from finpipe.errors import SourceError

__all__ = ["RateLimit", "VendorClient", "redact", "scrub", "shown"]

SECRET_PARAMS = frozenset({"apikey", "api_key", "token", "key"})
# httpx logs every request URL at INFO, query string (and so API keys) included.
logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclass
class RateLimit:
    """At most `per_minute` calls in any 60 s (waits for a slot) and `per_day` calls per
    process run (then fails, so the next source in the chain can serve)."""

    per_minute: int | None = None
    per_day: int | None = None
    _recent: deque[float] = field(default_factory=deque)
    _today: int = 0

    def acquire(
        self, vendor: str, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        if self.per_day is not None and self._today >= self.per_day:
            raise SourceError(f"{vendor}: daily request budget of {self.per_day} is used up")
        if self.per_minute is not None:
            while self._recent and clock() - self._recent[0] >= 60:
                self._recent.popleft()
            if len(self._recent) >= self.per_minute:
                sleep(60 - (clock() - self._recent[0]))
                self._recent.popleft()
            self._recent.append(clock())
        self._today += 1


def redact(params: Mapping[str, object]) -> dict[str, object]:
    """Request parameters safe to log: secrets replaced."""
    return {k: ("***" if k.lower() in SECRET_PARAMS else v) for k, v in params.items()}


def scrub(text: str, params: Mapping[str, object]) -> str:
    """`text` with the values of secret parameters masked: vendors echo requests in errors."""
    for key, value in params.items():
        if key.lower() in SECRET_PARAMS and str(value):
            text = text.replace(str(value), "***")
    return text


def shown(path: str, params: Mapping[str, object]) -> str:
    """A request as it may appear in a message: path and redacted parameters."""
    return f"{path} {redact(params)}"


class VendorClient:
    """GETs against one vendor's base URL with retries; raises `SourceError` when it gives up."""

    def __init__(
        self,
        vendor: str,
        base_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 15.0,
        max_retries: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        rate_limit: RateLimit | None = None,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.vendor = vendor
        self._http = httpx.Client(
            base_url=base_url, timeout=timeout, transport=transport, headers=headers
        )
        self.max_retries, self.backoff, self.max_backoff = max_retries, backoff, max_backoff
        self.rate_limit = rate_limit or RateLimit()
        self._sleep, self._clock = sleep, clock

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        retry_after = response.headers.get("Retry-After") if response is not None else None
        if retry_after is not None and retry_after.strip().isdigit():
            return min(float(retry_after), self.max_backoff)
        return random.uniform(0, min(self.max_backoff, self.backoff * 2**attempt))  # full jitter

    def get(
        self,
        path: str,
        params: Mapping[str, object],
        throttled: Callable[[httpx.Response], bool] | None = None,
        accept: Collection[int] = (),
    ) -> httpx.Response:
        """GET `path`; retries time-outs, connection errors, 429, 5xx and any response for
        which `throttled` says the vendor asked to slow down (some answer 200 with a note).
        Other 4xx raise with an excerpt of the body, except statuses in `accept`: those are
        returned for the caller to read the vendor's own error shape."""
        request = f"{self.vendor} GET {shown(path, params)}"
        problem = ""
        for attempt in range(self.max_retries + 1):
            self.rate_limit.acquire(self.vendor, self._clock, self._sleep)
            response = None
            try:
                response = self._http.get(path, params=dict(params))
            except httpx.TransportError as exc:  # time-outs and connection failures
                problem = f"{type(exc).__name__}"
            else:
                if response.status_code == 429 or response.status_code >= 500:
                    problem = f"HTTP {response.status_code}"
                elif response.status_code >= 400 and response.status_code not in accept:
                    body = scrub(response.text, params)[:300]
                    raise SourceError(f"{request}: HTTP {response.status_code}: {body}")
                elif throttled is not None and throttled(response):
                    problem = "throttled by the vendor"
                else:
                    return response
            if attempt < self.max_retries:
                self._sleep(self._delay(attempt, response))
        raise SourceError(f"{request}: gave up after {self.max_retries + 1} attempts ({problem})")

    def close(self) -> None:
        self._http.close()
