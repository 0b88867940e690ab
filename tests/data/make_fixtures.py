"""Write the upgrade fixtures of a released schema: `station-<rev>.sqlite3` and
`station-<rev>.postgresql.sql` (tests/store/trust/test_previous_version.py upgrades each).

Run it with that release's own code, before the next migration is added:

    git worktree add /tmp/release <last commit of the release>
    cd /tmp/release && python3 -m venv .venv && .venv/bin/pip install -e '.[test]'
    .venv/bin/python /path/to/main/tests/data/make_fixtures.py /path/to/main/tests/data

It imports the release's modules, whichever layout it had (store/ grouped by feature from
schema 0011 on)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

sys.path[:0] = ["tests/helpers"]
from pg import start_server  # noqa: E402
from small_station import NOW  # noqa: E402

from fixtures.demo import build_demo  # noqa: E402

try:
    from store.core.clock import FrozenClock
    from store.trust.migrate import HEAD_REVISION
except ImportError:  # the flat layout, up to schema 0011
    from store.clock import FrozenClock  # type: ignore[import-not-found, no-redef]
    from store.migrate import HEAD_REVISION  # type: ignore[import-not-found, no-redef]
from store.station import open_store  # noqa: E402
from store.sync.hub import init_hub, push_to_hub  # noqa: E402


def _vacuum(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("VACUUM")
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def main(out: Path) -> None:
    db = out / f"station-{HEAD_REVISION}.sqlite3"
    db.unlink(missing_ok=True)
    build_demo(db, visits=80, seed=20260625, clock=FrozenClock(NOW))
    _vacuum(db)
    server = start_server()
    try:
        url = server.create_database()
        init_hub(target=url, county="临溪县", clock=FrozenClock(NOW))
        station, hub = (
            open_store(db, clock=FrozenClock(NOW)),
            open_store(url, clock=FrozenClock(NOW)),
        )
        push_to_hub(station=station, hub=hub)
        station.dispose()
        hub.dispose()
        dump = subprocess.run(
            [*server._as, str(server.bindir / "pg_dump"), "--no-owner", "--no-privileges",
             "--inserts", url],
            capture_output=True, text=True, check=True, cwd="/",
        ).stdout  # fmt: skip
        (out / f"station-{HEAD_REVISION}.postgresql.sql").write_text(dump)
    finally:
        server.stop()
    _vacuum(db)  # the push kept what the hub holds in the station's file


if __name__ == "__main__":
    main(Path(sys.argv[1]))
