"""What a day's automatic backup costs (issue 16, part 5): `daily_backup` of the large demo as the
app takes it (SQLite's online backup, `integrity_check`, gzip), its bytes, and the same in a
restore, against the floor of SQLite's backup API copying the same file uncompressed."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.common import report


def _floor(db: Path, out: Path) -> float:
    """SQLite's online backup API, the same file to an uncompressed copy, nothing else."""
    start = time.perf_counter()
    src, dst = sqlite3.connect(db), sqlite3.connect(out)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return time.perf_counter() - start


def run(db: Path, label: str) -> list[str]:
    from store.trust.backup import daily_backup, restore_database

    tmp = Path(tempfile.mkdtemp())
    try:
        floor = _floor(db, tmp / "floor.sqlite3")
        size = (tmp / "floor.sqlite3").stat().st_size
        (tmp / "floor.sqlite3").unlink()
        start = time.perf_counter()
        made = daily_backup(
            db_path=db,
            backup_dir=tmp / "backups",
            keep_days=14,
            today=date(2026, 11, 24),
            station="演示联络站",
        )
        taken = time.perf_counter() - start
        assert made is not None
        packed = made.stat().st_size
        start = time.perf_counter()
        restore_database(backup=made, target=tmp / "restored.sqlite3")
        restored = time.perf_counter() - start
        lines = [
            report(f"daily backup, {label} (gzip)", taken, "backup API copy", floor, unit="s"),
            report(f"restore of it, {label}", restored, "backup API copy", floor, unit="s"),
        ]
        line = (
            f"  … a day's copy: {packed / 2**20:,.0f} MiB of {size / 2**20:,.0f} MiB"
            f" ({packed / size:.1%}); 14 days kept: {14 * packed / 2**30:,.1f} GiB"
            f" (uncompressed {14 * size / 2**30:,.1f} GiB)"
        )
        print(line, flush=True)
        return [*lines, line]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    from bench.common import demo_db

    run(demo_db(100_000), "100,000 visits")
