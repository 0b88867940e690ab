"""The ledger import is all or nothing under SIGKILL, and two imports at once both land."""

from __future__ import annotations

import csv
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from fixtures.demo import build_demo
from store.core.clock import FrozenClock, today
from store.db import make_engine, sqlite_url
from store.ledger import export_ledger
from store.station import open_store
from store.trust.check import check_database

LIAISON = [sys.executable, "-c", "from tui.cli import main; main()"]
VISITS = 1500
AT = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A demo station's full ledger, the same split in two by issue, and an empty station with
    the same villages, units and deputies to import them into."""
    base = tmp_path_factory.mktemp("ledgers")
    clock = FrozenClock(AT)
    source = base / "source.sqlite3"
    build_demo(source, visits=VISITS, clock=clock)
    store = open_store(source, clock=clock)
    full = base / "full.csv"
    with store.read() as session:
        export_ledger(session=session, out=full, today=today(clock), reveal=True)
    store.dispose()
    with full.open(encoding="utf-8-sig", newline="") as fh:
        header, *body = list(csv.reader(fh))
    ref = header.index("事项")
    halves: dict[str, list[list[str]]] = {"a": [header], "b": [header]}
    for number, row in enumerate(body):
        # One issue's rows stay together; untriaged visits alternate.
        key = row[ref] or str(number)
        halves["a" if sum(map(ord, key)) % 2 else "b"].append(row)
    paths = {"full": full}
    for name, content in halves.items():
        path = base / f"{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(content)
        paths[name] = path
    empty = base / "empty.sqlite3"
    build_demo(empty, visits=0, clock=clock)
    paths["empty"] = empty
    return paths


def visits_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM visit").fetchone()[0])


def sound(db: Path) -> bool:
    engine = make_engine(sqlite_url(db))
    try:
        return check_database(engine=engine).ok
    finally:
        engine.dispose()


def importer(db: Path, ledger: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*LIAISON, "--db", str(db), "import", str(ledger)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_an_import_killed_at_any_moment_leaves_all_or_nothing(
    files: dict[str, Path], tmp_path: Path
) -> None:
    rng = random.Random(20261124)
    for attempt in range(10):
        db = tmp_path / f"kill-{attempt}.sqlite3"
        shutil.copy(files["empty"], db)
        process = importer(db, files["full"])
        time.sleep(rng.uniform(0.2, 3.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        count = visits_in(db)
        assert count in (0, VISITS), (attempt, count)
        assert sound(db), attempt


def test_two_imports_at_once_both_succeed_and_lose_no_row(
    files: dict[str, Path], tmp_path: Path
) -> None:
    db = tmp_path / "both.sqlite3"
    shutil.copy(files["empty"], db)
    first, second = importer(db, files["a"]), importer(db, files["b"])
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    assert first.returncode == 0, outputs[0][1]
    assert second.returncode == 0, outputs[1][1]
    assert visits_in(db) == VISITS
    assert sound(db)
    again = subprocess.run(
        [*LIAISON, "--db", str(db), "import", str(files["full"])],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert again.returncode == 0, again.stderr
    assert visits_in(db) == VISITS
