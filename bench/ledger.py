"""Ledger export and import of a whole station, against reading and writing the same rows with
the csv module alone."""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
from pathlib import Path


def run(db: Path, empty: Path, label: str) -> list[str]:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bench.common import report
    from store.core.clock import FrozenClock, today
    from store.ledger import export_ledger, import_ledger
    from store.station import load_station, open_store

    clock = FrozenClock(datetime(2026, 11, 24, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    tmp = Path(tempfile.mkdtemp())
    lines = []
    try:
        store = open_store(db, clock=clock)
        out = tmp / "ledger.csv"
        start = time.perf_counter()
        with store.read() as session:
            rows = export_ledger(session=session, out=out, today=today(clock), reveal=True)
        export_ms = (time.perf_counter() - start) * 1000
        store.dispose()

        start = time.perf_counter()
        with out.open(encoding="utf-8-sig", newline="") as fh:
            data = list(csv.reader(fh))
        read_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        with (tmp / "copy.csv").open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(data)
        write_ms = (time.perf_counter() - start) * 1000
        lines.append(
            report(f"export {rows:,} rows to csv ({label})", export_ms, "csv write", write_ms)
        )

        target = tmp / "target.sqlite3"
        shutil.copy(empty, target)
        store = open_store(target, clock=clock)
        start = time.perf_counter()
        import_ledger(store=store, actor=load_station(store).actor(), path=out)
        import_ms = (time.perf_counter() - start) * 1000
        store.dispose()
        lines.append(
            report(f"import {rows:,} rows from csv ({label})", import_ms, "csv read", read_ms)
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return lines
