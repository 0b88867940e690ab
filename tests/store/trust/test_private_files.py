"""Every file the desk writes is readable by its owner only, every folder it makes too (issue 15,
part 4; docs/rules/data.md): databases and their -wal/-shm, backups, the copies kept before an
upgrade and a restore, prints, templates, exports and bundles. Each path is checked with the
common umask of 022 in force, which would otherwise give 0644 files and 0755 folders."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from shell import run
from small_station import NOW, SMALL_STATION, TODAY

from fixtures.demo import build_demo
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.ledger.export import export_ledger
from store.reports.slips import SlipKind, ensure_templates, print_slip
from store.station import init_station, open_store
from store.sync.exchange import export_bundle, export_join_bundle, join_station
from store.sync.hub import init_hub
from store.trust.backup import (
    backup_database,
    daily_backup,
    export_database,
    rekey_database,
    restore_database,
)

PASSPHRASE = "青石村 correct horse"
TZ = FrozenClock(NOW).tz


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private(*paths: Path) -> None:
    for path in paths:
        assert path.exists(), path
        expected = 0o700 if path.is_dir() else 0o600
        assert mode(path) == expected, f"{path.name}: {oct(mode(path))}"


def _with_side_files(store: Store, path: Path) -> list[Path]:
    """The database and the -wal/-shm SQLite makes once something is written."""
    with store.engine.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM station").scalar()
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def test_a_new_station_and_its_wal_and_shm(tmp_path: Path) -> None:
    path = tmp_path / "new" / "station.db"
    init_station(engine_path=path, station=SMALL_STATION, clock=FrozenClock(NOW))
    store = open_store(path, clock=FrozenClock(NOW))
    try:
        assert_private(*_with_side_files(store, path), path.parent)
    finally:
        store.dispose()


def test_a_demo(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    build_demo(path, visits=50, clock=FrozenClock(NOW))
    store = open_store(path)
    try:
        assert_private(*_with_side_files(store, path))
    finally:
        store.dispose()


def test_a_database_an_earlier_version_made_0644_is_made_private(station_path: Path) -> None:
    os.chmod(station_path, 0o644)
    store = open_store(station_path, clock=FrozenClock(NOW))
    try:
        assert_private(*_with_side_files(store, station_path))
    finally:
        store.dispose()


def test_a_read_only_file_stays_read_only(station_path: Path) -> None:
    """Making a file private takes permissions away, never gives its owner one."""
    os.chmod(station_path, 0o444)
    try:
        store = open_store(station_path, clock=FrozenClock(NOW))
        store.dispose()
    except Exception:  # noqa: BLE001 - what a read-only file does is tested elsewhere
        pass
    assert mode(station_path) == 0o400
    os.chmod(station_path, 0o600)


def test_liaison_backup(station_path: Path, tmp_path: Path) -> None:
    out = backup_database(source=station_path, target=tmp_path / "copies" / "b.sqlite3")
    assert_private(out, out.parent)


def test_the_daily_backup_and_its_folder(station_path: Path, tmp_path: Path) -> None:
    made = daily_backup(
        db_path=station_path,
        backup_dir=tmp_path / "backups",
        keep_days=14,
        today=TODAY,
        station=SMALL_STATION.name,
    )
    assert made is not None
    assert_private(made, made.parent)


def test_the_copy_before_an_upgrade(tmp_path: Path) -> None:
    old = tmp_path / "station.db"
    shutil.copyfile(Path(__file__).parents[2] / "data" / "station-0011.sqlite3", old)
    os.chmod(old, 0o644)
    copies: list[Path] = []
    store = open_store(old, on_backup=copies.append)
    store.dispose()
    assert copies
    assert_private(old, *copies)


def test_restore_the_copy_before_it_and_a_new_target(station_path: Path, tmp_path: Path) -> None:
    backup = backup_database(source=station_path, target=tmp_path / "b.sqlite3")
    live = tmp_path / "live" / "station.db"
    live.parent.mkdir()
    shutil.copyfile(station_path, live)
    os.chmod(live, 0o644)
    safety = restore_database(backup=backup, target=live)
    assert safety is not None
    assert_private(live, safety)
    fresh = tmp_path / "fresh.db"
    assert restore_database(backup=backup, target=fresh) is None
    assert_private(fresh)


def test_the_safety_copy_of_a_damaged_database(station_path: Path, tmp_path: Path) -> None:
    backup = backup_database(source=station_path, target=tmp_path / "b.sqlite3")
    damaged = tmp_path / "damaged.db"
    data = bytearray(station_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    damaged.write_bytes(bytes(data))
    try:
        safety = restore_database(backup=backup, target=damaged)
    except Exception:  # noqa: BLE001 - only the copy's mode is looked at here
        safety = None
    copies = safety and [safety] or list(tmp_path.glob("damaged.before-restore-*"))
    assert copies
    assert_private(*copies)


def test_rekey_and_export(station_path: Path, tmp_path: Path) -> None:
    os.chmod(station_path, 0o644)
    rekey_database(path=station_path, key=None, new_key=PASSPHRASE)
    assert_private(station_path)
    plain = export_database(
        source=station_path, source_key=PASSPHRASE, target=tmp_path / "plain.db", target_key=None
    )
    assert_private(plain)


def test_a_joining_bundle_a_laptop_and_its_bundle(station_path: Path, tmp_path: Path) -> None:
    clock = FrozenClock(NOW)
    store = open_store(station_path, clock=clock)
    try:
        join = tmp_path / "usb" / "join.bundle"
        export_join_bundle(store=store, db_path=station_path, out=join, passphrase=PASSPHRASE)
    finally:
        store.dispose()
    laptop = tmp_path / "laptop" / "laptop.db"
    join_station(
        bundle=join, db_path=laptop, passphrase=PASSPHRASE, device_name="笔记本", clock=clock
    )
    opened = open_store(laptop, clock=clock)
    try:
        out = tmp_path / "usb2" / "laptop.bundle"
        export_bundle(store=opened, out=out)
        assert_private(join, join.parent, *_with_side_files(opened, laptop), laptop.parent)
        assert_private(out, out.parent)
    finally:
        opened.dispose()


def test_a_hub_on_a_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    init_hub(target=path, county="临溪县", clock=FrozenClock(NOW))
    assert_private(path)


def test_slips_and_the_templates_copied_for_the_station(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], tmp_path: Path
) -> None:
    issue = make_issue(tier=Tier.township)
    templates, prints = tmp_path / "files" / "templates", tmp_path / "files" / "prints"
    with store.write(actor) as session:
        md, html = print_slip(
            session=session,
            issue_id=issue.id,
            kind=SlipKind.assignment,
            today=TODAY,
            tz=TZ,
            templates=templates,
            out_dir=prints,
        )
    assert_private(md, html, prints, templates, tmp_path / "files", *templates.iterdir())


def test_templates_in_a_folder_already_there(tmp_path: Path) -> None:
    ensure_templates(tmp_path)
    assert_private(*tmp_path.iterdir())


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_ledger_export(
    store: Store, make_issue: Callable[..., IssueRow], tmp_path: Path, suffix: str
) -> None:
    make_issue()
    out = tmp_path / f"ledger{suffix}"
    with store.read() as session:
        export_ledger(session=session, out=out, today=TODAY, reveal=True)
    assert_private(out)


@pytest.mark.parametrize("suffix", [".html", ".xlsx"])
def test_the_quarterly_report(store: Store, tmp_path: Path, suffix: str) -> None:
    from store.reports.quarterly_report import build_report, write_report
    from store.reports.stats import Period

    with store.read() as session:
        report = build_report(
            session=session, period=Period.parse_quarter("2026Q4"), today=TODAY, tz=TZ
        )
    out = tmp_path / f"q4{suffix}"
    write_report(report, out, text=lambda key, **kw: key, name=lambda m: str(m))
    assert_private(out)


def test_the_publication_list(store: Store, tmp_path: Path) -> None:
    from store.projects.publication import build_publication, write_publication

    with store.read() as session:
        publication = build_publication(session=session, today=TODAY)
    written = write_publication(
        publication, tmp_path / "prints", text=lambda key, **kw: key, name=lambda m: str(m)
    )
    assert_private(*written, tmp_path / "prints")


def test_the_command_line_s_files(tmp_path: Path) -> None:
    """`liaison` in a shell whose umask is 022 (the subprocess inherits it): the demo and its
    folder, a backup, a ledger export, a report and their folders."""
    out = tmp_path / "out"
    db = tmp_path / "made" / "demo.db"
    steps = [
        ["demo", "--db", str(db), "--visits", "60", "--no-open"],
        ["--db", str(db), "backup", "--out", str(out / "copies" / "demo-copy.sqlite3")],
        ["--db", str(db), "export", "ledger", "--out", str(out / "ledger" / "台账.xlsx")],
        ["--db", str(db), "export", "ledger", "--out", str(out / "ledger" / "台账.csv")],
        ["--db", str(db), "report", "--quarter", "2026Q3", "--out", str(out / "ledger" / "q.html")],
    ]
    for args in steps:
        done = run(*args)
        assert done.returncode == 0, (args, done.stderr)
    written = [p for p in out.rglob("*")]
    assert len(written) == 6
    assert_private(db, db.parent, *written)


def test_sqlite_gives_the_side_files_the_database_s_mode(tmp_path: Path) -> None:
    """What the store relies on: SQLite makes -wal and -shm with the database file's mode (not
    the umask's), so a database created 0600 keeps them 0600."""
    path = tmp_path / "plain.db"
    path.touch(mode=0o600)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        assert_private(path, Path(f"{path}-wal"), Path(f"{path}-shm"))
    finally:
        conn.close()
    assert date.today()  # the umask fixture is in force here too
