"""The one loop that matters (docs/rules/duty-loop.md), from the keyboard at 80×24: log a visit,
triage it to the township, see it green on the board, close it unsatisfied and see it red for
re-supervision."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from desk_helpers import (
    content,
    cursor_key,
    notes,
    pick_options,
    plain,
    press,
    row_keys,
    rows,
    settle,
)
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, RadioSet, Select, TextArea

from screens.board import BoardScreen
from screens.dashboard import DashboardScreen
from screens.dialogs.board_filter import FilterModal
from screens.dialogs.issue_forms import CloseModal
from screens.dialogs.pick import PickModal
from screens.issue import IssueScreen
from screens.log_visit import LogVisitScreen
from screens.triage import TriageScreen
from store.core.models import Channel, Colour, Tier, VisitKind
from store.db import Store
from store.desk.board import BoardFilter, board_counts
from store.reference.lists import list_categories, list_villages
from tui.app import LiaisonApp
from tui.i18n import t

TODAY = date(2026, 11, 24)
NEW_PHONE = "13900001111"
NEW_NAME = "林晓东"
WORDS = "东塘村桥头的红绿灯坏了三天，早上上学的孩子过马路很危险。"


def _db(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _db_path(store: Store) -> Path:
    return Path(str(store.engine.url.database))


def _counts(store: Store, filters: BoardFilter | None = None) -> dict[Colour, int]:
    """The township's colour counts by the store, on the whole board or a filtered one."""
    with store.read() as session:
        counts = board_counts(session=session, today=TODAY, filters=filters or BoardFilter())
    return counts[Tier.township]


def _township_counts(store: Store) -> dict[Colour, int]:
    return _counts(store)


async def _fill_log_form(
    pilot: Pilot[None], store: Store, village: str, *, type_phone: bool = True
) -> str:
    """Type the phone key by key (or paste it), then fill in the rest of the form."""
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, LogVisitScreen)
    phone = screen.query_one("#phone", Input)
    assert app.focused is phone
    if type_phone:
        await press(pilot, *NEW_PHONE)
    else:
        phone.value = NEW_PHONE
        await settle(pilot)
    assert content(screen.query_one("#resident-note")) == ""  # a new resident
    with store.read() as session:
        village_id = next(v.id for v in list_villages(session=session) if v.name == village)
        category_id = next(c.id for c in list_categories(session=session) if c.name == "道路交通")
    screen.query_one("#name", Input).value = NEW_NAME
    screen.query_one("#village_id", Select).value = village_id
    screen.query_one("#channel", Select).value = Channel.phone.value
    screen.query_one("#kind", Select).value = VisitKind.request.value
    screen.query_one("#category_id", Select).value = category_id
    screen.query_one("#text", TextArea).text = WORDS
    await settle(pilot)
    return village_id


async def _choose(pilot: Pilot[None], radio_set: str, name: str) -> None:
    """Focus a RadioSet, move to the button called `name` with the arrows, and press Enter."""
    screen = pilot.app.screen
    radios = screen.query_one(radio_set, RadioSet)
    radios.focus()
    await pilot.pause()
    names = [button.name for button in radios.query("RadioButton")]
    # RadioSet highlights the first button when it gains focus with nothing pressed.
    for _ in range(names.index(name)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert radios.pressed_button is not None and radios.pressed_button.name == name


async def _run_loop(app: LiaisonApp, store: Store, village: str, type_phone: bool) -> None:
    """The loop, with the triage queue opened once beforehand (see the first-visit test)."""
    path = _db_path(store)
    before = _township_counts(store)
    with _db(path) as db:
        visits_before = db.execute("select count(*) from visit").fetchone()[0]

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.desk.deputy_id is not None
        await press(pilot, "t")
        assert isinstance(app.screen, TriageScreen)

        # 1. Log the visit.
        await press(pilot, "n")
        assert isinstance(app.screen, LogVisitScreen)
        village_id = await _fill_log_form(pilot, store, village, type_phone=type_phone)
        await press(pilot, "ctrl+s")

        with _db(path) as db:
            assert db.execute("select count(*) from visit").fetchone()[0] == visits_before + 1
            visit_id, text, deputy_id, issue_id = db.execute(
                "select v.id, v.text, v.deputy_id, v.issue_id from visit v "
                "join constituent c on c.id = v.constituent_id where c.phone = ?",
                (NEW_PHONE,),
            ).fetchone()
        assert text == WORDS
        assert deputy_id == app.desk.deputy_id
        assert issue_id is None

        # 2. The app lands in triage with the new visit selected.
        screen = app.screen
        assert isinstance(screen, TriageScreen), screen
        assert t("log.saved") in notes(app)
        table = screen.query_one("#triage-table", DataTable)
        assert cursor_key(table) == visit_id
        assert NEW_NAME in content(screen.query_one("#triage-visit"))

        # 3. `2`: the township's units; Enter takes the first.
        await press(pilot, "2")
        assert isinstance(app.screen, PickModal)
        options = pick_options(app)
        unit_id, unit_name, _ = next(o for o in options if o[0] is not None)
        assert "青石镇" in unit_name
        await press(pilot, "enter")
        assert isinstance(app.screen, TriageScreen)
        assert visit_id not in row_keys(table)
        with _db(path) as db:
            issue_id, tier, unit, due_on, status = db.execute(
                "select i.id, i.tier, i.unit_id, i.due_on, i.status from issue i "
                "join visit v on v.issue_id = i.id where v.id = ?",
                (visit_id,),
            ).fetchone()
        assert (tier, unit, status) == ("township", unit_id, "received")
        assert due_on == (TODAY + timedelta(days=30)).isoformat()
        after_triage = _township_counts(store)
        assert after_triage[Colour.green] == before[Colour.green] + 1

        # 4. `b`, then `f` to narrow the board to the township and the village: it is green.
        await press(pilot, "b")
        board = app.screen
        assert isinstance(board, BoardScreen)
        await press(pilot, "f")
        modal = app.screen
        assert isinstance(modal, FilterModal)
        modal.query_one("#filter-tier", Select).value = Tier.township.value
        modal.query_one("#filter-village", Select).value = village_id
        await press(pilot, "ctrl+s")
        assert app.screen is board
        narrowed = BoardFilter(tier=Tier.township, village_id=village_id)
        assert t("board.filtered", what=f"乡级、{village}") in content(
            board.query_one("#board-status")
        )
        board_table = board.query_one("#board-table", DataTable)
        assert issue_id in row_keys(board_table)
        index = row_keys(board_table).index(issue_id)
        glyph, tier_name, *_ = rows(board_table)[index]
        assert (glyph, tier_name) == ("●", "乡级")
        counts = _counts(store, narrowed)
        line = f"乡级 ■ {counts[Colour.red]} ▲ {counts[Colour.yellow]} ● {counts[Colour.green]}"
        assert line in content(board.query_one("#board-counts"))

        # 5. Open it, close it 已解决 + 不满意.
        board_table.move_cursor(row=index)
        await press(pilot, "enter")
        issue_screen = app.screen
        assert isinstance(issue_screen, IssueScreen) and issue_screen.issue_id == issue_id
        assert content(issue_screen.query_one("#issue-head")).startswith("●")
        await press(pilot, "c")
        assert isinstance(app.screen, CloseModal)
        await _choose(pilot, "#close-resolution", "resolved")
        await _choose(pilot, "#close-satisfaction", "unsatisfied")
        await press(pilot, "ctrl+s")

        # 6. Red, 督事, re-supervised; the township's red count is up by one.
        assert app.screen is issue_screen
        head = content(issue_screen.query_one("#issue-head"))
        assert head.startswith("■"), head
        assert "督事" in head
        assert t("issue.closed_reopened", verdict="不满意") in notes(app)
        with _db(path) as db:
            status, resupervision, reopen_count = db.execute(
                "select status, resupervision, reopen_count from issue where id = ?",
                (issue_id,),
            ).fetchone()
        assert (status, resupervision, reopen_count) == ("supervising", 1, 1)

        await press(pilot, "escape")
        assert app.screen is board
        assert _township_counts(store)[Colour.red] == before[Colour.red] + 1
        assert _counts(store, narrowed)[Colour.red] == counts[Colour.red] + 1
        red, yellow, green = counts[Colour.red] + 1, counts[Colour.yellow], counts[Colour.green] - 1
        line = f"乡级 ■ {red} ▲ {yellow} ● {green}"
        assert line in content(board.query_one("#board-counts"))
        index = row_keys(board_table).index(issue_id)
        assert plain(board_table.get_row_at(index)[0]) == "■"


async def test_loop_on_the_small_station(desk: LiaisonApp, store: Store) -> None:
    await _run_loop(desk, store, village="东塘村", type_phone=True)


async def test_loop_on_the_demo_station(demo_desk: LiaisonApp, demo_store: Store) -> None:
    await _run_loop(demo_desk, demo_store, village="桑园村", type_phone=False)


async def test_first_visit_after_start_lands_in_triage(desk: LiaisonApp, store: Store) -> None:
    """Logging a visit before the triage queue was ever opened still lands in triage on it."""
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await _fill_log_form(pilot, store, "青石村", type_phone=False)
        await press(pilot, "ctrl+s")
        screen = desk.screen
        assert isinstance(screen, TriageScreen), screen
        with _db(_db_path(store)) as db:
            (visit_id,) = db.execute("select id from visit").fetchone()
        assert cursor_key(screen.query_one("#triage-table", DataTable)) == visit_id
