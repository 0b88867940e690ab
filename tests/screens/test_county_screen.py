"""The desk on a county hub opens on the county's dashboard (screens/county.py): a row per
station and the county's totals at 80×24, Enter into a station's board, `s` into its
statistics, `d` back; and nothing of a duty desk: no `n`, `t`, `a`, `e` (nor their palette
commands), and what reaches them anyway is refused."""

from __future__ import annotations

from typing import Any

import pytest
from county_desk import Hub
from desk_helpers import (
    content,
    descriptions,
    footer_keys,
    footer_width,
    notes,
    pick,
    press,
    rows,
    screen_lines,
    settle,
)
from english_desk import in_english
from sqlmodel import col, select
from textual.widgets import Label

from screens.board import BoardScreen
from screens.county import CountyScreen
from screens.deputies import DeputiesScreen
from screens.dialogs.help import HelpModal
from screens.stats import StatsScreen
from store.core.models import Deputy
from store.core.rows import live
from tui.app import LiaisonApp, make_app
from tui.commands import DeskCommands
from tui.i18n import t
from tui.messages import Place


@pytest.fixture
def hub_desk(county_hub: Hub) -> LiaisonApp:
    return make_app(county_hub.store, county_hub.info)


def _keys(app: LiaisonApp) -> set[str]:
    return {k.key for k in footer_keys(app)}


async def test_the_hub_opens_on_the_county_dashboard(hub_desk: LiaisonApp, county_hub: Hub) -> None:
    app = hub_desk
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        county = app.screen
        assert isinstance(county, CountyScreen)
        table = rows(county.table)
        # 东塘镇 (B) before 青石镇 (A), then the county's totals.
        assert [r[0] for r in table] == [county_hub.b.name, county_hub.a.name, "全县合计"]
        a, b, total = table[1], table[0], table[2]
        # open, overdue, red (glyph and number), two-month, satisfaction, last push.
        assert a[1:] == ["4", "3", "■ 3", "—", "0.0%", "11-24 10:00"], a
        assert int(total[1]) == int(a[1]) + int(b[1])
        assert "第4季度" in content(county.query_one("#county-period", Label))
        assert footer_width(app) <= 80
        lines = screen_lines(app)
        assert all("今日值班" not in line and "交接" not in line for line in lines)
        # Nothing of the duty desk in the footer, in help, or under its keys.
        keys = _keys(app)
        assert {"enter", "s"} <= keys and not keys & {"n", "t", "a", "e"}
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpModal)
        helped = {k for k, _d, _tip in app.screen.rows}
        assert not helped & {"n", "t", "a", "e"}
        await press(pilot, "escape")
        for key in ("n", "t", "a", "e"):
            await press(pilot, key)
            assert app.screen is county, key


async def test_enter_opens_a_station_board_and_s_its_statistics(
    hub_desk: LiaisonApp, county_hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each opening reads its screen once (a screen first shown once read it on mounting, on
    # being shown and again for the station: three times the SQL, on a hub's largest tables).
    loads: list[str] = []
    for screen in (BoardScreen, StatsScreen):
        load = screen._load

        def counted(self: object, *args: object, load: Any = load) -> object:
            loads.append(type(self).__name__)
            return load(self, *args)

        monkeypatch.setattr(screen, "_load", counted)
    app = hub_desk
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        county = app.screen
        assert isinstance(county, CountyScreen)
        a_open = int(rows(county.table)[1][1])
        await press(pilot, "down", "enter")  # station A (青石镇)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert app.desk.shown_station == county_hub.a.id
        assert board.sub_title == county_hub.a.name
        assert board.shown_page is not None and board.shown_page.total == a_open
        assert not _keys(app) & {"n", "t"} and footer_width(app) <= 80
        assert loads == ["BoardScreen"]

        await press(pilot, "d")
        assert app.screen is county
        await press(pilot, "s")  # the cursor still on A
        stats = app.screen
        assert isinstance(stats, StatsScreen)
        assert stats.sub_title == county_hub.a.name
        assert loads == ["BoardScreen", "StatsScreen"]
        await press(pilot, "d", "down", "enter")  # the totals row: every station
        assert app.desk.shown_station is None
        assert isinstance(app.screen, BoardScreen)
        assert app.screen.sub_title == t("station.all")
        assert app.screen.shown_page is not None and app.screen.shown_page.total > a_open
        assert loads == ["BoardScreen", "StatsScreen", "BoardScreen"]


async def test_the_palette_offers_no_duty_desk_and_the_app_refuses_it(
    hub_desk: LiaisonApp,
) -> None:
    app = hub_desk
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        county = app.screen
        titles = {str(title) for title, _run in DeskCommands(county)._commands()}
        assert not titles & {str(t("cmd.log_visit")), str(t("cmd.triage"))}
        assert str(t("cmd.stats")) in titles
        # Reached anyway (a stale command, a message): refused, with the one-line reason.
        app.open_place(Place.log_visit)
        await app.action_go("triage")
        await settle(pilot)
        assert app.screen is county
        assert str(t("error.hub_no_logging")) in notes(app)
        await app.action_go("dashboard")
        assert app.screen is county


async def test_the_county_dashboard_in_english_fits_80_columns(county_hub: Hub) -> None:
    async with in_english(county_hub.store) as (app, _pilot):
        assert isinstance(app.screen, CountyScreen)
        assert footer_width(app) <= 80
        assert "Board" in descriptions(footer_keys(app))
        assert rows(app.screen.table)[-1][0] == "County total"
        assert all(len(line) <= 80 for line in screen_lines(app))


async def test_the_deputies_list_shows_the_station_the_board_shows(
    hub_desk: LiaisonApp, county_hub: Hub
) -> None:
    """On a hub the deputies' list is the station picked (`z`, or on the county's dashboard), as
    the board and the statistics are: listed together, two stations' deputies of one name could
    not be told apart (the drill's fourteen stations had fourteen 吴振宇)."""
    with county_hub.store.read() as session:
        serving = {
            station: set(
                session.exec(
                    select(Deputy.name).where(
                        Deputy.station_id == station, live(Deputy), col(Deputy.active)
                    )
                ).all()
            )
            for station in (county_hub.a.id, county_hub.b.id)
        }
    app = hub_desk
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_place(Place.deputies)
        await settle(pilot)
        deputies = app.screen
        assert isinstance(deputies, DeputiesScreen)
        assert deputies.sub_title == t("station.all")
        page = deputies.shown_page
        assert page is not None
        assert page.total == len(serving[county_hub.a.id]) + len(serving[county_hub.b.id])
        await press(pilot, "z")
        await pick(pilot, county_hub.a.id)
        assert app.screen is deputies and app.desk.shown_station == county_hub.a.id
        assert deputies.sub_title == county_hub.a.name
        assert {r[0] for r in rows(deputies.table)} == serving[county_hub.a.id]
        shown = deputies.shown_page
        assert shown is not None and shown.total == len(serving[county_hub.a.id])
        assert footer_width(app) <= 80
