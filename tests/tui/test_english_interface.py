"""`--lang en`: the whole interface in English (spec §7).

Key labels are read when the screen classes are defined, so the language is set before `tui.app`
and `screens` are imported: that needs a fresh interpreter, hence the subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from store.changes import Actor
from store.db import Store
from store.duty import start_duty

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import asyncio, json, sys
sys.path.insert(0, sys.argv[2])  # tests/screens, for desk_helpers

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
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for name, key in (("dashboard", None), ("triage", "t"), ("board", "b"), ("log", "n")):
            if key:
                await press(pilot, key)
            app.screen.refresh_bindings()
            await settle(pilot)
            out[name] = {
                "screen": type(app.screen).__name__,
                "footer": descriptions(footer_keys(app)),
                "width": footer_width(app),
                "text": "\n".join(screen_lines(app)),
            }
        await press(pilot, "escape")
        await press(pilot, "t")
        await press(pilot, "question_mark")
        out["help"] = {"screen": type(app.screen).__name__, "text": "\n".join(screen_lines(app))}
    store.dispose()
    print(json.dumps(out, ensure_ascii=False))


asyncio.run(main())
"""


def test_the_interface_speaks_english(store: Store, station_path: Path, actor: Actor, refs) -> None:  # type: ignore[no-untyped-def]
    with store.write(actor) as session:
        start_duty(session=session, deputy_id=refs.deputies["沈国强"])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LIAISON_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(station_path), str(ROOT / "tests" / "screens")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])

    assert [shown[s]["screen"] for s in ("dashboard", "triage", "board", "log", "help")] == [
        "DashboardScreen",
        "TriageScreen",
        "BoardScreen",
        "LogVisitScreen",
        "HelpModal",
    ]
    assert "Log visit" in shown["dashboard"]["footer"]
    assert {"Village", "Township", "County"} <= set(shown["triage"]["footer"])
    assert "Filter" in shown["board"]["footer"]
    assert "Save" in shown["log"]["footer"]
    assert "Duty dashboard" in shown["dashboard"]["text"]
    assert "Phone" in shown["log"]["text"] and "Village/community" in shown["log"]["text"]
    assert "Visits waiting for triage, oldest first." in shown["help"]["text"]
    for name in ("dashboard", "triage", "board", "log"):
        assert shown[name]["width"] <= 80, (name, shown[name]["footer"])

    # No interface word in Chinese: what Chinese remains is data (station, deputy, villages).
    from tui.i18n import CATALOGUE  # the catalogue itself; the language is not touched

    interface = {zh for zh, _ in CATALOGUE.values() if "{" not in zh and len(zh) > 1}
    assert {"登记来访", "村级", "帮助"} <= interface
    for name, screen in shown.items():
        leaks = sorted(word for word in interface if word in screen["text"])
        assert leaks == [], (name, leaks)
        assert "登记来访" not in screen.get("footer", [])
