"""The trigram index of visit texts (SQLite FTS5), kept current by triggers on `visit`.

An external-content index: it stores no second copy of the texts, and refers to visits by their
rowid. A migration that rebuilds the `visit` table (Alembic's batch mode on SQLite) drops the
triggers and may renumber rows: it must call `install_search_index` afterwards. `liaison check`
verifies the index.

PostgreSQL has no FTS5: there pg_trgm's GIN indexes serve the same searches as plain ILIKE, on
the visits' texts and on every other column store.search matches by substring. The server
keeps them current itself (no triggers, nothing to suspend for a bulk load)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, func

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


# PostgreSQL: an index per column (or expression) that store.search matches with ILIKE. Their
# names end in `_trgm`, which store.migrate leaves out of the comparison with the models.
TRIGRAM_INDEXES = {
    "ix_visit_text_trgm": "visit USING gin (text gin_trgm_ops)",
    "ix_issue_title_trgm": "issue USING gin (title gin_trgm_ops)",
    "ix_constituent_name_trgm": "constituent USING gin (name gin_trgm_ops)",
    "ix_constituent_name_pinyin_trgm": "constituent USING gin (name_pinyin gin_trgm_ops)",
    # A phone's last digits, dashes taken out as store.search does.
    "ix_constituent_phone_trgm": "constituent USING gin ((replace(phone, '-', '')) gin_trgm_ops)",
}


def _trigram_indexes(conn: Connection) -> set[str]:
    rows = conn.exec_driver_sql(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        " AND indexname LIKE 'ix%%trgm'"
    )
    return {row[0] for row in rows}


def has_search_index(conn: Connection) -> bool:
    if conn.dialect.name == "postgresql":
        return "ix_visit_text_trgm" in _trigram_indexes(conn)
    return conn.dialect.name == "sqlite" and bool(
        conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'visit_fts'"
        ).first()
    )


def install_search_index(conn: Connection) -> None:
    """Create the index and its triggers if missing, and rebuild it from the visits."""
    if conn.dialect.name == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, target in TRIGRAM_INDEXES.items():
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
        return
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql(FTS_TABLE)
    for ddl in TRIGGERS.values():
        conn.exec_driver_sql(ddl)
    conn.exec_driver_sql("INSERT INTO visit_fts(visit_fts) VALUES ('rebuild')")


def drop_search_index(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        for name in TRIGRAM_INDEXES:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
        return
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
    does not match the visits (FTS5's own integrity check); on PostgreSQL, missing indexes."""
    if conn.dialect.name == "postgresql":
        return sorted(set(TRIGRAM_INDEXES) - _trigram_indexes(conn))
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


def text_position(dialect: str, column: Any, term: str) -> Any:
    """Where `term` first occurs in `column` (1-based, 0 if nowhere), for excerpts."""
    finder = func.strpos if dialect == "postgresql" else func.instr
    return finder(column, term)
