"""Search (`/`) on screen: results as the deputy types, ↓ into them, ←/→ between kinds, Enter
opens the right page, Esc goes back; residents' text stays plain and phones masked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from desk_helpers import (
    content,
    cursor_key,
    descriptions,
    footer_keys,
    footer_width,
    press,
    settle,
)
from textual.pilot import Pilot
from textual.widgets import DataTable, Label, Static

from screens.dashboard import DashboardScreen
from screens.issue import IssueScreen
from screens.search import COUNT_AFTER, SearchBox, SearchScreen
from screens.triage import TriageScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.station import load_station
from tui.app import LiaisonApp, make_app


@pytest.fixture
def people(
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
    clock: FrozenClock,
) -> dict[str, object]:
    """Three visits about 飞线 (one on an issue), residents 张晓明 and 周新民 (both zxm)."""
    out: dict[str, object] = {}
    out["issue"] = make_issue(
        name="周新民", phone="13955551234", text="楼下有人飞线充电，天天晚上拉电线。"
    )
    clock.advance(timedelta(minutes=5))
    out["old"] = make_visit(name="张晓明", phone="13812341234", text="村口的路灯坏了。")
    clock.advance(timedelta(minutes=5))
    out["new"] = make_visit(
        name="张晓明", phone="13812341234", text="小区里飞线充电的人很多，晚上很危险。"
    )
    return out


def _screen(app: LiaisonApp) -> SearchScreen:
    assert isinstance(app.screen, SearchScreen), app.screen
    return app.screen


async def _type(pilot: Pilot[None], text: str) -> None:
    for ch in text:
        await pilot.press(ch)
    await settle(pilot)


async def _counted(pilot: Pilot[None]) -> None:
    """Wait for the counts, which are asked for once the typing pauses."""
    await pilot.pause(COUNT_AFTER + 0.2)
    await settle(pilot)


def _tabs(app: LiaisonApp) -> str:
    return " ".join(content(label) for label in app.screen.query(".search-kind"))


async def test_slash_opens_search_with_the_box_focused(desk: LiaisonApp) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        screen = _screen(desk)
        assert isinstance(desk.focused, SearchBox)
        assert screen.query_one("#search-welcome", Static).display
        assert "zxm" in content(screen.query_one("#search-welcome", Static))
        assert "↓" in [k.key_display for k in footer_keys(desk)]
        assert footer_width(desk) <= 80


async def test_initials_find_residents_masked(desk: LiaisonApp, people: dict[str, object]) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await _type(pilot, "zxm")
        screen = _screen(desk)
        table = screen.table
        found = table.row_texts()
        assert [r.split()[0] for r in found] == ["张晓明", "周新民"]
        assert found[0].split()[1:5] == ["138****1234", "青石村", "2", "次"]
        assert "群众 2" in _tabs(desk)
        # ↓ into the results; v reveals the phones.
        await press(pilot, "down")
        assert desk.focused is table
        await press(pilot, "v")
        assert table.row_texts()[0].split()[1] == "13812341234"


async def test_two_characters_find_every_visit_newest_first(
    desk: LiaisonApp, people: dict[str, object]
) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await _type(pilot, "飞线")
        # No resident is called 飞线: the first kind with hits is shown, the issue.
        assert "事项 1" in _tabs(desk)
        await _counted(pilot)
        assert _tabs(desk).split() == ["群众", "0", "事项", "1", "来访", "2"]
        await press(pilot, "down", "right")
        table = _screen(desk).table
        found = table.row_texts()
        assert len(found) == 2
        assert "小区里飞线充电" in found[0] and "张晓明 138****1234" in found[0]
        assert "楼下有人飞线充电" in found[1] and "●" in found[1]
        assert "来访 2" in _tabs(desk)
        # ←/→ wrap around the three kinds.
        await press(pilot, "right")
        assert "群众" in content(desk.screen.query_one(".search-kind.-active", Label))
        assert table.row_texts() == []
        assert "←/→" in content(desk.screen.query_one("#search-status", Label))


async def test_enter_on_a_linked_visit_opens_its_issue(
    desk: LiaisonApp, people: dict[str, object]
) -> None:
    issue = people["issue"]
    assert isinstance(issue, IssueRow)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await _type(pilot, "拉电线")  # three characters: the trigram index
        await press(pilot, "down", "right")  # issues → visits
        await press(pilot, "enter")
        assert isinstance(desk.screen, IssueScreen)
        assert desk.screen.issue_id == issue.id
        await press(pilot, "escape")
        screen = _screen(desk)
        assert screen.box.value == "拉电线"
        assert desk.focused is screen.table


async def test_enter_on_an_untriaged_visit_opens_its_triage(
    desk: LiaisonApp, people: dict[str, object]
) -> None:
    new = people["new"]
    assert isinstance(new, VisitRow)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await _type(pilot, "很危险")
        await press(pilot, "down", "enter")
        assert isinstance(desk.screen, TriageScreen)
        assert cursor_key(desk.screen.query_one("#triage-table", DataTable)) == new.id
        assert "小区里飞线充电" in content(desk.screen.query_one("#triage-visit", Static))


async def test_enter_on_an_issue_and_on_a_resident(
    desk: LiaisonApp, people: dict[str, object]
) -> None:
    issue = people["issue"]
    assert isinstance(issue, IssueRow)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await _type(pilot, "飞线")
        await press(pilot, "enter")  # Enter in the box moves into the results
        await press(pilot, "enter")
        assert isinstance(desk.screen, IssueScreen) and desk.screen.issue_id == issue.id
        await press(pilot, "escape")
        # A resident lists their visits, newest first.
        await press(pilot, "up", "up")
        box = _screen(desk).box
        assert desk.focused is box
        box.value = ""
        await _type(pilot, "zhangxiaoming")
        await press(pilot, "down", "enter")
        mine = _screen(desk)
        assert mine.resident is not None and mine.resident.name == "张晓明"
        assert desk.screen.title is not None
        assert "张晓明 的来访" in desk.screen.title
        found = mine.table.row_texts()
        assert len(found) == 2
        assert "飞线" in found[0] and "路灯" in found[1]
        # The box narrows their visits.
        await _type(pilot, "路灯")
        assert len(mine.table.row_texts()) == 1
        await press(pilot, "escape")
        assert _screen(desk).resident is None


async def test_esc_goes_back_where_the_deputy_was(desk: LiaisonApp) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await _type(pilot, "zxm")
        await press(pilot, "escape")
        assert isinstance(desk.screen, DashboardScreen)
        await press(pilot, "slash")
        # The query is kept, selected: typing replaces it.
        assert _screen(desk).box.value == "zxm"


async def test_typed_symbols_never_break_search(
    desk: LiaisonApp, people: dict[str, object]
) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await _type(pilot, '"AND*-%_\\ NEAR(')
        assert desk.screen.query_one("#search-status", Label)
        assert "没有找到" in content(desk.screen.query_one("#search-status", Label))


async def test_resident_text_is_plain(
    desk: LiaisonApp, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(name="[bold]王[/bold]", phone="13812345678", text="[red]飞线[/red] 的事")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await _type(pilot, "飞线")
        table = _screen(desk).table
        assert "[red]飞线[/red]" in table.row_texts()[0]
        assert "[bold]王[/bold]" in table.row_texts()[0]


async def test_in_english(store: Store, actor: Actor, people: dict[str, object]) -> None:
    app = make_app(store, load_station(store), lang="en")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            if not app.desk.deputy_id:
                await press(pilot, "enter")
            await press(pilot, "slash")
            welcome = content(app.screen.query_one("#search-welcome", Static))
            assert "Results appear as you type" in welcome
            await _type(pilot, "zxm")
            assert "Residents 2" in _tabs(app)
            await _counted(pilot)
            assert "Visits 0" in _tabs(app)
            assert descriptions(footer_keys(app))
    finally:
        from tui.i18n import set_language

        set_language("zh")
