"""Recording a leader visit (领导干部进站): when, who, the topic, the deputies present, the note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import (
    Button,
    Input,
    Label,
    TextArea,
)

from screens.base.field_errors import show_in_view
from store.core.clock import from_local
from store.core.errors import N_, FormInvalid
from store.desk.forms import validate_form
from store.projects.leader_visits import (
    LeaderVisitCreate,
)
from store.reference.lists import Choice
from tui.i18n import shown, t
from tui.widgets.toggles import TextCheckbox, TextSelectionList

FIELDS = ("at", "leader", "position", "topic", "note")


WHEN_FORMAT = "%Y-%m-%d %H:%M"


# Each field's label, by the field's name.
FIELD_LABELS = {
    "at": t("leader.when"),
    "leader": t("leader.leader"),
    "position": t("leader.position"),
    "topic": t("leader.topic"),
    "note": t("leader.note"),
}


def parse_when(text: str) -> datetime | None:
    """`2026-11-24 09:30` (station-local wall time), or None when it is not one."""
    try:
        return datetime.strptime(" ".join(text.split()), WHEN_FORMAT)
    except ValueError:
        return None


class LeaderVisitModal(ModalScreen[LeaderVisitCreate | None]):
    """Log a leader visit: when, who, position, topic, notes, the deputies present, and whether
    to link the issues of that day's 领导进站 visits. Fields are checked in place."""

    # Screen CSS (not DEFAULT_CSS), so that it outranks the app's rules for dialogs. The
    # fields keep their frames (a frameless field cannot be told from the dialog without
    # colour) and every deputy has a line, up to the dialog's height (a longer list scrolls
    # itself): at 80×24 the dialog scrolls, and the focus brings what it reaches into view.
    CSS = """
    LeaderVisitModal #leader-deputies { height: auto; border: none; padding: 0; }
    LeaderVisitModal #leader-link-day { border: none; height: 1; padding: 0; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), tooltip=t("tip.save"), id="save"),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel"),
    ]

    def __init__(
        self, *, now: datetime, deputies: list[Choice], on_duty: str | None, tz: Any
    ) -> None:
        super().__init__()
        self.now, self.deputies, self.on_duty, self.tz = now, deputies, on_duty, tz

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog -wide"):
            yield Label(t("leader.form_title"), classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield self._field("at", Input(self.now.strftime(WHEN_FORMAT)))
                yield self._field("leader", Input(max_length=60))
            with Horizontal(classes="form-row"):
                yield self._field("position", Input(max_length=100))
                yield self._field("topic", Input(max_length=200))
            yield self._field("note", TextArea(soft_wrap=True, show_line_numbers=False))
            yield Label(t("leader.deputies"), classes="field-label")
            yield TextSelectionList(
                *[(d.name, d.id, d.id == self.on_duty) for d in self.deputies],
                id="leader-deputies",
            )
            yield TextCheckbox(t("leader.link_day"), True, id="leader-link-day")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("key.save"), variant="primary", id="leader-save", compact=True)
                yield Button(t("key.cancel"), id="leader-cancel", compact=True)

    def _field(self, name: str, widget: Input | TextArea) -> Vertical:
        widget.id = f"leader-{name}"
        return Vertical(
            Label(shown(FIELD_LABELS[name]), classes="field-label"),
            widget,
            Label("", id=f"leader-{name}-error", classes="field-error"),
            classes="field",
        )

    def on_mount(self) -> None:
        self.query_one("#leader-leader", Input).focus()

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name in FIELDS:
            key = errors.get(name)
            self.query_one(f"#leader-{name}").set_class(key is not None, "-invalid")
            message = self.query_one(f"#leader-{name}-error", Label)
            limit = {"leader": 50, "position": 100, "topic": 200}.get(name, 10_000)
            message.update(t(key, limit=limit) if key else "")
            message.set_class(key is not None, "-shown")
        first = next((n for n in FIELDS if n in errors), None)
        if first is not None:
            field = self.query_one(f"#leader-{first}")
            field.focus()
            if isinstance(field.parent, Widget):
                show_in_view(field.parent)

    @on(Button.Pressed, "#leader-save")
    def action_save(self) -> None:
        when = parse_when(self.query_one("#leader-at", Input).value)
        values = {
            "at": from_local(when, self.tz) if when else None,
            "leader": self.query_one("#leader-leader", Input).value,
            "position": self.query_one("#leader-position", Input).value,
            "topic": self.query_one("#leader-topic", Input).value,
            "note": self.query_one("#leader-note", TextArea).text,
            "deputy_ids": list(self.query_one("#leader-deputies", TextSelectionList).selected),
            "link_channel_visits": self.query_one("#leader-link-day", TextCheckbox).value,
        }
        try:
            visit_in = validate_form(LeaderVisitCreate, values)
            errors: dict[str, str] = {}
        except FormInvalid as exc:
            errors = dict(exc.errors)
        if when is None:
            errors["at"] = N_("leader.bad_when")
        if errors:
            self._show_errors(errors)
            return
        self.dismiss(visit_in)

    @on(Button.Pressed, "#leader-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
