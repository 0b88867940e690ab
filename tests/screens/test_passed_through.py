"""A screen passed through is not read again: the dashboard under the command palette is
resumed for the moment between the palette closing and the place chosen opening, and read its
eight panels beside the place's own load (on a county hub, 100 ms of SQL for every place the
palette opened). Shown again and left in front, it is read again, as before."""

from __future__ import annotations

from typing import Any

import pytest
from desk_helpers import press, settle
from textual.command import CommandInput, CommandPalette

from screens.audit import AuditScreen
from screens.dashboard import DashboardScreen
from screens.deputies import DeputiesScreen
from screens.follow_up import FollowUpScreen
from screens.sync import SyncScreen
from tui.app import LiaisonApp
from tui.messages import Place


async def test_the_dashboard_under_the_palette_is_not_read_again(
    desk: LiaisonApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    load = DashboardScreen._load

    def counted(self: DashboardScreen, *args: Any) -> Any:
        reads.append("dashboard")
        return load(self, *args)

    monkeypatch.setattr(DashboardScreen, "_load", counted)
    app = desk
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        before = len(reads)
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one(CommandInput).value = "回访"
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, FollowUpScreen)
        assert len(reads) == before  # passed through: not read
        await press(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen)
        assert len(reads) == before + 1  # shown again: read again


@pytest.mark.parametrize("place", ["deputies", "audit", "sync"])
async def test_a_list_shown_again_is_read_once(
    desk: LiaisonApp, monkeypatch: pytest.MonkeyPatch, place: str
) -> None:
    """Textual runs every class's resume handler: the deputies', the audit trail's and the sync
    screen's own, and the paged lists' under them, each read the list again (two reads, the
    first thrown away) whenever it was shown again."""
    screens: dict[str, type[Any]] = {
        "deputies": DeputiesScreen,
        "audit": AuditScreen,
        "sync": SyncScreen,
    }
    reads: list[str] = []
    reload = screens[place].reload

    def counted(self: Any) -> None:
        reads.append(place)
        reload(self)

    monkeypatch.setattr(screens[place], "reload", counted)
    app = desk
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if place == "sync":
            await press(pilot, "y")
        else:
            app.open_place(Place(place))
        await settle(pilot)
        assert isinstance(app.screen, screens[place])
        before = len(reads)
        await press(pilot, "question_mark")
        await press(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, screens[place])
        assert len(reads) == before + 1
