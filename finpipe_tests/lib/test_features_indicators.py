"""The matrix helpers against pandas on gappy, ragged data (NaN before a ticker starts and
scattered inside), and the block-restarted variance on a long trending history."""

import numpy as np
import pandas as pd
import pytest

from finpipe.lib.features import indicators as ind
from finpipe.lib.features.crosssection import group_mean, xs_rank, xs_zscore


@pytest.fixture(scope="module")
def gappy():
    rng = np.random.default_rng(3)
    x = 1000 + np.cumsum(rng.standard_normal((700, 9)), axis=0) * 10
    x[:40, 2], x[:300, 5] = np.nan, np.nan
    holes = rng.random(x.shape) < 0.03
    return x, np.where(holes, np.nan, x)


@pytest.mark.parametrize("w", [5, 20, 60])
def test_rolling_mean_and_std_match_pandas(gappy, w):
    x, holes = gappy
    for data, min_periods in ((x, None), (holes, w // 2)):
        frame = pd.DataFrame(data).rolling(w, min_periods=min_periods or w)
        stats = ind.Rolling(data)
        np.testing.assert_allclose(stats.mean(w, min_periods), frame.mean(), rtol=1e-10, atol=1e-9)
        np.testing.assert_allclose(stats.std(w, 1, min_periods), frame.std(), rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(stats.sum(w, min_periods), frame.sum(), rtol=1e-10, atol=1e-8)


def test_variance_stays_exact_on_a_long_trending_history():
    rng = np.random.default_rng(5)
    x = 5.0 * np.exp(np.cumsum(0.0015 + 0.01 * rng.standard_normal((4000, 3)), axis=0))
    ours = ind.rolling_std(x, 20, ddof=0)
    exact = np.lib.stride_tricks.sliding_window_view(x, 20, axis=0).std(axis=2)
    np.testing.assert_allclose(ours[19:], exact, rtol=1e-9)


def test_cross_sectional_helpers_match_pandas(gappy):
    _, holes = gappy
    frame = pd.DataFrame(holes)
    ranks = frame.rank(axis=1, pct=False) - 1
    expected = ranks.div(frame.notna().sum(axis=1) - 1, axis=0)
    np.testing.assert_allclose(xs_rank(holes), expected, atol=1e-12)
    tied = np.round(holes / 200)  # many ties share their mean rank
    ranks = pd.DataFrame(tied).rank(axis=1) - 1
    np.testing.assert_allclose(
        xs_rank(tied),
        ranks.div(ranks.max(axis=1) * 0 + pd.DataFrame(tied).notna().sum(axis=1) - 1, axis=0),
        atol=1e-12,
    )
    z = frame.sub(frame.mean(axis=1), axis=0).div(frame.std(axis=1), axis=0)
    np.testing.assert_allclose(xs_zscore(holes), z, atol=1e-10)
    groups = np.array([0, 1, 0, 2, 1, 0, 2, 2, 1])
    by_group = frame.T.groupby(groups).transform("mean").T
    np.testing.assert_allclose(group_mean(holes, groups), by_group, atol=1e-9)
