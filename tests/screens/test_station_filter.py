"""Where a database holds several stations (a county hub), the board and the statistics show all
of them and narrow to one with `z` (or a click): the picker, the figures, the header, the footer
within 80 columns in Chinese and English. On a station's own database nothing of it shows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from desk_helpers import (
    content,
    descriptions,
    footer_keys,
    footer_width,
    pick,
    pick_options,
    press,
    settle,
)
from english_desk import run_in_english
from second_station import SECOND_NAME, SecondStation, add_second_station
from textual.widgets import Button, Label

from screens.base.station_scoped import ALL_STATIONS
from screens.board import BoardScreen
from screens.dialogs.help import HelpModal
from screens.dialogs.pick import PickModal
from screens.stats import StatsScreen
from store.changelog.changes import Actor
from store.core.models import Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.station import StationInfo, load_station
from tui.app import LiaisonApp, make_app
from tui.i18n import t


@pytest.fixture
def second(
    store: Store, actor: Actor, rostered: str, make_issue: Callable[..., IssueRow]
) -> SecondStation:
    """Two open issues at the small station, three at the second (one of them county tier)."""
    make_issue(text="青石村的路灯")
    make_issue(tier=Tier.township, text="青石镇的桥")
    other = add_second_station(store=store, by=actor)
    other.make_issue(text="东塘镇的路灯")
    other.make_issue(text="东塘镇的水渠")
    other.make_issue(tier=Tier.county, text="东塘镇的公交")
    return other


@pytest.fixture
def hub_desk(store: Store, second: SecondStation) -> LiaisonApp:
    return make_app(store, load_station(store))


def _board_total(app: LiaisonApp) -> str:
    return content(app.screen.query_one("#board-status", Label))


def _footer(app: LiaisonApp) -> list[str]:
    return descriptions(footer_keys(app))


async def test_the_board_shows_all_stations_then_one(
    hub_desk: LiaisonApp, station_info: StationInfo, second: SecondStation
) -> None:
    app = hub_desk
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.sub_title == t("station.all")
        assert "联络站（z）：全部联络站" in str(
            board.query_one("#board-station-button", Button).label
        )
        assert footer_width(app) <= 80
        assert board.shown_page is not None and board.shown_page.total == 5
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpModal)
        assert ("z", t("key.station")) in {(k, d) for k, d, _ in app.screen.rows}
        await press(pilot, "escape")

        await pilot.click("#board-station-button")
        await settle(pilot)
        assert isinstance(app.screen, PickModal)
        options = pick_options(app)
        # By township: 东塘镇 before 青石镇.
        assert [o[0] for o in options] == [ALL_STATIONS, second.id, station_info.id]
        assert any(SECOND_NAME in text for _, text, _ in options)
        await pick(pilot, second.id)
        assert app.screen is board
        assert board.sub_title == SECOND_NAME
        assert board.shown_page is not None and board.shown_page.total == 3
        titles = {row.title for row in board.shown_page.items}
        assert titles == {"东塘镇的路灯", "东塘镇的水渠", "东塘镇的公交"}
        assert "村级 ■ 0 ▲ 0 ● 2" in content(app.screen.query_one("#board-counts", Label))

        # The statistics follow the same station, and a click on its name picks another.
        await press(pilot, "s")
        stats = app.screen
        assert isinstance(stats, StatsScreen)
        assert stats.sub_title == SECOND_NAME
        button = stats.query_one("#stats-station-button", Button)
        assert SECOND_NAME in str(button.label)
        assert "事项 3 ·" in content(stats.query_one("#stats-headline", Label))
        assert footer_width(app) <= 80
        await pilot.click("#stats-station-button")
        await settle(pilot)
        assert isinstance(app.screen, PickModal)
        await pick(pilot, station_info.id)
        assert "事项 2 ·" in content(stats.query_one("#stats-headline", Label))
        await press(pilot, "z")
        await pick(pilot, ALL_STATIONS)
        assert stats.sub_title == t("station.all")
        assert "事项 5 ·" in content(stats.query_one("#stats-headline", Label))

        # Back on the board: all stations again.
        await press(pilot, "b")
        assert board.sub_title == t("station.all")
        assert board.shown_page is not None and board.shown_page.total == 5


async def test_a_drill_down_keeps_the_station(hub_desk: LiaisonApp, second: SecondStation) -> None:
    app = hub_desk
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        await press(pilot, "z")
        await pick(pilot, second.id)
        await press(pilot, "enter")  # the total row's name: the quarter's issues opened
        drill = app.screen
        assert isinstance(drill, BoardScreen) and drill.heading is not None
        assert drill.shown_page is not None and drill.shown_page.total == 3
        assert drill.sub_title == SECOND_NAME


async def test_one_station_shows_nothing_of_it(
    desk: LiaisonApp, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue()
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not desk.desk.many_stations
        await press(pilot, "b")
        assert not desk.screen.query("#board-station-button")
        await press(pilot, "z")
        assert isinstance(desk.screen, BoardScreen)
        assert desk.screen.sub_title != t("station.all")
        await press(pilot, "question_mark")
        assert isinstance(desk.screen, HelpModal)
        assert "z" not in {k for k, _, _ in desk.screen.rows}
        await press(pilot, "escape")
        await press(pilot, "s")
        assert not desk.screen.query("#stats-station-button")
        await press(pilot, "z")
        assert isinstance(desk.screen, StatsScreen)


async def test_footers_fit_in_english(store: Store, second: SecondStation) -> None:
    """Key labels are read when their screens' classes are defined: English needs a process of
    its own."""
    out = run_in_english(str(store.engine.url.database), BODY)
    for name in ("board", "stats"):
        assert out[name]["width"] <= 80, (name, out[name]["footer"])
        assert out[name]["sub_title"] == "All stations"
        assert out[name]["button"] == "Station (z): All stations"


# The board and the statistics, each with its station button.
BODY = r"""
for name, key in (("board", "b"), ("stats", "s")):
    await press(pilot, key)
    out[name] = look(app)
    out[name]["sub_title"] = app.screen.sub_title
    out[name]["button"] = str(app.screen.query_one("#" + name + "-station-button").label)
"""
