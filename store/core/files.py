"""Facts about database files that need no database library (the CLI checks them before
loading SQLAlchemy), and telling a SQLite path from a PostgreSQL URL."""

from __future__ import annotations

from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
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
