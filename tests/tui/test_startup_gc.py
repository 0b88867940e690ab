"""`liaison` opens the desk with the garbage collector off (tui.cli.open_app: collecting over
start-up's million objects cost a quarter of its CPU); once the dashboard has shown its figures
the app loads the other screens and turns the collector back on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import asyncio, gc, json, sys
from pathlib import Path
gc.disable()  # as tui.cli.open_app does
from tui.app import make_app_at

async def main():
    app = make_app_at(Path(sys.argv[1]))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if gc.isenabled() and not any(w.is_running for w in app.workers):
                break
        shown = type(app.screen).__name__
    print(json.dumps({"screen": shown, "collecting": gc.isenabled(),
                      "stats": "screens.stats" in sys.modules}))

asyncio.run(main())
"""


def test_the_collector_is_back_on_once_the_dashboard_is_shown(station_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(station_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"screen": result["screen"], "collecting": True, "stats": True}
    assert result["screen"] in ("DashboardScreen", "PickModal")
