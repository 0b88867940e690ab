"""The `liaison` command as a deputy's shell runs it: a fresh process, no terminal on stdin (so it
can never wait at a prompt), and none of the tester's LIAISON_* settings."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

LIAISON = [sys.executable, "-c", "from tui.cli import main; main()"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
    full_env.update(env or {})
    return subprocess.run(
        [*LIAISON, *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=full_env,
        timeout=120,
    )


def count(path: Path, table: str) -> int:
    """Rows in a table of a SQLite file, read with the plain sqlite3 module."""
    with sqlite3.connect(path) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
