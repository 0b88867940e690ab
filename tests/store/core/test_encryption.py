"""A database encrypted at rest (issue 7 part 1, docs/rules/sync.md): SQLCipher files keyed by a
passphrase.

Everything on real files: the store API works the same on an encrypted file; neither the file,
its WAL, its copies nor the bundles made from it hold a resident's name or phone in the clear."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from small_station import NOW, SMALL_STATION, STATION_TZ, TODAY
from sync_helpers import log_on

from store.core.cipher import key_opens
from store.core.clock import FrozenClock
from store.core.errors import DatabaseEncrypted, WrongPassphrase
from store.core.files import SQLITE_HEADER, is_encrypted_file
from store.db import Store, make_engine, sqlite_url
from store.reports.quarterly_report import build_report
from store.reports.stats import Period
from store.search.query import SearchKind, search
from store.station import init_station, load_station, open_store
from store.sync.exchange import export_bundle, export_join_bundle, import_bundle, join_station
from store.trust.backup import (
    RekeyBusy,
    backup_database,
    connect_file,
    export_database,
    rekey_database,
    restore_database,
)
from store.trust.check import check_database

KEY = "laptop passphrase 1"
JOIN = "青石村 correct horse"
NAME, PHONE = "王阿姨", "13957001234"
WORDS = "桥头路灯不亮已经三天"


def _secret_bytes() -> list[bytes]:
    return [s.encode("utf-8") for s in (NAME, PHONE, WORDS[:4])]


def _clean(*paths: Path) -> bool:
    """None of the files (that exist) holds the resident's name, phone or words as UTF-8."""
    for path in paths:
        if path.exists():
            data = path.read_bytes()
            if any(secret in data for secret in _secret_bytes()):
                return False
    return True


def _side_files(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _visit_count(store: Store) -> int:
    with store.read() as session:
        return int(session.connection().exec_driver_sql("SELECT count(*) FROM visit").scalar_one())


@pytest.fixture(scope="module")
def encrypted_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("encrypted") / "laptop.db"
    init_station(engine_path=path, station=SMALL_STATION, clock=FrozenClock(NOW), key=KEY)
    return path


@pytest.fixture
def encrypted_path(tmp_path: Path, encrypted_template: Path) -> Path:
    return backup_database(source=encrypted_template, target=tmp_path / "laptop.db", key=KEY)


def test_a_new_encrypted_station_has_no_sqlite_header(encrypted_path: Path) -> None:
    head = encrypted_path.read_bytes()[:16]
    assert head != SQLITE_HEADER
    assert is_encrypted_file(encrypted_path)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(encrypted_path).execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert key_opens(encrypted_path, KEY)
    assert not key_opens(encrypted_path, KEY + "x")


def test_the_store_works_on_an_encrypted_file_and_writes_nothing_in_clear(
    encrypted_path: Path, clock: FrozenClock
) -> None:
    store = open_store(encrypted_path, clock=clock, key=KEY)
    try:
        info = load_station(store)
        row = log_on(store, info, WORDS, phone=PHONE)
        wal, _ = _side_files(encrypted_path)
        # Before any checkpoint the new pages are in the WAL: encrypted there too.
        assert wal.exists() and wal.stat().st_size > 0
        assert _clean(encrypted_path, wal)
        with store.read() as session:
            found = search(session=session, text="路灯不亮", today=TODAY, kind=SearchKind.visits)
            fts = session.connection().exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE name = 'visit_fts'"
            )
            assert fts.scalar() == 1  # the trigram index, not a LIKE fallback
            report = build_report(
                session=session, period=Period.parse_quarter("2026Q4"), today=TODAY, tz=STATION_TZ
            )
        assert [hit.id for hit in found.page.items] == [row.id]
        assert report is not None
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        assert _clean(encrypted_path, *_side_files(encrypted_path))
        assert check_database(engine=store.engine).ok
    finally:
        store.dispose()
    assert _clean(encrypted_path, *_side_files(encrypted_path))


def test_no_key_or_a_wrong_one_opens_nothing_and_changes_nothing(
    encrypted_path: Path, clock: FrozenClock
) -> None:
    before = _digest(encrypted_path)
    with pytest.raises(DatabaseEncrypted) as no_key:
        open_store(encrypted_path, clock=clock)
    with pytest.raises(WrongPassphrase) as wrong:
        open_store(encrypted_path, clock=clock, key="not the passphrase")
    assert (no_key.value.key, wrong.value.key) == (
        "error.db_encrypted",
        "error.db_wrong_passphrase",
    )
    assert _digest(encrypted_path) == before
    store = open_store(encrypted_path, clock=clock, key=KEY)
    store.dispose()


def test_a_key_given_for_a_plain_file_is_not_used(station_path: Path, clock: FrozenClock) -> None:
    store = open_store(station_path, clock=clock, key=KEY)
    try:
        assert store.key is None
        assert load_station(store).name == SMALL_STATION.name
    finally:
        store.dispose()
    assert station_path.read_bytes()[:16] == SQLITE_HEADER


def test_backups_and_restores_of_an_encrypted_file_stay_encrypted(
    encrypted_path: Path, tmp_path: Path, clock: FrozenClock
) -> None:
    store = open_store(encrypted_path, clock=clock, key=KEY)
    try:
        log_on(store, load_station(store), WORDS, phone=PHONE)
    finally:
        store.dispose()
    copy = backup_database(source=encrypted_path, target=tmp_path / "copy.db", key=KEY)
    assert is_encrypted_file(copy) and _clean(copy)
    engine = make_engine(sqlite_url(copy), key=KEY)
    try:
        assert check_database(engine=engine).ok
    finally:
        engine.dispose()
    target = tmp_path / "restored.db"
    restore_database(backup=copy, target=target, key=KEY)
    assert is_encrypted_file(target) and _clean(target)
    restored = open_store(target, clock=clock, key=KEY)
    try:
        assert _visit_count(restored) == 1
    finally:
        restored.dispose()


def test_the_copy_before_an_upgrade_is_encrypted(tmp_path: Path, clock: FrozenClock) -> None:
    old = Path(__file__).resolve().parents[2] / "data" / "station-0008.sqlite3"
    plain = backup_database(source=old, target=tmp_path / "old-plain.db")
    encrypted = export_database(
        source=plain, source_key=None, target=tmp_path / "old.db", target_key=KEY
    )
    copies: list[Path] = []
    store = open_store(encrypted, clock=clock, key=KEY, on_backup=copies.append)
    store.dispose()
    assert len(copies) == 1 and is_encrypted_file(copies[0])
    conn = connect_file(copies[0], key=KEY)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0008",)
    finally:
        conn.close()


def test_an_encrypted_laptop_and_a_plain_station_sync_both_ways(
    station_path: Path, tmp_path: Path, clock: FrozenClock
) -> None:
    station = open_store(station_path, clock=clock)
    try:
        join = tmp_path / "join.bundle"
        export_join_bundle(store=station, db_path=station_path, out=join, passphrase=JOIN)
        laptop_path = tmp_path / "laptop.db"
        join_station(
            bundle=join,
            db_path=laptop_path,
            passphrase=JOIN,
            device_name="laptop",
            clock=clock,
            key=KEY,
        )
        assert is_encrypted_file(laptop_path)
        # Nothing of the joining copy is left beside the laptop's file.
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
        laptop = open_store(laptop_path, clock=clock, key=KEY)
        try:
            log_on(laptop, load_station(laptop), WORDS, phone=PHONE)
            up = export_bundle(store=laptop, out=tmp_path / "up.bundle")
            assert _clean(up.path)
            import_bundle(store=station, path=up.path)
            assert _visit_count(station) == 1
            log_on(station, load_station(station), "站里登记的另一件事", phone="13800001111")
            down = export_bundle(store=station, out=tmp_path / "down.bundle")
            import_bundle(store=laptop, path=down.path)
            assert _visit_count(laptop) == 2
        finally:
            laptop.dispose()
    finally:
        station.dispose()
    assert _clean(laptop_path, *_side_files(laptop_path))


def test_an_encrypted_station_makes_laptops_without_its_key(
    encrypted_path: Path, tmp_path: Path, clock: FrozenClock
) -> None:
    station = open_store(encrypted_path, clock=clock, key=KEY)
    try:
        log_on(station, load_station(station), WORDS, phone=PHONE)
        join = tmp_path / "join.bundle"
        export_join_bundle(store=station, db_path=encrypted_path, out=join, passphrase=JOIN)
    finally:
        station.dispose()
    assert _clean(join)
    for name, key in (("plain.db", None), ("own-key.db", "another laptop key")):
        path = tmp_path / name
        join_station(
            bundle=join, db_path=path, passphrase=JOIN, device_name=name, clock=clock, key=key
        )
        assert is_encrypted_file(path) == (key is not None)
        laptop = open_store(path, clock=clock, key=key)
        try:
            assert _visit_count(laptop) == 1
        finally:
            laptop.dispose()


def test_rekey_encrypts_a_plain_station_then_changes_its_passphrase(
    station_path: Path, clock: FrozenClock
) -> None:
    store = open_store(station_path, clock=clock)
    try:
        log_on(store, load_station(store), WORDS, phone=PHONE)
        # Not while another connection has it open: its writes would go to the old file.
        with pytest.raises(RekeyBusy):
            rekey_database(path=station_path, key=None, new_key=KEY)
    finally:
        store.dispose()
    assert station_path.read_bytes()[:16] == SQLITE_HEADER
    rekey_database(path=station_path, key=None, new_key=KEY)
    assert is_encrypted_file(station_path) and _clean(station_path)
    with pytest.raises(WrongPassphrase):
        rekey_database(path=station_path, key="not the passphrase", new_key="whatever 123")
    rekey_database(path=station_path, key=KEY, new_key="the new one 42")
    assert not key_opens(station_path, KEY)
    reopened = open_store(station_path, clock=clock, key="the new one 42")
    try:
        assert _visit_count(reopened) == 1
    finally:
        reopened.dispose()
