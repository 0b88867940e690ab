"""Asking before an action: Enter confirms, Esc cancels; and asking before typed text is thrown
away (`ask_discard`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
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
                yield Button(t("confirm.yes"), variant="primary", id="confirm-yes")
                yield Button(t("confirm.no"), id="confirm-no")

    def on_mount(self) -> None:
        # Enter does what was asked (spec §6): the question names the action, Esc is the way out.
        self.query_one("#confirm-yes", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_no(self) -> None:
        self.dismiss(False)


def ask_discard(screen: Screen[Any], edited: bool, discard: Callable[[], object]) -> None:
    """Esc on an editor: `discard` at once when nothing was typed, else after asking."""
    if not edited:
        discard()
        return

    def answered(yes: bool | None) -> None:
        if yes:
            discard()

    screen.app.push_screen(ConfirmModal(t("confirm.discard")), answered)
