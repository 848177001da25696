import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from finpipe.errors import WarehouseError
from finpipe.lib.warehouse import (
    Warehouse,
    insights,
    latest_insights,
    quarantine,
    quarantine_records,
    ticker_predictions,
)

ROW = dict(ticker="AAA", rank=1, score=1.5, prediction=0.01, direction="long", sector="Energy",
           model_name="m", model_version="3")  # fmt: skip


@pytest.fixture(params=["sqlite", "postgres"])
def warehouse(request, tmp_path):
    if request.param == "sqlite":
        wh = Warehouse(f"sqlite:///{tmp_path / 'w.db'}")
    else:
        wh = Warehouse(request.getfixturevalue("postgres_url"))
    yield wh
    wh.dispose()


def test_migrations_create_the_tables(warehouse):
    warehouse.migrate()
    names = set(sa.inspect(warehouse.engine).get_table_names())
    assert {"predictions", "insights", "quarantine", "finpipe_alembic_version"} <= names


def test_upsert_is_idempotent_on_the_natural_key(warehouse):
    day = dt.date(2024, 3, 1)
    warehouse.upsert(
        insights, [{**ROW, "date": day}, {**ROW, "date": day, "ticker": "BBB", "rank": 2}]
    )
    warehouse.upsert(insights, [{**ROW, "date": day, "score": 2.5}])
    assert warehouse.count(insights) == 2
    latest = latest_insights(warehouse)
    assert latest["ticker"].tolist() == ["AAA", "BBB"]
    assert latest.loc[0, "score"] == 2.5


def test_quarantine_replaces_a_partition_and_keeps_duplicates_distinct(warehouse):
    rejected = pd.DataFrame({"date": ["2024-03-01"] * 3, "ticker": ["A", "A", "B"],
                             "close": [-1.0, -1.0, 5.0], "rule": ["duplicate"] * 3,
                             "reason": ["duplicate (ticker, date)"] * 3})  # fmt: skip
    rows = quarantine_records(
        rejected, asset="cleaned_prices", partitions=["2024-03-01"] * 3, run_id="r1"
    )
    assert len({r["row_key"] for r in rows}) == 3
    for _ in range(2):
        warehouse.replace_partitions(
            quarantine, asset="cleaned_prices", partitions=["2024-03-01"], rows=rows
        )
    assert warehouse.count(quarantine) == 3


def test_unknown_ticker_has_no_predictions(warehouse):
    assert ticker_predictions(warehouse, "ZZZ", 5).empty


def test_unreachable_database_gives_a_clear_error():
    wh = Warehouse("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    with pytest.raises(WarehouseError, match="cannot reach the warehouse"):
        wh.migrate()
