"""A deputy's PIN, typed hidden."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.i18n import t


class PinModal(ModalScreen[str | None]):
    """Ask a deputy for their PIN (shown as dots); `message` says why the last one failed."""

    BINDINGS = [Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel")]

    def __init__(self, title: str, message: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(password=True, max_length=8, id="pin-input", placeholder=t("pin.prompt"))
            yield Label(
                self.message, id="pin-error", classes="field-error -shown" if self.message else ""
            )

    def on_mount(self) -> None:
        self.query_one("#pin-input", Input).focus()

    @on(Input.Submitted, "#pin-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
