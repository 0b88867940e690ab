"""Facts about database files that need no database library (the CLI checks them before
loading SQLAlchemy), and telling a SQLite path from a PostgreSQL URL."""

from __future__ import annotations

from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
# A station's database is a SQLite file; a hub's a PostgreSQL URL (store.dialect).
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


def require_database(path: Path) -> None:
    """Refuse a path that cannot be a station database, before any database library loads.

    Raises:
        StationMissing: no file there.
        DatabaseUnreadable: a file, but not a SQLite database.
    """
    from store.errors import DatabaseUnreadable, StationMissing

    if not path.exists():
        raise StationMissing(path=str(path))
    if not is_sqlite_file(path):
        raise DatabaseUnreadable(path=str(path))
