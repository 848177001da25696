"""Champion/challenger: a new model version serves only when it beats the champion.

Both are scored on the same validation days, which neither saw in training (every
version is fitted without its last `validation_days` sessions, and the champion is
older). The challenger is promoted when its mean daily rank IC beats the champion's by
more than `margin` and a one-sided paired t-test on the daily differences has a p-value
below `p_value`. With no champion yet, or one that cannot score today's features (the
feature set changed), the challenger is promoted and the reason says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import xgboost as xgb
from scipy import stats

from finpipe.lib.features import FEATURE_COLUMNS
from finpipe.lib.metrics import daily_ic
from finpipe.lib.modeling import Validated
from finpipe.lib.registry import ModelRegistry

__all__ = ["MIN_SHARED_DAYS", "PromotionDecision", "challenge", "decide"]

MIN_SHARED_DAYS = 5


@dataclass(frozen=True)
class PromotionDecision:
    promote: bool
    reason: str
    days: int = 0
    challenger_rank_ic: float = float("nan")
    champion_rank_ic: float = float("nan")
    p_value: float = float("nan")

    def tags(self) -> dict[str, str]:
        """The decision as MLflow tags on the challenger's version."""
        return {
            "promotion.decision": "promoted" if self.promote else "rejected",
            "promotion.reason": self.reason,
            "promotion.days": str(self.days),
            "promotion.challenger_rank_ic": f"{self.challenger_rank_ic:.6f}",
            "promotion.champion_rank_ic": f"{self.champion_rank_ic:.6f}",
            "promotion.p_value": f"{self.p_value:.6f}",
        }


def decide(
    challenger: pd.Series,
    champion: pd.Series | None,
    *,
    margin: float = 0.0,
    p_value: float = 0.05,
) -> PromotionDecision:
    """Compare daily rank ICs (indexed by day) of challenger and champion."""
    if champion is None:
        return PromotionDecision(True, "no comparable champion", int(challenger.notna().sum()),
                                 float(challenger.mean()))  # fmt: skip
    # A day one model could not rank (constant predictions) is a day without skill: IC 0.
    both = pd.concat({"challenger": challenger, "champion": champion}, axis=1, join="inner")
    both = both.dropna(how="all").fillna(0.0)
    n = len(both)
    ch, cp = float(both["challenger"].mean()), float(both["champion"].mean())
    if n < MIN_SHARED_DAYS:
        return PromotionDecision(False, f"only {n} shared validation days", n, ch, cp)
    diff = both["challenger"] - both["champion"]
    p = float(stats.ttest_1samp(diff - margin, 0.0, alternative="greater").pvalue)
    if diff.mean() > margin and p < p_value:
        reason = f"rank IC {ch:.4f} vs {cp:.4f} over {n} days, p={p:.4f} < {p_value}"
        return PromotionDecision(True, reason, n, ch, cp, p)
    reason = f"not better: rank IC {ch:.4f} vs {cp:.4f} over {n} days, p={p:.4f}"
    return PromotionDecision(False, reason, n, ch, cp, p)


def challenge(
    reg: ModelRegistry, fitted: Validated, week: str, *, margin: float = 0.0, p_value: float = 0.05
) -> PromotionDecision:
    """Score the current champion on the validation days of `fitted` (the challenger
    trained for `week`) and decide."""
    champion = reg.champion()
    if champion is not None and champion.tags.get("partition", "") > week:
        return PromotionDecision(False, f"champion {champion.version} is of a later week")
    if champion is not None and champion.data_end > fitted.data_end:
        return PromotionDecision(False, f"champion {champion.version} saw these validation days")
    if champion is None or fitted.daily.empty:
        return decide(fitted.daily["rank_ic"], None)
    holdout = fitted.holdout
    try:
        scores = reg.load(champion).predict(xgb.DMatrix(holdout[FEATURE_COLUMNS]))
    except (ValueError, xgb.core.XGBoostError):  # the feature set changed since it trained
        return decide(fitted.daily["rank_ic"], None)
    champion_daily = daily_ic(holdout.assign(prediction=scores))
    return decide(
        fitted.daily["rank_ic"], champion_daily["rank_ic"], margin=margin, p_value=p_value
    )
