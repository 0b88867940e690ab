"""Everything within reach at 80×24 (issue 17, part 4): a list's last row scrolls into view
above the footer, and a dialog taller than the terminal scrolls to each field and button as the
focus reaches it."""

from __future__ import annotations

from datetime import datetime

import pytest
from desk_helpers import plain, press, screen_lines, settle, shown_whole, visible
from small_station import Refs
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Select, TextArea

from screens.calendar import CalendarScreen
from screens.dialogs.board_filter import FilterModal
from screens.dialogs.issue_forms import CloseModal
from screens.dialogs.leader_visit import LeaderVisitModal
from screens.log_visit import LogVisitScreen
from screens.roster import RosterScreen
from store.reference.lists import Choice
from tui.app import LiaisonApp
from tui.i18n import t
from tui.messages import Place
from tui.widgets.toggles import TextSelectionList

SIZE = (80, 24)


@pytest.mark.parametrize(
    ("keys", "expect", "table_id"),
    [
        pytest.param(("o",), RosterScreen, "#roster-table", id="roster"),
        pytest.param(("o", "c"), CalendarScreen, "#calendar-table", id="calendar"),
    ],
)
async def test_the_last_row_scrolls_into_view(
    demo_desk: LiaisonApp, keys: tuple[str, ...], expect: type, table_id: str
) -> None:
    """Down to the last row: it is on the screen, above the footer, with the cursor on it."""
    async with demo_desk.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in keys:
            await press(pilot, key)
        assert isinstance(demo_desk.screen, expect)
        table = demo_desk.screen.query_one(table_id, DataTable)
        assert table.row_count > 20
        table.focus()
        for _ in range(table.row_count):
            await pilot.press("down")
        await settle(pilot)
        assert table.cursor_row == table.row_count - 1
        last = plain(table.get_row_at(table.row_count - 1)[0])
        above_footer = screen_lines(demo_desk)[:-1]
        assert any(last in line for line in above_footer), (last, above_footer)


async def test_the_board_filter_reaches_every_field_and_button(demo_desk: LiaisonApp) -> None:
    """Tab through the filter: each field and button is drawn whole when it has the focus."""
    async with demo_desk.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "b", "f")
        assert isinstance(demo_desk.screen, FilterModal)
        seen: list[str] = []
        for _ in range(10):
            focused = demo_desk.focused
            assert focused is not None
            assert shown_whole(pilot.app, focused), (focused, focused.region)
            seen.append(str(focused.id))
            if focused.id == "filter-clear":
                break
            await press(pilot, "tab")
        assert "filter-status" in seen and seen[-2:] == ["filter-apply", "filter-clear"], seen


async def test_the_board_filter_opens_at_its_title(demo_desk: LiaisonApp) -> None:
    """Seen after the dialog could scroll: it opened scrolled down to its focused first field,
    its title (筛选三色榜) above the top of the terminal."""
    async with demo_desk.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        await press(pilot, "f")
        await settle(pilot)
        modal = demo_desk.screen
        assert isinstance(modal, FilterModal)
        assert shown_whole(pilot.app, modal.query_one(".dialog-title"))


def _framed(app: LiaisonApp, field: Widget) -> bool:
    """`field` is drawn in its frame: a line of ▔ above its text and one of ▁ below."""
    drawn = visible(app, field).splitlines()
    return len(drawn) >= 3 and "▔" * 8 in drawn[0] and "▁" * 8 in drawn[-1]


async def test_the_leader_visit_form_keeps_its_frames_and_reaches_every_deputy(
    demo_desk: LiaisonApp,
) -> None:
    """The demo station's 14 deputies: tabbing through the form draws each field whole and
    framed; down the deputies present, each one is on the screen as the cursor reaches it, and
    the last can be ticked."""
    async with demo_desk.run_test(size=SIZE) as pilot:
        await settle(pilot)
        demo_desk.open_place(Place.leader_visits)
        await settle(pilot)
        await press(pilot, "a")
        modal = demo_desk.screen
        assert isinstance(modal, LeaderVisitModal)
        deputies = modal.query_one("#leader-deputies", TextSelectionList)
        assert deputies.option_count == 14
        await press(pilot, "shift+tab")
        framed: list[str] = []
        for _ in range(12):
            focused = demo_desk.focused
            assert focused is not None
            assert shown_whole(pilot.app, focused) or focused is deputies, focused
            if isinstance(focused, Input | TextArea):
                assert _framed(demo_desk, focused), visible(demo_desk, focused)
                framed.append(str(focused.id))
            if focused is deputies:
                break
            await press(pilot, "tab")
        assert demo_desk.focused is deputies
        assert framed == [f"leader-{n}" for n in ("at", "leader", "position", "topic", "note")]

        await _each_deputy_in_view(pilot, deputies)


async def _each_deputy_in_view(pilot: Pilot[None], deputies: TextSelectionList) -> None:
    """Down the focused list of deputies: each is on the screen as the cursor reaches it, and the
    last can be ticked."""
    app = pilot.app
    name = ""
    for index in range(deputies.option_count):
        if deputies.highlighted != index:
            await press(pilot, "down")
        assert deputies.highlighted == index
        name = plain(deputies.get_option_at_index(index).prompt)
        shown = visible(app, deputies)
        assert any(name in line for line in shown.splitlines()), (name, shown)
    await press(pilot, "space")
    assert f"[x] {name}" in visible(app, deputies)


async def test_a_list_of_deputies_taller_than_the_dialog_scrolls_with_its_cursor(
    desk: LiaisonApp,
) -> None:
    """30 deputies, more lines than an 80×24 terminal has: the dialog follows the cursor."""
    deputies = [Choice(id=f"d{i:02}", name=f"代表{i:02}") for i in range(30)]
    async with desk.run_test(size=SIZE) as pilot:
        await settle(pilot)
        modal = LeaderVisitModal(
            now=datetime(2026, 11, 24, 9, 30), deputies=deputies, on_duty=None, tz=None
        )
        await desk.push_screen(modal)
        await settle(pilot)
        listed = modal.query_one("#leader-deputies", TextSelectionList)
        listed.focus()
        await settle(pilot)
        await _each_deputy_in_view(pilot, listed)


# -- an error is shown beside its field, in view ---------------------------------------------


def _error_in_view(pilot: Pilot[None], error: Label, message: str) -> None:
    """The error line says `message` and is drawn whole, in view of what scrolls it."""
    app = pilot.app
    assert error.has_class("-shown"), error
    assert shown_whole(pilot.app, error), (error.region, screen_lines(app))
    assert message in visible(app, error), screen_lines(app)


def _to_the_fold(field: Widget) -> None:
    """Scroll what holds `field` so that its last line is the last one in view, as the mouse
    wheel may leave it: whatever is under the field is below the fold."""
    holder = field.parent
    while holder is not None and not (isinstance(holder, Widget) and holder.allow_vertical_scroll):
        holder = holder.parent
    assert isinstance(holder, Widget), field
    bottom = field.virtual_region.bottom
    for parent in field.ancestors:
        if parent is holder:
            break
        assert isinstance(parent, Widget)
        bottom += parent.virtual_region.y + parent.styles.gutter.top
    holder.scroll_to(y=bottom - holder.scrollable_content_region.height, animate=False)


async def test_the_log_forms_words_in_error_are_shown_with_their_error(
    desk: LiaisonApp, refs: Refs
) -> None:
    """Every field right but the resident's words, left empty, at the fold: saving brings the
    words' field into view with its error line under it."""
    async with desk.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = desk.screen
        assert isinstance(form, LogVisitScreen)
        await press(pilot, *"13900001111", "tab", *"Li")
        form.query_one("#village_id", Select).value = next(iter(refs.villages.values()))
        form.query_one("#category_id", Select).value = next(iter(refs.categories.values()))
        words = form.query_one("#text", TextArea)
        words.focus()
        await settle(pilot)
        _to_the_fold(words)
        await settle(pilot)
        assert shown_whole(pilot.app, words)
        await press(pilot, "ctrl+s")
        assert isinstance(desk.screen, LogVisitScreen)
        assert desk.focused is words
        _error_in_view(pilot, form.query_one("#text-error", Label), t("field.required"))
        assert shown_whole(pilot.app, words)


async def test_the_leader_visit_forms_first_field_in_error_is_shown_with_its_error(
    demo_desk: LiaisonApp,
) -> None:
    """The leader's name, missing, at the fold of the dialog: saving brings its error line into
    view."""
    async with demo_desk.run_test(size=SIZE) as pilot:
        await settle(pilot)
        demo_desk.open_place(Place.leader_visits)
        await settle(pilot)
        await press(pilot, "a")
        modal = demo_desk.screen
        assert isinstance(modal, LeaderVisitModal)
        leader = modal.query_one("#leader-leader", Input)
        assert demo_desk.focused is leader
        _to_the_fold(leader)
        await settle(pilot)
        assert shown_whole(pilot.app, leader)
        await press(pilot, "ctrl+s")
        assert demo_desk.focused is leader
        _error_in_view(pilot, modal.query_one("#leader-leader-error", Label), t("field.required"))


async def test_closing_without_both_answers_says_so(desk: LiaisonApp) -> None:
    """The close dialog's one error line (both answers are needed) is shown when it is saved
    without them."""
    async with desk.run_test(size=SIZE) as pilot:
        await settle(pilot)
        modal = CloseModal()
        await desk.push_screen(modal)
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert isinstance(desk.screen, CloseModal)
        _error_in_view(pilot, modal.query_one("#close-error", Label), t("close.need_both"))
