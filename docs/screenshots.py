"""Regenerate the README's screenshots: the demo station at a fixed instant, drawn headless."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fixtures.demo import build_demo
from store.core.clock import FrozenClock
from store.station import load_station, open_store

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

HERE = Path(__file__).parent
AT = datetime(2026, 11, 24, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
SHOTS = [
    ("dashboard", (80, 24), []),
    ("triage", (80, 24), ["t"]),
    ("board", (120, 34), ["b"]),
    ("issue", (100, 30), ["b", "enter"]),
]


async def settle(app: App[Any], pilot: Pilot[Any]) -> None:
    """Wait until no worker is running (a superseded, cancelled one counts as done)."""
    from textual.worker import WorkerCancelled

    for _ in range(20):
        try:
            await app.workers.wait_for_complete()
            break
        except WorkerCancelled:
            continue
    await pilot.pause()


async def shoot(db: Path, name: str, size: tuple[int, int], keys: list[str]) -> None:
    from tui.app import make_app

    store = open_store(db, clock=FrozenClock(AT))
    app = make_app(store, load_station(store))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)
        app.save_screenshot(f"{name}.svg", str(HERE))
    store.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.sqlite3"
        build_demo(db, clock=FrozenClock(AT))
        for name, size, keys in SHOTS:
            asyncio.run(shoot(db, name, size, keys))


if __name__ == "__main__":
    main()
