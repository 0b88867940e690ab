"""A station database made by an earlier release opens, upgrades with nothing lost, and syncs
(issue 7, part 7), on SQLite and on PostgreSQL.

`tests/data/station-0008.sqlite3` was written by schema 0008's code (commit 0f4539a),
`station-0009.sqlite3` by schema 0009's (commit 5f06edd), `station-0010.sqlite3` by 0010's
(commit 94153e6), `station-0011.sqlite3` by 0011's (commit 1e3144e), `station-0015.sqlite3` by
0015's (commit 34891a2), `station-0016.sqlite3` by 0016's (commit 707a188),
`station-0017.sqlite3` by 0017's (commit 3e86101), `station-0018.sqlite3` by 0018's
(commit b8b8cbe), `station-0019.sqlite3` by 0019's (commit 8d8a233), `station-0020.sqlite3` by
0020's (commit 57dc1b0), `station-0021.sqlite3` by 0021's (commit d2b5e25): each
`fixtures.demo.build_demo(path, visits=80, seed=20260625, clock=FrozenClock(NOW))`, then VACUUM.
`station-0009.postgresql.sql` is `pg_dump --inserts` of a county hub on PostgreSQL that 0009's
code made (`init_hub`) and the 0009 station was pushed to (`push_to_hub`); the 0010, 0011,
0015, 0016, 0017, 0018, 0019, 0020 and 0021 dumps the same with their code. PostgreSQL came
with schema 0009, so there is no older one.
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
from sqlmodel import select
from sync_helpers import PASSPHRASE, log_on

from store.changelog.chain import LOG_TABLE, verify_chain
from store.changelog.lean import logged_values
from store.core.clock import FrozenClock
from store.core.models import Constituent, Issue, Visit
from store.db import Store, make_engine
from store.station import load_station, open_store
from store.sync.exchange import export_bundle, export_join_bundle, import_bundle, join_station
from store.sync.hub import CONFIGURATION_TABLES, init_hub, open_hub, push_to_hub
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
# A station made by schema 0021's code (commit 153a22d) and its laptop's bundle of a visit it
# logged, triaged and added a note to, both written by that code (tests/data/make_old_laptop.py).
OLD_LAPTOP = DATA / "laptop-0021"
OLD_LAPTOP_PHONE = "13977778888"
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


def _entries(store: Store) -> dict[tuple[str, str], tuple[str, bool, dict[str, object]]]:
    """Each change-log entry by (device, stamp): its table, whether it is written lean, and its
    values."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT hlc, device_id, table_name, row_id, fields, layout FROM change_log")
        ).all()
        return {
            (r.device_id, r.hlc): (r.table_name, r.layout is not None, logged_values(conn, r))
            for r in rows
        }


def test_a_station_on_this_code_takes_an_older_laptops_bundle(tmp_path: Path) -> None:
    """Versions exchange both ways: a bundle carries JSON objects, as every version writes."""
    path = Path(shutil.copy(OLD_LAPTOP / "station.sqlite3", tmp_path / "station.sqlite3"))
    station = open_store(path, clock=FrozenClock(NOW))
    try:
        own = load_station(station).device_id
        taken = import_bundle(store=station, path=OLD_LAPTOP / "laptop.bundle")
        assert {"visit": 1, "issue": 1, "progress": 1}.items() <= taken.merge.by_table.items()
        with station.read() as session:
            (resident,) = session.exec(
                select(Constituent).where(Constituent.phone == OLD_LAPTOP_PHONE)
            ).all()
            (issue,) = session.exec(select(Issue)).all()
        assert (resident.name, issue.status) == ("王阿姨", "handling")
        # The station's own entries of before stay as they were written; what came in as JSON
        # objects is kept lean.
        entries = _entries(station)
        assert not any(lean for (device, _), (_, lean, _) in entries.items() if device == own)
        assert all(lean for (device, _), (_, lean, _) in entries.items() if device != own)
        with station.engine.connect() as conn:
            assert verify_chain(conn).ok
        assert check_database(engine=station.engine).ok
    finally:
        station.dispose()


def test_entries_of_before_verify_and_sync_beside_new_ones(tmp_path: Path) -> None:
    path = Path(shutil.copy(FIXTURE, tmp_path / "station.sqlite3"))
    station = open_store(path, clock=FrozenClock(NOW))
    init_hub(target=tmp_path / "hub.sqlite3", county="临溪县", clock=FrozenClock(NOW))
    hub, _ = open_hub(tmp_path / "hub.sqlite3", clock=FrozenClock(NOW))
    try:
        assert not any(lean for _, lean, _ in _entries(station).values())
        log_on(station, load_station(station), "升级以后在站里记的来访")
        entries = _entries(station)
        assert {lean for _, lean, _ in entries.values()} == {True, False}
        with station.engine.connect() as conn:
            assert verify_chain(conn).ok
        push_to_hub(station=station, hub=hub)
        # Every change but the station's configuration reached the hub, with the values it has
        # at the station, written before or after.
        held = _entries(hub)
        sent = {
            name: values
            for name, (table, _, values) in entries.items()
            if table not in CONFIGURATION_TABLES and table != LOG_TABLE
        }
        assert {name: held[name][2] for name in sent} == sent
        assert all(lean for _, lean, _ in held.values())
        assert check_database(engine=hub.engine).ok
        assert check_database(engine=station.engine).ok
    finally:
        station.dispose()
        hub.dispose()
