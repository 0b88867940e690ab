"""`liaison export ledger --reveal` writes phones in clear: the export is recorded in the access
log (one event, the number of visits, this device); a masked export records nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from shell import run

from store.db import Store
from store.trust.reveals import EXPORT_REVEALED


def _events(path: Path) -> list[tuple[str, str, str, str | None, str]]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT action, table_name, row_id, deputy_id, device_id FROM access_log"
        ).fetchall()


def test_export_in_clear_is_logged(
    store: Store, station_path: Path, make_visit: Callable[..., object], tmp_path: Path
) -> None:
    make_visit(phone="13812345678")
    make_visit(phone="13900001111", name="李四")
    store.dispose()  # the command opens the file itself
    masked = run("--db", str(station_path), "export", "ledger", "--out", str(tmp_path / "m.csv"))
    assert masked.returncode == 0, masked.stderr
    assert _events(station_path) == []
    out = tmp_path / "ledger.csv"
    done = run("--db", str(station_path), "export", "ledger", "--out", str(out), "--reveal")
    assert done.returncode == 0, done.stderr
    assert "13812345678" in out.read_text(encoding="utf-8-sig")
    [(action, table, rows, deputy, device)] = _events(station_path)
    assert (action, table, rows, deputy) == (EXPORT_REVEALED, "ledger", "2", None)
    with sqlite3.connect(station_path) as db:
        assert db.execute("SELECT value FROM local_meta WHERE key = 'device_id'").fetchone() == (
            device,
        )
