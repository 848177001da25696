import pandas as pd

from finpipe.lib.modeling import ModelParams, TrainingSet
from finpipe.lib.targets import TARGETS
from finpipe.lib.walkforward import walk_forward
from finpipe_tests.lib.test_baselines import _frame

DAYS = pd.bdate_range("2024-01-01", periods=100)


def test_folds_train_only_before_their_block_less_the_purge():
    frame = _frame(DAYS, 5)
    training = TrainingSet(frame, DAYS[0], DAYS[-1], DAYS[-1])
    folds = walk_forward(training, ModelParams(n_estimators=20), folds=3, fold_days=20,
                         purge_days=2)  # fmt: skip
    assert folds["first_day"].tolist() == [d.date().isoformat() for d in DAYS[[40, 60, 80]]]
    assert folds["last_day"].tolist() == [d.date().isoformat() for d in DAYS[[59, 79, 99]]]
    # Fold k trains on the sessions before its block minus two: 38, 58, 78 days of 30 tickers.
    assert folds["train_rows"].tolist() == [38 * 30, 58 * 30, 78 * 30]
    assert (folds["rank_ic"] > 0.2).all()  # the planted linear signal is found in every fold
    assert {"rmse", "ridge_rank_ic", "momentum_rank_ic", "zero_rank_ic"} <= set(folds.columns)


def test_folds_without_enough_history_are_left_out():
    frame = _frame(DAYS[:50], 6)
    training = TrainingSet(frame, DAYS[0], DAYS[49], DAYS[49])
    folds = walk_forward(training, ModelParams(n_estimators=10), folds=3, fold_days=20)
    assert len(folds) == 1  # only the last block has 20 sessions before it


def test_the_purge_covers_the_label_horizon_and_the_embargo_adds_to_it():
    frame = _frame(DAYS, 5)
    training = TrainingSet(frame, DAYS[0], DAYS[-1], DAYS[-1], TARGETS["return_5d"])
    folds = walk_forward(training, ModelParams(n_estimators=20), folds=2, fold_days=20,
                         purge_days=1, embargo_days=3)  # fmt: skip
    # A 5-session label purges 5 sessions before each block, the embargo 3 more.
    assert folds["train_rows"].tolist() == [(60 - 8) * 30, (80 - 8) * 30]
