"""What a model learns to predict: forward returns over one or five sessions, demeaned
across the day's tickers, or their direction.

Every target is scored the same way, by the daily rank IC of the predictions against the
demeaned forward return of its horizon (`target` column), so return and direction models
compare on one scale; the model is fitted on `label` (the return itself, or 1.0 when the
ticker beats the day's mean and 0.0 when not). A label of horizon h needs the next h
sessions: it is NaN where they are not in the frame, so a training window never sees a
price beyond its cut-off, and walk-forward folds purge h sessions before each block.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from finpipe.errors import ConfigError
from finpipe.lib.features import forward_returns

__all__ = ["TARGETS", "Target", "get_target", "with_target"]


@dataclass(frozen=True)
class Target:
    name: str
    horizon: int  # sessions ahead
    direction: bool  # fit P(beats the day's mean) instead of the return

    @property
    def objective(self) -> str:
        return "binary:logistic" if self.direction else "reg:squarederror"

    def model_name(self, prefix: str) -> str:
        """The registered model of this target: one per target (e.g. finpipe-return-5d)."""
        return f"{prefix}-{self.name.replace('_', '-')}"


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("return_1d", 1, False),
        Target("return_5d", 5, False),
        Target("direction_1d", 1, True),
        Target("direction_5d", 5, True),
    )
}


def get_target(name: str) -> Target:
    try:
        return TARGETS[name]
    except KeyError:
        raise ConfigError(f"unknown target {name!r}; choose one of {sorted(TARGETS)}") from None


def with_target(features: pd.DataFrame, target: Target) -> pd.DataFrame:
    """`features` with the `target` (demeaned forward return) and `label` columns."""
    outcome = forward_returns(features, target.horizon)
    label = (outcome > 0).astype("float64").where(outcome.notna()) if target.direction else outcome
    return features.assign(target=outcome, label=label)
