"""After a purge: none of the removed values left in the database's files (docs/rules/data.md).

What was found (issue 15, part 3), on demos of 2,000 to 100,000 visits purged with `liaison purge`:

- `PRAGMA secure_delete = ON` (store.db) zeroes a cell when SQLite frees it, and a page when it
  goes to the free list, so the rows a purge rewrites keep none of their old bytes. But SQLite's
  b-tree balancing (a page split or merge rebuilds a page from its cells) does not clear the
  page's unallocated space: copies of cells as they were before the page was rebuilt stay there,
  invisible to SQL and readable by `strings`. Every page that ever held a resident's phone may
  hold a stale copy of it: after the purge of a 5,000-visit demo, 153 of 2,963 purged phones
  were still in the file, 147 of them in the gaps of the phone index (`ix_constituent_phone`), the
  rest in the gaps of the residents' table (`constituent`) itself; names likewise (a table page
  that had been a leaf before it became an interior page kept a whole resident's row). On the
  100,000-visit demo, 14 of 70,383. A station that grew by ordinary writes, secure_delete on all
  along, has them too (16 of 10,000 in a test of 20,000 rows), and a demo's bulk load, written
  with secure_delete off, more.
- The WAL: while the desk is open in another terminal the WAL file outlives the purge, and
  frames written before it (a page as it was this morning, with a phone in it) stay in the file
  until a later transaction happens to overwrite them.
- Not found: free pages (the purge frees few, and secure_delete zeroes them), the change log
  (its redacted entries are rewritten in place, their old cells zeroed), the conflict list
  (derived again), the names' character index (single characters), the visits' search index
  (FTS5 over the visits' words, which a purge does not touch: a phone a resident spoke into their
  words stays there, masked on every screen, as the words stay).

So a purge ends with a VACUUM, which writes every page again from the live rows (no gap holds
anything but live data afterwards; the file shrinks by its free pages), then a checkpoint that
truncates the WAL to nothing. It costs 13-15 s on the 100,000-visit demo (1.2 GB; BENCHMARKS.md)
and needs free disk for a second copy of the file for a while. A desk open elsewhere may go on
reading meanwhile; a read held open through the whole busy timeout leaves the WAL as it is, and
the purge says so (run it again once the other terminal is closed).

On PostgreSQL (a county hub) a plain VACUUM is not enough either: it marks the space of the old
row versions free but leaves their bytes in the table's and its indexes' pages (tests/store/
trust/test_erase.py finds purged phones there after a VACUUM and a CHECKPOINT, with 400 residents
purged). So the erase rewrites the tables a purge touches, `VACUUM FULL`: a new file for each
table and index, the old ones dropped. It holds an exclusive lock on each table while it copies
it (pushes and reads of the hub wait meanwhile; seconds for a county's residents, longer for its
change log: README), and waits at most LOCK_TIMEOUT for that lock, so that a long transaction
elsewhere never makes the whole county queue behind the purge: a table it could not lock is
reported, and `liaison purge` run again later finishes it. Then a CHECKPOINT (allowed to
superusers and `pg_checkpoint`), after which the WAL's older segments can be recycled. What the
server keeps anyway (WAL until recycled, WAL archives, base backups, dumps, replicas) is in the
README ("how long residents' data is kept")."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from store.core.errors import N_, StoreError
from store.search.index import install_search_index

# The tables a purge writes (store.trust.purge): the residents, the legislative opinions typed
# with who gave them, the observers (store.observers.retention), the change log it redacts, the
# conflict list derived again from it.
PURGED_TABLES = ("constituent", "legislative_opinion", "observer", "change_log", "sync_conflict")
# Tables whose rowids other structures refer to (the visits' search index, the names'
# characters, the board's newest-first order): VACUUM keeps rowids in practice, but SQLite only
# promises it for INTEGER PRIMARY KEY tables, so they are compared before and after.
ROWID_TABLES = ("visit", "constituent", "issue")
# PostgreSQL's SQLSTATEs: a statement this role may not run; a lock not had within lock_timeout.
INSUFFICIENT_PRIVILEGE = "42501"
LOCK_NOT_AVAILABLE = "55P03"
# How long the erase waits for each table's exclusive lock on PostgreSQL before leaving it.
LOCK_TIMEOUT = "10s"


class EraseFailed(StoreError):
    """The purge is done, but the VACUUM that removes its values from the file could not run (the
    disk is full, or another terminal held the write lock past the busy timeout)."""

    key = N_("purge.erase_failed")


@dataclass(frozen=True)
class Erased:
    """What `erase_purged_values` did.

    complete: the file and the WAL hold nothing but live data (SQLite); on PostgreSQL, every
        table a purge touches was rewritten (see the README for what the server keeps).
    size_before, size_after: the file's bytes before and after the VACUUM (SQLite), else 0.
    busy: on PostgreSQL, the tables whose lock was not had within LOCK_TIMEOUT (not rewritten).
    """

    complete: bool
    size_before: int = 0
    size_after: int = 0
    busy: tuple[str, ...] = ()


def erase_purged_values(engine: Engine) -> Erased:
    """Remove from the database's files what a committed purge left in them.

    SQLite: VACUUM, then `wal_checkpoint(TRUNCATE)`. PostgreSQL: VACUUM FULL of the tables a
    purge writes (each lock waited for at most LOCK_TIMEOUT), then CHECKPOINT if this role may.

    Raises:
        EraseFailed: the VACUUM could not run (disk full, or locked past the busy timeout).
    """
    if engine.dialect.name == "postgresql":
        return _erase_on_postgres(engine)
    raw = engine.raw_connection()
    try:
        db = raw.driver_connection
        assert db is not None
        before = _rowids(db)
        size_before = _size(db)
        try:
            db.execute("VACUUM")
        except engine.dialect.dbapi.Error:  # type: ignore[union-attr]
            raise EraseFailed() from None
        size_after = _size(db)
        busy, _frames, _copied = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        renumbered = _rowids(db) != before
    finally:
        raw.close()
    if renumbered:
        with engine.execution_options(write=True).begin() as conn:
            install_search_index(conn)
    return Erased(complete=not busy, size_before=size_before, size_after=size_after)


def _rowids(db: Any) -> str:
    digest = hashlib.sha256()
    for table in ROWID_TABLES:
        for row in db.execute(f"SELECT rowid, id FROM {table} ORDER BY rowid"):
            digest.update(f"{row[0]}:{row[1]};".encode())
    return digest.hexdigest()


def _size(db: Any) -> int:
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    return int(pages) * int(db.execute("PRAGMA page_size").fetchone()[0])


def _erase_on_postgres(engine: Engine) -> Erased:
    busy = []
    # VACUUM cannot run inside a transaction block.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        for table in PURGED_TABLES:
            try:
                conn.exec_driver_sql(f"VACUUM (FULL, ANALYZE) {table}")
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                    raise
                busy.append(table)
        try:
            conn.exec_driver_sql("CHECKPOINT")
        except DBAPIError as exc:
            # Not a superuser nor pg_checkpoint: the server checkpoints on its own schedule
            # (checkpoint_timeout, 5 minutes by default).
            if getattr(exc.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                raise
    return Erased(complete=not busy, busy=tuple(busy))


__all__ = ["EraseFailed", "Erased", "erase_purged_values"]
