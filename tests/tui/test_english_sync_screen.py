"""`--lang en` on the sync screen: the footer fits 80 columns with every key live, and the
screen speaks English (a fresh interpreter: key labels are read when the classes are defined)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from store.changes import Actor
from store.db import Store
from store.duty import start_duty
from store.issues import IssueRow, change_unit
from store.models import Tier
from store.station import load_station, open_store
from store.sync.exchange import export_bundle, export_join_bundle, import_bundle, join_station

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import asyncio, json, sys
sys.path.insert(0, sys.argv[2])

from tui.i18n import set_language
set_language("en")

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from desk_helpers import descriptions, footer_keys, footer_width, press, screen_lines, settle
from store.clock import FrozenClock
from store.station import load_station, open_store
from tui.app import make_app


async def main() -> None:
    clock = FrozenClock(datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    store = open_store(Path(sys.argv[1]), clock=clock)
    app = make_app(store, load_station(store), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "y")
        app.screen.refresh_bindings()
        await settle(pilot)
        out = {
            "screen": type(app.screen).__name__,
            "footer": descriptions(footer_keys(app)),
            "width": footer_width(app),
            "text": "\n".join(screen_lines(app)),
        }
    store.dispose()
    print(json.dumps(out, ensure_ascii=False))


asyncio.run(main())
"""


def test_sync_screen_in_english(
    store: Store,
    station_path: Path,
    actor: Actor,
    refs,  # type: ignore[no-untyped-def]
    make_issue,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    issue: IssueRow = make_issue()
    with store.write(actor) as session:
        start_duty(session=session, deputy_id=refs.deputies["沈国强"])
    # A laptop and a conflict, so that the conflict keys are live too.
    export_join_bundle(
        store=store, db_path=station_path, out=tmp_path / "j.bundle", passphrase="12345678"
    )
    join_station(
        bundle=tmp_path / "j.bundle",
        db_path=tmp_path / "laptop.db",
        passphrase="12345678",
        device_name="laptop-1",
        clock=clock,
    )
    laptop = open_store(tmp_path / "laptop.db", clock=clock)
    with store.write(actor) as session:
        change_unit(session=session, issue_id=issue.id, unit_id=refs.unit_for(Tier.township))
    with laptop.write(load_station(laptop).actor(actor.deputy_id)) as session:
        change_unit(session=session, issue_id=issue.id, unit_id=refs.unit_for(Tier.county))
    export_bundle(store=laptop, out=tmp_path / "l.bundle")
    laptop.dispose()
    import_bundle(store=store, path=tmp_path / "l.bundle")

    env = {**os.environ, "PYTHONPATH": str(ROOT), "LIAISON_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(station_path), str(ROOT / "tests" / "screens")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["screen"] == "SyncScreen"
    for key in ("Export", "Import", "New laptop", "Keep", "Restore"):
        assert key in shown["footer"], shown["footer"]
    assert shown["width"] <= 80, shown["footer"]
    assert "This device: 值班台 · station" in shown["text"]
    assert "Lost value" in shown["text"] and "Unit" in shown["text"]

    from tui.i18n import CATALOGUE

    interface = {zh for zh, _ in CATALOGUE.values() if "{" not in zh and len(zh) > 1}
    # The station's and this terminal's names (data, in the header and the device line) aside.
    screen_text = shown["text"].replace(load_station(store).name, "").replace("值班台", "")
    leaks = sorted(word for word in interface if word in screen_text)
    assert leaks == []
