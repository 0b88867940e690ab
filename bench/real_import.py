"""A real station's 20,000-row ledger imported by `liaison import` into a station made by
`liaison init` with only its own names (issue 16, part 8), against the floor of reading the same
CSV and inserting its rows with one `executemany` into a WAL/FULL SQLite table. Both are timed as
whole processes, in the same run: start-up counts on both sides."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, report
from bench.real_ledger import DEPUTIES, STATION, VILLAGES, write_real_ledger

ROWS = 20_000
TARGET_RATIO = 12
LIAISON = [str(Path(sys.executable).with_name("liaison"))]

# The floor: the csv module reads the file, one executemany writes its rows, in one transaction,
# into a table of as many text columns, under the durability the desk uses (WAL, FULL).
FLOOR = """
import csv, sqlite3, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as fh:
    header, *rows = list(csv.reader(fh))
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
names = ", ".join(f"c{i} TEXT" for i in range(len(header)))
db.execute(f"CREATE TABLE ledger (id INTEGER PRIMARY KEY, {names})")
marks = ", ".join("?" * len(header))
db.execute("BEGIN")
db.executemany(f"INSERT INTO ledger VALUES (NULL, {marks})", rows)
db.execute("COMMIT")
db.close()
"""


# A second floor, the design's: SQLite alone writing what the import wrote (the records, their
# change log, the search and word indexes, every index and trigger a station has) from the first
# import's file into a copy of the empty station, one transaction under WAL/FULL, no Python per row.
SAME_ROWS = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.execute("ATTACH ? AS done", (sys.argv[2],))
tables = [r[0] for r in db.execute(
    "SELECT name FROM done.sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
    " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts_%'")]
db.execute("BEGIN")
for table in tables:
    columns = ", ".join(f'"{r[1]}"' for r in db.execute(f'PRAGMA done.table_info("{table}")'))
    into = f'INSERT OR IGNORE INTO main."{table}" ({columns})'
    db.execute(f'{into} SELECT {columns} FROM done."{table}"')
db.execute("COMMIT")
db.close()
"""


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    return (time.perf_counter() - start) * 1000


def _station(path: Path) -> None:
    station, township, county = STATION
    command = [*LIAISON, "init", "--db", str(path), "--station", station]
    command += ["--township", township, "--county", county]
    for deputy in DEPUTIES:
        command += ["--deputy", deputy]
    for village in VILLAGES:
        command += ["--village", village]
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)


def run(rows: int = ROWS, repeat: int = 3) -> str:
    tmp = Path(tempfile.mkdtemp())
    try:
        ledger = write_real_ledger(tmp / "ledger.csv", rows)
        empty = tmp / "empty.db"
        _station(empty)
        floors, figures, writes = [], [], []
        for i in range(repeat):
            floors.append(_timed([sys.executable, "-c", FLOOR, str(ledger), str(tmp / f"f{i}.db")]))
            target = tmp / f"station{i}.db"
            shutil.copy(empty, target)
            figures.append(_timed([*LIAISON, "--db", str(target), "import", str(ledger)]))
            again = tmp / f"again{i}.db"
            shutil.copy(empty, again)
            writes.append(_timed([sys.executable, "-c", SAME_ROWS, str(again), str(target)]))
        figure = statistics.median(figures)
        line = report(
            f"import a real {rows:,}-row ledger (process)",
            figure,
            "csv + executemany (process)",
            statistics.median(floors),
            target_ratio=TARGET_RATIO,
        )
        report(
            "  the same import",
            figure,
            "SQLite alone writing its rows",
            statistics.median(writes),
        )
        return line
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else ROWS)
