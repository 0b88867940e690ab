"""Duty on screen: the handover (sign, acknowledge), the roster (generate, edit) and PINs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from desk_helpers import content, footer_width, press, settle
from sqlmodel import select
from store_rows import must_get
from textual.widgets import DataTable, Input, RadioButton, TextArea

from screens.dashboard import DashboardScreen
from screens.dialogs.note import NoteModal
from screens.dialogs.pick import PickModal
from screens.dialogs.pin import PinModal
from screens.roster import RosterScreen
from store.changelog.changes import Actor
from store.core.models import Deputy, Issue, Shift
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.duty.handover import shift_state
from store.duty.pins import set_pin
from tui.app import LiaisonApp
from tui.i18n import t
from tui.messages import Place

TODAY = date(2026, 11, 24)


async def test_ending_a_shift_signs_the_draft_and_the_next_deputy_acknowledges(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow], rostered: str
) -> None:
    make_issue(text="楼道里飞线充电")
    async with desk.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        shift_id = desk.desk.shift_id
        assert shift_id is not None
        await press(pilot, "e")
        modal = desk.screen
        assert isinstance(modal, NoteModal)
        draft = modal.query_one("#note-text", TextArea).text
        assert t("handover.head", date="2026-11-24", name="沈国强") in draft
        assert "· 登记来访 1 件，新开事项 1 件，分办来访 1 件" in draft
        modal.query_one("#note-text", TextArea).insert("路灯的事明天回访")
        await press(pilot, "ctrl+s")
        # Signed: the next deputy is asked to take over.
        assert isinstance(desk.screen, PickModal)
        with store.read() as session:
            state = shift_state(session=session, shift_id=shift_id)
        assert state.handed_over and "路灯的事明天回访" in (state.note or "")
        picker = desk.screen
        other = next(i for i in picker.items if i.id and i.id != rostered)
        picker.dismiss(other.id)
        await settle(pilot)
        assert desk.desk.deputy_id == other.id
        screen = desk.screen
        assert isinstance(screen, DashboardScreen)
        assert t("dash.handover_pending") in content(screen.query_one("#dash-handover"))
        await press(pilot, "a")
        assert t("dash.handover_acknowledged") in content(screen.query_one("#dash-handover"))
    with store.read() as session:
        shift = must_get(session, Shift, shift_id)
    assert shift.acknowledged_by == other.id


async def test_a_deputy_with_a_pin_must_enter_it(
    desk: LiaisonApp, store: Store, actor: Actor, rostered: str
) -> None:
    with store.write(actor) as session:
        set_pin(session=session, deputy_id=rostered, pin="4829")
    async with desk.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(desk.screen, PinModal) and desk.desk.deputy_id is None
        desk.screen.query_one("#pin-input", Input).value = "1111"
        await press(pilot, "enter")
        assert isinstance(desk.screen, PinModal)
        assert content(desk.screen.query_one("#pin-error")) == t("error.pin_wrong", left=4)
        desk.screen.query_one("#pin-input", Input).value = "4829"
        await press(pilot, "enter")
        assert desk.desk.deputy_id == rostered
        assert isinstance(desk.screen, DashboardScreen)


async def test_the_roster_generates_the_month_and_takes_hand_edits(
    desk: LiaisonApp, store: Store
) -> None:
    async with desk.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "o")
        roster = desk.screen
        assert isinstance(roster, RosterScreen)
        await press(pilot, "right_square_bracket")  # December
        assert "2026-12" in content(roster.query_one("#roster-title"))
        await press(pilot, "g")
        assert isinstance(desk.screen, NoteModal)
        desk.screen.query_one("#note-text", TextArea).insert("12-25, 2026-12-26")
        await press(pilot, "ctrl+s")
        table = roster.query_one("#roster-table", DataTable)
        cells = [str(table.get_row_at(n)[2]) for n in range(table.row_count)]
        assert cells[24] == t("roster.nobody") and cells[25] == t("roster.nobody")
        assert sum(1 for c in cells if c != t("roster.nobody")) == 29
        # Enter on a day: choose its deputy by hand.
        table.move_cursor(row=24)
        await press(pilot, "enter")
        picker = desk.screen
        assert isinstance(picker, PickModal)
        picker.dismiss(picker.items[0].id)
        await settle(pilot)
        assert str(table.get_row_at(24)[2]) == str(picker.items[0].text)
        # x clears a day.
        table.move_cursor(row=0)
        await press(pilot, "x")
        assert str(table.get_row_at(0)[2]) == t("roster.nobody")
    with store.read() as session:
        shifts = session.exec(
            select(Shift).where(Shift.duty_date >= date(2026, 12, 1), Shift.deleted_at == None)  # noqa: E711
        ).all()
        names = {d.id: d.name for d in session.exec(select(Deputy)).all()}
    assert len(shifts) == 29
    assert {names[s.deputy_id] for s in shifts} == {"沈国强", "朱秀芬"}


async def test_marking_a_holiday_moves_due_dates_on_screen(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    row = make_issue()  # village tier, opened Tue 2026-11-24
    async with desk.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        desk.open_place(Place.calendar)
        await settle(pilot)
        screen = desk.screen
        assert t("calendar.unit_calendar") in content(screen.query_one("#calendar-title"))
        await press(pilot, "u")
        await press(pilot, "enter")  # asked first: 1 open issue is re-dated
        await settle(pilot)
        assert t("calendar.unit_working") in content(screen.query_one("#calendar-title"))
        with store.read() as session:
            assert must_get(session, Issue, row.id).due_on == date(2026, 12, 15)
        await press(pilot, "a")
        modal = desk.screen
        modal.query_one("#day-date", Input).value = "11-30"
        modal.query_one("#day-name", Input).value = "站里休息"
        await press(pilot, "ctrl+s")
        table = screen.query_one("#calendar-table", DataTable)
        keys = [str(table.get_row_at(n)[0]) for n in range(table.row_count)]
        assert "2026-11-30" in keys
    with store.read() as session:
        assert must_get(session, Issue, row.id).due_on == date(2026, 12, 16)


async def test_duty_screens_footers_fit_80_columns(desk: LiaisonApp) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert footer_width(desk) <= 80
        for name in (Place.roster, Place.calendar, Place.follow_up):
            desk.open_place(name)
            await settle(pilot)
            assert footer_width(desk) <= 80, (name, footer_width(desk))
            await press(pilot, "escape")


async def test_next_years_unknown_makeup_days_are_on_the_dashboard_and_the_calendar(
    desk: LiaisonApp, store: Store, actor: Actor
) -> None:
    # Issue 16: "the 2027 page is empty with no warning". 2026-11-24 is within 90 days of 2027.
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await desk.workers.wait_for_complete()
        await settle(pilot)
        notice = desk.screen.query_one("#dash-calendar")
        assert notice.display and t("dash.calendar_unknown", year=2027) in content(notice)
        desk.open_place(Place.calendar)
        await settle(pilot)
        screen = desk.screen
        await press(pilot, "right_square_bracket")
        assert "2027" in content(screen.query_one("#calendar-title"))
        assert t("calendar.unannounced", year=2027) in content(screen.query_one("#calendar-notice"))
        table = screen.query_one("#calendar-table", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
        assert ["2027-02-06", "周六", "放假", "春节", "国务院"] in rows
        # The published make-up workdays entered: the notice goes.
        await press(pilot, "a")
        modal = desk.screen
        modal.query_one("#day-date", Input).value = "2027-02-20"
        modal.query_one("#day-kind").query(RadioButton).last().value = True
        await press(pilot, "ctrl+s")
        assert not screen.query_one("#calendar-notice").display
        rows = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
        assert ["2027-02-20", "周六", "调休上班", "", "本站"] in rows
        await press(pilot, "escape")
        await press(pilot, "escape")
        await desk.workers.wait_for_complete()
        await settle(pilot)
        assert not desk.screen.query_one("#dash-calendar").display
