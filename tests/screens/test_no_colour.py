"""No state by colour alone (spec §6, issue 17): with `NO_COLOR`, checkboxes, radio buttons and
multiple choices say their state in text, the focused widget and the cursor row show in reverse
video or a different drawing, and the colour chart tells its colours apart by pattern.

The screens are rendered as a terminal without colour shows them: the text of each cell and its
attributes (bold, reverse, underline…), every colour left out (`monochrome`)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from desk_helpers import monochrome, press, settle
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    DataTable,
    Input,
    OptionList,
    RadioButton,
    RadioSet,
    TextArea,
)

from screens.dialogs.calendar_day import CalendarDayModal
from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.issue_forms import CloseModal, ProgressModal
from screens.dialogs.leader_visit import LeaderVisitModal
from screens.dialogs.pick import PickItem, PickModal
from screens.issue import IssueScreen
from screens.log_visit import LogVisitScreen
from store.core.models import Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.reference.lists import Choice
from store.station import load_station
from tui.app import LiaisonApp, make_app
from tui.messages import Place

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def mono(store: Store, rostered: str, monkeypatch: pytest.MonkeyPatch) -> LiaisonApp:
    """The desk on the small station, in a terminal without colour."""
    monkeypatch.setenv("NO_COLOR", "1")
    return make_app(store, load_station(store))


def _text(app: LiaisonApp, widget: Widget) -> str:
    return "\n".join(monochrome(app, widget, marks=False))


async def _unfocused_look_alike(pilot: Pilot[Any], widgets: list[Widget]) -> list[str]:
    """The widgets among `widgets` that look the same, without colour, focused or not. Each is
    compared at the worst moment: a text cursor (which blinks) hidden."""
    app = pilot.app
    alike = []
    for widget in widgets:
        other = next(w for w in widgets if w is not widget)
        widget.focus()
        await settle(pilot)
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
            widget._cursor_visible = False
            widget.refresh()
            await settle(pilot)
        focused = monochrome(app, widget)
        other.focus()
        await settle(pilot)
        if monochrome(app, widget) == focused:
            alike.append(f"{type(widget).__name__}#{widget.id}")
    return alike


def _focusable(app: LiaisonApp) -> list[Widget]:
    """The focusable widgets on the screen, those not wholly in view left out (another test's
    business: everything reachable at 80×24)."""
    shown = app.screen._compositor.visible_widgets

    def in_view(widget: Widget) -> bool:
        region, clip = shown.get(widget, (None, None))
        return region is not None and clip is not None and clip.contains_region(region)

    return [w for w in app.screen.focus_chain if in_view(w)]


async def test_checkboxes_say_ticked_or_not_in_text(mono: LiaisonApp) -> None:
    """困难群体 and 同意转交 on the log form; the ledger's two options."""
    async with mono.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert isinstance(mono.screen, LogVisitScreen)
        for box_id in ("#vulnerable", "#consent-forward"):
            box = mono.screen.query_one(box_id, Checkbox)
            unticked = _text(mono, box)
            box.value = True
            await settle(pilot)
            ticked = _text(mono, box)
            assert unticked.startswith("[ ]") and ticked.startswith("[x]"), (unticked, ticked)
        assert await _unfocused_look_alike(pilot, _focusable(mono)) == []

        await press(pilot, "escape")
        mono.open_place(Place.ledger)
        await settle(pilot)
        boxes = list(mono.screen.query(Checkbox))
        assert len(boxes) == 2
        assert all("[ ]" in _text(mono, box) for box in boxes)
        assert await _unfocused_look_alike(pilot, _focusable(mono)) == []


async def _issue_page(pilot: Pilot[Any], issue: IssueRow) -> IssueScreen:
    app = pilot.app
    await settle(pilot)
    screen = IssueScreen(issue.id)
    await app.push_screen(screen)
    await settle(pilot)
    return screen


async def test_radio_buttons_say_which_is_chosen(
    mono: LiaisonApp, make_issue: Callable[..., IssueRow]
) -> None:
    """The closing dialog's two answers; the calendar day's kind."""
    issue = make_issue(tier=Tier.township)
    async with mono.run_test(size=(80, 24)) as pilot:
        await _issue_page(pilot, issue)
        await press(pilot, "c")
        assert isinstance(mono.screen, CloseModal)
        resolution = mono.screen.query_one("#close-resolution", RadioSet)
        lines = monochrome(mono, resolution, marks=False)
        assert not any("(*)" in line for line in lines), lines
        resolution.query(RadioButton).last().value = True
        await settle(pilot)
        lines = [line for line in monochrome(mono, resolution, marks=False) if "(" in line]
        assert [("(*)" in line) for line in lines] == [False, False, True], lines
        assert all("( )" in line for line in lines[:2]), lines
        assert await _unfocused_look_alike(pilot, _focusable(mono)) == []

        await press(pilot, "escape")
        mono.open_place(Place.calendar)
        await settle(pilot)
        await press(pilot, "a")
        assert isinstance(mono.screen, CalendarDayModal)
        kind = mono.screen.query_one("#day-kind", RadioSet)
        lines = [line for line in monochrome(mono, kind, marks=False) if "(" in line]
        assert sum("(*)" in line for line in lines) == 1 and len(lines) >= 2, lines
        assert await _unfocused_look_alike(pilot, _focusable(mono)) == []


async def test_the_deputies_present_say_chosen_or_not_in_text(mono: LiaisonApp) -> None:
    deputies = [Choice(id=f"d{i}", name=f"代表{i}") for i in range(3)]
    async with mono.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        modal = LeaderVisitModal(
            now=datetime(2026, 11, 24, 9, 30), deputies=deputies, on_duty="d1", tz=None
        )
        await mono.push_screen(modal)
        await settle(pilot)
        lines = monochrome(mono, modal.query_one("#leader-deputies"), marks=False)
        marks = [line[:3] for line in lines if "代表" in line]
        assert marks == ["[ ]", "[x]", "[ ]"], lines
        assert await _unfocused_look_alike(pilot, _focusable(mono)) == []


async def test_the_focused_widget_shows_without_colour_in_dialogs(
    mono: LiaisonApp, make_issue: Callable[..., IssueRow]
) -> None:
    """Buttons, fields and choices: confirm dialogs, the progress dialog, the board's filter."""
    issue = make_issue(tier=Tier.township)
    async with mono.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await mono.push_screen(ConfirmModal("把项目转为「实施中」？"))
        await settle(pilot)
        assert await _unfocused_look_alike(pilot, _focusable(mono)) == []
        await press(pilot, "escape")

        await _issue_page(pilot, issue)
        await press(pilot, "p")
        assert isinstance(mono.screen, ProgressModal)
        assert await _unfocused_look_alike(pilot, _focusable(mono)) == []
        await press(pilot, "escape")

        await press(pilot, "b")
        await press(pilot, "f")
        assert await _unfocused_look_alike(pilot, _focusable(mono)) == []


async def test_cursor_rows_show_without_colour(
    mono: LiaisonApp, make_issue: Callable[..., IssueRow]
) -> None:
    """The board's and the calendar's cursor row; a list to pick from."""
    make_issue(tier=Tier.township)
    make_issue(tier=Tier.township, text="路灯坏了两个月。")
    async with mono.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for place in ("board", Place.calendar):
            if place == "board":
                await mono.action_go(place)
            else:
                mono.open_place(Place.calendar)
            await settle(pilot)
            table = mono.screen.query_one(DataTable)
            assert table.has_focus and table.row_count >= 2
            lines = monochrome(mono, table)
            header = 1 if table.show_header else 0
            first, second = lines[header], lines[header + 1]
            # (A scroll bar on the right is drawn in reverse video too.)
            assert first.startswith("{R}") and not second.startswith("{R}"), lines[:3]
            await press(pilot, "down")
            lines = monochrome(mono, table)
            first, second = lines[header], lines[header + 1]
            assert second.startswith("{R}") and not first.startswith("{R}"), lines[:3]

        await mono.push_screen(PickModal("选一个", [PickItem("a", "甲"), PickItem("b", "乙")]))
        await settle(pilot)
        options = mono.screen.query_one(OptionList)
        lines = [line for line in monochrome(mono, options) if "甲" in line or "乙" in line]
        # Underlined: Textual draws options in styles that leave reverse out. (The picker's
        # filter has the focus; Enter takes the underlined option.)
        assert [("{U}" in line or "{BU}" in line) for line in lines] == [True, False], lines


async def test_the_colour_chart_tells_its_colours_by_pattern(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """三色分布: red, yellow and green stacks drawn █ ▓ ░, a legend apart naming each."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo_store, load_station(demo_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        await press(pilot, "c")
        await press(pilot, "c")
        chart = app.screen.query_one("#stats-colours")
        assert chart.region.area, "the colour chart is shown"
        drawn = "\n".join(monochrome(app, chart, marks=False))
        for fill in "█▓░":
            assert fill in drawn, drawn
        legend = _text(app, app.screen.query_one("#stats-colours-legend"))
        for pair in ("█ ■", "▓ ▲", "░ ●"):
            assert pair in legend, legend


def test_screens_use_the_toggles_that_say_their_state() -> None:
    """No screen uses Textual's Checkbox, RadioButton or SelectionList, which draw ▐X▌ and ▐●▌
    whatever the state: tui.widgets.toggles has ones that say it."""
    wrong = []
    for path in sorted((ROOT / "screens").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
                names = {alias.name for alias in node.names}
                if names & {"Checkbox", "RadioButton", "SelectionList"}:
                    wrong.append(f"{path.relative_to(ROOT)}: {sorted(names)}")
    assert wrong == []


AREAS = ["dashboard", "triage", "board", "stats", "search", "hot_words", "sync"]


@pytest.mark.parametrize("area", [*AREAS, *Place])
async def test_the_focused_widget_shows_without_colour_everywhere(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch, area: str
) -> None:
    """Each area and each place, on the demo station: whatever can take the focus shows it."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo_store, load_station(demo_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if area in AREAS:
            await app.action_go(area)
        else:
            app.open_place(Place(area))
        await settle(pilot)
        widgets = _focusable(app)
        if len(widgets) > 1:
            assert await _unfocused_look_alike(pilot, widgets) == []
