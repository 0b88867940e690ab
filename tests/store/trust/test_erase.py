"""Erasing what a purge left in the database's files (store.trust.erase, issue 15 part 3): on
SQLite the file is rewritten and the WAL emptied, or the caller is told it could not be; on
PostgreSQL the touched tables are vacuumed, without locking them, with or without the right to
ask for a checkpoint."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from store.changelog.changes import Actor
from store.core.clock import FrozenClock, today
from store.core.models import Tier
from store.db import Store, make_engine
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.trust.erase import erase_purged_values
from store.trust.purge import purge_residents

pytestmark = pytest.mark.both_backends

OLD_PHONE = "13911112222"


@pytest.fixture
def purged(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: Callable[..., IssueRow]
) -> Store:
    issue = make_issue(tier=Tier.village, name="钱旧事", phone=OLD_PHONE, text="旧路灯坏了")
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    clock.advance(timedelta(days=6 * 366))
    with store.write(actor) as session:
        assert purge_residents(session=session, today=today(clock)).residents == 1
    return store


# Tests that name `station_path` run on SQLite only (tests/conftest.py).
def test_the_file_is_rewritten_and_the_wal_emptied(purged: Store, station_path: Path) -> None:
    erased = erase_purged_values(purged.engine)
    # A file with no free pages may end a page longer: VACUUM packs each b-tree afresh.
    assert erased.complete and erased.size_before > 0 and erased.size_after > 0
    # The engine is still open: the WAL is there, and empty.
    assert Path(f"{station_path}-wal").stat().st_size == 0
    with purged.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA freelist_count").scalar() == 0
    purged.dispose()
    assert OLD_PHONE.encode() not in station_path.read_bytes()


def test_a_reader_that_never_lets_go_is_reported(purged: Store, station_path: Path) -> None:
    """Another terminal holding a read open through the whole busy timeout: the WAL holds pages
    that reader may still need, so it cannot be emptied, and the caller is told."""
    reader = sqlite3.connect(station_path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM constituent").fetchone()
    release = threading.Timer(12, reader.rollback)
    release.start()
    try:
        erased = erase_purged_values(purged.engine)
    finally:
        release.cancel()
        reader.close()
    assert not erased.complete
    # Once the reader is gone, the next run finishes.
    assert erase_purged_values(purged.engine).complete


def test_on_postgresql_the_tables_a_purge_touched_are_vacuumed(
    purged: Store, store_url: str, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL's VACUUM")
    assert erase_purged_values(purged.engine).complete
    with purged.engine.connect() as conn:
        vacuumed = conn.execute(
            text(
                "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL"
                " AND relname IN ('constituent', 'change_log', 'sync_conflict')"
            )
        ).scalars()
        assert set(vacuumed) == {"constituent", "change_log", "sync_conflict"}


def test_a_hub_role_without_the_right_to_checkpoint_still_vacuums(
    purged: Store, store_url: str, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL's roles")
    # A role of this database's own (roles are the server's: other tests run beside this one).
    role = f"owner_{store_url.rsplit('/', 1)[1]}"
    with purged.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        for table in ("constituent", "change_log", "sync_conflict"):
            conn.exec_driver_sql(f"ALTER TABLE {table} OWNER TO {role}")
    owner_url = store_url.replace("postgres@", f"{role}@", 1)
    engine = make_engine(owner_url)
    try:
        assert erase_purged_values(engine).complete
    finally:
        engine.dispose()
