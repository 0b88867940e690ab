"""store.trust.backup: online backups, daily rotation and restore, on real SQLite files."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from small_station import SMALL_STATION, Refs
from sqlalchemy import func
from sqlmodel import select

from store.changelog.changes import Actor
from store.core.models import Channel, Visit, VisitCreate, VisitKind
from store.db import Store, make_engine, sqlite_url
from store.desk.visits import VisitRow, log_visit
from store.trust import backup as backup_module
from store.trust.backup import (
    DEFAULT_KEEP_DAYS,
    BackupOntoLive,
    BackupUnverified,
    RestoreBusy,
    RestoreCorrupt,
    RestoreError,
    RestoreNotDatabase,
    RestoreNotStation,
    RestoreTooNew,
    backup_database,
    daily_backup,
    load_keep_days,
    restore_database,
)
from store.trust.check import check_database
from tui.i18n import catalogue

VILLAGE = "青石村"
CATEGORY = "道路交通"


def _visits(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM visit").fetchone()[0])
    finally:
        conn.close()


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(f"SELECT * FROM {table} ORDER BY 1"))
    finally:
        conn.close()


def _check_ok(path: Path) -> bool:
    engine = make_engine(sqlite_url(path))
    try:
        return check_database(engine=engine).ok
    finally:
        engine.dispose()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_skips_a_write_still_in_progress(
    store: Store,
    station_path: Path,
    actor: Actor,
    refs: Refs,
    make_visit: Callable[..., VisitRow],
    tmp_path: Path,
) -> None:
    make_visit()
    with store.write(actor) as session:
        log_visit(
            session=session,
            visit_in=VisitCreate(
                phone="13912345678",
                name="赵先生",
                village_id=refs.villages[VILLAGE],
                category_id=refs.categories[CATEGORY],
                channel=Channel.phone,
                kind=VisitKind.request,
                text="进行中的写入",
            ),
        )
        session.flush()
        # This session holds the write lock with a visit flushed but not committed.
        copy = backup_database(source=station_path, target=tmp_path / "b" / "copy.sqlite3")
    assert _visits(copy) == 1
    assert _visits(station_path) == 2
    assert _check_ok(copy)


def test_backup_while_another_connection_keeps_writing(
    store: Store, station_path: Path, make_visit: Callable[..., VisitRow], tmp_path: Path
) -> None:
    stop = threading.Event()
    errors: list[BaseException] = []
    written = [0]

    def writer() -> None:
        try:
            while not stop.is_set():
                make_visit(text=f"第{written[0]}条")
                written[0] += 1
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    counts = []
    try:
        while written[0] < 3:
            stop.wait(0.01)
        for n in range(5):
            before = written[0]
            copy = backup_database(source=station_path, target=tmp_path / f"copy{n}.sqlite3")
            counts.append((before, _visits(copy), written[0]))
    finally:
        stop.set()
        thread.join()
    assert not errors
    for before, copied, after in counts:
        assert before <= copied <= after + 1
    assert counts[-1][2] > counts[0][0], "the writer made progress during the backups"
    for n in range(5):
        assert _check_ok(tmp_path / f"copy{n}.sqlite3")
    assert _check_ok(station_path)


def test_backup_is_one_self_contained_file(
    store: Store, station_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "station-copy.sqlite3"
    assert backup_database(source=station_path, target=target) == target
    assert sorted(p.name for p in target.parent.iterdir()) == ["station-copy.sqlite3"]
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT count(*) FROM station").fetchone()[0] == 1
    finally:
        conn.close()


def test_backup_refuses_the_live_database(station_path: Path) -> None:
    before = _digest(station_path)
    for target in (station_path, station_path.parent / "." / station_path.name):
        with pytest.raises(BackupOntoLive) as caught:
            backup_database(source=station_path, target=target)
        assert caught.value.key in catalogue("zh")
    with pytest.raises(BackupOntoLive):
        backup_database(source=station_path, target=Path(f"{station_path}-wal"))
    assert _digest(station_path) == before


def test_an_unverified_copy_is_not_kept(
    station_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "copy.sqlite3"
    monkeypatch.setattr(backup_module, "_integrity_ok", lambda _conn: False)
    with pytest.raises(BackupUnverified):
        backup_database(source=station_path, target=target)
    assert list(target.parent.iterdir()) == []


def test_daily_backups_one_a_day_and_keep_n_days(station_path: Path, tmp_path: Path) -> None:
    """The folder is this database's own (store.core.files.station_folders): every daily copy in
    it is its own, whatever station name it carries (a station renamed since); other files stay."""
    folder = tmp_path / "backups"
    folder.mkdir()
    keep = [folder / "notes.txt", folder / "青石镇人大代表联络站-2020-01-01.sqlite3.bak"]
    for path in keep:
        path.write_text("not a daily copy")
    renamed = folder / "旧站名-2026-10-01.sqlite3"
    backup_database(source=station_path, target=renamed)
    start = date(2026, 11, 1)
    name = SMALL_STATION.name
    for offset in range(10):
        day = start + timedelta(days=offset)
        made = daily_backup(
            db_path=station_path, backup_dir=folder, keep_days=3, today=day, station=name
        )
        assert made == folder / f"{name}-{day.isoformat()}.sqlite3.gz"
        again = daily_backup(
            db_path=station_path, backup_dir=folder, keep_days=3, today=day, station="改名了"
        )
        assert again is None
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [p.name for p in keep] + [f"{name}-2026-11-{d:02d}.sqlite3.gz" for d in (8, 9, 10)]
    )
    with pytest.raises(ValueError):
        daily_backup(db_path=station_path, backup_dir=folder, keep_days=0, today=start, station="")


def test_a_daily_copy_is_compressed_and_restores(station_path: Path, tmp_path: Path) -> None:
    """A plain database's daily copy is gzip data, smaller than the file, and `restore` reads it
    back to the same rows; so it does an uncompressed copy of an earlier version."""
    made = daily_backup(
        db_path=station_path,
        backup_dir=tmp_path / "b",
        keep_days=14,
        today=date(2026, 11, 24),
        station=SMALL_STATION.name,
    )
    assert made is not None and made.read_bytes()[:2] == b"\x1f\x8b"
    assert made.stat().st_size < station_path.stat().st_size / 3
    for backup in (made, backup_database(source=station_path, target=tmp_path / "old.sqlite3")):
        target = tmp_path / f"restored-{backup.suffix}.db"
        assert restore_database(backup=backup, target=target) is None
        assert _check_ok(target)
        assert _rows(target, "station") == _rows(station_path, "station")
    # Nothing left behind beside the target but the databases restored.
    assert sorted(p.name for p in tmp_path.glob(".*")) == []


def test_a_damaged_compressed_copy_is_refused(station_path: Path, tmp_path: Path) -> None:
    made = backup_database(source=station_path, target=tmp_path / "b.sqlite3.gz")
    cut = tmp_path / "cut.sqlite3.gz"
    cut.write_bytes(made.read_bytes()[: made.stat().st_size // 2])
    live = tmp_path / "live.db"
    backup_database(source=station_path, target=live)
    before = live.read_bytes()
    with pytest.raises(RestoreNotDatabase):
        restore_database(backup=cut, target=live)
    assert live.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_keep_days_comes_from_the_settings_or_defaults(store: Store, station_path: Path) -> None:
    with store.read() as session:
        assert load_keep_days(session=session) == DEFAULT_KEEP_DAYS == 14
    conn = sqlite3.connect(station_path)
    # Seeded by migration 0003; the station changes it.
    conn.execute("UPDATE setting SET value = '30' WHERE key = 'backup_keep_days'")
    conn.commit()
    conn.close()
    with store.read() as session:
        assert load_keep_days(session=session) == 30


def test_restore_round_trip(
    store: Store, station_path: Path, make_visit: Callable[..., VisitRow], tmp_path: Path
) -> None:
    make_visit()
    copy = backup_database(source=station_path, target=tmp_path / "b" / "copy.sqlite3")
    later = make_visit(text="备份之后的来访")
    with store.read() as session:
        assert session.get(Visit, later.id) is not None

    # The app's engine stays open throughout, as it would at the station.
    safety = restore_database(backup=copy, target=station_path)

    assert safety is not None
    assert safety.name.startswith("station.before-restore-")
    assert safety.suffix == ".sqlite3"
    with store.read() as session:
        assert session.get(Visit, later.id) is None
        assert session.exec(select(func.count()).select_from(Visit)).one() == 1
    conn = sqlite3.connect(safety)
    try:
        assert conn.execute("SELECT 1 FROM visit WHERE id = ?", (later.id,)).fetchone()
    finally:
        conn.close()
    assert _check_ok(station_path)
    assert _check_ok(safety)


def test_restore_onto_a_new_file(station_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "laptop" / "station.sqlite3"
    assert restore_database(backup=station_path, target=target) is None
    assert _visits(target) == 0
    assert _check_ok(target)


def _newer_revision(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()


def _not_station(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), page):
        data[offset : offset + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("spoil", "error"),
    [
        (lambda p: p.write_text("姓名,电话\n王阿姨,13812341234\n"), RestoreNotDatabase),
        (lambda p: p.write_bytes(b""), RestoreNotDatabase),
        (_not_station, RestoreNotStation),
        (_newer_revision, RestoreTooNew),
        (_corrupt, RestoreCorrupt),
    ],
    ids=["text", "empty", "not-station", "newer", "corrupt"],
)
def test_restore_refuses_a_bad_backup(
    station_path: Path, tmp_path: Path, spoil: Callable[[Path], None], error: type[RestoreError]
) -> None:
    bad = tmp_path / "bad.sqlite3"
    if spoil is not _not_station:
        backup_database(source=station_path, target=bad)
    spoil(bad)
    before = _digest(station_path)
    with pytest.raises(error) as caught:
        restore_database(backup=bad, target=station_path)
    assert caught.value.key in catalogue("zh")
    assert "王阿姨" not in str(caught.value)
    assert _digest(station_path) == before
    assert not list(station_path.parent.glob("*before-restore*"))


def test_restore_gives_up_on_a_writer_that_holds_the_lock(
    station_path: Path, tmp_path: Path
) -> None:
    copy = backup_database(source=station_path, target=tmp_path / "b" / "copy.sqlite3")
    writer = sqlite3.connect(station_path, isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE deputy SET group_name = group_name")
    try:
        with pytest.raises(RestoreBusy):
            restore_database(backup=copy, target=station_path, timeout_ms=300)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert not list(station_path.parent.glob("*before-restore*"))
    assert restore_database(backup=copy, target=station_path) is not None
