"""Facts about database files that need no database library (the CLI checks them before
loading SQLAlchemy), telling a SQLite path from a PostgreSQL URL, where a database's own files
go, and writing files and folders that only their owner can read."""

from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SQLITE_HEADER = b"SQLite format 3\x00"
# A compressed backup (store.trust.backup) starts with gzip's magic number.
GZIP_MAGIC = b"\x1f\x8b"
# A station's database is a SQLite file; a hub's a PostgreSQL URL (store.core.dialect).
POSTGRES_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")

DatabaseTarget = Path | str


def is_postgres_target(target: DatabaseTarget) -> bool:
    """Whether `--db` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def parse_target(value: str) -> DatabaseTarget:
    """`--db` as typed: a PostgreSQL URL stays text (a Path would fold its `//`), else a path."""
    return value if is_postgres_target(value) else Path(value)


def is_sqlite_file(path: Path) -> bool:
    """True for an empty file or one that starts with SQLite's header."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return head == b"" or head == SQLITE_HEADER


def is_gzip_file(path: Path) -> bool:
    """Whether the file at `path` is gzip data (a compressed backup), whatever its name."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(GZIP_MAGIC)) == GZIP_MAGIC
    except OSError:
        return False


def is_read_only_file(path: Path) -> bool:
    """Whether the file at `path` exists and cannot be opened for writing (its mode for this
    user, an immutable file, a read-only file system): what SQLite then opens read-only."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError as exc:
        return exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
    os.close(fd)
    return False


# SQLCipher's smallest page; an encrypted file is whole pages (4096 bytes by default).
_CIPHER_PAGE = 512


def is_encrypted_file(path: Path) -> bool:
    """Whether the file looks like a SQLCipher database (docs/rules/sync.md: a laptop encrypted at
    rest).

    An encrypted file starts with a random salt, not SQLite's header, and is whole pages long;
    only its passphrase tells it from other bytes of that shape (a wrong one and a damaged file
    fail alike), so this is "not plain SQLite, and shaped like a database".
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return size >= _CIPHER_PAGE and size % _CIPHER_PAGE == 0 and head != SQLITE_HEADER


def require_database(path: Path, *, key: str | None = None) -> None:
    """Refuse a path that cannot be a station database, before any database library loads.

    Args:
        key: the passphrase given for an encrypted file, if any (checked when it is opened).
    Raises:
        StationMissing: no file there.
        DatabaseEncrypted: an encrypted file, and no passphrase given.
        DatabaseUnreadable: a file, but not a SQLite database.
    """
    from store.core.errors import DatabaseEncrypted, DatabaseUnreadable, StationMissing

    if not path.exists():
        raise StationMissing(path=str(path))
    if is_sqlite_file(path):
        return
    if not is_encrypted_file(path):
        raise DatabaseUnreadable(path=str(path))
    if key is None:
        raise DatabaseEncrypted(path=str(path))


# docs/rules/data.md: every file the desk writes is readable by its owner only, and so is every
# folder it makes. Set explicitly rather than left to the umask, which is commonly 022 (0644
# files). SQLite gives a database's -wal, -shm and -journal the mode of the database file itself,
# so a database created private keeps its side files private too.
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """`path` as a folder, made (with any missing parents) readable by its owner only; a folder
    that is there already is left as it is (it may be the user's own, a USB stick's)."""
    missing = []
    at = path
    while not at.exists():
        missing.append(at)
        if at.parent == at:
            break
        at = at.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_DIR)
        except FileExistsError:
            continue  # made meanwhile by another process
        try:
            os.chmod(folder, PRIVATE_DIR)  # mkdir's mode is masked by the umask
        except OSError:
            pass  # a file system without modes (a FAT stick)
    return path


def private_file(path: Path) -> Path:
    """Make sure the file at `path` is readable by its owner only: created empty if missing
    (never truncated); if it is there, its group and other permissions removed (the owner's are
    left: a file its owner made read-only stays so). Whatever then opens it for writing (`open`
    with "w", SQLite, openpyxl) keeps the mode."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        owner_only(path)
    else:
        os.close(fd)
    return path


def owner_only(path: Path) -> None:
    """Remove group and other permissions from an existing file (one not ours is left alone)."""
    try:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except OSError:
        return


def write_private(path: Path, data: str | bytes) -> Path:
    """Write `data` (text as UTF-8) to `path`, a file readable by its owner only."""
    private_file(path)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def copy_private(source: Path, target: Path) -> Path:
    """Copy the bytes of `source` to `target`, which is readable by its owner only."""
    private_file(target)
    shutil.copyfile(source, target)
    return target


@contextmanager
def written_whole(out: Path) -> Iterator[Path]:
    """A file to write `out` through: a private `<name>.part` beside it (its folder made private
    if missing) that becomes `out` by one rename when the block ends, or is removed if the block
    fails, so `out` appears whole or not at all, and readable by its owner only."""
    private_dir(out.parent)
    partial = private_file(out.with_name(out.name + ".part"))
    try:
        yield partial
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


def private_database(path: Path) -> None:
    """Before SQLite opens the database at `path`: create it private if it is not there, and make
    it and its side files private if they are (files made by an earlier version were 0644)."""
    private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        owner_only(path.with_name(path.name + suffix))


# docs/rules/data.md: a station's prints, templates and backups belong to its database. They go
# in a folder beside the file, named after it whole (`station.db` → `station.db.files/`), so two
# databases never share one: not two stations on one machine, not a laptop and its station (which
# share a station id), not `demo.db` and `demo.sqlite3` in one folder.
FILES_SUFFIX = ".files"
# Where a PostgreSQL database's (a county hub's) own files go, in the user's data folder.
SERVERS_FOLDER = "servers"


@dataclass(frozen=True)
class StationFolders:
    """The folders of one database's own files (made private when first written to)."""

    root: Path

    @property
    def prints(self) -> Path:
        """Slips, the deputies' record, the publication list."""
        return self.root / "prints"

    @property
    def templates(self) -> Path:
        """The station's editable slip templates (store.reports.slips)."""
        return self.root / "templates"

    @property
    def backups(self) -> Path:
        """The daily automatic backups (store.trust.backup.daily_backup)."""
        return self.root / "backups"

    @property
    def reports(self) -> Path:
        """Quarterly reports written from the app."""
        return self.root / "reports"


def station_folders(target: DatabaseTarget, *, home: Path) -> StationFolders:
    """The folders of the database at `target`'s own files: beside a SQLite file
    (`<file name>.files/`); for a PostgreSQL database, `home/servers/<host>-<port>-<database>/`
    (`home` is the user's data folder), one per database whichever role connects."""
    if is_postgres_target(target):
        url = urlsplit(str(target))
        name = "-".join(
            part for part in (url.hostname or "local", str(url.port or 5432), url.path[1:]) if part
        )
        return StationFolders(home / SERVERS_FOLDER / file_slug(name))
    path = Path(target).absolute()
    return StationFolders(path.with_name(path.name + FILES_SUFFIX))


_UNSAFE_IN_NAME = re.compile(r"[^\w〔〕\-]+")


def file_slug(text: str, *, default: str = "file") -> str:
    """`text` as part of a file name: runs of separators, spaces, dots and characters some file
    systems refuse made one `_` (Chinese kept), at most 80 characters."""
    return _UNSAFE_IN_NAME.sub("_", text).strip("_")[:80] or default
