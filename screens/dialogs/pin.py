"""A deputy's PIN, typed hidden; a new one asked twice (`ask_new_pin`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from store.core.errors import FieldInvalid
from store.duty.pins import clean_pin
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


def ask_new_pin(
    app: App[Any],
    chosen: Callable[[str], None],
    title: str = "",
    message: str = "",
    *,
    gave_up: Callable[[], None] | None = None,
) -> None:
    """Ask for a new PIN, then again; `chosen(pin)` once both agree and the PIN is valid.
    Esc at either step gives up (`gave_up`, if given)."""

    def stop() -> None:
        if gave_up is not None:
            gave_up()

    def first(pin: str | None) -> None:
        if pin is None:
            stop()
            return
        try:
            clean_pin(pin)
        except FieldInvalid as exc:
            ask_new_pin(app, chosen, title, t(exc.key, **exc.params), gave_up=gave_up)
            return

        def again(repeated: str | None) -> None:
            if repeated is None:
                stop()
                return
            if repeated != pin:
                ask_new_pin(app, chosen, title, t("pin.mismatch"), gave_up=gave_up)
                return
            chosen(pin)

        app.push_screen(PinModal(t("pin.again")), again)

    app.push_screen(PinModal(title or t("pin.new"), message), first)
