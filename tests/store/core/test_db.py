"""store.db: SQLite pragmas, BEGIN IMMEDIATE, read-only sessions, rollback, hidden parameters."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from small_station import Refs
from sqlalchemy import Connection, func, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from store_rows import must_get

from store import db as store_db
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.errors import DatabaseBusy, ReadOnlySession
from store.core.models import (
    ChangeLog,
    Channel,
    Constituent,
    Setting,
    Village,
    VisitCreate,
    VisitKind,
)
from store.db import Store, make_engine, sqlite_url
from store.desk.visits import VisitRow, log_visit
from store.station import open_store

VILLAGE = "青石村"
CATEGORY = "道路交通"


def _pragmas(conn: Connection) -> dict[str, object]:
    return {
        name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    }


def _assert_durable(pragmas: dict[str, object]) -> None:
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["synchronous"] == 2  # FULL
    assert pragmas["foreign_keys"] == 1
    assert isinstance(pragmas["busy_timeout"], int)
    assert pragmas["busy_timeout"] >= 5000


def _count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_every_pooled_connection_has_the_pragmas(station_path: Path) -> None:
    engine = make_engine(sqlite_url(station_path))
    try:
        # Two connections open at once: the second cannot be the first one reused.
        with engine.connect() as first, engine.connect() as second:
            _assert_durable(_pragmas(first))
            _assert_durable(_pragmas(second))
    finally:
        engine.dispose()


def test_read_and_write_sessions_have_the_pragmas(store: Store, actor: Actor) -> None:
    with store.read() as session:
        _assert_durable(_pragmas(session.connection()))
    with store.write(actor) as session:
        _assert_durable(_pragmas(session.connection()))


def test_busy_timeout_default_is_at_least_five_seconds() -> None:
    assert store_db.BUSY_TIMEOUT_MS >= 5000


def test_write_session_takes_the_write_lock_at_begin(
    store: Store, actor: Actor, station_path: Path
) -> None:
    other = sqlite3.connect(station_path, timeout=0, isolation_level=None)
    try:
        with store.write(actor) as session:
            # Only a read so far: a deferred BEGIN would not hold the write lock yet.
            session.exec(select(Setting)).all()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_read_session_does_not_take_the_write_lock(store: Store, station_path: Path) -> None:
    other = sqlite3.connect(station_path, timeout=0, isolation_level=None)
    try:
        with store.read() as session:
            session.exec(select(Setting)).all()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_write_session_gives_up_with_database_busy(
    monkeypatch: pytest.MonkeyPatch,
    station_path: Path,
    clock: FrozenClock,
    actor: Actor,
    refs: Refs,
) -> None:
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 50)
    busy_store = open_store(station_path, clock=clock)
    holder = sqlite3.connect(station_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with busy_store.read() as session:
            assert session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() == 50
            # Readers carry on under WAL while another terminal writes.
            assert _count(session, Village) == 3
        with pytest.raises(DatabaseBusy):
            with busy_store.write(actor) as session:
                session.add(Village(station_id=actor.station_id, name="后来村"))
                session.flush()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with busy_store.read() as session:
        assert session.exec(select(Village).where(Village.name == "后来村")).first() is None
    busy_store.dispose()


def test_read_session_refuses_orm_inserts(store: Store, actor: Actor) -> None:
    with pytest.raises(ReadOnlySession):
        with store.read() as session:
            session.add(Village(station_id=actor.station_id, name="偷偷村"))
            session.flush()
    with store.read() as session:
        assert session.exec(select(Village).where(Village.name == "偷偷村")).first() is None


def test_read_session_refuses_orm_updates(store: Store) -> None:
    with pytest.raises(ReadOnlySession):
        with store.read() as session:
            village = session.exec(select(Village).where(Village.name == VILLAGE)).one()
            village.name = "改名村"
            session.commit()
    with store.read() as session:
        assert session.exec(select(Village).where(Village.name == VILLAGE)).first() is not None


def test_read_session_refuses_sql_updates(store: Store) -> None:
    """A Core UPDATE through a read session would escape the change log just as an ORM one."""
    with pytest.raises(ReadOnlySession):
        with store.read() as session:
            session.execute(
                update(Setting).where(col(Setting.key) == "window_days.village").values(value="99")
            )
            session.commit()
    with store.read() as session:
        assert must_get(session, Setting, "window_days.village").value == "15"


def test_write_functions_refuse_a_read_session(store: Store, refs: Refs) -> None:
    form = VisitCreate(
        phone="13812341234",
        name="王阿姨",
        village_id=refs.villages[VILLAGE],
        category_id=refs.categories[CATEGORY],
        channel=Channel.walk_in,
        kind=VisitKind.request,
        text="路灯坏了",
    )
    with pytest.raises(ReadOnlySession):
        with store.read() as session:
            log_visit(session=session, visit_in=form)


def test_an_error_inside_write_session_rolls_back_everything(
    store: Store, actor: Actor, refs: Refs
) -> None:
    with store.read() as session:
        before = (_count(session, Constituent), _count(session, ChangeLog))
    form = VisitCreate(
        phone="13812341234",
        name="王阿姨",
        village_id=refs.villages[VILLAGE],
        category_id=refs.categories[CATEGORY],
        channel=Channel.walk_in,
        kind=VisitKind.request,
        text="路灯坏了",
    )
    with pytest.raises(RuntimeError, match="power cut"):
        with store.write(actor) as session:
            row = log_visit(session=session, visit_in=form)
            # Flushed, so the rows and their log entries are in the transaction already.
            assert session.exec(select(func.count()).select_from(ChangeLog)).one() > before[1]
            raise RuntimeError("power cut")
    with store.read() as session:
        assert session.execute(text("SELECT count(*) FROM visit")).scalar() == 0
        assert session.execute(select(ChangeLog).where(ChangeLog.row_id == row.id)).first() is None
        assert (_count(session, Constituent), _count(session, ChangeLog)) == before


def _messages(exc: BaseException) -> str:
    """Every message in the exception's chain, as a crash report would show them."""
    parts = []
    seen: BaseException | None = exc
    while seen is not None:
        parts.append(f"{type(seen).__name__}: {seen!s} {seen!r}")
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


def test_sql_errors_hide_their_parameters(store: Store, actor: Actor) -> None:
    with pytest.raises(IntegrityError) as caught:
        with store.write(actor) as session:
            session.add(
                Constituent(
                    station_id=actor.station_id,
                    name="欧阳秘密",
                    phone="13987654321",
                    village_id="no-such-village",
                    id_number="33052219900101123X",
                )
            )
            session.flush()
    text_of_error = _messages(caught.value)
    assert "FOREIGN KEY" in text_of_error
    for secret in ("欧阳秘密", "13987654321", "33052219900101123X"):
        assert secret not in text_of_error
    with store.read() as session:
        assert _count(session, Constituent) == 0


def test_visit_helper_writes_through_a_write_session(
    store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    row = make_visit()
    with store.read() as session:
        log = session.exec(select(ChangeLog).where(ChangeLog.row_id == row.id)).all()
    assert [entry.op for entry in log] == ["insert"]


def test_readers_and_writers_in_threads_share_the_pool_safely(store: Store, actor: Actor) -> None:
    """A read session marks its connection read-only; the mark must be gone before the pool
    hands that connection to a writer, whichever thread gets it next."""
    from concurrent.futures import ThreadPoolExecutor

    def read(_: int) -> int:
        with store.read() as session:
            return len(session.exec(select(Village)).all())

    def write(n: int) -> None:
        with store.write(actor) as session:
            session.add(Village(station_id=actor.station_id, name=f"并发村{n}"))

    with ThreadPoolExecutor(max_workers=6) as pool:
        jobs = [pool.submit(read if n % 2 else write, n) for n in range(60)]
        for job in jobs:
            job.result()
    with store.read() as session:
        written = session.exec(select(Village).where(Village.name.startswith("并发村"))).all()
    assert len(written) == 30
