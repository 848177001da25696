import datetime as dt

import pytest
from litestar.testing import TestClient

from finpipe.api.app import create_app
from finpipe.lib.warehouse import Warehouse, insights, predictions

DRIVERS = '[{"feature": "ret_5d", "contribution": 0.004}, {"feature": "news_tone", "contribution": -0.001}]'


def _seed(wh: Warehouse) -> None:
    for day in (dt.date(2024, 3, 1), dt.date(2024, 3, 4)):
        wh.upsert(insights, [dict(date=day, ticker=t, rank=r, score=1.0 - r, prediction=0.01 / r,
                                  direction="long" if r == 1 else "short", sector="Energy",
                                  model_name="m", model_version="7", drivers=DRIVERS if r == 1 else None)
                             for r, t in ((1, "AAA"), (2, "BBB"))])  # fmt: skip
        wh.upsert(predictions, [dict(date=day, ticker="AAA", model_name="m", model_version="7",
                                     prediction=0.01)])  # fmt: skip


@pytest.fixture(params=["sqlite", "postgres"])
def client(request, tmp_path):
    url = (
        f"sqlite:///{tmp_path / 'w.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    wh = Warehouse(url)
    _seed(wh)
    with TestClient(create_app(warehouse=wh)) as test_client:
        yield test_client
    wh.dispose()


def test_health(client):
    assert client.get("/health").json()["status"] == "ok"


def test_latest_insights_are_the_newest_day_by_rank(client):
    body = client.get("/v1/insights/latest").json()
    assert body["date"] == "2024-03-04" and body["count"] == 2
    assert [i["ticker"] for i in body["insights"]] == ["AAA", "BBB"]
    assert body["insights"][0]["model_version"] == "7"
    assert body["insights"][0]["drivers"] == [
        {"feature": "ret_5d", "contribution": 0.004},
        {"feature": "news_tone", "contribution": -0.001},
    ]
    assert body["insights"][1]["drivers"] == []  # rows published before drivers existed


def test_predictions_of_a_ticker_newest_first(client):
    body = client.get("/v1/predictions/aaa", params={"limit": 1}).json()
    assert body["ticker"] == "AAA" and [p["date"] for p in body["predictions"]] == ["2024-03-04"]


def test_errors_say_what_was_wrong(client):
    missing = client.get("/v1/predictions/ZZZ")
    assert missing.status_code == 404 and "ZZZ" in missing.json()["detail"]
    assert client.get("/v1/predictions/AAA", params={"limit": 0}).status_code == 400
    assert client.get("/v1/predictions/bad$ticker").status_code == 400


def test_openapi_is_served(client):
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert {"/health", "/v1/insights/latest", "/v1/predictions/{ticker}"} <= set(paths)


def test_no_insights_yet_is_a_404(tmp_path):
    wh = Warehouse(f"sqlite:///{tmp_path / 'empty.db'}")
    with TestClient(create_app(warehouse=wh)) as c:
        response = c.get("/v1/insights/latest")
    assert response.status_code == 404 and "materialize" in response.json()["detail"]
