"""Where things live on this machine: the default database and the interface language."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.core.files import DatabaseTarget, StationFolders

APP_NAME = "liaison-desk"


def data_dir() -> Path:
    from platformdirs import user_data_path  # small, but only the CLI needs it

    return user_data_path(APP_NAME, appauthor=False)


def station_folders(target: DatabaseTarget) -> StationFolders:
    """The folders of the database at `target`'s own prints, templates, backups and reports:
    beside its file, or for a PostgreSQL database in the data dir (store.core.files)."""
    from store.core.files import station_folders as folders_of

    return folders_of(target, home=data_dir())


def shared_templates() -> Path:
    """The templates folder every database on the machine shared before each had its own: the
    edits made there are copied into a station's folder when it is first made."""
    return data_dir() / "templates"


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
