"""Facts about database files that need no database library (the CLI checks them before
loading SQLAlchemy)."""

from __future__ import annotations

from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"


def is_sqlite_file(path: Path) -> bool:
    """True for an empty file or one that starts with SQLite's header."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return head == b"" or head == SQLITE_HEADER
