"""The duty roster (排班): a month of duty days, generated fairly and edited by hand; and the
on-duty deputy's own PIN."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from screens.base.undo import UNDO_BINDING, Undoable
from screens.dialogs.note import NoteModal
from screens.dialogs.pick import PickItem, PickModal
from screens.dialogs.pin import PinModal, ask_new_pin
from store.core.errors import FieldInvalid
from store.duty.pins import has_pin, set_pin, verify_pin
from store.duty.roster import (
    RosterDay,
    assign_shift,
    clear_shift,
    generate_roster,
    list_roster,
    parse_dates,
)
from store.reference.lists import Choice, list_deputies
from store.reports.stats import Period, PeriodKind
from tui.i18n import t, tn
from tui.messages import Open, Place
from tui.widgets.chrome import DeskFooter
from tui.widgets.page_table import PageTable


class RosterScreen(Undoable):
    PLACE = Place.roster
    HELP_TEXT = t("help.roster")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("g", "generate", t("key.generate"), tooltip=t("tip.generate"), id="generate"),
        # Enter on a day, as on every list; in help, its footer room is ^z's (80 columns).
        Binding(
            "enter", "assign", t("key.assign"), tooltip=t("tip.assign"), show=False, id="assign"
        ),
        Binding("x", "clear_day", t("key.clear_day"), tooltip=t("tip.clear_day"), id="clear"),
        # In help, not the footer (80 columns): months, and the PIN.
        Binding(
            "left_square_bracket",
            "month(-1)",
            t("key.prev_month"),
            tooltip=t("tip.prev_month"),
            show=False,
            id="prev-month",
        ),
        Binding(
            "right_square_bracket",
            "month(1)",
            t("key.next_month"),
            tooltip=t("tip.next_month"),
            show=False,
            id="next-month",
        ),
        Binding(
            "p", "set_pin", t("key.set_pin"), tooltip=t("tip.set_pin"), show=False, id="set-pin"
        ),
        Binding("c", "calendar", t("key.calendar"), tooltip=t("tip.calendar"), id="calendar"),
        UNDO_BINDING,
        Binding("j", "cursor(1)", show=False),
        Binding("k", "cursor(-1)", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        # The month shown, set on mount (the clock is the store's).
        self.month = Period.of(PeriodKind.month, date.min)
        self.days: list[RosterDay] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="roster-title", classes="screen-title")
        yield PageTable(id="roster-table", cursor_type="row", zebra_stripes=True)
        yield DeskFooter()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#roster-table", DataTable)

    def on_mount(self) -> None:
        self.title = t("roster.title")
        self.month = Period.of(PeriodKind.month, self.today)
        self.table.add_column(t("roster.col_date"), width=12, key="date")
        self.table.add_column(t("roster.col_weekday"), width=6, key="weekday")
        self.table.add_column(t("roster.col_deputy"), width=30, key="deputy")
        self.reload()

    def reload(self, keep_row: int | None = None) -> None:
        start, end = self.month.start, self.month.last_day

        def load() -> list[RosterDay]:
            with self.desk.store.read() as session:
                return list_roster(session=session, start=start, end=end)

        self.run_store(load, partial(self._show, keep_row), group="roster_loaders", exclusive=True)

    def _show(self, keep_row: int | None, days: list[RosterDay]) -> None:
        self.days = days
        served = sum(1 for d in days if d.deputy)
        self.query_one("#roster-title", Static).update(
            Text(tn("roster.month", served, month=self.month.code), style="bold")
        )
        weekdays = t("roster.weekdays").split()
        table = self.table
        table.clear()
        for day in days:
            style = "bold" if day.day == self.today else ("dim" if day.day < self.today else "")
            table.add_row(
                Text(day.day.isoformat(), style=style),
                Text(weekdays[day.day.weekday()], style=style),
                Text(day.deputy or t("roster.nobody"), style=style if day.deputy else "dim"),
                key=day.day.isoformat(),
            )
        if keep_row is not None:
            table.move_cursor(row=keep_row)
        elif self.month.start <= self.today <= self.month.last_day:
            table.move_cursor(row=self.today.day - 1)
        table.focus()

    @property
    def current_day(self) -> RosterDay | None:
        row = self.table.cursor_row
        return self.days[row] if 0 <= row < len(self.days) else None

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_cursor(self, step: int) -> None:
        self.table.move_cursor(row=self.table.cursor_row + step)

    def action_month(self, step: int) -> None:
        self.month = self.month.shift(step)
        self.reload()

    # -- generating and editing -------------------------------------------------------

    def action_generate(self) -> None:
        start, end = self.month.start, self.month.last_day
        start = max(start, self.today)
        if start > end:
            self.notify(t("roster.past_month"), severity="warning")
            return

        def asked(text: str | None) -> None:
            if text is None:
                return
            try:
                skip = parse_dates(text, self.month.start.year, self.month.start.month)
            except FieldInvalid as exc:
                self.report_error(exc)
                return
            self._generate(start, end, skip)

        prompt = t("roster.skip_prompt", start=start.isoformat(), end=end.isoformat())
        self.app.push_screen(NoteModal(t("roster.generate_title"), prompt), asked)

    def _generate(self, start: date, end: date, skip: set[date]) -> None:
        def generate(*, session: Any) -> int:  # a store session: screens name no SQL types
            before = sum(1 for d in list_roster(session=session, start=start, end=end) if d.deputy)
            after = generate_roster(session=session, start=start, end=end, skip=skip)
            return sum(1 for d in after if d.deputy) - before

        def done(added: int) -> None:
            self.notify(tn("roster.generated", added))
            self.reload()

        what = t("undo.generate", start=start.isoformat(), end=end.isoformat())
        self.write_undoable(generate, what, done, group="roster_writers")

    def action_assign(self) -> None:
        day = self.current_day
        if day is None:
            return
        row = self.table.cursor_row

        def load() -> list[Choice]:
            with self.desk.store.read() as session:
                return list_deputies(session=session)

        def pick(deputies: list[Choice]) -> None:
            items = [PickItem(d.id, d.name) for d in deputies]
            title = t("roster.assign_title", date=day.day.isoformat())
            self.app.push_screen(PickModal(title, items), partial(self._assign, day.day, row))

        self.run_store(load, pick, group="roster_loaders")

    def _assign(self, day: date, row: int, deputy_id: str | None) -> None:
        if not deputy_id:
            return
        self.write_undoable(
            partial(assign_shift, day=day, deputy_id=deputy_id),
            t("undo.assign", date=day.isoformat()),
            lambda _id: self.reload(keep_row=row),
            group="roster_writers",
        )

    def action_clear_day(self) -> None:
        day = self.current_day
        if day is None or day.deputy is None:
            return
        row = self.table.cursor_row
        self.write_undoable(
            partial(clear_shift, day=day.day),
            t("undo.clear_shift", date=day.day.isoformat()),
            lambda _count: self.reload(keep_row=row),
            group="roster_writers",
        )

    def after_undo(self) -> None:
        self.reload(keep_row=self.table.cursor_row)

    def action_calendar(self) -> None:

        self.post_message(Open(Place.calendar))

    # -- the on-duty deputy's PIN ----------------------------------------------------------

    def action_set_pin(self) -> None:
        deputy_id = self.desk.deputy_id
        if deputy_id is None:
            return

        def load() -> bool:
            with self.desk.store.read() as session:
                return has_pin(session=session, deputy_id=deputy_id)

        def ask(current: bool) -> None:
            if current:
                self.app.push_screen(PinModal(t("pin.current")), self._check_current)
            else:
                self._ask_new()

        self.run_store(load, ask, group="pin_loaders")

    def _check_current(self, pin: str | None) -> None:
        if pin is None:
            return
        deputy_id = self.desk.deputy_id
        assert deputy_id is not None

        def write() -> str:
            with self.desk.store.write(self.desk.actor) as session:
                check = verify_pin(session=session, deputy_id=deputy_id, pin=pin)
            if check.locked_until is not None:
                return "locked"
            return "ok" if check.ok else "wrong"

        def checked(outcome: str) -> None:
            if outcome == "ok":
                self._ask_new()
            else:
                self.notify(t("pin.refused"), severity="error")

        self.run_store(write, checked, group="pin_writers")

    def _ask_new(self) -> None:
        deputy_id = self.desk.deputy_id
        assert deputy_id is not None

        def chosen(pin: str) -> None:
            def write() -> None:
                with self.desk.store.write(self.desk.actor) as session:
                    set_pin(session=session, deputy_id=deputy_id, pin=pin)

            self.run_store(write, lambda _none: self.notify(t("pin.set")), group="pin_writers")

        ask_new_pin(self.app, chosen)
