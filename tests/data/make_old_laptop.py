"""Write what a laptop of a released schema sends its station: `laptop-<rev>/station.sqlite3`
(a station made by `init_station`, as it stands once it has made its laptop's joining bundle)
and `laptop-<rev>/laptop.bundle` (the laptop's bundle of a visit it logged, triaged and added a
note to). tests/store/trust/test_previous_version.py opens the station with this code and takes
the bundle in: a station on newer code reads what an older laptop sends.

Run it with that release's own code (as make_fixtures.py), from its checkout:

    git archive <last commit of the release> | tar -x -C /tmp/release
    cd /tmp/release && PYTHONPATH=. /path/to/main/.venv/bin/python \\
        /path/to/main/tests/data/make_old_laptop.py /path/to/main/tests/data"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

sys.path[:0] = ["tests/helpers"]
from small_station import NOW, SMALL_STATION  # noqa: E402
from sync_helpers import PASSPHRASE, log_on  # noqa: E402

from store.core.clock import FrozenClock  # noqa: E402
from store.core.models import IssueStatus, ProgressCreate, Tier  # noqa: E402
from store.desk.issues import add_progress  # noqa: E402
from store.desk.triage import open_issue  # noqa: E402
from store.reference.lists import list_units  # noqa: E402
from store.station import init_station, open_store  # noqa: E402
from store.sync.exchange import export_bundle, export_join_bundle, join_station  # noqa: E402
from store.trust.migrate import HEAD_REVISION  # noqa: E402

# The resident the laptop's visit names: the test looks for them at the station.
PHONE = "13977778888"


def _vacuum(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("VACUUM")
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def main(out: Path) -> None:
    folder = out / f"laptop-{HEAD_REVISION}"
    folder.mkdir(exist_ok=True)
    station_path, laptop_path = folder / "station.sqlite3", folder / "laptop.sqlite3"
    for path in (station_path, laptop_path):
        path.unlink(missing_ok=True)
    clock = FrozenClock(NOW)
    init_station(engine_path=station_path, station=SMALL_STATION, clock=clock)
    station = open_store(station_path, clock=clock)
    join = folder / "join.bundle"
    export_join_bundle(store=station, db_path=station_path, out=join, passphrase=PASSPHRASE)
    station.dispose()
    info = join_station(
        bundle=join,
        db_path=laptop_path,
        passphrase=PASSPHRASE,
        device_name="旧版笔记本",
        clock=clock,
    )
    join.unlink()
    laptop = open_store(laptop_path, clock=clock)
    visit = log_on(laptop, info, "村口的路灯坏了三天，晚上看不见路", phone=PHONE)
    with laptop.read() as session:
        unit = list_units(session=session, tier=Tier.village)[0]
    with laptop.write(info.actor()) as session:
        issue = open_issue(session=session, visit_id=visit.id, unit_id=unit.id)
        add_progress(
            session=session,
            issue_id=issue.id,
            progress_in=ProgressCreate(status=IssueStatus.handling, note="已联系电工"),
        )
    export_bundle(store=laptop, out=folder / "laptop.bundle")
    laptop.dispose()
    laptop_path.unlink()
    _vacuum(station_path)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
