"""Sync bundles of 10,000 changes (issue 6): a laptop's field work exported, then imported into
its station. Floors, same rows, same run: for export, reading them with sqlite3, json + zlib and
a fsynced file write; for import, zlib + json back, and one executemany into a bare table with
the same durability (WAL, synchronous=FULL)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.core.clock import Clock
    from store.db import Store

# Each visit of the set-up makes four changes: a new resident, the visit, its issue, and the
# visit's link to the issue.
CHANGES = 10_000
BATCH = 250
PASSPHRASE = "bench passphrase"


def _laptop_with_changes(tmp: Path, empty: Path, clock: Clock) -> tuple[Path, Store]:
    """A station (a copy of `empty`), and a laptop made from it that then logged and triaged
    visits until it holds CHANGES changes the station lacks. Not timed."""
    from store.core.models import Channel, Tier, VisitCreate, VisitKind
    from store.desk.triage import open_issue
    from store.desk.visits import log_visit
    from store.reference.lists import list_categories, list_deputies, list_units, list_villages
    from store.station import load_station, open_store
    from store.sync.exchange import export_join_bundle, join_station
    from store.trust.backup import backup_to

    station_path = backup_to(empty, tmp / "station.sqlite3")
    station = open_store(station_path, clock=clock)
    export_join_bundle(
        store=station, db_path=station_path, out=tmp / "join.bundle", passphrase=PASSPHRASE
    )
    station.dispose()
    laptop_path = tmp / "laptop.sqlite3"
    join_station(
        bundle=tmp / "join.bundle",
        db_path=laptop_path,
        passphrase=PASSPHRASE,
        device_name="bench-laptop",
        clock=clock,
    )
    laptop = open_store(laptop_path, clock=clock)
    with laptop.read() as s:
        villages = [v.id for v in list_villages(session=s)]
        category = list_categories(session=s)[0].id
        units = {u.village_id: u.id for u in list_units(session=s, tier=Tier.village)}
        actor = load_station(laptop).actor(list_deputies(session=s)[0].id)
    villages = [v for v in villages if v in units]
    n = 0
    while n * 4 < CHANGES:
        with laptop.write(actor) as s:
            for _ in range(BATCH):
                if n * 4 >= CHANGES:
                    break
                village = villages[n % len(villages)]
                visit = log_visit(
                    session=s,
                    visit_in=VisitCreate(
                        phone=f"139{n:08d}",
                        name=f"走访{n}",
                        village_id=village,
                        category_id=category,
                        channel=Channel.home_visit,
                        kind=VisitKind.request,
                        text=f"第{n}户反映村道路灯不亮，晚上出行不便，希望尽快修好。",
                    ),
                )
                open_issue(session=s, visit_id=visit.id, tier=Tier.village, unit_id=units[village])
                n += 1
    return station_path, laptop


def _raw_changes(db: Path, device_id: str) -> list[tuple[Any, ...]]:
    from store.sync.merge import CHANGE_COLUMNS

    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            f"SELECT {', '.join(CHANGE_COLUMNS)} FROM change_log WHERE device_id = ? ORDER BY hlc",
            (device_id,),
        ).fetchall()
    finally:
        conn.close()


def run(empty: Path) -> list[str]:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bench.common import median_ms, report
    from store.core.clock import FrozenClock
    from store.station import load_station, open_store
    from store.sync.exchange import export_bundle, import_bundle
    from store.sync.merge import CHANGE_COLUMNS
    from store.trust.backup import backup_to

    clock = FrozenClock(datetime(2026, 11, 24, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    tmp = Path(tempfile.mkdtemp())
    lines = []
    try:
        station_path, laptop = _laptop_with_changes(tmp, empty, clock)
        device_id = load_station(laptop).device_id
        bundle = tmp / "out.bundle"
        summary = export_bundle(store=laptop, out=bundle)
        changes = summary.changes
        size = bundle.stat().st_size / 2**20

        # -- export -------------------------------------------------------------------------
        export_ms = median_ms(lambda: export_bundle(store=laptop, out=bundle), repeat=5, warmup=1)

        def floor_out() -> None:
            rows = _raw_changes(tmp / "laptop.sqlite3", device_id)
            data = zlib.compress(json.dumps(rows, ensure_ascii=False).encode(), 6)
            with (tmp / "floor.bin").open("wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())

        lines.append(
            report(
                f"sync export, {changes:,} changes ({size:.1f} MiB)",
                export_ms,
                "select + json + zlib + fsync",
                median_ms(floor_out, repeat=5, warmup=1),
                target_ms=3000,
            )
        )
        laptop.dispose()

        # -- import (a fresh copy of the station each time: a second import adds nothing) ---
        samples = []
        for i in range(3):
            target = backup_to(station_path, tmp / f"station-{i}.sqlite3")
            store = open_store(target, clock=clock)
            start = time.perf_counter()
            result = import_bundle(store=store, path=bundle)
            samples.append((time.perf_counter() - start) * 1000)
            store.dispose()
            assert result.merge.new == changes, result.merge

        raw_rows = _raw_changes(tmp / "laptop.sqlite3", device_id)
        blob = zlib.compress(json.dumps(raw_rows, ensure_ascii=False).encode(), 6)

        def floor_in() -> None:
            rows = json.loads(zlib.decompress(blob))
            path = tmp / "bare.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            conn = sqlite3.connect(path, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute(f"CREATE TABLE change_log ({', '.join(CHANGE_COLUMNS)})")
            conn.execute("BEGIN IMMEDIATE")
            marks = ", ".join("?" * len(CHANGE_COLUMNS))
            conn.executemany(f"INSERT INTO change_log VALUES ({marks})", rows)
            conn.execute("COMMIT")
            conn.close()

        lines.append(
            report(
                f"sync import into the station, {changes:,} changes",
                statistics.median(samples),
                "unzip + json + executemany",
                median_ms(floor_in, repeat=5, warmup=1),
                target_ms=3000,
            )
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return lines


if __name__ == "__main__":
    from bench.common import demo_db

    run(demo_db(0))
