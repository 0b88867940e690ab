"""The desk on a county hub opens on the county's dashboard (screens/county.py): a row per
station and the county's totals at 80×24, Enter into a station's board, `s` into its
statistics, `d` back; and nothing of a duty desk: no `n`, `t`, `a`, `e` (nor their palette
commands), and what reaches them anyway is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from county_desk import Hub, make_hub
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
    visible,
)
from english_desk import in_english
from sqlmodel import col, func, select
from textual.widgets import Label, Static
from textual.widgets.data_table import ColumnKey

from screens.board import BoardScreen
from screens.county import CountyScreen
from screens.deputies import DeputiesScreen
from screens.dialogs.help import HelpModal
from screens.follow_up import FollowUpScreen
from screens.review import ReviewScreen
from screens.stats import StatsScreen
from screens.sync import SyncScreen
from store.core.models import (
    Deputy,
    Evaluation,
    ReviewScore,
    ReviewTarget,
    UnansweredCall,
    Unit,
)
from store.core.rows import live
from store.db import Store
from store.projects.review import get_review, list_targets, review_board, score_target
from store.station import load_station
from tui.app import LiaisonApp, make_app
from tui.commands import DeskCommands
from tui.i18n import t
from tui.messages import Place


@pytest.fixture
def hub_desk(county_hub: Hub) -> LiaisonApp:
    return make_app(county_hub.store, county_hub.info)


Q = "2026Q4"


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


async def test_every_stations_deputies_are_named_with_their_station_under_the_list(
    hub_desk: LiaisonApp, county_hub: Hub
) -> None:
    """Every station's deputies at once (the hub's first view): both demo stations have the same
    deputies' names, rows alike but for their figures (the drill's fourteen 吴振宇), so the line
    under the list names the one under the cursor with its station; one station picked, none.
    The line stays on screen however long the list (the drill's 196 deputies pushed it out of
    sight): the two stations' few deputies on a terminal of a few lines."""
    with county_hub.store.read() as session:
        station_of = dict(session.exec(select(Deputy.id, Deputy.station_id)).all())
    names = {county_hub.a.id: county_hub.a.name, county_hub.b.id: county_hub.b.name}
    app = hub_desk
    async with app.run_test(size=(80, 9)) as pilot:
        await settle(pilot)
        app.open_place(Place.deputies)
        await settle(pilot)
        deputies = app.screen
        assert isinstance(deputies, DeputiesScreen) and app.desk.shown_station is None
        line = deputies.query_one("#deputies-row", Label)
        said: dict[str, str] = {}
        for row in range(deputies.table.row_count):
            deputies.table.move_cursor(row=row)
            await settle(pilot)
            said[str(deputies.current_id())] = visible(app, line).strip()
        assert len(said) == deputies.table.row_count > 1
        for deputy_id, words in said.items():
            assert words.split(" · ")[1] == names[station_of[deputy_id]], words
        await press(pilot, "z")
        await pick(pilot, county_hub.a.id)
        assert not line.display and content(line) == ""


async def test_the_hubs_sync_screen_offers_no_bundles_and_answers_no_conflicts(
    hub_desk: LiaisonApp,
) -> None:
    """The hub's sync screen offered a station's bundles (e, i: refused as another station's)
    and the conflicts' answers (a, r: written with nobody on duty, carried back by `sync pull`):
    the hub is kept by the stations' push and pull, and says so."""
    app = hub_desk
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "y")
        sync = app.screen
        assert isinstance(sync, SyncScreen)
        assert not sync.query_one("#sync-bar").display
        assert t("sync.hub_reads") in content(sync.query_one("#sync-status", Static))
        offered = _keys(app)
        assert offered.isdisjoint({"e", "i", "a", "r", "n"}), offered
        await press(pilot, "e", "i", "a", "r")
        assert app.screen is sync
        assert footer_width(app) <= 80
        await press(pilot, "?")
        help_ = app.screen
        assert isinstance(help_, HelpModal) and help_.text == t("help.sync_hub")


async def test_help_on_a_hub_says_d_leads_to_the_county(hub_desk: LiaisonApp) -> None:
    """Help on the hub listed `d 值班 今日值班概况`: it leads to the county's dashboard, where
    nobody is on duty."""
    app = hub_desk
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for place in (None, "b"):
            if place:
                await press(pilot, place)
            await press(pilot, "?")
            help_ = app.screen
            assert isinstance(help_, HelpModal)
            rows = {key: (words, tip) for key, words, tip in help_.rows}
            assert rows["d"] == (t("key.county"), t("tip.county"))
            assert all(t("key.dashboard") != words for words, _tip in rows.values())
            await press(pilot, "escape")


def _score_a_unit(station: Store, score: int) -> None:
    """A station's deputy scores the first of its quarter's units (`score`) in 2026Q4."""
    info = load_station(station)
    with station.read() as session:
        deputy = session.exec(select(Deputy.id).where(live(Deputy)).order_by(Deputy.name)).first()
        unit = next(
            r
            for r in list_targets(session=session, quarter=Q, deputy_id=None).items
            if r.kind == ReviewTarget.unit
        )
    with station.write(info.actor(deputy)) as session:
        score_target(
            session=session, quarter=Q, kind=ReviewTarget.unit, target_id=unit.id, score=score
        )


@pytest.fixture
def scored_hub(county_stations: Path, tmp_path: Path) -> Iterator[Hub]:
    """The two stations each held their 2026Q4 review (A scored a unit 90, B one 40), then
    pushed."""
    scores = iter((90, 40))
    hub = make_hub(county_stations, tmp_path, lambda station: _score_a_unit(station, next(scores)))
    yield hub
    hub.store.dispose()


def test_a_hub_reads_each_stations_review(scored_hub: Hub) -> None:
    """Both stations' reviews reach the hub; each is read with its own scores and units (the
    quarter's first review, whichever station's, stood for every station's before)."""
    with scored_hub.store.read() as session:
        shown = {
            s.name: (
                get_review(session=session, quarter=Q, station_id=s.id),
                review_board(session=session, quarter=Q, station_id=s.id).items,
                list_targets(session=session, quarter=Q, deputy_id=None, station_id=s.id).items,
                set(session.exec(select(Unit.id).where(Unit.station_id == s.id)).all()),
            )
            for s in (scored_hub.a, scored_hub.b)
        }
    for name, score in ((scored_hub.a.name, 90.0), (scored_hub.b.name, 40.0)):
        review, board, targets, units = shown[name]
        assert review is not None and (review.scores, review.targets_scored) == (1, 1), name
        assert [(row.average, row.scores) for row in board] == [(score, 1)], name
        assert board[0].id in units, name
        assert targets and {r.id for r in targets if r.kind == ReviewTarget.unit} <= units, name


async def test_the_review_on_a_hub_shows_the_station_picked(scored_hub: Hub) -> None:
    app = make_app(scored_hub.store, scored_hub.info)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_place(Place.review)
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        # Every station: nothing listed, and the way to pick one said.
        assert review.sub_title == t("station.all") and rows(review.table) == []
        assert str(t("review.prompt_pick_station")) in content(
            review.query_one("#review-prompt", Label)
        )
        await press(pilot, "z")
        await pick(pilot, scored_hub.b.id)
        assert app.screen is review and review.sub_title == scored_hub.b.name
        assert str(t("review.prompt_hub")) in content(review.query_one("#review-prompt", Label))
        # Read only: no scoring, no finalising (no one is on duty on a hub).
        assert not _keys(app) & {"enter", "f"}
        listed = rows(review.table)
        assert listed and any(r[3:5] == ["红", "40.0"] for r in listed), listed
        assert review.table.columns[ColumnKey("mine")].label.plain == t("review.col_colour_name")
        await press(pilot, "4", "enter")
        with scored_hub.store.read() as session:
            assert len(session.exec(select(ReviewScore)).all()) == 2
        await press(pilot, "w")
        assert [r[4] for r in rows(review.table)] == ["40.0"]
        await press(pilot, "z")
        await pick(pilot, scored_hub.a.id)
        assert [r[4] for r in rows(review.table)] == ["90.0"]
        assert footer_width(app) <= 80 and all(len(line) <= 80 for line in screen_lines(app))


async def test_a_county_of_many_open_issues_shows_every_figure_whole_at_80_columns(
    hub_desk: LiaisonApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A county's figures run to five digits (17,175 open issues and 6,600 red ones on the
    600,000-visit drill hub): each shows whole at 80 columns. The red column, five cells wide,
    had shown a station's 1,067 red issues as "■ 106" and the county's 6,710 as "■ 671"."""
    from store.reports import county

    def boards(*, session: Any, today: Any) -> dict[str, county.Board]:
        found = real(session=session, today=today)
        return {station: county.Board(27190, 10530, 10670) for station in found}

    real = county.station_boards
    monkeypatch.setattr(county, "station_boards", boards)
    async with hub_desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(hub_desk.screen, CountyScreen)
        lines = screen_lines(hub_desk)
        stations = [line for line in lines if "27190" in line]
        assert len(stations) == 2 and all("10530" in s and "■ 10670" in s for s in stations)
        total = next(line for line in lines if "全县合计" in line)
        assert "54380" in total and "21060" in total and "■ 21340" in total, total
        assert all(len(line) <= 80 for line in lines)


async def test_end_goes_to_the_countys_totals_and_home_back_to_the_first_station(
    hub_desk: LiaisonApp, county_hub: Hub
) -> None:
    """In a list of rows End is its last row and Home its first (a DataTable's own go to its
    last and first column, which a row cursor does not have): End then `s` opens every
    station's statistics."""
    async with hub_desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        county = hub_desk.screen
        assert isinstance(county, CountyScreen)
        await press(pilot, "end")
        assert county.table.cursor_row == county.table.row_count - 1
        await press(pilot, "home")
        assert county.table.cursor_row == 0
        await press(pilot, "end")
        await press(pilot, "s")
        stats = hub_desk.screen
        assert isinstance(stats, StatsScreen)
        assert hub_desk.desk.shown_station is None


async def test_the_countys_statistics_by_unit_name_the_station_of_the_row_under_the_cursor(
    hub_desk: LiaisonApp, county_hub: Hub
) -> None:
    """Every station's units at once: their names repeat from station to station (each has its
    village committees and its copy of a county department), so the line under the table names
    the row under the cursor in full with its station; a station picked with `z` needs none."""
    app = hub_desk
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "end", "s")
        stats = app.screen
        assert isinstance(stats, StatsScreen) and app.desk.shown_station is None
        while stats.breakdown.value != "unit":
            await press(pilot, "g")
        table = stats.table
        names = {county_hub.a.name, county_hub.b.name}
        said = []
        for row in range(1, table.row_count):
            table.move_cursor(row=row)
            await settle(pilot)
            said.append(content(stats.query_one("#stats-row", Label)))
        units = {str(r.name) for r in stats.data.page.items} if stats.data else set()
        assert said and all(" · " in line for line in said), said
        assert {line.split(" · ")[1] for line in said} == names
        assert {line.split(" · ")[0] for line in said} <= units
        await press(pilot, "z")
        await pick(pilot, county_hub.a.id)
        table.move_cursor(row=1)
        await settle(pilot)
        assert " · " not in content(stats.query_one("#stats-row", Label))


async def test_the_follow_up_calls_on_a_hub_only_read(hub_desk: LiaisonApp) -> None:
    """No one is on duty on a county hub to call a resident: the follow-up calls list what the
    stations wait for, say the calls are made at the stations, and take no answer (1, 2, 3) and
    no try (0); the database keeps no evaluation and no try."""
    app = hub_desk
    store = app.desk.store

    def recorded() -> tuple[int, int]:
        with store.read() as session:
            evaluations = session.exec(select(func.count()).select_from(Evaluation)).one()
            tries = session.exec(select(func.count()).select_from(UnansweredCall)).one()
        return int(evaluations), int(tries)

    before = recorded()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_place(Place.follow_up)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FollowUpScreen)
        assert t("follow_up.hub_reads") in content(screen.query_one("#follow-up-prompt", Label))
        assert not _keys(app) & {"1", "2", "3", "0"}
        await press(pilot, "1", "1", "0")
        assert app.screen is screen
    assert recorded() == before
