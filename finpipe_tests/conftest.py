"""Shared fixtures: settings on a temp home, real PostgreSQL databases, moto's S3 server."""

from __future__ import annotations

import datetime as dt
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from finpipe.lib.synthetic import MarketConfig, SyntheticMarket, synthetic_market
from finpipe.settings import Settings

FIRST, LAST = "2024-01-01", "2024-04-30"
PG_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def market() -> SyntheticMarket:
    """A small synthetic market (12 tickers) shared by the pure-function tests."""
    return synthetic_market(MarketConfig(n_tickers=12, regime_shift=dt.date(2024, 9, 2)))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded-default settings rooted in a fresh temp folder, with a small universe."""
    return Settings(home=tmp_path / "finpipe", n_tickers=12)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database with a random name, dropped afterwards."""
    name = f"finpipe_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at 127.0.0.1:5432 ({exc.orig}); start it (DESIGN.md)"
        )
    yield f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free loopback port, with credentials set for s3fs/boto."""
    from moto.server import ThreadedMotoServer

    mp = pytest.MonkeyPatch()
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():  # fmt: skip
        mp.setenv(key, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    mp.undo()


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> str:
    """A new, empty bucket on the moto server."""
    import boto3

    name = f"lake-{uuid.uuid4().hex[:10]}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory):
    """Every asset materialized for a 12-ticker universe, January to April 2024 (slow)."""
    from dagster import instance_for_test

    from finpipe.definitions import build_definitions
    from finpipe.demo import PREPARE, materialize_range

    home = tmp_path_factory.mktemp("pipeline")
    settings = Settings(home=home / "finpipe", n_tickers=12, regime_shift_date=dt.date(2024, 4, 1),
                        fault_rate=0.03)  # fmt: skip
    # 12 tickers give the promotion t-test no power: every week's model serves (margin -1),
    # so drift compares with recent training windows (test_promotion tests the bar).
    small_model = {"ops": {"trained_model": {"config": {
        "n_estimators": 60, "min_child_weight": 20.0, "targets": ["return_1d"],
        "promotion_margin": -1.0}}}}  # fmt: skip
    (home / "dagster").mkdir()
    with instance_for_test(temp_dir=str(home / "dagster")) as instance:
        defs = build_definitions(settings)
        materialize_range(defs, instance, ["universe"], None, None)
        materialize_range(defs, instance, PREPARE, FIRST, LAST)
        materialize_range(
            defs, instance, ["trained_model"], "2024-01-01", "2024-04-22", small_model
        )
        materialize_range(defs, instance, ["predictions", "insights"], "2024-03-01", LAST)
        materialize_range(defs, instance, ["drift_report"], "2024-03-18", "2024-03-19")
        materialize_range(defs, instance, ["drift_report"], "2024-04-29", LAST)
        yield settings, instance
