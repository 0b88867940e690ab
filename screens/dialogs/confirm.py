"""Asking before an action: Enter confirms, Esc cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from tui.i18n import t


class ConfirmModal(ModalScreen[bool]):
    """Yes or no before a destructive step."""

    BINDINGS = [
        Binding("y", "yes", t("confirm.yes"), tooltip=t("tip.confirm_yes"), id="yes"),
        Binding("escape,n", "no", t("confirm.no"), tooltip=t("tip.confirm_no"), id="no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("confirm.yes"), variant="error", id="confirm-yes")
                yield Button(t("confirm.no"), variant="primary", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_no(self) -> None:
        self.dismiss(False)
