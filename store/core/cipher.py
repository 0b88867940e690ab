"""SQLCipher (docs/rules/sync.md: a laptop's database encrypted at rest with a passphrase): the
driver and how a connection is keyed, in one place for the engine (store.db) and raw copies
(store.trust.backup).

sqlcipher3 bundles SQLite with SQLCipher built in; it is imported only for an encrypted file, so
a plain station never loads it."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

# The shortest passphrase accepted for a database, as for a joining bundle: SQLCipher stretches
# it (PBKDF2-HMAC-SHA512, 256,000 rounds), which slows guessing but cannot save a short one.
KEY_MIN = 8


@cache
def cipher_dbapi() -> Any:
    """The sqlcipher3 DBAPI module, with SQLCipher's own logging off: on a wrong passphrase it
    prints "hmac check failed" lines to stderr, over the command line's one clear message."""
    import sqlcipher3.dbapi2 as cipher

    conn = cipher.connect(":memory:")
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
    finally:
        conn.close()
    return cipher


def key_pragma(key: str) -> str:
    """`PRAGMA key` with the passphrase as an SQL string (a pragma takes no bound parameter).
    SQLCipher derives the page key from it; the passphrase itself is never written anywhere."""
    if not key or "\x00" in key:
        raise ValueError("key")
    quoted = key.replace("'", "''")
    return f"PRAGMA key = '{quoted}'"


def key_opens(path: Path, key: str) -> bool:
    """Whether `key` opens the encrypted database at `path` (reads its first page, writes
    nothing): how a prompt tells a mistyped passphrase before anything else starts."""
    cipher = cipher_dbapi()
    # Read-only: closing a read-write connection would checkpoint the WAL into the file, which
    # SQLite does without decrypting anything, so even with a wrong key.
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = cipher.connect(uri, uri=True, isolation_level=None)
    try:
        conn.execute(key_pragma(key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except cipher.DatabaseError:
        return False
    finally:
        conn.close()
