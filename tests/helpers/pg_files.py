"""What a PostgreSQL server holds on its disk for some tables: read by the purge tests to prove
that no purged value is left in the files (store.trust.erase)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import text

from store.db import Store

PURGED = ("constituent", "change_log", "sync_conflict")


def relation_bytes(store: Store, data: Path, tables: Sequence[str] = PURGED) -> bytes:
    """Every file of `tables` on the server's disk (`data`, its data directory): each table, its
    indexes, its TOAST table and index (all segments and forks), as `strings` would read them."""
    with store.engine.connect() as conn:
        files = conn.execute(
            text(
                "SELECT pg_relation_filepath(c.oid) FROM pg_class c"
                " WHERE c.relfilenode <> 0 AND (c.oid = ANY(:tables)"
                " OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = ANY(:tables))"
                " OR c.oid IN (SELECT reltoastrelid FROM pg_class WHERE oid = ANY(:tables))"
                " OR c.oid IN (SELECT i.indexrelid FROM pg_index i JOIN pg_class t"
                "   ON t.reltoastrelid = i.indrelid WHERE t.oid = ANY(:tables)))"
            ).bindparams(
                tables=[
                    conn.exec_driver_sql(f"SELECT '{t}'::regclass::oid").scalar() for t in tables
                ]
            )
        ).scalars()
        found = b""
        for relative in files:
            for segment in data.glob(f"{relative}*"):
                found += segment.read_bytes()
    return found
