"""Copies of a live database through SQLite's online backup API (safe while the app is open)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path


def backup_to(source: Path, target: Path) -> Path:
    """Copy `source` to `target` page by page; readers and writers may carry on meanwhile."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def backup_before_upgrade(db_path: Path, revision: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.stem}.before-upgrade-{revision}-{stamp}{db_path.suffix}")
    return backup_to(db_path, target)
