"""The warehouse: SQLAlchemy tables, Alembic migrations, idempotent upserts.

SQLite by default, PostgreSQL in production and tests. Every write is an upsert on the
table's natural key, so re-materializing a partition never duplicates a row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.dialects import postgresql, sqlite

from finpipe.errors import WarehouseError

__all__ = [
    "Warehouse",
    "latest_insights",
    "ticker_predictions",
    "insights",
    "metadata",
    "predictions",
    "quarantine",
    "quarantine_records",
]

metadata = sa.MetaData()

predictions = sa.Table(
    "predictions",
    metadata,
    sa.Column("date", sa.Date, primary_key=True),
    sa.Column("ticker", sa.String(16), primary_key=True),
    sa.Column("model_name", sa.String(128), primary_key=True),
    sa.Column("model_version", sa.String(32), nullable=False),
    sa.Column("prediction", sa.Float, nullable=False),
    sa.Column("drivers", sa.Text),  # JSON: the prediction's top SHAP contributions
)

insights = sa.Table(
    "insights",
    metadata,
    sa.Column("date", sa.Date, primary_key=True),
    sa.Column("ticker", sa.String(16), primary_key=True),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("prediction", sa.Float, nullable=False),
    sa.Column("direction", sa.String(8), nullable=False),
    sa.Column("sector", sa.String(64)),
    sa.Column("model_name", sa.String(128), nullable=False),
    sa.Column("model_version", sa.String(32), nullable=False),
    sa.Column("drivers", sa.Text),  # JSON: the prediction's top SHAP contributions
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("asset", sa.String(64), primary_key=True),
    sa.Column("partition", sa.String(32), primary_key=True),
    sa.Column("row_key", sa.String(64), primary_key=True),
    sa.Column("ticker", sa.String(64)),
    sa.Column("rule", sa.String(64), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("run_id", sa.String(64)),
)


def _alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("finpipe") / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@lru_cache(maxsize=8)
def _migrated(url: str) -> bool:
    command.upgrade(_alembic_config(url), "head")
    return True


class Warehouse:
    """A connection to the warehouse database, migrated to the latest schema on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(url, pool_pre_ping=True)

    def migrate(self) -> None:
        """Bring the schema to Alembic's head (once per process and URL)."""
        try:
            _migrated(self.url)
        except sa.exc.OperationalError as exc:
            raise WarehouseError(
                f"cannot reach the warehouse at {self.engine.url!r}: {exc.orig}. "
                "Check FINPIPE_WAREHOUSE_URL and that the database is running."
            ) from exc

    def upsert(self, table: sa.Table, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert rows, updating those whose primary key exists; returns the row count."""
        rows = [dict(r) for r in rows]
        if not rows:
            return 0
        self.migrate()
        dialect = self.engine.dialect.name
        insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
        if insert is None:
            raise WarehouseError(
                f"upserts are implemented for PostgreSQL and SQLite, not {dialect}"
            )
        keys = [c.name for c in table.primary_key.columns]
        stmt = insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=keys,
            set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys},
        )
        with self.engine.begin() as conn:
            for start in range(0, len(rows), 5000):
                conn.execute(stmt, rows[start : start + 5000])
        return len(rows)

    def replace_days(self, table: sa.Table, days: list[dt.date], rows: list[dict[str, Any]]) -> int:
        """Make `rows` the table's only rows for `days` (a re-run that publishes fewer rows
        leaves no stale ones), in one transaction."""
        self.migrate()
        with self.engine.begin() as conn:
            for start in range(0, len(days), 500):
                conn.execute(table.delete().where(table.c.date.in_(days[start : start + 500])))
            for start in range(0, len(rows), 5000):
                conn.execute(table.insert(), rows[start : start + 5000])
        return len(rows)

    def replace_partitions(
        self, table: sa.Table, *, asset: str, partitions: list[str], rows: list[dict[str, Any]]
    ) -> int:
        """Replace an asset's rows for the given partitions in one transaction (quarantine)."""
        self.migrate()
        with self.engine.begin() as conn:
            for start in range(0, len(partitions), 500):
                chunk = partitions[start : start + 500]
                conn.execute(
                    table.delete().where(table.c.asset == asset, table.c.partition.in_(chunk))
                )
            if rows:
                conn.execute(table.insert(), rows)
        return len(rows)

    def read(self, query: sa.Select) -> pd.DataFrame:
        """Run a SELECT and return a frame."""
        self.migrate()
        with self.engine.connect() as conn:
            result = conn.execute(query)
            return pd.DataFrame.from_records(
                result.fetchall(), columns=[str(k) for k in result.keys()]
            )

    def count(self, table: sa.Table) -> int:
        self.migrate()
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())

    def dispose(self) -> None:
        self.engine.dispose()


def _jsonable(value: Any) -> Any:
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value.item() if hasattr(value, "item") else value


def quarantine_records(
    rejected: pd.DataFrame, *, asset: str, partitions: list[str], run_id: str | None
) -> list[dict[str, Any]]:
    """Warehouse rows for rejected input rows (`rule` and `reason` columns required);
    `partitions` names each row's partition.

    The key hashes the row's content plus its occurrence number, so identical rows
    (duplicates) stay distinct and re-running the same partition overwrites, not appends.
    """
    records, seen = [], {}
    payload_cols = [c for c in rejected.columns if c not in ("rule", "reason")]
    for row, partition in zip(rejected.to_dict("records"), partitions, strict=True):
        payload = json.dumps({c: _jsonable(row[c]) for c in payload_cols}, sort_keys=True)
        digest = hashlib.sha1(f"{row['rule']}|{payload}".encode()).hexdigest()[:24]
        seen[digest] = seen.get(digest, -1) + 1
        records.append(
            {
                "asset": asset,
                "partition": partition,
                "row_key": f"{digest}-{seen[digest]}",
                "ticker": None if row.get("ticker") is None else str(row.get("ticker")),
                "rule": row["rule"],
                "reason": row["reason"],
                "payload": payload,
                "run_id": run_id,
            }
        )
    return records


def latest_insights(warehouse: Warehouse) -> pd.DataFrame:
    """Every insight of the most recent published day (empty when nothing is published)."""
    latest = sa.select(sa.func.max(insights.c.date)).scalar_subquery()
    query = sa.select(insights).where(insights.c.date == latest).order_by(insights.c.rank)
    return warehouse.read(query)


def ticker_predictions(warehouse: Warehouse, ticker: str, limit: int) -> pd.DataFrame:
    """The most recent `limit` predictions for a ticker, newest first."""
    query = (
        sa.select(predictions)
        .where(predictions.c.ticker == ticker)
        .order_by(predictions.c.date.desc())
        .limit(limit)
    )
    return warehouse.read(query)
