"""A first push of a demo station to a county hub on a throwaway PostgreSQL server (issue 19):
its time and peak memory (VmHWM of a child process that only opens both and pushes), then a push
with nothing new, and the hub's version vector read both ways (the log grouped by device; the
skip scan of store.sync.stream).

    python -m bench.push_memory --db demo20k.db [--code DIR ...]

Each --code is a checkout whose store does the push (default: this one), e.g. an export of the
commit before the batched push, to compare. Not part of `make bench`: it needs PostgreSQL's
binaries (Debian's packages) and minutes per 20,000 visits."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, sys, time
from pathlib import Path

def peak_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

from sqlalchemy import text
from store.core.clock import SystemClock
from store.station import open_store
from store.sync.hub import init_hub, open_hub, push_to_hub

station_path, url = Path(sys.argv[1]), sys.argv[2]
init_hub(target=url, county="临溪县", clock=SystemClock())
hub, _ = open_hub(url)
station = open_store(station_path)
start_peak = peak_mib()
began = time.perf_counter()
first = push_to_hub(station=station, hub=hub)
first_s = time.perf_counter() - began
first_peak = peak_mib()
began = time.perf_counter()
again = push_to_hub(station=station, hub=hub)
again_s = time.perf_counter() - began
grouped = (
    "SELECT device_id, max(hlc) FROM change_log WHERE table_name <> 'change_log' "
    "GROUP BY device_id"
)
with hub.engine.connect() as conn:
    conn.exec_driver_sql("ANALYZE change_log")
    conn.commit()
    times = []
    for _ in range(5):
        began = time.perf_counter()
        conn.exec_driver_sql(grouped).all()
        times.append(time.perf_counter() - began)
    grouped_ms = min(times) * 1000
    skip_ms = None
    try:
        from store.sync.stream import version_vector
    except ImportError:
        version_vector = None
    if version_vector is not None:
        times = []
        for _ in range(5):
            began = time.perf_counter()
            version_vector(conn)
            times.append(time.perf_counter() - began)
        skip_ms = min(times) * 1000
print(json.dumps({
    "changes": first.merge.new,
    "first_push_s": round(first_s, 1),
    "peak_mib_before_push": round(start_peak),
    "peak_mib": round(first_peak),
    "nothing_new_s": round(again_s, 3),
    "again_new": again.merge.new,
    "grouped_ms": round(grouped_ms, 2),
    "skip_scan_ms": None if skip_ms is None else round(skip_ms, 2),
}))
"""


def run(db: Path, code: Path, server: Any) -> dict[str, Any]:
    """One push of a copy of `db` with the store of `code`, into a new database of `server`."""
    with tempfile.TemporaryDirectory(prefix="liaison-push-") as tmp:
        station = Path(tmp) / "station.db"
        shutil.copyfile(db, station)
        url = server.create_database()
        try:
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(station), url],
                cwd=code,
                env={"PYTHONPATH": str(code), "PATH": "/usr/bin:/bin"},
                capture_output=True,
                text=True,
                timeout=3600,
                stdin=subprocess.DEVNULL,
            )
        finally:
            server.drop_database(url)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="a station database (liaison demo)")
    parser.add_argument("--code", type=Path, action="append", help="a checkout to push with")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests" / "helpers"))
    from pg import start_server

    server = start_server()
    try:
        for code in args.code or [ROOT]:
            print(code, json.dumps(run(args.db, code.resolve(), server)), flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
