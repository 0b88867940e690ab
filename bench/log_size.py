"""Where a station's and a county hub's bytes per visit go (issue 19, part 5): each table and
index of a station file (SQLite's `dbstat`), the change log's columns, its `fields` by table and
by what they hold (keys, values, values that repeat the entry's own columns), and the same
station pushed to a throwaway PostgreSQL hub (`pg_total_relation_size`, `pg_column_size`).

    python -m bench.log_size --db demo.db [--visits N] [--hub]

Not part of `make bench`: the hub half needs PostgreSQL's binaries (Debian's packages) and
a minute per 5,000 visits."""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOG_COLUMNS = (
    "seq", "hlc", "device_id", "deputy_id", "table_name", "row_id", "op", "fields", "at",
    "clamped_hlc", "base", "chain", "seal", "layout",
)  # fmt: skip


def station_sizes(db: Path, visits: int, top: int = 14) -> None:
    """The station file: tables and indexes, then the change log's columns and fields."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ).fetchall()
        total = sum(size for _, size in rows)
        print(f"station file: {total / visits:,.0f} B a visit ({total / 1e6:.1f} MB)")
        log = sum(size for name, size in rows if name == "change_log")
        log_indexes = sum(size for name, size in rows if name.startswith("ix_change_log"))
        print(
            f"  change_log table {log / visits:,.0f} B, its indexes {log_indexes / visits:,.0f} B"
        )
        for name, size in rows[:top]:
            print(f"  {name:<36} {size / visits:8,.0f} B a visit")
        entries = conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
        print(f"change log: {entries:,} entries, {entries / visits:.2f} a visit; by column:")
        columns = {r[1] for r in conn.execute("PRAGMA table_info(change_log)")}
        for column in (c for c in LOG_COLUMNS if c in columns):
            size = conn.execute(
                f"SELECT sum(length(CAST({column} AS BLOB))) FROM change_log"
            ).fetchone()[0]
            print(f"  {column:<12} {(size or 0) / visits:8,.0f} B a visit")
        fields_breakdown(conn, visits)


def fields_breakdown(conn: sqlite3.Connection, visits: int) -> None:
    """What the `fields` texts hold: by table and operation, keys against values, and the
    values that repeat the entry's own row id, device or time."""
    by_table: Counter[tuple[str, str]] = Counter()
    count: Counter[tuple[str, str]] = Counter()
    keys = values = repeats = 0
    stored = 0
    for table, op, row_id, device, text in conn.execute(
        "SELECT table_name, op, row_id, device_id, CAST(fields AS TEXT) FROM change_log"
    ):
        size = len(text.encode())
        stored += size
        by_table[(table, op)] += size
        count[(table, op)] += 1
        try:
            fields = json.loads(text)
        except ValueError:
            continue
        if not isinstance(fields, dict):
            continue  # written lean (store.changelog.lean): no keys, only its size is measured
        for key, value in fields.items():
            keys += len(key.encode()) + 6  # the quotes, ": " and ", "
            encoded = len(json.dumps(value, ensure_ascii=False).encode())
            values += encoded
            if value in (row_id, device):
                repeats += encoded
    print(f"fields: {stored / visits:,.0f} B a visit; by table and operation:")
    for (table, op), size in by_table.most_common(8):
        n = count[(table, op)]
        print(
            f"  {table:<14} {op:<7} {n:7,} entries {size / visits:7,.0f} B a visit,"
            f" {size / n:5,.0f} B each"
        )
    if keys:
        print(f"  JSON keys {keys / visits:,.0f} B a visit, values {values / visits:,.0f} B")
        print(f"  values repeating the entry's row id or device: {repeats / visits:,.0f} B a visit")


HUB = """
import sys
from store.core.clock import SystemClock
from store.station import open_store
from store.sync.hub import init_hub, open_hub, push_to_hub
station_path, url = sys.argv[1], sys.argv[2]
init_hub(target=url, county="临溪县", clock=SystemClock())
hub, _ = open_hub(url)
push_to_hub(station=open_store(station_path), hub=hub)
"""


def hub_sizes(db: Path, visits: int, top: int = 14) -> None:
    """The station pushed to a new hub on a throwaway server: tables and indexes a visit."""
    import subprocess

    sys.path.insert(0, str(ROOT / "tests" / "helpers"))
    from pg import start_server

    server = start_server()
    try:
        url = server.create_database()
        with tempfile.TemporaryDirectory(prefix="liaison-size-") as tmp:
            station = Path(tmp) / "station.db"
            shutil.copyfile(db, station)
            subprocess.run(
                [sys.executable, "-c", HUB, str(station), url],
                cwd=ROOT,
                check=True,
                stdin=subprocess.DEVNULL,
            )
        from sqlalchemy import create_engine

        engine = create_engine(url)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
            report_hub(conn, visits, top)
        engine.dispose()
    finally:
        server.stop()


def report_hub(conn: Any, visits: int, top: int) -> None:
    database = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
    rows = conn.exec_driver_sql(
        "SELECT c.relname, c.relkind, pg_total_relation_size(c.oid), pg_relation_size(c.oid)"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')"
        " ORDER BY 4 DESC"
    ).all()
    tables = sum(total for _, kind, total, _ in rows if kind == "r")
    print(
        f"hub: database {database / visits:,.0f} B a visit; tables with their indexes and TOAST "
        f"{tables / visits:,.0f} B"
    )
    log = next(total for name, _, total, _ in rows if name == "change_log")
    log_heap = next(own for name, _, _, own in rows if name == "change_log")
    print(
        f"  change_log with indexes {log / visits:,.0f} B a visit,"
        f" its heap {log_heap / visits:,.0f} B"
    )
    for name, kind, _total, own in rows[:top]:
        print(f"  {name:<40} {kind} {own / visits:8,.0f} B a visit")
    print("  change_log columns (pg_column_size):")
    for column in LOG_COLUMNS:
        size = conn.exec_driver_sql(
            f"SELECT sum(pg_column_size({column})) FROM change_log"
        ).scalar()
        print(f"    {column:<12} {(size or 0) / visits:8,.0f} B a visit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="a station database (liaison demo)")
    parser.add_argument("--visits", type=int, help="its visits (read from the file by default)")
    parser.add_argument("--hub", action="store_true", help="push it to a throwaway hub and measure")
    args = parser.parse_args()
    visits = args.visits
    if visits is None:
        with sqlite3.connect(args.db) as conn:
            visits = conn.execute("SELECT count(*) FROM visit").fetchone()[0]
    station_sizes(args.db, visits)
    if args.hub:
        hub_sizes(args.db, visits)


if __name__ == "__main__":
    main()
