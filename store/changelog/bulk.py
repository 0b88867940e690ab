"""Loading many rows at once: build the indexes once at the end instead of row by row.

Inserting into an index keyed by a random id (every uuid column) touches a random page per row;
once an index outgrows SQLite's page cache that costs more than the insert itself. Building the
index after the load sorts instead. Use inside the load's transaction: SQLite's DDL is
transactional, so a failed load leaves the schema as it was."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from store.search.index import search_index_suspended


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
    # SQLite's own list of each table's indexes says which are partial.
    indexes = conn.exec_driver_sql(
        "SELECT m.name, m.sql FROM sqlite_master AS m"
        " JOIN pragma_index_list(m.tbl_name) AS i ON i.name = m.name"
        " WHERE m.type = 'index' AND m.sql IS NOT NULL AND NOT i.partial"
        f" AND m.tbl_name IN ({marks})",
        tuple(tables),
    ).all()
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
