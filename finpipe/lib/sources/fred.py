"""FRED (Federal Reserve Bank of St. Louis) series as a macro source.

`/fred/series/observations` answers `{"observations": [{"date": "2024-01-02", "value":
"3.95", …}]}`: values are strings and `"."` marks a day without one (a holiday), which is
skipped rather than kept as a NaN value. An unknown series is HTTP 400 with
`{"error_code": 400, "error_message": "Bad Request.  The series does not exist."}`.
Each row is dated the day its value became known (`releases`), so observations are
requested from before the window. FRED serves the latest revision of each value, not
the first print. Limit: 120 requests per minute per key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import httpx
import pandas as pd

from finpipe.errors import SourceError
from finpipe.lib.sources.frames import MACRO_DTYPES, conform, now_utc
from finpipe.lib.sources.http import RateLimit, VendorClient, scrub
from finpipe.lib.sources.releases import DEFAULT_LAG, RELEASE_LAGS, ReleaseLag

__all__ = ["FRED_LIMIT", "FredSource"]

BASE_URL = "https://api.stlouisfed.org"
FRED_LIMIT = RateLimit(per_minute=120)  # one per process: the limit is per key


@dataclass
class FredSource:
    api_key: str = field(repr=False)
    client: VendorClient
    release_lags: Mapping[str, ReleaseLag] = field(default_factory=lambda: dict(RELEASE_LAGS))
    default_lag: ReleaseLag = DEFAULT_LAG  # for series missing from `release_lags`
    name: str = "fred"

    @classmethod
    def create(
        cls,
        api_key: str,
        transport: httpx.BaseTransport | None = None,
        *,
        release_lags: Mapping[str, ReleaseLag] | None = None,
        default_lag: ReleaseLag = DEFAULT_LAG,
        **client_args,
    ) -> FredSource:
        """A FRED source; `release_lags` add to or override the documented table."""
        client_args.setdefault("rate_limit", FRED_LIMIT)
        client = VendorClient("fred", BASE_URL, transport=transport, **client_args)
        lags = {**RELEASE_LAGS, **(release_lags or {})}
        return cls(api_key, client, release_lags=lags, default_lag=default_lag)

    def lag(self, series: str) -> ReleaseLag:
        return self.release_lags.get(series, self.default_lag)

    def _series(self, series: str, start: dt.date, end: dt.date) -> pd.DataFrame:
        lag = self.lag(series)
        params = {"series_id": series, "api_key": self.api_key, "file_type": "json",
                  "observation_start": (start - lag.lookback()).isoformat(),
                  "observation_end": end.isoformat()}  # fmt: skip
        response = self.client.get("/fred/series/observations", params, accept=(400, 404))
        try:
            body = response.json()
        except ValueError:
            body = None
        body = body if isinstance(body, dict) else {}
        if response.is_error or not isinstance(body.get("observations"), list):
            problem = body.get("error_message") or f"HTTP {response.status_code}, no observations"
            raise SourceError(f"fred cannot serve series {series!r}: {scrub(str(problem), params)}")
        rows = pd.DataFrame(body["observations"], columns=["date", "value"])
        rows = rows[rows["value"] != "."]  # no value that day
        value = pd.to_numeric(rows["value"], errors="coerce")
        if value.isna().any():
            bad = rows[value.isna()].iloc[0]
            raise SourceError(f"fred sent {bad['value']!r} for {series!r} on {bad['date']}")
        observed = pd.to_datetime(rows["date"])
        return pd.DataFrame(
            {"date": lag.known_on(observed), "observation_date": observed, "series": series,
             "value": value, "vendor": self.name, "fetched_at": now_utc()}
        )  # fmt: skip

    def observations(self, series: Sequence[str], start: dt.date, end: dt.date) -> pd.DataFrame:
        frames = [self._series(s, start, end) for s in series]
        frame = pd.concat(frames, ignore_index=True) if frames else None
        if frame is not None:
            frame = frame[frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))]
        return conform(frame, MACRO_DTYPES)
