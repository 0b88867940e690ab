"""Copies of a live database through SQLite's online backup API (safe while the app is open).

An encrypted database (SQLCipher, docs/rules/sync.md) is copied through sqlcipher3 with its
passphrase, so every copy of it is encrypted with the same passphrase: a copy is never plainer than
its source.

A copy whose name ends in `.gz` is compressed (gzip, Python's own zlib): the daily backups of a
plain database are, since a 100,000-visit station's file is over a gigabyte and mostly the change
log's JSON, which compresses well (BENCHMARKS.md). An encrypted file's pages look random and do not
compress: its daily copies stay `.sqlite3`. A restore reads either, and the copies of earlier
versions (plain `.sqlite3`)."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import sqlite3
import time
import zlib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from store.core.cipher import cipher_dbapi, key_pragma
from store.core.errors import N_, StoreError
from store.core.files import (
    copy_private,
    file_slug,
    is_gzip_file,
    private_database,
    private_dir,
    private_file,
    written_whole,
)
from store.core.models import Setting
from store.db import BUSY_TIMEOUT_MS

SQLITE_HEADER = b"SQLite format 3\x00"
COMPRESSED = ".gz"
# zlib's level for backups: 1 compresses the 100,000-visit demo to BENCHMARKS.md's figure in a
# fraction of level 6's time, for a few per cent more bytes.
GZIP_LEVEL = 1
# How much is read and written at a time while compressing or expanding a copy.
CHUNK = 1 << 20
# docs/rules/data.md leaves the number of daily copies to the station; this is the fallback.
DEFAULT_KEEP_DAYS = 14
KEEP_DAYS_SETTING = "backup_keep_days"


class BackupError(StoreError):
    key = N_("backup.failed")


class BackupOntoLive(BackupError):
    """The target is the live database itself (or its WAL): copying would destroy it."""

    key = N_("backup.onto_live")


class BackupOnPostgres(BackupError):
    """Backups and restores copy a SQLite file; a PostgreSQL database has pg_dump for that."""

    key = N_("backup.postgres")


class BackupUnverified(BackupError):
    """The copy did not pass `PRAGMA integrity_check`; it was not kept."""

    key = N_("backup.unverified")


class RestoreError(StoreError):
    key = N_("restore.failed")


class RestoreNotDatabase(RestoreError):
    key = N_("restore.not_database")


class RestoreCorrupt(RestoreError):
    key = N_("restore.corrupt")


class RestoreNotStation(RestoreError):
    key = N_("restore.not_station")


class RestoreTooNew(RestoreError):
    key = N_("restore.too_new")


class RestoreBusy(RestoreError):
    """Another terminal held the write lock on the target longer than the busy timeout."""

    key = N_("restore.busy")


class _GaveUp(Exception):
    """Raised from a backup progress callback to abort a copy stuck on a lock."""


def _driver(key: str | None) -> Any:
    """The DBAPI module for a file: Python's sqlite3 for a plain one, sqlcipher3 for an
    encrypted one."""
    return sqlite3 if key is None else cipher_dbapi()


def db_errors(key: str | None) -> tuple[type[Exception], ...]:
    """The exceptions a connection of `connect_file` raises (sqlcipher3 has its own classes)."""
    return (sqlite3.Error,) if key is None else (sqlite3.Error, _driver(key).Error)


def connect_file(
    path: Path, *, key: str | None, read_only: bool = False, timeout_ms: int = BUSY_TIMEOUT_MS
) -> Any:
    """A raw connection to a SQLite file in autocommit mode, keyed first when `key` is given."""
    if not read_only:
        private_database(path)
    uri = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    conn = _driver(key).connect(uri, uri=read_only, timeout=timeout_ms / 1000, isolation_level=None)
    if key is not None:
        conn.execute(key_pragma(key))
    conn.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
    return conn


def backup_to(source: Path, target: Path, *, key: str | None = None) -> Path:
    """Copy `source` to `target` page by page; readers and writers may carry on meanwhile.

    Args:
        key: the passphrase of an encrypted `source`; the copy is encrypted with it too.
    """
    private_dir(target.parent)
    src = connect_file(source, key=key)
    try:
        dst = connect_file(target, key=key)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def backup_before_upgrade(db_path: Path, revision: str, *, key: str | None = None) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.stem}.before-upgrade-{revision}-{stamp}{db_path.suffix}")
    return backup_to(db_path, target, key=key)


def export_database(
    *, source: Path, source_key: str | None, target: Path, target_key: str | None
) -> Path:
    """Write the whole database at `source` to a new file `target` keyed with `target_key`
    (plain when None), through SQLCipher's `sqlcipher_export`: how a database changes between
    encrypted and plain, or from one passphrase to another. `source` must not be open for
    writing meanwhile (a file being made, or a snapshot copy).

    Raises:
        FileExistsError: something is at `target` already.
        sqlcipher3 errors: a wrong `source_key`, or the disk.
    """
    if target.exists():
        raise FileExistsError(str(target))
    private_file(target)  # SQLCipher's ATTACH takes an empty file for a new database
    # Even a plain source is read through sqlcipher3: the export is SQLCipher's alone.
    conn = _driver("cipher").connect(str(source), isolation_level=None)
    try:
        if source_key is not None:
            conn.execute(key_pragma(source_key))
        conn.execute("ATTACH DATABASE ? AS target KEY ?", (str(target), target_key or ""))
        conn.execute("SELECT sqlcipher_export('target')")
        conn.execute("DETACH DATABASE target")
    finally:
        conn.close()
    return target


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _is_live_file(source: Path, target: Path) -> bool:
    """True when `target` is the database at `source` or one of its -wal/-shm/-journal files."""
    if _same_file(source, target):
        return True
    return any(
        _same_file(source.with_name(source.name + suffix), target)
        for suffix in ("-wal", "-shm", "-journal")
    )


class RekeyBusy(StoreError):
    """Another connection has the database open: its passphrase is changed only when nothing
    else is using it (close the app first)."""

    key = N_("rekey.busy")


def rekey_database(*, path: Path, key: str | None, new_key: str | None) -> None:
    """Give the database at `path` a new passphrase, or encrypt a plain one (`key` None), or
    make an encrypted one plain (`new_key` None).

    The database is first made a single file (its WAL checkpointed into it, journal mode DELETE:
    which only works when no other connection has it open), then exported whole under the new
    key beside it, checked, synced and renamed over it: the old file stays whole until then.

    Raises:
        RekeyBusy: another connection has the database open.
        WrongPassphrase: `key` does not open it.
        BackupUnverified: the new file did not pass its integrity check (the old one is kept).
    """
    from store.core.errors import WrongPassphrase

    tmp = path.with_name(f".{path.name}.rekey")
    remove_database_files(tmp)
    try:
        conn = _connect(path, key=key, timeout_ms=1000)
    except db_errors(key):
        raise WrongPassphrase(path=str(path)) from None
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except db_errors(key):
        conn.close()
        raise WrongPassphrase(path=str(path)) from None
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except db_errors(key):
        mode = "busy"
    finally:
        conn.close()
    if str(mode).lower() != "delete":
        raise RekeyBusy()
    try:
        export_database(source=path, source_key=key, target=tmp, target_key=new_key)
        check = _connect(tmp, key=new_key)
        try:
            if not _integrity_ok(check):
                raise BackupUnverified()
        finally:
            check.close()
        put_in_place(tmp, path)
    finally:
        remove_database_files(tmp)


def _connect(
    path: Path,
    *,
    timeout_ms: int = BUSY_TIMEOUT_MS,
    read_only: bool = False,
    key: str | None = None,
) -> Any:
    return connect_file(path, key=key, read_only=read_only, timeout_ms=timeout_ms)


def _copy(src: Any, dst: Any, *, timeout_ms: int) -> None:
    """One-step online backup (one consistent snapshot of the source; WAL writers carry on),
    aborted if a lock is still held after `timeout_ms`. Python's own loop would retry forever."""
    started = time.monotonic()

    def progress(status: int, _remaining: int, _total: int) -> None:
        stuck = status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
        if stuck and (time.monotonic() - started) * 1000 >= timeout_ms:
            raise _GaveUp()

    src.backup(dst, pages=-1, progress=progress, sleep=0.05)


def _integrity_ok(conn: Any) -> bool:
    rows: list[tuple[Any, ...]] = conn.execute("PRAGMA integrity_check").fetchall()
    return rows == [("ok",)]


def put_in_place(tmp: Path, target: Path) -> None:
    """Make the finished copy at `tmp` the file at `target`, durably: its bytes, then the
    rename, reach the disk before anyone is told it is done."""
    with tmp.open("rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # Windows cannot open a directory; its rename is durable enough.
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_database_files(path: Path) -> None:
    """A database file and its WAL and shared-memory files, where they exist."""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        p.unlink(missing_ok=True)


def backup_database(
    *,
    source: Path,
    target: Path,
    verify: bool = True,
    timeout_ms: int = BUSY_TIMEOUT_MS,
    key: str | None = None,
) -> Path:
    """Copy a live station database to `target`, whole or not at all.

    The copy is one consistent snapshot taken with SQLite's online backup API, so the app and
    an import may keep writing meanwhile. It is written beside `target` under a temporary name,
    checked, made a single self-contained file (journal mode DELETE), synced, then renamed.

    Args:
        source: the live database.
        target: where the copy goes; an existing file there is replaced.
        verify: run `PRAGMA integrity_check` on the copy (off only for a safety copy of a
            database that may itself be damaged).
        timeout_ms: how long to wait for a lock before giving up.
        key: the passphrase of an encrypted `source`; the copy is encrypted with it too.
    Returns:
        `target`.
    Raises:
        BackupOntoLive: `target` is the live database or one of its side files.
        BackupUnverified: the copy failed its integrity check (nothing is left at `target`).
        BackupError: the source cannot be read or a lock outlasted the timeout.
    """
    if _is_live_file(source, target):
        raise BackupOntoLive()
    if not source.is_file():
        raise BackupError("backup.source_missing")
    private_dir(target.parent)
    if target.name.endswith(COMPRESSED):
        return _compressed_backup(source, target, verify=verify, timeout_ms=timeout_ms, key=key)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    remove_database_files(tmp)
    try:
        src = _connect(source, timeout_ms=timeout_ms, key=key)
        try:
            dst = _connect(tmp, timeout_ms=timeout_ms, key=key)
            try:
                _copy(src, dst, timeout_ms=timeout_ms)
                dst.execute("PRAGMA journal_mode = DELETE")
                if verify and not _integrity_ok(dst):
                    raise BackupUnverified()
            finally:
                dst.close()
        finally:
            src.close()
        put_in_place(tmp, target)
    except _GaveUp:
        raise BackupError("backup.busy") from None
    except db_errors(key):
        raise BackupError("backup.failed") from None
    finally:
        remove_database_files(tmp)
    return target


def _compressed_backup(
    source: Path, target: Path, *, verify: bool, timeout_ms: int, key: str | None
) -> Path:
    """`backup_database` to a `.gz` target: the checked copy is made beside it first, then
    compressed into place (whole or not at all) and removed."""
    copy = target.with_name(f".{target.name}.{os.getpid()}.sqlite3")
    try:
        backup_database(source=source, target=copy, verify=verify, timeout_ms=timeout_ms, key=key)
        with written_whole(target) as partial:
            with copy.open("rb") as raw, partial.open("wb") as out:
                # No name or time in the header: the same database gives the same bytes.
                with gzip.GzipFile(
                    filename="", mode="wb", fileobj=out, compresslevel=GZIP_LEVEL, mtime=0
                ) as packed:
                    shutil.copyfileobj(raw, packed, CHUNK)
                out.flush()
                os.fsync(out.fileno())
        _fsync_dir(target.parent)
    finally:
        remove_database_files(copy)
    return target


def _expanded(backup: Path, beside: Path) -> Path:
    """A compressed backup written out whole as a private file `beside` the database it is
    restored over (where there is room for the database anyway).

    Raises:
        RestoreNotDatabase: not gzip data after all, or cut short or damaged.
    """
    out = beside.with_name(f".{beside.name}.{os.getpid()}.restoring")
    remove_database_files(out)
    private_dir(out.parent)
    try:
        with gzip.open(backup, "rb") as packed, private_file(out).open("wb") as raw:
            shutil.copyfileobj(packed, raw, CHUNK)
    except (OSError, EOFError, zlib.error):
        remove_database_files(out)
        raise RestoreNotDatabase() from None
    return out


# docs/rules/data.md: a day's copy is named after the station (a laptop's after the station it
# belongs to) and the day; its folder is the database's own (store.core.files.station_folders).
DAILY = re.compile(r"(.+)-(\d{4}-\d{2}-\d{2})\.sqlite3(\.gz)?")


def daily_name(station: str, day: date, *, compressed: bool = True) -> str:
    """`青石镇人大代表联络站-2026-11-24.sqlite3.gz`: which station, which day."""
    name = f"{file_slug(station, default='station')}-{day.isoformat()}.sqlite3"
    return name + (COMPRESSED if compressed else "")


def daily_backup(
    *,
    db_path: Path,
    backup_dir: Path,
    keep_days: int,
    today: date,
    station: str,
    key: str | None = None,
) -> Path | None:
    """Take today's automatic backup if there is none yet, and drop the ones past keeping.

    `backup_dir` is this database's own (store.core.files.station_folders): no other database's
    copies are in it, so what is pruned is this database's own copies only. A plain database's
    copy is compressed (`.sqlite3.gz`); an encrypted one's is not (it would not get smaller).

    Args:
        db_path: the live database.
        backup_dir: this database's own backups folder.
        keep_days: how many days of copies to keep, today's included (at least 1).
        today: the station-local date.
        station: the station's name, which the copy is named after.
        key: the passphrase of an encrypted database (its copies are encrypted the same).
    Returns:
        The new copy's path, or None if today's copy already existed.
    Raises:
        ValueError: `keep_days` is below 1.
        BackupError: as `backup_database`.
    """
    if keep_days < 1:
        raise ValueError("keep_days")
    kept = _dailies(backup_dir)
    made = None
    if today not in kept.values():
        target = backup_dir / daily_name(station, today, compressed=key is None)
        made = backup_database(source=db_path, target=target, key=key)
    keep_from = today - timedelta(days=keep_days - 1)
    for path, day in kept.items():
        if day < keep_from:
            path.unlink(missing_ok=True)
    return made


def _dailies(backup_dir: Path) -> dict[Path, date]:
    """The daily copies in `backup_dir` and their days (compressed or not, the station named
    in them renamed or not)."""
    found: dict[Path, date] = {}
    if not backup_dir.is_dir():
        return found
    for path in backup_dir.iterdir():
        match = DAILY.fullmatch(path.name)
        if match is None or path.name.startswith(".") or not path.is_file():
            continue
        try:
            found[path] = date.fromisoformat(match.group(2))
        except ValueError:
            continue
    return found


def load_keep_days(*, session: Session) -> int:
    """Days of automatic backups to keep: the `backup_keep_days` setting, else 14.

    Args:
        session: any session on the station database.
    Returns:
        A whole number of days, at least 1 (a missing or unreadable setting gives the default).
    """
    row = session.get(Setting, KEEP_DAYS_SETTING)
    try:
        value = int(row.value) if row is not None else DEFAULT_KEEP_DAYS
    except ValueError:
        return DEFAULT_KEEP_DAYS
    return value if value >= 1 else DEFAULT_KEEP_DAYS


def _check_backup(path: Path, key: str | None) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError:
        raise RestoreNotDatabase() from None
    if head != SQLITE_HEADER and key is None:
        raise RestoreNotDatabase()
    from store.trust.migrate import (  # store.trust.migrate imports this module
        HEAD_REVISION,
        KNOWN_REVISIONS,
    )

    try:
        conn = _connect(path, read_only=True, key=key)
    except db_errors(key):
        raise RestoreNotDatabase() from None
    try:
        try:
            if not _integrity_ok(conn):
                raise RestoreCorrupt()
        except db_errors(key):
            # An encrypted backup that the passphrase does not open fails here too.
            raise RestoreCorrupt() from None
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            station = conn.execute(
                "SELECT 1 FROM local_meta m JOIN station s ON s.id = m.value"
                " WHERE m.key = 'station_id'"
            ).fetchone()
            device = conn.execute("SELECT 1 FROM local_meta WHERE key = 'device_id'").fetchone()
        except db_errors(key):
            raise RestoreNotStation() from None
        if revision is None or station is None or device is None:
            raise RestoreNotStation()
        if revision[0] not in KNOWN_REVISIONS:
            raise RestoreTooNew(revision=str(revision[0])[:32], head=HEAD_REVISION)
    finally:
        conn.close()


def _safety_path(target: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = target.with_name(f"{target.stem}.before-restore-{stamp}.sqlite3")
    n = 1
    while path.exists():
        path = target.with_name(f"{target.stem}.before-restore-{stamp}-{n}.sqlite3")
        n += 1
    return path


def _keep_safety_copy(target: Path, *, timeout_ms: int, key: str | None) -> Path:
    safety = _safety_path(target)
    try:
        return backup_database(
            source=target, target=safety, verify=False, timeout_ms=timeout_ms, key=key
        )
    except BackupError as exc:
        if exc.key == "backup.busy":
            raise RestoreBusy() from None
    # The current file is too damaged for SQLite to read: keep its bytes as they are.
    copy_private(target, safety)
    return safety


def restore_database(
    *, backup: Path, target: Path, timeout_ms: int = BUSY_TIMEOUT_MS, key: str | None = None
) -> Path | None:
    """Put a backup in place of the station database, keeping a copy of what was there.

    The backup is checked first (a SQLite file that passes `integrity_check`, holds a station
    and is of a schema this version knows). The current database is copied to
    `<stem>.before-restore-<time>.sqlite3` beside it, then the backup is written over it with the
    backup API in one transaction, so other connections see the old database or the new one,
    never a mixture.

    A compressed backup (a daily copy, `.sqlite3.gz`) is first expanded beside `target` (so the
    disk needs room for it for a while), then restored the same way.

    Args:
        backup: the backup file to restore: a SQLite file, or one compressed with gzip.
        target: the station database to replace (need not exist yet).
        timeout_ms: how long to wait for another terminal's write lock.
        key: the passphrase of an encrypted backup and target (both keyed with the same one;
            an encrypted backup over a plain database, or the other way round, is refused).
    Returns:
        The safety copy's path, or None when there was no database at `target`.
    Raises:
        RestoreNotDatabase: not a SQLite file.
        RestoreCorrupt: the file fails its integrity check.
        RestoreNotStation: a SQLite file but not a Liaison Desk station.
        RestoreTooNew: written by a newer Liaison Desk (`revision` param).
        RestoreBusy: the target stayed locked by a writer past the timeout; nothing changed.
        RestoreError: the copy failed (`restore.same_file` when backup is the target).
    """
    if backup.exists() and target.exists() and _same_file(backup, target):
        raise RestoreError("restore.same_file")
    if not is_gzip_file(backup):
        return _restore(backup=backup, target=target, timeout_ms=timeout_ms, key=key)
    expanded = _expanded(backup, target)
    try:
        return _restore(backup=expanded, target=target, timeout_ms=timeout_ms, key=key)
    finally:
        remove_database_files(expanded)


def _restore(*, backup: Path, target: Path, timeout_ms: int, key: str | None) -> Path | None:
    from store.core.files import is_encrypted_file

    backup_key = key if key is not None and is_encrypted_file(backup) else None
    live = target.exists() and target.stat().st_size > 0
    target_key = (key if is_encrypted_file(target) else None) if live else backup_key
    _check_backup(backup, backup_key)
    if backup_key != target_key:
        raise RestoreError("restore.failed")
    safety = _keep_safety_copy(target, timeout_ms=timeout_ms, key=target_key) if live else None
    private_dir(target.parent)
    failures: tuple[type[Exception], ...] = (_GaveUp, *db_errors(backup_key))
    try:
        src = _connect(backup, read_only=True, timeout_ms=timeout_ms, key=backup_key)
        try:
            dst = _connect(target, timeout_ms=timeout_ms, key=target_key)
            try:
                _copy(src, dst, timeout_ms=timeout_ms)
            finally:
                dst.close()
        finally:
            src.close()
    except failures as exc:
        # The backup API writes in one transaction, so nothing was replaced: the safety copy
        # would only be clutter beside the database.
        if safety is not None:
            safety.unlink(missing_ok=True)
        raise (
            RestoreBusy() if isinstance(exc, _GaveUp) else RestoreError("restore.failed")
        ) from None
    return safety
