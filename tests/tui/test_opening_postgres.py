"""The app opens on a PostgreSQL URL (a county hub) as on a SQLite file: the dashboard paints,
no daily backup is taken (pg_dump's job), and the password shows nowhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from desk_helpers import screen_lines
from small_station import NOW, SMALL_STATION

from screens.opening import OpeningScreen
from store.core.clock import FrozenClock
from store.station import init_station
from tui import cli_maintenance, settings
from tui.app import LiaisonApp, make_app_at
from tui.messages import FiguresShown


async def _settle(app: LiaisonApp, pilot: Any) -> None:
    for _ in range(200):
        await pilot.pause(0.05)
        if app.return_code is not None:
            return
        if app.desk_ready and not any(w.is_running for w in app.workers):
            return


@pytest.fixture
def backups(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The daily backups the app starts (recorded, not taken)."""
    taken: list[Path] = []
    monkeypatch.setattr(
        cli_maintenance, "daily_backup_in_background", lambda db, key=None: taken.append(db)
    )
    return taken


async def test_the_desk_opens_on_postgres(
    pg_url_factory: Callable[[], str], backups: list[Path]
) -> None:
    url = pg_url_factory()
    init_station(engine_path=url, station=SMALL_STATION, clock=FrozenClock(NOW))
    app = make_app_at(url)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, OpeningScreen) or app.desk_ready
        await _settle(app, pilot)
        assert app.return_code is None
        assert type(app.screen).__name__ in ("DashboardScreen", "PickModal")
        assert app.desk.station.name == SMALL_STATION.name
        assert app.sub_title == SMALL_STATION.name
        assert not app.desk.many_stations
        app.post_message(FiguresShown())  # as the dashboard does once its figures show: warm up
        await _settle(app, pilot)
    assert backups == []


async def test_sqlite_still_takes_its_daily_backup(station_path: Path, backups: list[Path]) -> None:
    app = make_app_at(station_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        app.post_message(FiguresShown())
        await _settle(app, pilot)
    assert backups == [station_path]


async def test_an_unreachable_server_closes_the_app_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    app = make_app_at("postgresql://liaison:s3cret-pw@127.0.0.1:1/hub")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
    assert app.return_code == 1
    # The app prints its closing message as it ends (wrapped to the terminal's width).
    shown = capsys.readouterr().err.replace("\n", "")
    assert "postgresql://liaison:***@127.0.0.1:1/hub" in shown
    assert "服务器未启动" in shown and "s3cret-pw" not in shown
    assert "s3cret-pw" not in app.title + app.sub_title


def test_liaison_db_may_name_a_postgres_url(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql://liaison@127.0.0.1:5432/hub"
    monkeypatch.setenv("LIAISON_DB", url)
    assert settings.default_db() == url
    monkeypatch.setenv("LIAISON_DB", "/tmp/station.sqlite3")
    assert settings.default_db() == Path("/tmp/station.sqlite3")


async def test_a_county_hub_opens_on_its_dashboard_with_nobody_put_on_duty(
    tmp_path: Path, backups: list[Path]
) -> None:
    """The county's view of its stations has no duty of its own: no deputy chooser, which on a
    fresh hub would have nobody to offer."""
    from store.sync.hub import init_hub

    hub = tmp_path / "hub.sqlite3"
    init_hub(target=hub, county="临溪县", clock=FrozenClock(NOW))
    app = make_app_at(hub)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        assert app.return_code is None
        assert app.desk.station.hub
        # The county's dashboard (screens/county.py), with no station yet to show.
        assert type(app.screen).__name__ == "CountyScreen"
        for _ in range(100):  # its figures load in a worker that may not have started yet
            if any("还没有联络站推送" in line for line in screen_lines(app)):
                break
            await pilot.pause(0.05)
        assert any("还没有联络站推送" in line for line in screen_lines(app))
        assert app.desk.deputy_id is None
