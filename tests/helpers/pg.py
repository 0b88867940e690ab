"""A throwaway PostgreSQL server for the test session, and fresh databases on it.

The server is the machine's own PostgreSQL (Debian's packages: /usr/lib/postgresql/<v>/bin),
initialised into a temporary directory and listening on 127.0.0.1 on a free port, with trust
authentication and durability off (nothing here outlives the session). `initdb` refuses to run
as root, so as root the server runs as the `postgres` system user the packages create.

Without the binaries the PostgreSQL variants of tests are skipped, unless LIAISON_REQUIRE_PG is
set (CI sets it): then a missing server fails them, so CI cannot pass by skipping them."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

# The superuser initdb creates; the tests connect as it (trust authentication on loopback).
SUPERUSER = "postgres"
REQUIRE_ENV = "LIAISON_REQUIRE_PG"


class PostgresUnavailable(Exception):
    """No PostgreSQL binaries on this machine, or the server would not start."""


def find_bindir() -> Path | None:
    """The newest PostgreSQL's bin dir (initdb, pg_ctl), or None if there is none."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name or 0)
    )
    for found in reversed(candidates):
        if (Path(found) / "initdb").exists():
            return Path(found)
    for tool in ("pg_config",):
        exe = shutil.which(tool)
        if exe:
            out = subprocess.run([exe, "--bindir"], capture_output=True, text=True, check=False)
            bindir = Path(out.stdout.strip())
            if (bindir / "initdb").exists():
                return bindir
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _scratch() -> str | None:
    """Where a throwaway server keeps its data: memory (tmpfs) where there is one. Each
    database is a thousand files, and ext4 spends 0.3 s of CPU finding free inodes for a
    CREATE DATABASE on a disk that has seen many deleted; tmpfs a few milliseconds."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


class PgServer:
    """One server for the session; `create_database` gives each caller its own database."""

    def __init__(
        self, bindir: Path, root: Path | None = None, settings: Mapping[str, str] | None = None
    ) -> None:
        self.bindir = bindir
        self.settings = dict(settings or {})
        # A given root outlives the server (bench/county_drill.py keeps a built hub there).
        self.kept = root is not None
        if root is not None:
            root.mkdir(parents=True, exist_ok=True)
        else:
            root = Path(tempfile.mkdtemp(prefix="liaison-pg-", dir=_scratch()))
        self.root = root
        self.data = self.root / "data"
        self.port = _free_port()
        self._names = itertools.count(1)
        # initdb and the server refuse root: run them as the packages' `postgres` user.
        self._as: list[str] = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable("running as root and no `postgres` user") from None
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, args: Sequence[str]) -> None:
        done = subprocess.run(
            [*self._as, *args], capture_output=True, text=True, check=False, cwd=self.root
        )
        if done.returncode != 0:
            raise PostgresUnavailable(f"{args[0]}: {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> PgServer:
        if not (self.data / "PG_VERSION").exists():
            self._initdb()
        self._pg_ctl_start()
        return self

    def _initdb(self) -> None:
        # UTF-8 with C collation: byte order sorts as SQLite's does, and C.UTF-8's character
        # classes let pg_trgm see Chinese characters as word characters (trigrams of 飞线充电).
        self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )

    def _pg_ctl_start(self) -> None:
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.root} -F"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        options += "".join(f" -c {name}={value}" for name, value in self.settings.items())
        self._run(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.root / "server.log"),
                "-o",
                options,
                "-w",
                "start",
            ]
        )

    def stop(self) -> None:
        # A kept root's data must come back whole at the next start: a clean shutdown.
        mode = "fast" if self.kept else "immediate"
        try:
            self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "stop"])
        except PostgresUnavailable:
            pass  # never started, or already gone: the directory goes anyway
        if not self.kept:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, template: str | None = None, name: str | None = None) -> str:
        """A new database (empty, or a copy of `template`), named `name` or a new name; returns
        its URL."""
        name = name or f"t{os.getpid()}_{next(self._names)}"
        copy = f" TEMPLATE {template}" if template else ""
        self._admin(f"CREATE DATABASE {name}{copy}")
        return self.url(name)

    def restore(self, url: str, script: str) -> None:
        """Run a plain-SQL dump (pg_dump's output) into the database at `url` with psql."""
        subprocess.run(
            [*self._as, str(self.bindir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", url],
            input=script,
            capture_output=True,
            text=True,
            check=True,
            cwd="/",
        )

    def drop_database(self, url: str) -> None:
        """Drop a database, closing whatever connections a test left open to it."""
        self._admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def start_server(root: Path | None = None, settings: Mapping[str, str] | None = None) -> PgServer:
    """Start a server, or raise PostgresUnavailable saying why not. With `root`, its data are
    kept there (made at the first start, used again at the next) instead of a temporary
    directory removed when it stops. `settings`: server settings (`-c name=value`) beside the
    throwaway ones every server here has."""
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable("no PostgreSQL binaries (initdb, pg_ctl) found")
    server = PgServer(bindir, root, settings)
    try:
        return server.start()
    except PostgresUnavailable:
        server.stop()
        raise
