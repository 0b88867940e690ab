"""The base of the desk's small forms (a few fields, Ctrl+S saves, Esc cancels, one error line
above the buttons) and the day they read: micro-projects, the quarterly review, suggestions."""

from __future__ import annotations

import re
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from screens.base.field_errors import show_in_view
from tui.i18n import t

# Whole strings of ASCII digits only (docs/rules/data.md): `\d` would take other scripts' digits.
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# An empty day field's placeholder: a date there (2026-12-31) read, without colour, like a date
# given (NO_COLOR shows a placeholder as plain text).
DAY_HINT = "YYYY-MM-DD"


def parse_day(value: str) -> date | None:
    """`2026-12-31` as a date; None for anything else."""
    value = value.strip()
    if not _ISO_DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class SmallForm(ModalScreen[object]):
    """A small form: its fields, then `buttons()`; `action_save` checks and dismisses with the
    typed value."""

    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), tooltip=t("tip.save"), id="save"),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel"),
    ]

    def show_error(self, message: str) -> None:
        error = self.query_one(".field-error", Label)
        error.update(message)
        error.add_class("-shown")
        show_in_view(error)

    def buttons(self) -> ComposeResult:
        yield Label("", classes="field-error")
        with Horizontal(classes="dialog-buttons"):
            yield Button(t("key.save"), variant="primary", id="form-save")
            yield Button(t("key.cancel"), id="form-cancel")

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        raise NotImplementedError

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
