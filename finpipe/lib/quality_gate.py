"""When a share of rejected rows should block downstream: above a limit beyond noise.

A fixed share misfires on small batches: with 50 tickers one bad row is 2% of a day. The
gate asks instead whether the batch shows, with the given confidence, a rejection rate
above the limit (one-sided binomial test with the limit as null hypothesis). With a 1%
limit at 99% confidence a batch blocks from 2 rejected rows of 12, 4 of 50, 12 of 500,
19 of 1,000 and 1,344 of 126,000 (1.07%): large batches block just above the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from scipy.stats import binom

__all__ = ["ShareGate", "rejected_share_gate"]


@dataclass(frozen=True)
class ShareGate:
    passed: bool
    share: float
    p_value: float  # chance of at least this many rejections if the true rate were the limit
    blocking_count: int  # fewest rejected rows of this batch that would block it


def rejected_share_gate(rejected: int, rows: int, limit: float, confidence: float) -> ShareGate:
    """Block when `rejected` of `rows` is significantly more than `limit` of them."""
    if rows == 0:
        return ShareGate(True, 0.0, 1.0, 0)
    alpha = 1.0 - confidence

    def blocks(k: int) -> bool:
        return k > 0 and binom.sf(k - 1, rows, limit) < alpha

    blocking = max(int(binom.isf(alpha, rows, limit)), 1)  # near the answer; settle exactly
    while blocking > 1 and blocks(blocking - 1):
        blocking -= 1
    while blocking <= rows and not blocks(blocking):
        blocking += 1
    p_value = float(binom.sf(rejected - 1, rows, limit)) if rejected else 1.0
    return ShareGate(rejected < blocking, rejected / rows, p_value, blocking)
