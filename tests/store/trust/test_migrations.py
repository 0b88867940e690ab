"""Schema migrations: empty to head, from the previous head with data, down and up, `alembic
check`, and the files open_store refuses."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

import store.core.models  # noqa: F401  (registers every table on the metadata)
from store.changelog.chain import link
from store.changelog.lean import logged_values
from store.core.clock import FrozenClock
from store.core.errors import (
    DatabaseEncrypted,
    DatabaseTooNew,
    DatabaseUnreadable,
    StationMissing,
    WrongPassphrase,
)
from store.core.models import Tier, category_id_for
from store.core.settings import load_settings
from store.db import make_engine, sqlite_url
from store.search.index import SQLITE_OBJECTS
from store.station import load_station, open_store
from store.trust.check import check_database
from store.trust.migrate import (
    HEAD_REVISION,
    KNOWN_REVISIONS,
    alembic_config,
    current_revision,
    downgrade,
    include_object,
    upgrade,
)

STATION_ID = "11111111-1111-4111-8111-111111111111"
DEVICE_ID = "22222222-2222-4222-8222-222222222222"
VILLAGE_ID = "33333333-3333-4333-8333-333333333333"
DEPUTY_ID = "44444444-4444-4444-8444-444444444444"
PERSON_ID = "55555555-5555-4555-8555-555555555555"
CATEGORY_ID = "66666666-6666-4666-8666-666666666666"
UNIT_ID = "77777777-7777-4777-8777-777777777777"
ISSUE_ID = "88888888-8888-4888-8888-888888888888"
VISIT_ID = "99999999-9999-4999-8999-999999999999"
STAMP = "2026-06-01 02:00:00.000000"


@pytest.fixture
def engine_at(tmp_path: Path) -> Iterator[tuple[Path, Engine]]:
    """An empty SQLite file and an engine on it; disposed afterwards."""
    path = tmp_path / "old.db"
    engine = make_engine(sqlite_url(path))
    yield path, engine
    engine.dispose()


def _schema(engine: Engine) -> dict[str, set[str | None]]:
    """Tables and the names of their indexes, as the database has them."""
    with engine.connect() as conn:
        insp = inspect(conn)
        return {
            table: {ix["name"] for ix in insp.get_indexes(table)} - SQLITE_OBJECTS
            for table in insp.get_table_names()
            # The search index is made by store.search.index, not the models (tested there).
            if table != "alembic_version"
            and not table.startswith("visit_fts")
            and table not in SQLITE_OBJECTS
        }


def _model_schema() -> dict[str, set[str | None]]:
    return {
        name: {ix.name for ix in table.indexes} for name, table in SQLModel.metadata.tables.items()
    }


def _diffs(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        return list(compare_metadata(context, SQLModel.metadata))


def _sqlite(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _insert_0001_station(path: Path) -> None:
    """A station written by Liaison Desk at schema 0001, with plain SQL."""
    conn = _sqlite(path)
    with conn:
        conn.executemany(
            "INSERT INTO local_meta (key, value) VALUES (?, ?)",
            [("station_id", STATION_ID), ("device_id", DEVICE_ID)],
        )
        common = (STAMP, STAMP, DEVICE_ID)
        conn.execute(
            "INSERT INTO station (id, created_at, updated_at, device_id, name, township, county,"
            " timezone) VALUES (?, ?, ?, ?, '老站', '青石镇', '临溪县', 'Asia/Shanghai')",
            (STATION_ID, *common),
        )
        conn.execute(
            "INSERT INTO device (id, created_at, updated_at, device_id, station_id, name, kind)"
            " VALUES (?, ?, ?, ?, ?, 'station', 'station')",
            (DEVICE_ID, *common, STATION_ID),
        )
        conn.execute(
            "INSERT INTO deputy (id, created_at, updated_at, device_id, station_id, name, level,"
            " group_name, active) VALUES (?, ?, ?, ?, ?, '沈国强', 'county', '', 1)",
            (DEPUTY_ID, *common, STATION_ID),
        )
        conn.execute(
            "INSERT INTO village (id, created_at, updated_at, device_id, station_id, name, kind,"
            " position) VALUES (?, ?, ?, ?, ?, '青石村', 'village', 0)",
            (VILLAGE_ID, *common, STATION_ID),
        )
        conn.execute(
            "INSERT INTO constituent (id, created_at, updated_at, device_id, station_id, name,"
            " phone, village_id) VALUES (?, ?, ?, ?, ?, '王阿姨', '13812341234', ?)",
            (PERSON_ID, *common, STATION_ID, VILLAGE_ID),
        )
        # An issue fed by a visit: rows other tables point at, as every real station has. A
        # migration that rebuilds a table (Alembic's batch mode) fails on them.
        conn.execute(
            "INSERT INTO category (id, created_at, updated_at, device_id, name, position, active)"
            " VALUES (?, ?, ?, ?, '老分类', 0, 1)",
            (CATEGORY_ID, *common),
        )
        conn.execute(
            "INSERT INTO unit (id, created_at, updated_at, device_id, station_id, name, tier,"
            " active) VALUES (?, ?, ?, ?, ?, '青石村村委会', 'village', 1)",
            (UNIT_ID, *common, STATION_ID),
        )
        conn.execute(
            "INSERT INTO issue (id, created_at, updated_at, device_id, station_id, title,"
            " category_id, village_id, tier, unit_id, status, opened_on, window_days, due_on,"
            " warn_on, resupervision, reopen_count, visit_count)"
            " VALUES (?, ?, ?, ?, ?, '村口路灯坏了', ?, ?, 'village', ?, 'received',"
            " '2026-11-01', 15, '2026-11-16', '2026-11-11', 0, 0, 1)",
            (ISSUE_ID, *common, STATION_ID, CATEGORY_ID, VILLAGE_ID, UNIT_ID),
        )
        conn.execute(
            "INSERT INTO visit (id, created_at, updated_at, device_id, station_id, received_at,"
            " channel, kind, constituent_id, village_id, category_id, text, summary, issue_id)"
            " VALUES (?, ?, ?, ?, ?, ?, 'walk_in', 'request', ?, ?, ?, '村口路灯坏了一个多月',"
            " '村口路灯坏了一个多月', ?)",
            (VISIT_ID, *common, STATION_ID, STAMP, PERSON_ID, VILLAGE_ID, CATEGORY_ID, ISSUE_ID),
        )
    conn.close()


# ---------------------------------------------------------------------------------------------


def test_head_revision_constant_matches_alembic() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert HEAD_REVISION == script.get_current_head()
    assert set(KNOWN_REVISIONS) == {rev.revision for rev in script.walk_revisions()}


def test_every_revision_has_a_downgrade() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    for rev in script.walk_revisions():
        assert callable(getattr(rev.module, "downgrade", None)), rev.revision


def test_empty_to_head_builds_the_models_schema(engine_at: tuple[Path, Engine]) -> None:
    _, engine = engine_at
    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION
    assert _schema(engine) == _model_schema()
    assert _diffs(engine) == []


def test_head_seeds_categories_and_settings(engine_at: tuple[Path, Engine]) -> None:
    path, engine = engine_at
    upgrade(engine)
    conn = sqlite3.connect(path)
    try:
        categories = conn.execute("SELECT id, name FROM category ORDER BY position").fetchall()
        settings = dict(conn.execute("SELECT key, value FROM setting").fetchall())
    finally:
        conn.close()
    assert len(categories) == 28
    assert categories[0][1] == "道路交通"
    assert categories[-1][1] == "其他"
    # The same id on every device, so a laptop and its station agree without syncing the seed.
    assert all(cid == category_id_for(name) for cid, name in categories)
    assert settings["window_days.village"] == "15"
    assert settings["window_days.township"] == "30"
    assert settings["window_days.county"] == "60"


def test_alembic_check_finds_nothing_to_generate(engine_at: tuple[Path, Engine]) -> None:
    _, engine = engine_at
    upgrade(engine)
    config = alembic_config()
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        command.check(config)  # raises AutoGenerateDiffsDetected on any difference


def test_open_store_creates_a_new_database_at_head(tmp_path: Path) -> None:
    backups: list[Path] = []
    opened = open_store(tmp_path / "new" / "station.db", create=True, on_backup=backups.append)
    try:
        assert current_revision(opened.engine) == HEAD_REVISION
    finally:
        opened.dispose()
    assert backups == []


def test_station_at_head_opens_without_backup(station_path: Path, clock: FrozenClock) -> None:
    backups: list[Path] = []
    opened = open_store(station_path, clock=clock, on_backup=backups.append)
    opened.dispose()
    assert backups == []
    assert sorted(p.name for p in station_path.parent.iterdir() if ".before-" in p.name) == []


def test_0001_with_data_upgrades_keeps_data_and_leaves_a_backup(
    engine_at: tuple[Path, Engine], clock: FrozenClock
) -> None:
    path, engine = engine_at
    upgrade(engine, "0001")
    engine.dispose()
    _insert_0001_station(path)

    backups: list[Path] = []
    opened = open_store(path, clock=clock, on_backup=backups.append)
    try:
        assert current_revision(opened.engine) == HEAD_REVISION
        info = load_station(opened)
        assert (info.id, info.device_id, info.name) == (STATION_ID, DEVICE_ID, "老站")
        with opened.read() as session:
            assert load_settings(session=session).window_days[Tier.county] == 60
    finally:
        opened.dispose()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT name, phone FROM constituent").fetchall() == [
            ("王阿姨", "13812341234")
        ]
        assert conn.execute("SELECT count(*) FROM category").fetchone() == (29,)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # Derived data is built for what was there: pinyin, and the visit in the search index.
        assert conn.execute("SELECT name_initials FROM constituent").fetchall() == [("way",)]
        assert conn.execute(
            "SELECT v.id FROM visit_fts JOIN visit v ON v.rowid = visit_fts.rowid"
            " WHERE visit_fts MATCH '\"路灯坏\"'"
        ).fetchall() == [(VISIT_ID,)]
    finally:
        conn.close()

    assert len(backups) == 1
    backup = backups[0]
    assert backup.exists()
    assert backup != path
    assert backup.parent == path.parent
    copy = sqlite3.connect(backup)
    try:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert copy.execute("SELECT name FROM station").fetchall() == [("老站",)]
        assert copy.execute("SELECT count(*) FROM category").fetchone() == (1,)
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        copy.close()


def test_0001_with_a_changed_setting_keeps_the_stations_value(
    engine_at: tuple[Path, Engine], clock: FrozenClock
) -> None:
    """A station at 0001 that had already set its own village window (update_setting inserts
    the row when it is missing) must keep its value when 0002 seeds the defaults."""
    path, engine = engine_at
    upgrade(engine, "0001")
    engine.dispose()
    _insert_0001_station(path)
    conn = _sqlite(path)
    with conn:
        conn.execute(
            "INSERT INTO setting (key, value, updated_at, device_id)"
            " VALUES ('window_days.village', '10', ?, ?)",
            (STAMP, DEVICE_ID),
        )
    conn.close()

    opened = open_store(path, clock=clock)
    try:
        assert current_revision(opened.engine) == HEAD_REVISION
        with opened.read() as session:
            settings = load_settings(session=session)
        assert settings.window_days[Tier.village] == 10
        assert settings.window_days[Tier.township] == 30
    finally:
        opened.dispose()


def test_downgrade_from_head_to_0001_and_back(station_path: Path) -> None:
    engine = make_engine(sqlite_url(station_path))
    try:
        downgrade(engine, "0001")
        assert current_revision(engine) == "0001"
        # 0002's seed is gone, the station's own rows stay.
        conn = sqlite3.connect(station_path)
        try:
            assert conn.execute("SELECT count(*) FROM category").fetchone() == (0,)
            assert conn.execute("SELECT count(*) FROM setting").fetchone() == (0,)
            assert conn.execute("SELECT count(*) FROM village").fetchone() == (3,)
        finally:
            conn.close()
        upgrade(engine)
        assert current_revision(engine) == HEAD_REVISION
        assert _diffs(engine) == []
    finally:
        engine.dispose()


def test_downgrade_from_0026_writes_json_objects_back_linked_as_0025_links_them(
    station_path: Path,
) -> None:
    """The lean change log (0026, store.changelog.lean) downgraded: every entry a JSON object of
    the same values again, and every link what schema 0025's chain computes (a JSON object's
    text, no layout)."""
    engine = make_engine(sqlite_url(station_path))
    try:
        with engine.connect() as conn:
            before = {
                r.seq: logged_values(conn, r)
                for r in conn.exec_driver_sql(
                    "SELECT seq, row_id, device_id, fields, layout FROM change_log"
                )
            }
            assert conn.exec_driver_sql(
                "SELECT count(*) FROM change_log WHERE layout IS NOT NULL"
            ).scalar()
        downgrade(engine, "0025")
        db = sqlite3.connect(station_path)
        try:
            rows = db.execute(
                "SELECT seq, hlc, device_id, deputy_id, table_name, row_id, op, fields, at, base,"
                " seal, chain FROM change_log ORDER BY seq"
            ).fetchall()
        finally:
            db.close()
        previous = ""
        for seq, hlc, device, deputy, table, row_id, op, fields, at, base, seal, chain in rows:
            assert json.loads(fields) == before[seq]
            previous = link(
                previous, hlc, device, deputy, table, row_id, op, fields, at, base, seal
            )
            assert chain == previous, seq
        upgrade(engine)
        assert check_database(engine=engine).ok
    finally:
        engine.dispose()


def test_downgrade_to_base_and_back(engine_at: tuple[Path, Engine]) -> None:
    _, engine = engine_at
    upgrade(engine)
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert _schema(engine) == {}
    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION
    assert _schema(engine) == _model_schema()
    assert _diffs(engine) == []


# ---------------------------------------------------------------------------------------------
# Files open_store refuses.


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("日期,姓名,电话\n2026-11-24,王阿姨,13812341234\n".encode(), id="csv"),
        pytest.param(bytes(range(256)) * 8 + b"tail", id="binary"),
        pytest.param(b"SQLite format 3\x00" + b"\x07" * 4096, id="corrupt-sqlite"),
    ],
)
def test_a_file_that_is_not_a_database_is_unreadable(
    tmp_path: Path, clock: FrozenClock, content: bytes
) -> None:
    path = tmp_path / "station.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseUnreadable):
        open_store(path, clock=clock)
    assert path.read_bytes() == content


def test_bytes_shaped_like_an_encrypted_database_ask_for_its_passphrase(
    tmp_path: Path, clock: FrozenClock
) -> None:
    # Whole pages that do not start as SQLite does: only a passphrase could tell an encrypted
    # station from noise, so the deputy is asked for one (and a wrong one is refused).
    path = tmp_path / "station.db"
    content = bytes(range(256)) * 16
    path.write_bytes(content)
    with pytest.raises(DatabaseEncrypted):
        open_store(path, clock=clock)
    with pytest.raises(WrongPassphrase):
        open_store(path, clock=clock, key="any passphrase at all")
    assert path.read_bytes() == content


def test_a_missing_file_without_create_is_station_missing(
    tmp_path: Path, clock: FrozenClock
) -> None:
    path = tmp_path / "nowhere" / "station.db"
    with pytest.raises(StationMissing):
        open_store(path, clock=clock)
    assert not path.exists()
    assert not path.parent.exists()


def test_a_database_from_a_newer_version_is_refused(station_path: Path, clock: FrozenClock) -> None:
    conn = sqlite3.connect(station_path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()
    backups: list[Path] = []
    with pytest.raises(DatabaseTooNew) as caught:
        open_store(station_path, clock=clock, on_backup=backups.append)
    assert caught.value.params["revision"] == "0099"
    assert backups == []
    conn = sqlite3.connect(station_path)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0099",)]
    finally:
        conn.close()


def test_database_without_station_is_station_missing(tmp_path: Path, clock: FrozenClock) -> None:
    opened = open_store(tmp_path / "bare.db", clock=clock, create=True)
    try:
        with pytest.raises(StationMissing):
            load_station(opened)
    finally:
        opened.dispose()
