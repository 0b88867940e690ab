"""Loading many rows at once: build the indexes once at the end instead of row by row.

Inserting into an index keyed by a random id (every uuid column) touches a random page per row;
once an index outgrows SQLite's page cache that costs more than the insert itself. Building the
index after the load sorts instead. Use inside the load's transaction: SQLite's DDL is
transactional, so a failed load leaves the schema as it was."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from store.search_index import search_index_suspended

# `CREATE INDEX … ON table (columns) WHERE …`: a WHERE after the column list.
_PARTIAL = re.compile(r"\)\s+WHERE\s", re.IGNORECASE)


@contextmanager
def indexes_suspended(conn: Connection, tables: list[str]) -> Iterator[None]:
    """Drop the secondary indexes of `tables` (not their keys), then create them again.

    Partial indexes stay: they hold few of a load's rows (unsealed entries, clamped stamps,
    untriaged visits), so keeping them current costs less than the full scan of the table
    that creating each again would (0.3-0.4 s each on the change log of 100,000 visits)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    marks = ", ".join("?" for _ in tables)
    indexes = [
        (name, sql)
        for name, sql in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({marks})",
            tuple(tables),
        )
        if not _PARTIAL.search(sql)
    ]
    for name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)


@contextmanager
def bulk_load(conn: Connection, tables: list[str]) -> Iterator[None]:
    """For loads of tens of thousands of rows into `tables` (the change log included, if named):
    secondary indexes and the visit search index are rebuilt once, at the end."""
    with search_index_suspended(conn), indexes_suspended(conn, tables):
        yield
