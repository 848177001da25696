import numpy as np
import pandas as pd

from finpipe.lib.baselines import baseline_metrics
from finpipe.lib.features import FEATURE_COLUMNS


def _frame(days: pd.DatetimeIndex, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(days) * 30
    frame = pd.DataFrame(rng.normal(size=(n, len(FEATURE_COLUMNS))), columns=FEATURE_COLUMNS)
    frame.iloc[:, 5] = np.nan  # a feature still in its warm-up
    frame["date"] = np.repeat(days, 30)
    frame["ticker"] = np.tile([f"T{i}" for i in range(30)], len(days))
    frame["target"] = 0.5 * frame[FEATURE_COLUMNS[0]] + rng.normal(size=n)
    frame["label"] = frame["target"]
    return frame


def test_ridge_finds_a_linear_signal_and_zero_has_no_skill():
    train = _frame(pd.bdate_range("2024-01-01", periods=60), 1)
    holdout = _frame(pd.bdate_range("2024-04-01", periods=20), 2)
    metrics = baseline_metrics(train, holdout)
    assert metrics["ridge"]["rank_ic"] > 0.3 and metrics["logistic"]["rank_ic"] > 0.3
    assert abs(metrics["momentum"]["rank_ic"]) < 0.1  # ret_20d carries no signal here


def test_a_feature_that_copies_the_label_is_caught_and_honest_ones_are_not():
    from finpipe.lib.metrics import leaking_features

    frame = _frame(pd.bdate_range("2024-01-01", periods=60), 3)
    assert leaking_features(frame, FEATURE_COLUMNS) == {}  # one real signal at IC ~0.45
    frame[FEATURE_COLUMNS[7]] = frame["target"] + np.random.default_rng(0).normal(
        0, 0.1, len(frame)
    )
    assert list(leaking_features(frame, FEATURE_COLUMNS)) == [FEATURE_COLUMNS[7]]


def test_a_feature_defined_on_a_day_or_two_is_not_judged_a_leak():
    from finpipe.lib.metrics import LEAK_MIN_PAIRS, leaking_features

    frame = _frame(pd.bdate_range("2024-01-01", periods=60), 4)
    early = frame["date"] < frame["date"].unique()[-2]
    # A long-window feature still warming up: values only on the last two days (60 pairs),
    # where it happens to rank like the label.
    frame[FEATURE_COLUMNS[9]] = frame["target"].where(~early)
    assert frame[FEATURE_COLUMNS[9]].notna().sum() < LEAK_MIN_PAIRS
    assert leaking_features(frame, FEATURE_COLUMNS) == {}
