"""Where things live on this machine: the default database and the interface language."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "liaison-desk"


def data_dir() -> Path:
    from platformdirs import user_data_path  # small, but only the CLI needs it

    return user_data_path(APP_NAME, appauthor=False)


def default_db() -> Path | str:
    """`LIAISON_DB` if set (a file, or a PostgreSQL URL kept as text), else `station.sqlite3`
    in the platform's user-data dir."""
    from store.core.files import parse_target  # stdlib only: no database library loads

    env = os.environ.get("LIAISON_DB")
    return parse_target(env) if env else data_dir() / "station.sqlite3"


def demo_db() -> Path:
    return data_dir() / "demo.sqlite3"


def default_language() -> str:
    """`LIAISON_LANG` if set, else Chinese."""
    return os.environ.get("LIAISON_LANG", "zh")
