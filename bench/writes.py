"""Saving one visit under WAL + synchronous=FULL, against a raw sqlite3 insert with the same
durability."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path


def run(db: Path) -> list[str]:
    from bench.common import median_ms, report
    from store.backup import backup_to
    from store.models import VisitCreate
    from store.reference import list_categories, list_deputies, list_villages
    from store.station import load_station, open_store
    from store.visits import log_visit

    tmp = Path(tempfile.mkdtemp())
    try:
        copy = backup_to(db, tmp / "w.sqlite3")
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
                channel="walk_in",
                kind="request",
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
            "log one visit (WAL, FULL, change log)", median_ms(save, 50), "raw insert", floor
        )
        raw.close()
        store.dispose()
        return [line]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
