"""Alembic environment: runs on the connection the store hands over (see store.trust.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import store.core.models  # noqa: F401  (registers every table on the metadata)
from store.trust.migrate import include_object

target_metadata = SQLModel.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=True,
    )


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    # `alembic` on the command line (for revisions): the URL comes from -x db=… or sqlalchemy.url.
    from store.db import make_engine

    url = context.get_x_argument(as_dictionary=True).get("db") or context.config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("alembic: name the database with -x db=PATH (or sqlalchemy.url)")
    engine = make_engine(url)
    with engine.execution_options(write=True).begin() as conn:
        _configure(conn)
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
