"""Marking a day of the working-day calendar: a date, holiday or make-up workday, a name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioSet

from screens.base.field_errors import show_in_view
from store.core.enums import DayKind
from tui.i18n import label, t
from tui.widgets.toggles import TextRadioButton


@dataclass(frozen=True)
class DayInput:
    day: date
    kind: DayKind
    name: str


class CalendarDayModal(ModalScreen[DayInput | None]):
    """A date (2026-12-07 or 12-07), holiday or make-up workday, and a name."""

    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), tooltip=t("tip.save"), id="save"),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel"),
    ]

    def __init__(self, year: int) -> None:
        super().__init__()
        self.year = year

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(t("calendar.add_title"), classes="dialog-title")
            yield Label(t("calendar.date"))
            yield Input(placeholder=f"{self.year}-MM-DD", id="day-date")
            with RadioSet(id="day-kind"):
                for kind in (DayKind.holiday, DayKind.workday):
                    yield TextRadioButton(
                        label(kind), name=kind.value, value=kind == DayKind.holiday
                    )
            yield Label(t("calendar.name"))
            yield Input(id="day-name", max_length=50)
            yield Label("", id="day-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("key.save"), variant="primary", id="day-save")
                yield Button(t("key.cancel"), id="day-cancel")

    def on_mount(self) -> None:
        self.query_one("#day-date", Input).focus()

    def _date(self) -> date | None:
        from store.core.errors import FieldInvalid
        from store.duty.roster import parse_dates

        try:
            days = parse_dates(self.query_one("#day-date", Input).value, self.year, 1)
        except FieldInvalid:
            return None
        return next(iter(days)) if len(days) == 1 else None

    @on(Button.Pressed, "#day-save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        day = self._date()
        if day is None:
            error = self.query_one("#day-error", Label)
            error.update(t("calendar.bad_date"))
            error.add_class("-shown")
            show_in_view(error)
            return
        pressed = self.query_one("#day-kind", RadioSet).pressed_button
        kind = DayKind(pressed.name) if pressed is not None and pressed.name else DayKind.holiday
        self.dismiss(DayInput(day, kind, self.query_one("#day-name", Input).value))

    @on(Button.Pressed, "#day-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
