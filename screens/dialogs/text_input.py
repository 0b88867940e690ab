"""One line of text (a name): Enter saves, Esc cancels; an error from the store shows in place."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.i18n import t


class TextInputModal(ModalScreen[str | None]):
    """Ask for one line of text, `value` filled in to start with."""

    BINDINGS = [Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel")]

    def __init__(self, title: str, value: str = "", *, max_length: int = 100) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(self.value, max_length=self.max_length, id="text-input")
            yield Label(t("text_input.hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#text-input", Input).focus()

    @on(Input.Submitted, "#text-input")
    def _submitted(self, event: Input.Submitted) -> None:
        value = " ".join(event.value.split())
        if value:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
