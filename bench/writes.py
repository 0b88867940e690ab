"""Saving one visit under WAL + synchronous=FULL, against a raw sqlite3 insert with the same
durability."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path


def run(db: Path) -> list[str]:
    from bench.common import median_ms, report
    from store.core.models import Channel, VisitCreate, VisitKind
    from store.desk.visits import log_visit
    from store.reference.lists import list_categories, list_deputies, list_villages
    from store.station import load_station, open_store
    from store.trust.backup import backup_to

    tmp = Path(tempfile.mkdtemp())
    try:
        copy = backup_to(db, tmp / "w.sqlite3")
        # The copy leaves a gigabyte for the kernel to write back: every fsync timed below
        # would wait behind it (9-11 ms a save instead of 5-6 here). Written out first.
        os.sync()
        store = open_store(copy)
        station = load_station(store)
        with store.read() as s:
            village = list_villages(session=s)[0].id
            category = list_categories(session=s)[0].id
            actor = station.actor(list_deputies(session=s)[0].id)
        counter = iter(range(10**6))

        def save() -> None:
            n = next(counter)
            visit_in = VisitCreate(
                phone=f"139{n:08d}",
                name="测试",
                village_id=village,
                channel=Channel.walk_in,
                kind=VisitKind.request,
                category_id=category,
                text="楼道里堆满了杂物，消防通道都堵住了，希望尽快清理。",
            )
            with store.write(actor) as s:
                log_visit(session=s, visit_in=visit_in)

        raw = sqlite3.connect(tmp / "raw.sqlite3", isolation_level=None)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=FULL")
        raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT)")

        def raw_insert() -> None:
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("INSERT INTO t (text) VALUES (?)", ("楼道里堆满了杂物",))
            raw.execute("COMMIT")

        floor = median_ms(raw_insert, repeat=50)
        line = report(
            "log one visit (WAL, FULL, log, words, pinyin)",
            median_ms(save, 50),
            "raw insert",
            floor,
            target_ms=5,
        )
        raw.close()
        store.dispose()
        return [line]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def demo(visits: int) -> list[str]:
    """`liaison demo --visits N --no-open` as a user runs it (time and peak memory), against
    SQLite writing the same database again (`VACUUM INTO`: the bytes, without the generator)."""
    import os
    import subprocess
    import sys
    import time

    from bench.common import report

    tmp = Path(tempfile.mkdtemp())
    try:
        db = tmp / "demo.sqlite3"
        argv = [sys.executable, "-c", "from tui.cli import main; main()"]
        argv += ["demo", "--db", str(db), "--visits", str(visits), "--no-open"]
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not all children's
        build = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise RuntimeError(f"liaison demo failed ({child.returncode})")
        peak = usage.ru_maxrss / 1024
        conn = sqlite3.connect(db)
        start = time.perf_counter()
        conn.execute("VACUUM INTO ?", (str(tmp / "copy.sqlite3"),))
        floor = time.perf_counter() - start
        conn.close()
        size = db.stat().st_size / 2**20
        return [
            report(
                f"liaison demo --visits {visits:,} --no-open",
                build,
                f"VACUUM INTO ({size:,.0f} MiB)",
                floor,
                target_ms=10 if visits >= 100_000 else None,
                unit="s",
            ),
        ] + [_say(f"  … its peak memory: {peak:.0f} MiB")]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _say(line: str) -> str:
    print(line, flush=True)
    return line
