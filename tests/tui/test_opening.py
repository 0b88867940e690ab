"""Opened from the command line, the app paints an opening screen and loads the store behind it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.pilot import Pilot

from screens.opening import OpeningScreen
from tui.app import LiaisonApp, make_app_at


async def _settle(app: LiaisonApp, pilot: Pilot[None]) -> None:
    for _ in range(100):
        await pilot.pause(0.05)
        if app.desk_ready and not any(w.is_running for w in app.workers):
            return


async def test_the_desk_opens_on_the_dashboard_after_the_opening_screen(
    station_path: Path,
) -> None:
    app = make_app_at(station_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, OpeningScreen) or app.desk_ready
        await _settle(app, pilot)
        assert type(app.screen).__name__ in ("DashboardScreen", "PickModal")
        assert app.desk.station.name == "青石镇人大代表联络站"


async def test_a_database_of_a_newer_version_closes_the_app_with_a_message(
    station_path: Path,
) -> None:
    with sqlite3.connect(station_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    app = make_app_at(station_path)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.return_code is not None:
                break
    assert app.return_code == 1
    with sqlite3.connect(station_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999",)
