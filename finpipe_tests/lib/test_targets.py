import datetime as dt

import numpy as np
import pandas as pd
import pytest

from finpipe.errors import ConfigError
from finpipe.lib.calendar import trading_sessions
from finpipe.lib.targets import TARGETS, get_target, with_target

DAYS = trading_sessions(dt.date(2024, 1, 2), dt.date(2024, 1, 18))  # MLK day is not one


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    returns = rng.normal(0, 0.02, (len(DAYS), 4))
    return pd.DataFrame({"date": np.repeat(DAYS, 4), "ticker": np.tile(list("ABCD"), len(DAYS)),
                         "ret_1d": returns.ravel()})  # fmt: skip


def test_five_day_target_compounds_the_next_five_sessions_demeaned_across_tickers():
    frame = _frame()
    out = with_target(frame, TARGETS["return_5d"])
    wide = frame.pivot(index="date", columns="ticker", values="ret_1d")
    expected = (1 + wide).iloc[1:6].prod() - 1  # features of day 0: sessions 1..5
    expected -= expected.mean()
    got = out[out["date"] == DAYS[0]].set_index("ticker")["target"]
    np.testing.assert_allclose(got[expected.index], expected, rtol=1e-12)
    # The last five days' labels need sessions beyond the frame: unknown, not guessed.
    assert out.loc[out["date"] >= DAYS[-5], "target"].isna().all()
    assert out.loc[out["date"] < DAYS[-5], "target"].notna().all()
    assert (out["label"].dropna() == out["target"].dropna()).all()


def test_direction_label_is_whether_the_ticker_beats_the_days_mean():
    out = with_target(_frame(), TARGETS["direction_1d"])
    known = out.dropna(subset=["target"])
    assert ((known["label"] == 1.0) == (known["target"] > 0)).all()
    assert out.loc[out["target"].isna(), "label"].isna().all()
    assert get_target("direction_1d").objective == "binary:logistic"
    assert get_target("return_5d").model_name("finpipe") == "finpipe-return-5d"


def test_an_unknown_target_names_the_choices():
    with pytest.raises(ConfigError, match="return_1d"):
        get_target("return_2d")


def test_a_serving_target_that_is_not_one_day_is_refused_with_its_variable(monkeypatch, capsys):
    from finpipe.cli import main
    from finpipe.settings import get_settings

    monkeypatch.setenv("FINPIPE_SERVING_TARGET", "return_5d")
    get_settings.cache_clear()
    try:
        assert main(["model", "list"]) == 2
    finally:
        get_settings.cache_clear()
    assert "FINPIPE_SERVING_TARGET" in capsys.readouterr().err
