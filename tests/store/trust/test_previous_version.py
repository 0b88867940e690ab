"""A station database made by an earlier release opens, upgrades with nothing lost, and syncs
(issue 7, part 7), on SQLite and on PostgreSQL.

`tests/data/station-0008.sqlite3` was written by schema 0008's code (commit 0f4539a),
`station-0009.sqlite3` by schema 0009's (commit 5f06edd), `station-0010.sqlite3` by 0010's
(commit 94153e6), `station-0011.sqlite3` by 0011's (commit 1e3144e), `station-0015.sqlite3` by
0015's (commit 34891a2), `station-0016.sqlite3` by 0016's (commit 707a188),
`station-0017.sqlite3` by 0017's (commit 3e86101), `station-0018.sqlite3` by 0018's
(commit b8b8cbe), `station-0019.sqlite3` by 0019's (commit 8d8a233), `station-0020.sqlite3` by
0020's (commit 57dc1b0), `station-0021.sqlite3` by 0021's (commit d2b5e25),
`station-0024.sqlite3` by 0024's (commit 5ca99cb), `station-0026.sqlite3` by 0026's
(commit d8f0a14), `station-0027.sqlite3` by 0027's (commit aa6fbce), `station-0028.sqlite3` by
0028's (commit 8712ea1): each
`fixtures.demo.build_demo(path, visits=80, seed=20260625, clock=FrozenClock(NOW))`, then VACUUM.
`station-0009.postgresql.sql` is `pg_dump --inserts` of a county hub on PostgreSQL that 0009's
code made (`init_hub`) and the 0009 station was pushed to (`push_to_hub`); the 0010, 0011,
0015, 0016, 0017, 0018, 0019, 0020, 0021, 0024, 0026, 0027 and 0028 dumps the same with their
code.
PostgreSQL came with schema 0009, so there is no older one.
Keep one file per released schema; make the next from the release before a migration is added,
in a `git worktree` of that release, with tests/data/make_fixtures.py."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from pg import PgServer
from small_station import NOW
from sqlalchemy import Engine, text
from sync_helpers import PASSPHRASE, log_on

from store.core.clock import FrozenClock
from store.core.models import Visit
from store.db import make_engine
from store.station import load_station, open_store
from store.sync.exchange import export_bundle, export_join_bundle, import_bundle, join_station
from store.trust.check import check_database
from store.trust.migrate import HEAD_REVISION, current_revision

DATA = Path(__file__).resolve().parents[2] / "data"
# Fixtures of released schemas older than this code's (the head's own is made ahead of the next
# migration, and is an upgrade fixture only once that migration exists).
FIXTURES = [
    f for f in sorted(DATA.glob("station-*.sqlite3")) if f.stem < f"station-{HEAD_REVISION}"
]
FIXTURE = FIXTURES[-1]
PG_DUMPS = [
    d
    for d in sorted(DATA.glob("station-*.postgresql.sql"))
    if d.name.split(".")[0] < f"station-{HEAD_REVISION}"
]
TABLES = ("station", "deputy", "village", "unit", "constituent", "issue", "visit", "progress",
          "evaluation", "shift", "change_log")  # fmt: skip


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _engine_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_an_earlier_schema_upgrades_with_nothing_lost(tmp_path: Path, fixture: Path) -> None:
    path = Path(shutil.copy(fixture, tmp_path / "station.sqlite3"))
    before = _counts(path)
    assert before["visit"] == 80
    copies: list[Path] = []
    store = open_store(path, clock=FrozenClock(NOW), on_backup=copies.append)
    try:
        assert current_revision(store.engine) == HEAD_REVISION
        report = check_database(engine=store.engine)
        assert report.ok, report.findings
    finally:
        store.dispose()
    assert _counts(path) == before
    # The file as it was is kept beside it, readable by the old version.
    assert len(copies) == 1 and _counts(copies[0]) == before


@pytest.mark.parametrize("dump", PG_DUMPS, ids=[d.name.split(".")[0] for d in PG_DUMPS])
def test_the_previous_schema_upgrades_on_postgresql(pg_server: PgServer, dump: Path) -> None:
    url = pg_server.create_database()
    try:
        pg_server.restore(url, dump.read_text())
        raw = make_engine(url)
        try:
            assert current_revision(raw) == dump.name.split(".")[0].removeprefix("station-")
            before = _engine_counts(raw)
        finally:
            raw.dispose()
        assert before["visit"] == 80
        store = open_store(url, clock=FrozenClock(NOW))
        try:
            assert current_revision(store.engine) == HEAD_REVISION
            assert _engine_counts(store.engine) == before
            report = check_database(engine=store.engine)
            assert report.ok, report.findings
        finally:
            store.dispose()
    finally:
        pg_server.drop_database(url)


def test_an_upgraded_station_makes_a_laptop_and_takes_its_bundle(tmp_path: Path) -> None:
    path = Path(shutil.copy(FIXTURE, tmp_path / "station.sqlite3"))
    clock = FrozenClock(NOW)
    station = open_store(path, clock=clock)
    try:
        export_join_bundle(
            store=station, db_path=path, out=tmp_path / "join.bundle", passphrase=PASSPHRASE
        )
        info = join_station(
            bundle=tmp_path / "join.bundle",
            db_path=tmp_path / "laptop.sqlite3",
            passphrase=PASSPHRASE,
            device_name="升级后的笔记本",
            clock=clock,
        )
        laptop = open_store(tmp_path / "laptop.sqlite3", clock=clock)
        try:
            visit = log_on(laptop, info, "升级以后在村里记的来访")
            export_bundle(store=laptop, out=tmp_path / "laptop.bundle")
        finally:
            laptop.dispose()
        taken = import_bundle(store=station, path=tmp_path / "laptop.bundle")
        assert taken.merge.by_table["visit"] == 1
        with station.read() as session:
            assert session.get(Visit, visit.id) is not None
        assert load_station(station).id == info.id
    finally:
        station.dispose()


def test_a_check_of_an_earlier_schema_says_so_and_changes_nothing(tmp_path: Path) -> None:
    """Seen by hand: `liaison check` of a station made by 0021's code listed eight tables as
    missing, as if the file were damaged."""
    path = Path(shutil.copy(FIXTURE, tmp_path / "station.sqlite3"))
    before = _counts(path)
    revision = FIXTURE.stem.split("-")[1]
    engine = make_engine(f"sqlite:///{path}")
    try:
        report = check_database(engine=engine)
        assert current_revision(engine) == revision
    finally:
        engine.dispose()
    assert [(f.key, f.params) for f in report.findings] == [
        ("check.older_schema", {"revision": revision})
    ]
    assert _counts(path) == before
