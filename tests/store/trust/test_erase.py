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
from pg_files import relation_bytes
from small_station import CATEGORY, VILLAGE, Refs
from sqlalchemy import text

from store.changelog.changes import Actor
from store.core.clock import FrozenClock, today
from store.core.models import Channel, Tier, VisitCreate, VisitKind
from store.db import Store, make_engine
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.desk.triage import open_issue
from store.desk.visits import log_visit
from store.trust.erase import PURGED_TABLES, erase_purged_values
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


def _files(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT relname, relfilenode FROM pg_class"
                " WHERE relname IN ('constituent', 'legislative_opinion', 'change_log',"
                " 'sync_conflict')"
            )
        ).all()
    return {name: int(node) for name, node in rows}


def test_on_postgresql_the_tables_a_purge_touched_are_rewritten(
    purged: Store, store_url: str, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL's VACUUM FULL")
    before = _files(purged)
    assert erase_purged_values(purged.engine).complete
    after = _files(purged)
    assert set(after) == {"constituent", "legislative_opinion", "change_log", "sync_conflict"}
    assert all(after[table] != before[table] for table in after)


def test_on_postgresql_a_table_locked_elsewhere_is_left_and_reported(
    purged: Store, store_url: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another session holds a lock on the residents' table (a long transaction): the erase does
    not wait for it past LOCK_TIMEOUT (the whole county would queue behind it), rewrites the
    other tables and names the one it left; run again once the lock is gone, it finishes."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's locks")
    from store.trust import erase

    monkeypatch.setattr(erase, "LOCK_TIMEOUT", "200ms")
    before = _files(purged)
    holder = make_engine(store_url)
    try:
        with holder.connect() as conn:
            conn.exec_driver_sql("LOCK TABLE constituent IN ACCESS SHARE MODE")
            erased = erase_purged_values(purged.engine)
            conn.rollback()
    finally:
        holder.dispose()
    assert not erased.complete and erased.busy == ("constituent",)
    after = _files(purged)
    assert after["constituent"] == before["constituent"]
    assert after["change_log"] != before["change_log"]
    assert erase_purged_values(purged.engine).complete
    assert _files(purged)["constituent"] != before["constituent"]


MANY = 400


@pytest.fixture
def many_purged(store: Store, actor: Actor, clock: FrozenClock, refs: Refs) -> set[bytes]:
    """MANY residents whose issues closed six years ago, purged: their phones, as bytes."""
    phones = {f"1391{n:07d}" for n in range(MANY)}
    with store.write(actor) as session:
        for phone in sorted(phones):
            visit = log_visit(
                session=session,
                visit_in=VisitCreate(
                    phone=phone,
                    name="钱旧事",
                    village_id=refs.villages[VILLAGE],
                    category_id=refs.categories[CATEGORY],
                    channel=Channel.walk_in,
                    kind=VisitKind.request,
                    text="旧路灯坏了",
                ),
            )
            issue = open_issue(
                session=session,
                visit_id=visit.id,
                tier=Tier.village,
                unit_id=refs.unit_for(Tier.village, VILLAGE),
            )
            close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    clock.advance(timedelta(days=6 * 366))
    with store.write(actor) as session:
        assert purge_residents(session=session, today=today(clock)).residents == MANY
    return {p.encode() for p in phones}


def test_on_postgresql_no_purged_value_stays_in_the_table_files(
    store: Store, backend: str, request: pytest.FixtureRequest
) -> None:
    """A plain VACUUM marks the old row versions' space free but leaves their bytes in the
    tables' and indexes' pages (read here after a CHECKPOINT has written them out); the erase
    rewrites the tables (VACUUM FULL), so none of the purged phones are in their files."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's files")
    # Made after the skip: 400 residents purged cost SQLite's run 18 s for nothing.
    many_purged: set[bytes] = request.getfixturevalue("many_purged")
    data = request.getfixturevalue("pg_server").data
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("constituent", "change_log", "sync_conflict"):
            conn.exec_driver_sql(f"VACUUM {table}")
        conn.exec_driver_sql("CHECKPOINT")
    before = relation_bytes(store, data)
    assert {p for p in many_purged if p in before}, "a plain VACUUM left none: nothing to prove"
    assert erase_purged_values(store.engine).complete
    after = relation_bytes(store, data)
    assert after and {p for p in many_purged if p in after} == set()


def test_a_hub_role_without_the_right_to_checkpoint_still_vacuums(
    purged: Store, store_url: str, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL's roles")
    # A role of this database's own (roles are the server's: other tests run beside this one).
    role = f"owner_{store_url.rsplit('/', 1)[1]}"
    with purged.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        for table in PURGED_TABLES:
            conn.exec_driver_sql(f"ALTER TABLE {table} OWNER TO {role}")
    owner_url = store_url.replace("postgres@", f"{role}@", 1)
    engine = make_engine(owner_url)
    try:
        assert erase_purged_values(engine).complete
    finally:
        engine.dispose()
