"""Peak memory of a session on a large station: the desk opened (headless, as tests drive it), a
visit logged, the board and the hot words opened; against the stack floor (Textual with a header
and footer, SQLModel imported, one row read) run the same way. Each in a child process of its own,
which reports its high-water mark (VmHWM)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

_PEAK = """
def peak_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""

FLOOR = (
    _PEAK
    + """
import asyncio, json, sys
from sqlmodel import Session, create_engine, text
from textual.app import App
from textual.widgets import Footer, Header, Static
engine = create_engine("sqlite:///" + sys.argv[1])
class Floor(App):
    def compose(self):
        yield Header()
        with Session(engine) as session:
            row = session.exec(text("SELECT id FROM visit ORDER BY received_at DESC LIMIT 1")).one()
        yield Static(row[0])
        yield Footer()
async def main():
    app = Floor()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
asyncio.run(main())
print(json.dumps({"peak": peak_mib(), "steps": []}))
"""
)

SESSION = (
    _PEAK
    + """
import asyncio, importlib.util, json, sqlite3, sys
from pathlib import Path
from textual.widgets import Input, Select, TextArea
from tui.app import make_app_at

db = Path(sys.argv[1])
with sqlite3.connect(db) as conn:
    village = conn.execute("SELECT id FROM village ORDER BY name LIMIT 1").fetchone()[0]
    category = conn.execute("SELECT id FROM category ORDER BY name LIMIT 1").fetchone()[0]

async def idle(app, pilot):
    for _ in range(400):
        await pilot.pause(0.05)
        if app.desk_ready and not any(w.is_running for w in app.workers):
            return

async def main():
    steps = []
    app = make_app_at(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(app, pilot)
        steps.append(["dashboard", type(app.screen).__name__, peak_mib()])
        await pilot.press("n")
        await idle(app, pilot)
        screen = app.screen
        screen.query_one("#phone", Input).value = "13900001111"
        screen.query_one("#name", Input).value = "测试居民"
        screen.query_one("#village_id", Select).value = village
        screen.query_one("#category_id", Select).value = category
        screen.query_one("#text", TextArea).text = "楼道堆满杂物，飞线充电很危险，希望尽快清理。"
        await idle(app, pilot)
        await pilot.press("ctrl+s")
        await idle(app, pilot)
        steps.append(["log a visit", type(app.screen).__name__, peak_mib()])
        await pilot.press("b")
        await idle(app, pilot)
        steps.append(["board", type(app.screen).__name__, peak_mib()])
        if importlib.util.find_spec("screens.hot_words") is not None:
            await pilot.press("escape", "h")
            await idle(app, pilot)
            steps.append(["hot words", type(app.screen).__name__, peak_mib()])
    # The session's peak, before the bench's own check below: its scan of every visit's text
    # through a fresh connection would add a page cache and the rows' strings to the figure.
    peak = peak_mib()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA cache_size = -64")
        saved = conn.execute("SELECT count(*) FROM visit WHERE text LIKE '%飞线充电很危险%'")
        steps.append(["visit saved", str(saved.fetchone()[0]), peak_mib()])
    print(json.dumps({"peak": peak, "steps": steps}, ensure_ascii=False))

asyncio.run(main())
"""
)


def _child(code: str, db: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", code, str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def run(db: Path, label: str) -> list[str]:
    from bench.common import report
    from store.trust.backup import backup_to

    tmp = Path(tempfile.mkdtemp())
    try:
        copy = backup_to(db, tmp / "m.sqlite3")  # the session writes a visit
        floor = _child(FLOOR, copy)
        ours = _child(SESSION, copy)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for step, screen, peak in ours["steps"]:
        print(f"    after {step:<12} ({screen}): {peak:6.1f} MiB", flush=True)
    steps = " + ".join(s[0] for s in ours["steps"] if s[0] != "visit saved")
    return [
        report(
            f"peak memory: {steps} ({label})",
            ours["peak"],
            "Textual + SQLModel + 1 row",
            floor["peak"],
            target_ms=120,
            unit="MiB",
        )
    ]
