"""The working-day calendar: the year's holidays and make-up workdays (调休), and whether tier
windows count calendar days or working days. Due dates of open issues follow each change."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static

from screens.base.undo import UNDO_BINDING, Undoable
from screens.dialogs.calendar_day import CalendarDayModal, DayInput
from screens.dialogs.confirm import ConfirmModal
from store.core.enums import DayKind
from store.core.settings import StationSettings, load_settings
from store.duty.calendar import (
    CalendarEntry,
    CalendarYear,
    load_calendar_year,
    mark_day,
    open_issue_count,
    set_window_unit,
    unmark_day,
)
from tui.i18n import label, t, tn
from tui.messages import Place
from tui.widgets.chrome import DeskFooter
from tui.widgets.page_table import PageTable


class CalendarScreen(Undoable):
    PLACE = Place.calendar
    HELP_TEXT = t("help.calendar")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("a", "add", t("key.add_day"), tooltip=t("tip.add_day"), id="add-day"),
        Binding("x", "remove", t("key.remove_day"), tooltip=t("tip.remove_day"), id="remove"),
        Binding("u", "unit", t("key.window_unit"), tooltip=t("tip.window_unit"), id="unit"),
        UNDO_BINDING,
        # In help, not the footer (80 columns).
        Binding(
            "left_square_bracket",
            "year(-1)",
            t("key.prev_year"),
            tooltip=t("tip.prev_year"),
            show=False,
            id="prev-year",
        ),
        Binding(
            "right_square_bracket",
            "year(1)",
            t("key.next_year"),
            tooltip=t("tip.next_year"),
            show=False,
            id="next-year",
        ),
        Binding("j", "cursor(1)", show=False),
        Binding("k", "cursor(-1)", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.year = 0
        self.entries: list[CalendarEntry] = []
        self.unit = "calendar"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="calendar-title", classes="screen-title")
        yield Static("", id="calendar-notice")
        yield PageTable(id="calendar-table", cursor_type="row", zebra_stripes=True)
        yield DeskFooter()

    @property
    def table(self) -> PageTable:
        return self.query_one("#calendar-table", PageTable)

    def on_mount(self) -> None:
        self.title = t("calendar.title")
        self.year = self.today.year
        self.table.add_column(t("roster.col_date"), width=12, key="date")
        self.table.add_column(t("roster.col_weekday"), width=6, key="weekday")
        self.table.add_column(t("calendar.col_kind"), width=10, key="kind")
        self.table.add_column(t("calendar.name"), width=22, key="name")
        self.table.add_column(t("calendar.col_source"), width=8, key="source")
        self.reload()

    def reload(self) -> None:
        year = self.year

        def load() -> tuple[CalendarYear, StationSettings]:
            with self.desk.store.read() as session:
                return (
                    load_calendar_year(session=session, year=year),
                    load_settings(session=session),
                )

        self.run_store(load, self._show, group="calendar_loaders", exclusive=True)

    def _show(self, loaded: tuple[CalendarYear, StationSettings]) -> None:
        calendar, settings = loaded
        self.entries = calendar.entries
        self.unit = settings.window_unit
        notice = self.query_one("#calendar-notice", Static)
        notice.update(
            "" if calendar.workdays_known else Text(t("calendar.unannounced", year=self.year))
        )
        notice.display = not calendar.workdays_known
        if self.unit == "calendar":
            unit = t("calendar.unit_calendar")
        else:
            unit = t("calendar.unit_working")
        self.query_one("#calendar-title", Static).update(
            Text(t("calendar.heading", year=self.year, unit=unit), style="bold")
        )
        weekdays = t("roster.weekdays").split()
        table = self.table
        table.clear()
        for entry in self.entries:
            table.add_row(
                Text(entry.day.isoformat()),
                Text(weekdays[entry.day.weekday()]),
                Text(label(entry.kind), style="bold" if entry.kind == DayKind.holiday else ""),
                Text(entry.name),
                Text(t("calendar.source_official"), style="dim")
                if entry.official
                else Text(t("calendar.source_station")),
                key=entry.day.isoformat(),
            )
        table.focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_cursor(self, step: int) -> None:
        self.table.move_cursor(row=self.table.cursor_row + step)

    def action_year(self, step: int) -> None:
        self.year += step
        self.reload()

    def _write(self, job: partial[int], what: str) -> None:
        def done(moved: int) -> None:
            # Marking a day changes no due date while windows count calendar days: say why.
            calendar_days = self.unit == "calendar" and job.func is not set_window_unit
            if calendar_days:
                self.notify(t("calendar.no_effect", count=moved))
            else:
                self.notify(tn("calendar.moved", moved))
            self.reload()

        self.write_undoable(job, what, done, group="calendar_writers")

    def action_add(self) -> None:
        def added(entry: DayInput | None) -> None:
            if entry is not None:
                name = entry.name or label(entry.kind)
                self._write(
                    partial(mark_day, day=entry.day, kind=entry.kind, name=entry.name),
                    t("undo.mark_day", day=entry.day.isoformat(), name=name),
                )

        self.app.push_screen(CalendarDayModal(self.year), added)

    def action_remove(self) -> None:
        row = self.table.cursor_row
        if not 0 <= row < len(self.entries):
            return
        entry = self.entries[row]
        # An official day deleted stays deleted (an override): say so before, not after.
        day, name = entry.day.isoformat(), entry.name or label(entry.kind)
        if entry.official:
            question = t("calendar.remove_official", day=day, name=name)
        else:
            question = t("calendar.remove_confirm", day=day, name=name)

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(
                    partial(unmark_day, day=entry.day), t("undo.remove_day", day=day, name=name)
                )

        self.app.push_screen(ConfirmModal(question), answered)

    def action_unit(self) -> None:
        other = "working" if self.unit == "calendar" else "calendar"

        def count() -> int:
            with self.desk.store.read() as session:
                return open_issue_count(session=session)

        def ask(issues: int) -> None:
            unit = t("calendar.unit_working") if other == "working" else t("calendar.unit_calendar")
            question = tn("calendar.unit_confirm", issues, unit=unit)

            def answered(yes: bool | None) -> None:
                if yes:
                    self._write(
                        partial(set_window_unit, unit=other), t("undo.window_unit", unit=unit)
                    )

            self.app.push_screen(ConfirmModal(question), answered)

        self.run_store(count, ask, group="calendar_readers")
