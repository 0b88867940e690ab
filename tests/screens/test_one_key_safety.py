"""Nothing destroyed or changed wholesale by one key (issue 17, part 5).

Seen, tried as an untrained deputy: `x` in the calendar deleted 元旦 without asking; `u` re-dated
every open issue in one keypress; Esc in the handover editor threw away the edited text; the
handover editor put the cursor before the template, so "请下一班跟进：" stayed empty; confirm
dialogs defaulted to 取消, so Enter on "把项目转为「实施中」？" silently did nothing; the
progress dialog defaulted to the current step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from desk_helpers import content, press, settle
from store_rows import must_get
from textual.widgets import DataTable, Input, Select, TextArea

from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.issue_forms import ProgressModal
from screens.dialogs.note import NoteModal
from store.core.models import Issue, IssueStatus
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.duty.calendar import list_calendar
from tui.app import LiaisonApp
from tui.messages import Place
from tui.widgets.toggles import TextCheckbox


def _days(store: Store, year: int) -> dict[str, str]:
    with store.read() as session:
        return {e.day.isoformat(): e.name for e in list_calendar(session=session, year=year)}


async def test_x_in_the_calendar_asks_and_esc_keeps_the_day(desk: LiaisonApp, store: Store) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        desk.open_place(Place.calendar)
        await settle(pilot)
        screen = desk.screen
        table = screen.query_one("#calendar-table", DataTable)
        first = str(table.get_row_at(0)[0])
        await press(pilot, "x")
        assert isinstance(desk.screen, ConfirmModal)
        assert first in content(desk.screen.query_one(".dialog-title"))
        await press(pilot, "escape")
        assert first in _days(store, 2026)
        # Asked again, Enter confirms: the day goes.
        await press(pilot, "x")
        assert isinstance(desk.screen, ConfirmModal)
        await press(pilot, "enter")
        await settle(pilot)
        assert first not in _days(store, 2026)


async def test_u_asks_before_re_dating_every_open_issue(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    row = make_issue()
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        desk.open_place(Place.calendar)
        await settle(pilot)
        await press(pilot, "u")
        assert isinstance(desk.screen, ConfirmModal)
        assert "1" in content(desk.screen.query_one(".dialog-title"))  # how many issues move
        await press(pilot, "escape")
        with store.read() as session:
            assert must_get(session, Issue, row.id).due_on == date(2026, 12, 9)
        await press(pilot, "u")
        await press(pilot, "enter")
        await settle(pilot)
        with store.read() as session:  # 15 working days from Tue 2026-11-24
            assert must_get(session, Issue, row.id).due_on == date(2026, 12, 15)


async def test_esc_in_the_handover_editor_asks_before_throwing_the_text_away(
    desk: LiaisonApp, store: Store, rostered: str
) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        editor = desk.screen
        assert isinstance(editor, NoteModal)
        area = editor.query_one("#note-text", TextArea)
        # The cursor waits after the template, where the next line is typed.
        assert area.cursor_location == area.document.end
        await pilot.press(*"ok")
        await press(pilot, "escape")
        assert isinstance(desk.screen, ConfirmModal)
        await press(pilot, "escape")  # no: back to the text
        assert desk.screen is editor and area.text.endswith("ok")
        await press(pilot, "escape")
        await press(pilot, "enter")  # yes: discarded
        await settle(pilot)
        assert not isinstance(desk.screen, NoteModal | ConfirmModal)


async def test_esc_on_an_untouched_editor_closes_at_once(desk: LiaisonApp, rostered: str) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        assert isinstance(desk.screen, NoteModal)
        await press(pilot, "escape")
        assert not isinstance(desk.screen, NoteModal | ConfirmModal)


async def test_enter_on_a_confirmation_confirms(desk: LiaisonApp) -> None:
    answers: list[bool | None] = []
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        desk.push_screen(ConfirmModal("把项目转为「实施中」？"), answers.append)
        await settle(pilot)
        await press(pilot, "enter")
        desk.push_screen(ConfirmModal("把项目转为「实施中」？"), answers.append)
        await settle(pilot)
        await press(pilot, "escape")
    assert answers == [True, False]


async def test_the_progress_dialog_proposes_the_next_step(desk: LiaisonApp) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        desk.push_screen(ProgressModal(IssueStatus.received))
        await settle(pilot)
        chosen = desk.screen.query_one("#progress-status", Select).value
        assert chosen == IssueStatus.deliberating.value


async def test_q_on_a_typed_forms_checkbox_asks_before_quitting(desk: LiaisonApp) -> None:
    """Seen in the walk of issue 20: a deputy typed the phone and name, tabbed past the
    checkboxes to the village list and typed its initials: `q` quit the app, the visit lost."""
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n", *"13900001111", "tab", *"钱", "tab")
        form = desk.screen
        assert isinstance(desk.focused, TextCheckbox)
        await press(pilot, "x", "q")
        assert isinstance(desk.screen, ConfirmModal)
        assert "没保存" in content(desk.screen.query_one(".dialog-title"))
        await press(pilot, "escape")
        assert desk.screen is form and desk.return_code is None
        assert form.query_one("#phone", Input).value == "13900001111"
        # Gone to the board with the form kept (a global key keeps it): still asked.
        await press(pilot, "b", "q")
        assert isinstance(desk.screen, ConfirmModal)
        await press(pilot, "enter")
        await settle(pilot)
        assert desk.return_code is not None
