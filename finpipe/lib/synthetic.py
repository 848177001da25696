"""A deterministic synthetic market: the offline data source and the yardstick.

Daily returns have a factor structure (market + sector + idiosyncratic), GARCH-style
volatility clustering, and a **planted predictive signal** of known strength:

    mu[t, i] = k_t * (tone_coef * tone[t-1, i] - reversal_coef * idio[t-1, i])

where `tone` is the news tone of the day and `idio` the idiosyncratic return (short-term
reversal). Because `mu` is the true expected return, its cross-sectional correlation with
the realized return is the best IC any model can reach: `oracle_ic()`.

The tone is never published, only seen through the news, as a vendor's feed shows it:
one to four headlines a day whose two tone words are each positive with probability
sigmoid(1.5·tone), and each headline's ticker sentiment score (0.2·tone + N(0, 0.15), as
Alpha Vantage's score, bullish above 0.35) with a relevance in [0.3, 1]. Even the
Bayes-optimal reading of all of it recovers about 90% of the tone's variance, so a perfect
model stays a little below `oracle_ic()`. An optional regime shift raises volatility and
weakens the signal from a given day on, so drift detection has a ground truth.

Raw prices are *unadjusted* (a split divides later prices) and carry injected faults:
missing rows, outlier prints, negative prices, high < low, duplicate rows.

Every random component draws from its own generator seeded by `(seed, component)`, so
a day's data does not depend on the horizon or on which range was requested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from finpipe.lib.calendar import trading_sessions

__all__ = ["SECTORS", "MarketConfig", "SyntheticMarket", "synthetic_market"]

SECTORS: tuple[str, ...] = (
    "Consumer Staples",
    "Energy",
    "Financials",
    "Health Care",
    "Information Technology",
)
POSITIVE_WORDS = ("beats", "surges", "upgrade", "record", "strong", "growth", "wins", "raises")
NEGATIVE_WORDS = ("misses", "plunges", "downgrade", "loss", "weak", "lawsuit", "cuts", "recall")
_TOPICS = ("quarterly results", "guidance", "analyst note", "new product", "supply deal")
_COMPONENTS = {"static": 1, "market": 2, "sector": 3, "idio": 4, "tone": 5, "ohlv": 6,
               "faults": 7, "news": 8, "macro": 9, "splits": 10, "news_scores": 11}  # fmt: skip


@dataclass(frozen=True)
class MarketConfig:
    """Everything that determines the synthetic market."""

    seed: int = 7
    n_tickers: int = 50
    start: dt.date = dt.date(2023, 1, 3)
    end: dt.date = dt.date(2030, 12, 31)
    tone_coef: float = 0.004
    reversal_coef: float = 0.15
    vendor_score_coef: float = 0.2  # a headline's vendor sentiment: coef * tone + noise
    vendor_score_noise: float = 0.15
    regime_shift: dt.date | None = None
    shift_vol_mult: float = 1.8
    shift_signal_mult: float = 0.4
    fault_rate: float = 0.003
    n_splits: int = 2


class SyntheticMarket:
    """The generated panel; slice it by date with the accessor methods."""

    def __init__(self, config: MarketConfig) -> None:
        self.config = config
        self.sessions = trading_sessions(config.start, config.end)
        self._generate()

    # -- generation -------------------------------------------------------------------------

    def _rng(self, component: str, part: int = 0) -> np.random.Generator:
        # One generator per array: a longer horizon then never shifts earlier draws.
        return np.random.default_rng([self.config.seed, _COMPONENTS[component], part])

    def _generate(self) -> None:
        cfg = self.config
        n, t_len = cfg.n_tickers, len(self.sessions)
        rng = self._rng("static")
        self.tickers = np.array([f"SYN{i:03d}" for i in range(1, n + 1)])
        self.sectors = np.array([SECTORS[i % len(SECTORS)] for i in rng.permutation(n)])
        sector_idx = np.array([SECTORS.index(s) for s in self.sectors])
        beta = rng.uniform(0.7, 1.3, n)
        base_vol = rng.uniform(0.012, 0.025, n)
        price0 = rng.uniform(20, 300, n)
        volume0 = rng.lognormal(13.5, 0.8, n)

        shifted = np.zeros(t_len, dtype=bool)
        if cfg.regime_shift is not None:
            shifted = self.sessions >= pd.Timestamp(cfg.regime_shift)
        vol_mult = np.where(shifted, cfg.shift_vol_mult, 1.0)
        signal_mult = np.where(shifted, cfg.shift_signal_mult, 1.0)

        market = self._rng("market").normal(0.0003, 0.009, t_len) * vol_mult
        sector = self._rng("sector").normal(0, 0.006, (t_len, len(SECTORS))) * vol_mult[:, None]
        z = self._rng("idio").standard_normal((t_len, n))
        tone = self._rng("tone").standard_normal((t_len, n))

        # GARCH(1,1) on the idiosyncratic part: volatility clusters.
        alpha, garch_beta = 0.08, 0.90
        omega = base_vol**2 * (1 - alpha - garch_beta)
        var = base_vol**2
        idio = np.empty((t_len, n))
        mu = np.zeros((t_len, n))
        for t in range(t_len):
            if t > 0:
                var = omega + alpha * (idio[t - 1] / vol_mult[t - 1]) ** 2 + garch_beta * var
                mu[t] = signal_mult[t] * (
                    cfg.tone_coef * tone[t - 1] - cfg.reversal_coef * idio[t - 1]
                )
            idio[t] = np.sqrt(var) * z[t] * vol_mult[t]
        returns = mu + beta * market[:, None] + sector[:, sector_idx] + idio
        close = price0 * np.cumprod(1 + returns, axis=0)

        def noise(part: int) -> np.ndarray:
            return self._rng("ohlv", part).standard_normal((t_len, n))

        sigma = base_vol * vol_mult[:, None]
        prev_close = np.vstack([price0[None, :], close[:-1]])
        open_ = prev_close * (1 + noise(0) * 0.3 * sigma)
        high = np.maximum(open_, close) * (1 + np.abs(noise(1)) * 0.5 * sigma)
        low = np.minimum(open_, close) * (1 - np.abs(noise(2)) * 0.5 * sigma)
        volume = np.round(volume0 * np.exp(0.4 * np.abs(z) + 0.3 * noise(3)))

        # Splits in the first three years: later raw prices are divided by the ratio and
        # the split day carries it.
        split_coef = np.ones((t_len, n))
        srng = self._rng("splits")
        for _ in range(cfg.n_splits):
            day, ticker, ratio = srng.integers(60, 750), srng.integers(n), srng.choice([2, 3, 4])
            if day < t_len:
                split_coef[day, ticker] = ratio
        adj = np.cumprod(split_coef, axis=0)

        self.mu, self.returns, self.tone = mu, returns, tone
        self._panel = {
            "open": open_ / adj,
            "high": high / adj,
            "low": low / adj,
            "close": close / adj,
            "volume": volume,
            "split_coefficient": split_coef,
        }

    # -- accessors --------------------------------------------------------------------------

    def _rows(self, start: dt.date, end: dt.date) -> slice:
        lo = self.sessions.searchsorted(pd.Timestamp(start))
        hi = self.sessions.searchsorted(pd.Timestamp(end), side="right")
        return slice(lo, hi)

    def universe(self) -> pd.DataFrame:
        """Tickers with names and sectors."""
        return pd.DataFrame(
            {
                "ticker": self.tickers,
                "name": [f"Synthetic {t[3:]} Corp" for t in self.tickers],
                "sector": self.sectors,
            }
        )

    def clean_prices(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Unadjusted daily OHLCV without faults, long format, for sessions in [start, end]."""
        rows = self._rows(start, end)
        dates = self.sessions[rows]
        frame = pd.DataFrame(
            {
                "date": np.repeat(dates.values, len(self.tickers)),
                "ticker": np.tile(self.tickers, len(dates)),
            }
        )
        for col, values in self._panel.items():
            frame[col] = values[rows].ravel()
        frame["volume"] = frame["volume"].astype("int64")
        return frame

    def prices(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Raw vendor-like prices for [start, end], with the injected faults."""
        frame = self.clean_prices(start, end)
        return self._inject_faults(frame)

    @cached_property
    def _fault_draws(self) -> tuple[np.ndarray, np.ndarray]:
        shape = (len(self.sessions), len(self.tickers))
        return self._rng("faults", 0).random(shape), self._rng("faults", 1).random(shape)

    def _inject_faults(self, frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty:
            return frame
        rate = self.config.fault_rate
        first = self.sessions.searchsorted(frame["date"].iloc[0])
        draw, kind = (
            a[first : first + len(frame) // len(self.tickers)].ravel() for a in self._fault_draws
        )
        hit = draw < rate
        missing = hit & (kind < 0.3)
        outlier = hit & (kind >= 0.3) & (kind < 0.5)
        negative = hit & (kind >= 0.5) & (kind < 0.65)
        crossed = hit & (kind >= 0.65) & (kind < 0.8)
        duplicate = hit & (kind >= 0.8)
        frame = frame.copy()
        frame.loc[outlier, "close"] *= np.where(kind[outlier] < 0.4, 10.0, 0.1)
        frame.loc[negative, "close"] *= -1
        frame.loc[crossed, ["high", "low"]] = frame.loc[crossed, ["low", "high"]].to_numpy()
        frame = pd.concat([frame[~missing], frame[duplicate]])
        return frame.sort_values(["date", "ticker"], kind="stable").reset_index(drop=True)

    def headlines(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """One to four headlines per ticker and day; their words and vendor sentiment scores
        carry the day's tone."""
        rows = self._rows(start, end)
        dates, tone = self.sessions[rows], self.tone[rows]
        records = []
        for t, date in enumerate(dates):
            day_index = rows.start + t
            rng = np.random.default_rng([self.config.seed, _COMPONENTS["news"], day_index])
            counts = 1 + rng.poisson(1.0, len(self.tickers)).clip(max=3)
            for i, ticker in enumerate(self.tickers):
                p_pos = 1 / (1 + np.exp(-1.5 * tone[t, i]))
                for h in range(counts[i]):
                    words = [
                        rng.choice(POSITIVE_WORDS)
                        if rng.random() < p_pos
                        else rng.choice(NEGATIVE_WORDS)
                        for _ in range(2)
                    ]
                    topic = _TOPICS[rng.integers(len(_TOPICS))]
                    minute = int(rng.integers(0, 390))
                    records.append(
                        (
                            date,
                            ticker,
                            date + pd.Timedelta(hours=14, minutes=30 + minute),  # UTC, before close
                            f"{ticker} {words[0]} on {topic}, {words[1]} outlook",
                            f"synthetic-{day_index}-{i}-{h}",
                        )
                    )
        frame = pd.DataFrame(
            records, columns=["date", "ticker", "published_at", "headline", "story_id"]
        )
        return frame.assign(**self._vendor_scores(frame, rows))

    def _vendor_scores(self, frame: pd.DataFrame, rows: slice) -> dict[str, np.ndarray]:
        """Per headline: the vendor's ticker sentiment score and relevance, drawn per day
        from their own generator (the headline words do not change with them)."""
        cfg = self.config
        day = self.sessions.searchsorted(pd.DatetimeIndex(frame["date"]))
        ticker = pd.Index(self.tickers).get_indexer(frame["ticker"])
        per_day = np.bincount(day - rows.start, minlength=rows.stop - rows.start)
        noise, relevance = np.empty(len(frame)), np.empty(len(frame))
        at = 0
        for offset, count in enumerate(per_day):
            rng = self._rng("news_scores", rows.start + offset)
            noise[at : at + count] = rng.standard_normal(count)
            relevance[at : at + count] = rng.uniform(0.3, 1.0, count)
            at += count
        score = cfg.vendor_score_coef * self.tone[day, ticker] + cfg.vendor_score_noise * noise
        return {"vendor_sentiment": np.clip(score, -1.0, 1.0), "relevance": relevance}

    def macro(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Daily values of a few macro series (long format: date, series, value)."""
        t_len = len(self.sessions)
        rate = 4.0 + np.cumsum(self._rng("macro", 0).normal(0, 0.04, t_len))
        vix = np.empty(t_len)
        vix[0] = 16.0
        shock = self._rng("macro", 1).normal(0, 1.2, t_len)
        level = np.where(
            self.sessions >= pd.Timestamp(self.config.regime_shift or dt.date.max), 28.0, 16.0
        )
        for t in range(1, t_len):
            vix[t] = max(9.0, vix[t - 1] + 0.1 * (level[t] - vix[t - 1]) + shock[t])
        cpi = (
            3.0
            + np.repeat(self._rng("macro", 2).normal(0, 0.15, t_len // 21 + 1).cumsum(), 21)[:t_len]
        )
        rows = self._rows(start, end)
        dates = self.sessions[rows]
        parts = [
            pd.DataFrame({"date": dates, "series": name, "value": values[rows]})
            for name, values in (("DGS10", rate), ("VIXCLS", vix), ("CPI_YOY", cpi))
        ]
        return pd.concat(parts, ignore_index=True)

    def oracle_ic(self, start: dt.date, end: dt.date) -> float:
        """Mean daily cross-sectional IC of the true expected return: the best reachable IC."""
        rows = self._rows(start, end)
        mu, ret = self.mu[rows], self.returns[rows]
        mu_c = mu - mu.mean(axis=1, keepdims=True)
        ret_c = ret - ret.mean(axis=1, keepdims=True)
        denom = np.sqrt((mu_c**2).sum(axis=1) * (ret_c**2).sum(axis=1))
        ic = np.divide((mu_c * ret_c).sum(axis=1), denom, out=np.zeros(len(mu)), where=denom > 0)
        valid = denom > 0
        return float(ic[valid].mean()) if valid.any() else float("nan")


@lru_cache(maxsize=4)
def synthetic_market(config: MarketConfig) -> SyntheticMarket:
    """The market for a config, generated once per process."""
    return SyntheticMarket(config)
