"""The trigram index of visit texts (SQLite FTS5), kept current by triggers on `visit`.

An external-content index: it stores no second copy of the texts, and refers to visits by their
rowid. A migration that rebuilds the `visit` table (Alembic's batch mode on SQLite) drops the
triggers and may renumber rows: it must call `install_search_index` afterwards. `liaison check`
verifies the index. PostgreSQL has no FTS5; searches there fall back to plain LIKE."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

FTS_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS visit_fts USING fts5("
    "text, content='visit', content_rowid='rowid', tokenize='trigram')"
)
TRIGGERS = {
    "visit_fts_insert": "CREATE TRIGGER IF NOT EXISTS visit_fts_insert AFTER INSERT ON visit BEGIN "
    "INSERT INTO visit_fts(rowid, text) VALUES (new.rowid, new.text); END",
    "visit_fts_delete": "CREATE TRIGGER IF NOT EXISTS visit_fts_delete AFTER DELETE ON visit BEGIN "
    "INSERT INTO visit_fts(visit_fts, rowid, text) VALUES ('delete', old.rowid, old.text); END",
    "visit_fts_update": "CREATE TRIGGER IF NOT EXISTS visit_fts_update AFTER UPDATE OF text "
    "ON visit BEGIN "
    "INSERT INTO visit_fts(visit_fts, rowid, text) VALUES ('delete', old.rowid, old.text); "
    "INSERT INTO visit_fts(rowid, text) VALUES (new.rowid, new.text); END",
}


def has_search_index(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite" and bool(
        conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'visit_fts'"
        ).first()
    )


def install_search_index(conn: Connection) -> None:
    """Create the index and its triggers if missing, and rebuild it from the visits."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql(FTS_TABLE)
    for ddl in TRIGGERS.values():
        conn.exec_driver_sql(ddl)
    conn.exec_driver_sql("INSERT INTO visit_fts(visit_fts) VALUES ('rebuild')")


def drop_search_index(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    conn.exec_driver_sql("DROP TABLE IF EXISTS visit_fts")


@contextmanager
def search_index_suspended(conn: Connection) -> Iterator[None]:
    """For bulk loads of many visits: drop the triggers, load, then rebuild once (about 1.4 s
    for 100,000 visits, against 5.6 s of triggers; ../shared/PERF.md). Use inside the load's
    transaction, so that a failed load leaves the triggers as they were."""
    if not has_search_index(conn):
        yield
        return
    for name in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    yield
    install_search_index(conn)


def search_index_faults(conn: Connection) -> list[str]:
    """What is wrong with the index, for `liaison check`: missing triggers, or an index that
    does not match the visits (FTS5's own integrity check)."""
    if conn.dialect.name != "sqlite":
        return []
    if not has_search_index(conn):
        return ["visit_fts"]
    names = {
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'visit'"
        )
    }
    faults = sorted(set(TRIGGERS) - names)
    try:
        conn.exec_driver_sql("INSERT INTO visit_fts(visit_fts, rank) VALUES ('integrity-check', 1)")
    except Exception:  # noqa: BLE001 - any failure of FTS5's check means a damaged index
        faults.append("visit_fts integrity")
    return faults
