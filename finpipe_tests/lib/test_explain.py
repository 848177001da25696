import json

import numpy as np
import pandas as pd
import xgboost as xgb

from finpipe.lib.explain import top_drivers


def test_drivers_are_the_largest_shap_contributions_and_sum_to_the_prediction():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.normal(size=(400, 5)), columns=list("abcde"))
    y = 3 * x["b"] - 2 * x["d"] + 0.1 * rng.normal(size=400)
    booster = xgb.train({"max_depth": 3, "seed": 0}, xgb.DMatrix(x, y), num_boost_round=40)
    drivers = [json.loads(d) for d in top_drivers(booster, x.head(50))]
    assert all(len(d) == 3 for d in drivers)
    # b and d carry the signal: they lead wherever either is far from zero.
    strong = (x["b"].abs() > 1) & (x["d"].abs() > 1)
    for row in np.flatnonzero(strong.head(50)):
        assert {d["feature"] for d in drivers[row][:2]} == {"b", "d"}
    contribs = booster.predict(xgb.DMatrix(x.head(1)), pred_contribs=True)[0]
    assert abs(contribs.sum() - booster.predict(xgb.DMatrix(x.head(1)))[0]) < 1e-5
    assert abs(abs(drivers[0][0]["contribution"]) - abs(contribs[:-1]).max()) < 1e-6
