"""Alembic environment: migrations run against the URL the caller put in the config."""

from alembic import context
from sqlalchemy import create_engine

from finpipe.lib.warehouse import metadata

config = context.config
# Our own version table, so the warehouse can share a database with Dagster's storage.
VERSION_TABLE = "finpipe_alembic_version"


def run() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(
            url=url, target_metadata=metadata, literal_binds=True, version_table=VERSION_TABLE
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=metadata, version_table=VERSION_TABLE
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
