"""The store on PostgreSQL: what differs from SQLite (URLs, migrations from empty, trigram search,
READ ONLY reads, one writer at a time) and `liaison check` there. The shared behaviour runs on
both databases in the `both_backends` modules (duty loop, boards, search, stats, urgency...)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pg import PgServer
from sqlalchemy import inspect, text
from sqlmodel import SQLModel, col, select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.dialect import database_url, is_postgres_target, shown_target
from store.core.errors import DatabaseUnreadable, ReadOnlySession
from store.core.models import ChangeLog, Setting
from store.db import Store, make_engine
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.search.index import GRAM_INDEXES, has_search_index
from store.search.query import SearchKind, search
from store.station import DeputyIn, StationIn, VillageIn, init_station, open_store
from store.trust.check import check_database, repair_derived_data
from store.trust.migrate import (
    HEAD_REVISION,
    current_revision,
    downgrade,
    ensure_schema,
    include_object,
    upgrade,
)

pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 24)  # the frozen clock's day (tests/conftest.py)
# Not imported from tests/conftest.py: in a whole run, `conftest` may be tests/screens' module.
STATION = StationIn(
    name="青石镇人大代表联络站",
    township="青石镇",
    county="临溪县",
    deputies=[DeputyIn("沈国强")],
    villages=[VillageIn("青石村")],
)


def test_urls_name_psycopg_3_and_hide_passwords() -> None:
    for given in ("postgresql://u:secret@h:5/db", "postgresql+psycopg://u:secret@h:5/db"):
        assert is_postgres_target(given)
        assert database_url(given) == "postgresql+psycopg://u:secret@h:5/db"
        assert "secret" not in shown_target(given)
    assert make_engine("postgresql://u@h/db").dialect.driver == "psycopg"


def test_an_empty_database_is_migrated_to_head_with_its_search_indexes(
    pg_url_factory: Callable[[], str], clock: FrozenClock
) -> None:
    url = pg_url_factory()
    info = init_station(engine_path=url, station=STATION, clock=clock)
    store = open_store(url, clock=clock)
    try:
        assert current_revision(store.engine) == HEAD_REVISION
        with store.engine.connect() as conn:
            indexes = {
                ix["name"] for table in ("visit", "issue", "constituent")
                for ix in inspect(conn).get_indexes(table)
            }  # fmt: skip
            assert set(GRAM_INDEXES) <= indexes
            assert has_search_index(conn)
            # The migrations build exactly the models' schema here too.
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_object}
            )
            assert list(compare_metadata(context, SQLModel.metadata)) == []
        with store.read() as session:
            assert session.exec(select(Setting).where(Setting.key == "window_unit")).one()
            # Sessions in UTC, and no parallel workers or JIT for reads of a few milliseconds.
            settings = session.connection().exec_driver_sql(
                "SELECT current_setting('TimeZone'), "
                "current_setting('max_parallel_workers_per_gather'), current_setting('jit')"
            )
            assert settings.one() == ("UTC", "0", "off")
        assert info.name == STATION.name
    finally:
        store.dispose()


def test_downgrade_to_base_and_back(pg_url_factory: Callable[[], str]) -> None:
    engine = make_engine(pg_url_factory())
    try:
        upgrade(engine)
        downgrade(engine, "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        upgrade(engine, "0025")
        ensure_schema(engine, None)
        assert current_revision(engine) == HEAD_REVISION
        # Analyzed after upgrading: the planner knows the tables (-1: never analyzed).
        with engine.connect() as conn:
            never = conn.exec_driver_sql(
                "SELECT relname FROM pg_class WHERE relname IN ('visit', 'issue') AND reltuples < 0"
            )
            assert never.all() == []
    finally:
        engine.dispose()


def test_a_server_that_cannot_be_reached_is_unreadable_without_its_password() -> None:
    with pytest.raises(DatabaseUnreadable) as caught:
        open_store("postgresql://someone:secret@127.0.0.1:1/nowhere")
    assert "secret" not in str(caught.value.__dict__)


def test_reads_are_read_only_transactions(store: Store) -> None:
    with pytest.raises(ReadOnlySession), store.read() as session:
        session.connection().execute(text("UPDATE setting SET value = 'x'"))


def test_writers_take_turns_and_stamps_stay_in_order(
    store: Store, actor: Actor, make_visit: Callable[..., VisitRow]
) -> None:
    """A second writer waits for the first to commit (SQLite: BEGIN IMMEDIATE; PostgreSQL: the
    store's advisory lock), so its stamps come after the first's."""
    entered, release = threading.Event(), threading.Event()
    order: list[str] = []

    def first() -> None:
        with store.write(actor) as session:
            session.add(Setting(key="first", value="1"))
            session.flush()
            entered.set()
            release.wait(5)
            order.append("first")

    thread = threading.Thread(target=first)
    thread.start()
    assert entered.wait(5)

    def second_writer() -> None:
        make_visit()
        order.append("second")

    second = threading.Thread(target=second_writer)
    second.start()
    time.sleep(0.3)
    assert order == []  # the second writer is waiting
    release.set()
    thread.join(5)
    second.join(10)
    assert order == ["first", "second"]
    with store.read() as session:
        stamps = [
            row.hlc
            for row in session.exec(
                select(ChangeLog)
                .where(ChangeLog.device_id == actor.device_id)
                .order_by(col(ChangeLog.seq))
            )
        ]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_long_terms_find_issues_by_their_visits_words(
    store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(text="电动车的事\n桥头有人飞线充电，很危险")
    with store.read() as session:
        found = search(session=session, text="飞线充电", today=TODAY, kind=SearchKind.issues)
    assert [hit.row.id for hit in found.page.items] == [issue.id]
    assert found.page.items[0].by_title is False
    with store.read() as session:
        hits = search(session=session, text="WIFI", today=TODAY, kind=SearchKind.visits)
    assert hits.page.items == ()
    make_issue(text="村里的wifi信号很差")
    with store.read() as session:
        hits = search(session=session, text="WIFI", today=TODAY, kind=SearchKind.visits)
    assert len(hits.page.items) == 1  # caseless for ASCII, as SQLite's LIKE


def test_check_passes_after_real_work_and_finds_a_broken_count(
    store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    make_issue(text="路灯又坏了")
    assert check_database(engine=store.engine).ok
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE issue SET visit_count = 7 WHERE id = :i"), {"i": issue.id})
    keys = [f.key for f in check_database(engine=store.engine).findings]
    assert keys == ["check.visit_count"]


def test_check_finds_a_missing_search_index_and_repair_rebuilds_it(
    store: Store, make_issue: Callable[..., IssueRow], backend: str
) -> None:
    make_issue()
    with store.engine.begin() as conn:
        if backend == "postgresql":
            conn.exec_driver_sql("DROP INDEX ix_visit_text_grams")
        else:
            conn.exec_driver_sql("DROP TRIGGER visit_fts_insert")
        conn.exec_driver_sql("DELETE FROM word_day")
    keys = [f.key for f in check_database(engine=store.engine).findings]
    assert keys == ["check.search_index", "check.words"]
    assert repair_derived_data(engine=store.engine) == 1
    assert check_database(engine=store.engine).ok


def _liaison(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
    return subprocess.run(
        [sys.executable, "-c", "from tui.cli import main; main()", "--lang", "en", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=120,
    )


def test_liaison_check_on_postgres_and_backup_refused(
    pg_server: PgServer, pg_station_template: str
) -> None:
    """`liaison check --db URL` checks a PostgreSQL station; backup and restore say pg_dump is
    the tool there; commands that need a file say so, once, without the password."""
    url = pg_server.create_database(template=pg_station_template)
    checked = _liaison("check", "--db", url)
    assert checked.returncode == 0, checked.stderr
    assert "Check passed" in checked.stdout
    for args in (("backup", "--out", "/tmp/x.db"), ("restore", "/tmp/x.db")):
        refused = _liaison(*args, "--db", url)
        assert refused.returncode == 1
        assert refused.stderr.strip().splitlines() == [
            "liaison backup/restore copy a SQLite file: back up a PostgreSQL database with"
            " pg_dump and pg_restore"
        ]
    with_password = url.replace("postgres@", "postgres:secret@")
    exported = _liaison("export", "ledger", "--out", "/tmp/x.xlsx", "--db", with_password)
    assert exported.returncode == 2
    assert "not on PostgreSQL" in exported.stderr and "secret" not in exported.stderr
    pg_server.drop_database(url)
