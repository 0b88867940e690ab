"""A free-text note (the handover, a leader visit's summary), signed with Ctrl+S."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea

from screens.dialogs.confirm import ask_discard
from tui.i18n import t


class NoteModal(ModalScreen[str | None]):
    """Ask for a short note (e.g. why an issue is reopened) and confirm."""

    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), tooltip=t("tip.save"), id="save"),
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel"),
    ]

    def __init__(self, title: str, prompt: str, initial: str = "", *, tall: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.initial = initial
        self.tall = tall

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide" if self.tall else "dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(self.prompt)
            yield TextArea(
                self.initial,
                id="note-text",
                soft_wrap=True,
                show_line_numbers=False,
                classes="tall" if self.tall else "",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("confirm.yes"), variant="primary", id="note-save")
                yield Button(t("confirm.no"), id="note-cancel")

    def on_mount(self) -> None:
        area = self.query_one("#note-text", TextArea)
        # After the template: the deputy goes on from where it stops ("请下一班跟进：").
        area.move_cursor(area.document.end)
        area.focus()

    @on(Button.Pressed, "#note-save")
    def action_save(self) -> None:
        self.dismiss(self.query_one("#note-text", TextArea).text)

    @on(Button.Pressed, "#note-cancel")
    def action_cancel(self) -> None:
        edited = self.query_one("#note-text", TextArea).text != self.initial
        ask_discard(self, edited, lambda: self.dismiss(None))
