"""`--lang en` on the slips' keys, leader visits and the deputies' record: every footer fits 80
columns and the screens speak English (a fresh interpreter: key labels are read when the screen
classes are defined)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from store.changes import Actor
from store.db import Store
from store.duty import start_duty
from store.issues import IssueRow
from store.leader_visits import LeaderVisitCreate, log_leader_visit

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
    out = {}

    def look(name):
        app.screen.refresh_bindings()
        modal = name == "leader_form"  # a modal has no footer of its own
        out[name] = {
            "screen": type(app.screen).__name__,
            "footer": [] if modal else descriptions(footer_keys(app)),
            "width": 0 if modal else footer_width(app),
            "widths": [(k.description, k.outer_size.width) for k in footer_keys(app)]
            if not modal
            else [],
            "text": "\n".join(screen_lines(app)),
        }

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        from screens.issue import IssueScreen

        app.push_screen(IssueScreen(sys.argv[3]))
        await settle(pilot)
        look("issue")
        await press(pilot, "escape")
        for name, module, cls in (
            ("follow_up", "screens.follow_up", "FollowUpScreen"),
            ("leader_visits", "screens.leader_visits", "LeaderVisitsScreen"),
            ("deputies", "screens.deputies", "DeputiesScreen"),
        ):
            app.action_push(module, cls)
            await settle(pilot)
            look(name)
            if name != "follow_up":
                await press(pilot, "enter")
                look(name + "_detail")
                await press(pilot, "escape")
            if name == "leader_visits":
                await press(pilot, "a")
                look("leader_form")
                await press(pilot, "escape")
            await press(pilot, "escape")
    store.dispose()
    print(json.dumps(out, ensure_ascii=False))


asyncio.run(main())
"""


def test_issue5_screens_in_english(
    store: Store,
    station_path: Path,
    actor: Actor,
    refs,  # type: ignore[no-untyped-def]
    make_issue,  # type: ignore[no-untyped-def]
) -> None:
    issue: IssueRow = make_issue(text="路灯坏了")
    with store.write(actor) as session:
        start_duty(session=session, deputy_id=refs.deputies["沈国强"])
        visit_in = LeaderVisitCreate(
            at=datetime(2026, 11, 24, 1, tzinfo=UTC),
            leader="王县长",
            deputy_ids=[refs.deputies["沈国强"]],
            issue_ids=[issue.id],
        )
        log_leader_visit(session=session, visit_in=visit_in, tz=UTC)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LIAISON_LANG": "en"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            SCRIPT,
            str(station_path),
            str(ROOT / "tests" / "screens"),
            issue.id,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])

    assert {name: s["screen"] for name, s in shown.items()} == {
        "issue": "IssueScreen",
        "follow_up": "FollowUpScreen",
        "leader_visits": "LeaderVisitsScreen",
        "leader_visits_detail": "LeaderVisitScreen",
        "leader_form": "LeaderVisitModal",
        "deputies": "DeputiesScreen",
        "deputies_detail": "DeputyRecordScreen",
    }
    assert "Slip" in shown["issue"]["footer"]
    assert "Record" in shown["follow_up"]["footer"]
    assert "Log session" in shown["leader_visits"]["footer"]
    assert "Link day" in shown["leader_visits_detail"]["footer"]
    assert "Print" in shown["deputies"]["footer"] and "Print" in shown["deputies_detail"]["footer"]
    assert "Leader's name" in shown["leader_form"]["text"]
    assert "issue(s) raised: 0 closed, 1 open" in shown["leader_visits_detail"]["text"]
    assert "shift(s) served" in shown["deputies_detail"]["text"]
    for name, screen in shown.items():
        assert screen["width"] <= 80, (name, json.dumps(screen["widths"]))

    from tui.i18n import CATALOGUE

    interface = {zh for zh, _ in CATALOGUE.values() if "{" not in zh and len(zh) > 1}
    for name, screen in shown.items():
        leaks = sorted(word for word in interface if word in screen["text"])
        assert leaks == [], (name, leaks)
