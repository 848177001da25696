"""The row-at-a-time recursions and the block rolling extremes give, to the bit, what numpy's
axis-0 accumulate, scipy's lfilter and scipy's extreme filters give."""

import numpy as np
import pytest
from scipy import ndimage, signal

from finpipe.lib.features import indicators as ind
from finpipe.lib.features.rows import accumulate, ffill, first_order_filter


@pytest.fixture(scope="module")
def x():
    rng = np.random.default_rng(7)
    return 100 + np.cumsum(rng.standard_normal((600, 11)), axis=0)


@pytest.mark.parametrize("ufunc", [np.add, np.multiply, np.maximum])
def test_accumulate_is_numpys(x, ufunc):
    x = x / 100.0  # products stay finite
    assert np.array_equal(accumulate(ufunc, x), ufunc.accumulate(x, axis=0))
    inplace = x.copy()
    assert np.array_equal(accumulate(ufunc, inplace, out=inplace), ufunc.accumulate(x, axis=0))
    assert accumulate(ufunc, x[:0]).shape == (0, 11)


@pytest.mark.parametrize("alpha", [2 / 6, 2 / 27, 1 / 14, 2 / 201])
def test_first_order_filter_is_lfilter(x, alpha):
    expected = signal.lfilter([alpha], [1.0, alpha - 1.0], x, axis=0)
    assert np.array_equal(first_order_filter(x, alpha), expected)


def test_ffill_carries_the_last_value_down():
    x = np.array([[np.nan, 1.0], [2.0, np.nan], [np.nan, np.nan], [3.0, 4.0]])
    expected = np.array([[np.nan, 1.0], [2.0, 1.0], [2.0, 1.0], [3.0, 4.0]])
    np.testing.assert_array_equal(ffill(x), expected)


@pytest.mark.parametrize("t_len, w", [(600, 252), (252, 252), (251, 252), (600, 5), (7, 1)])
def test_rolling_extremes_match_scipy(x, t_len, w):
    data = x[:t_len].copy()
    data[: t_len // 3, 4], data[:, 6] = np.nan, np.nan  # a late start, a ticker without prices
    valid = np.arange(t_len)[:, None] >= ind.first_valid(data) + w - 1
    for ours, filter1d, fill in ((ind.rolling_max, ndimage.maximum_filter1d, -np.inf),
                                 (ind.rolling_min, ndimage.minimum_filter1d, np.inf)):  # fmt: skip
        full = filter1d(np.where(np.isnan(data), fill, data), w, axis=0, origin=(w - 1) // 2,
                        mode="nearest")  # fmt: skip
        assert np.array_equal(ours(data, w), np.where(valid, full, np.nan), equal_nan=True)
