"""Engine, sessions and their transaction rules, on a SQLite file (a station) or PostgreSQL (a
county hub): the only module that sets up either connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, QueuePool, create_engine, event, make_url
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session

from store.changelog.chain import seal_new_entries
from store.changelog.changes import Actor, WriteContext, data_generation
from store.core.cipher import cipher_dbapi
from store.core.clock import Clock
from store.core.dialect import POSTGRES_SCHEMES, database_url
from store.core.errors import DatabaseBusy, DatabaseReadOnly, DatabaseUnreadable, ReadOnlySession
from store.core.files import (
    DatabaseTarget,
    is_encrypted_file,
    is_sqlite_file,
    private_database,
)

# docs/rules/data.md: a lock held by another terminal is waited for this long before a write gives
# up.
BUSY_TIMEOUT_MS = 10_000
# The key of the PostgreSQL advisory lock every write transaction takes first (any constant
# the store alone uses): it plays the part of SQLite's BEGIN IMMEDIATE, one writer at a time, so
# that change-log stamps stay monotonic and derived tables can number their own rows.
WRITE_LOCK_KEY = 0x4C494149  # "LIAI"
# SQLite's page cache per connection, in KiB (see _sqlite_on_connect).
PAGE_CACHE_KIB = 512


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path)}"


def make_engine(url: str, *, key: str | None = None) -> Engine:
    """An engine with the durability rules of docs/rules/data.md and SQL parameters hidden from
    errors.

    Args:
        url: a SQLAlchemy URL (`sqlite:///path`), or a PostgreSQL one (`postgresql://…` or
            `postgresql+psycopg://…`, always run on psycopg 3).
        key: the passphrase of a SQLite file encrypted at rest (docs/rules/sync.md), or of one to be
            created so; None for a plain file. Never stored: SQLCipher derives the page key
            from it (PBKDF2-HMAC-SHA512) on each new connection.
    """
    if url.startswith(POSTGRES_SCHEMES):
        return _postgres_engine(database_url(url))
    _private_file_of(url)
    engine = create_engine(url, hide_parameters=True) if key is None else _cipher_engine(url, key)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _private_file_of(url: str) -> None:
    """The SQLite file a URL names, made readable by its owner only before SQLite opens it
    (docs/rules/data.md); SQLite gives its -wal and -shm the same mode. Not for an in-memory
    database, nor for a URI (`file:…?mode=ro`: opened to read)."""
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        private_database(Path(database))


def _cipher_engine(url: str, key: str) -> Engine:
    """SQLAlchemy's SQLCipher dialect on sqlcipher3 (SQLite with SQLCipher built in): its own
    connect hook runs `PRAGMA key` before anything reads the file, so before the listeners
    below. The key rides in the URL's password, which SQLAlchemy never shows."""
    if not key:
        raise ValueError("empty key")
    cipher_url = make_url(url).set(drivername="sqlite+pysqlcipher", password=key)
    return create_engine(
        cipher_url,
        module=cipher_dbapi(),
        hide_parameters=True,
        # The dialect's default pool keeps one connection per thread; a file's own default (as
        # for a plain station) is a shared pool, which the desk's worker threads rely on.
        poolclass=QueuePool,
        connect_args={"check_same_thread": False},
    )


def _postgres_engine(url: str) -> Engine:
    engine = create_engine(
        url,
        hide_parameters=True,
        # Writes are serialised by the advisory lock below, so READ COMMITTED is enough: no
        # serialisation failures to retry.
        isolation_level="READ COMMITTED",
        # Sessions in UTC: the store compares stored instants with naive UTC ones (as SQLite
        # keeps them), which PostgreSQL would otherwise read in the server's own zone. No
        # parallel workers and no JIT: the hub's reads are a few milliseconds each; starting
        # workers, whose parallel index scans then read deeper to merge in order, and compiling
        # a plan cost more than they save (search for 垃圾 at 180,000 visits: 103 -> 15 ms of
        # SQL; at 600,000 the statistics by channel 47 -> 37 ms, the report 426 -> 309 ms, of
        # which JIT 11 ms a statement; no screen slower; BENCHMARKS.md).
        connect_args={"options": "-c timezone=UTC -c max_parallel_workers_per_gather=0 -c jit=off"},
        pool_pre_ping=True,
    )
    event.listen(engine, "begin", _postgres_on_begin)
    return engine


def _postgres_on_begin(conn: Any) -> None:
    # Held until commit or rollback; a second writer waits here, before it reads anything.
    if conn.get_execution_options().get("write", False):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Take transaction control from the driver so that `begin` below decides how each starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    # NORMAL can lose acknowledged commits on power loss; FULL syncs the WAL at every commit.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    # What is overwritten or deleted is zeroed in the file, not left in free space: a purged
    # phone number (store.trust.purge) must not be readable from the file afterwards.
    cursor.execute("PRAGMA secure_delete = ON")
    # Each pooled connection keeps its own page cache (2 MB by default, and the desk's workers
    # hold three or four connections open): 512 KB each keeps the indexes a page or a count
    # walks, the rest comes from the OS's file cache as fast (bench/store_queries.py, hot_words;
    # a 100,000-visit session's peak memory, issue 4).
    cursor.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
    cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    # A deferred transaction that reads and then writes can fail or lose a concurrent update;
    # IMMEDIATE takes the write lock up front (waiting out the busy timeout if needed).
    immediate = conn.get_execution_options().get("write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for one unit of reading. Any write through it fails with ReadOnlySession: ORM
    writes at flush (store.changelog.changes), SQL ones in the database itself."""
    with engine.connect() as conn:
        # One connection for the whole session, so the read-only mark is lifted from the same
        # connection it was put on before the pool hands it to a writer.
        _set_read_only(conn, True)
        try:
            with Session(bind=conn, expire_on_commit=False, autoflush=False) as session:
                try:
                    yield session
                except DatabaseError as exc:
                    raise _translate(exc) from None
                finally:
                    # Detach first: ending the transaction would expire what the caller read.
                    session.expunge_all()
        finally:
            conn.rollback()
            _set_read_only(conn, False)
            conn.rollback()


def _set_read_only(conn: Connection, on: bool) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA query_only = {1 if on else 0}")
    elif conn.dialect.name == "postgresql" and on:
        # The transaction's first statement (the connection has just begun one): every read of
        # the session is one READ ONLY transaction, and a write through it fails in the server.
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")


@contextmanager
def write_session(engine: Engine, *, actor: Actor, clock: Clock) -> Iterator[Session]:
    """One write transaction (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: the store's advisory lock),
    every change logged and its log entries sealed (store.changelog.chain), committed at the end or
    rolled back whole on any error."""
    bind = engine.execution_options(write=True)
    with Session(bind, expire_on_commit=False) as session:
        session.info["write"] = WriteContext(actor=actor, clock=clock)
        try:
            with session.begin():
                yield session
                # What is still pending is logged at this flush; then the log is sealed, in the
                # same transaction as its entries: they commit sealed or not at all. Only the
                # entries this transaction wrote (after `log_start`, noted when it wrote its
                # first) are sealed: an older unsealed entry is a break, never mended here.
                session.flush()
                if "log_start" in session.info:
                    seal_new_entries(session.connection(), session.info["log_start"] or 0)
        except DatabaseError as exc:
            raise _translate(exc, writing=True) from None


def _translate(exc: DatabaseError, *, writing: bool = False) -> Exception:
    message = str(exc.orig) if exc.orig is not None else ""
    if "locked" in message or "busy" in message:
        return DatabaseBusy()
    if "readonly" in message or "read-only" in message:
        # In a write session nothing marks the connection read-only: the file is.
        return DatabaseReadOnly() if writing else ReadOnlySession()
    if "not a database" in message or "malformed" in message:
        return DatabaseUnreadable()
    return exc


@dataclass
class Store:
    """An open station database and the clock its writes are stamped with."""

    engine: Engine
    clock: Clock
    # The passphrase of an encrypted file (what copies of it are keyed with), else None.
    key: str | None = field(default=None, repr=False)
    # The change log's last entry as this process's latest write left it: a screen that finds
    # the log there has nothing new from elsewhere (screens.base.desk_screen.check_fresh).
    own_generation: int = field(default=0, repr=False)

    def read(self) -> AbstractContextManager[Session]:
        return read_session(self.engine)

    @contextmanager
    def write(self, actor: Actor) -> Iterator[Session]:
        with write_session(self.engine, actor=actor, clock=self.clock) as session:
            yield session
            session.flush()
            # Read in the write's own transaction, which holds the write lock: nobody else's
            # entry can come between.
            generation = data_generation(session)
        self.own_generation = max(self.own_generation, generation)

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def target(self) -> DatabaseTarget:
        """The SQLite file, or the PostgreSQL URL (its password left out), the store is on."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return Path(url.database or "")
        return url.set(drivername="postgresql").render_as_string(hide_password=True)


__all__ = [
    "BUSY_TIMEOUT_MS",
    "DatabaseError",
    "Store",
    "is_encrypted_file",
    "is_sqlite_file",
    "make_engine",
    "read_session",
    "sqlite_url",
    "write_session",
]
