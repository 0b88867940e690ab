"""The start-up path loads only what the first screen needs (issue 4: start to a ready dashboard
within 1.25× of a bare Textual + SQLModel app). Word segmentation, pinyin, charts, xlsx and
Alembic load when a screen or a write first needs them, never before the dashboard shows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("rjieba", "jieba", "pypinyin", "openpyxl", "plotext", "textual_plotext", "alembic")

# Opened the way `liaison --db PATH` opens it, headless, until the dashboard shows its figures.
SCRIPT = """
import asyncio, json, sys
from pathlib import Path
from tui.app import make_app_at

async def main():
    app = make_app_at(Path(sys.argv[1]))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if app.desk_ready and type(app.screen).__name__ in ("DashboardScreen", "PickModal"):
                if not any(w.is_running for w in app.workers):
                    break
        shown = type(app.screen).__name__
    heavy = sys.argv[2].split(",")
    print(json.dumps({"screen": shown, "loaded": [m for m in heavy if m in sys.modules]}))

asyncio.run(main())
"""


def test_the_desk_reaches_the_dashboard_without_heavy_modules(station_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(station_path), ",".join(HEAVY)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["screen"] in ("DashboardScreen", "PickModal")
    assert result["loaded"] == []


def test_help_loads_neither_textual_nor_the_store_models() -> None:
    """`liaison --help` (bench: ≤ 0.2 s) never imports Textual, Rich's console or SQLModel."""
    code = (
        "import sys\n"
        "from tui.cli import cli\n"
        "try:\n"
        "    cli(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('textual', 'sqlmodel', 'sqlalchemy', 'store.core.models')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
