"""Choosing one item from a list: a modal that needs nothing but Textual, so the app can show
it before the store has loaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.i18n import t


@dataclass(frozen=True)
class PickItem:
    """One choice in a PickModal; `id=None` makes it a heading that cannot be chosen."""

    id: str | None
    text: Text | str


class PickModal(ModalScreen[str | None]):
    """Choose one item from a list with the keyboard (or the mouse)."""

    BINDINGS = [Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel")]

    def __init__(
        self,
        title: str,
        items: Sequence[PickItem],
        *,
        empty: str = "",
        highlight: str | None = None,
        required: bool = False,
    ) -> None:
        super().__init__()
        # A required choice cannot be dismissed (the deputy on duty at start).
        self.required = required
        self.title_text = title
        self.items = list(items)
        self.empty = empty
        self.highlight_id = highlight

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            if not any(item.id for item in self.items):
                yield Label(self.empty or t("board.empty"), classes="dialog-empty")
            options = [
                Option(item.text, id=item.id, disabled=item.id is None) for item in self.items
            ]
            yield OptionList(*options, id="pick-list")

    def on_mount(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        wanted = self.highlight_id or next((i.id for i in self.items if i.id), None)
        if wanted is not None:
            options.highlighted = options.get_option_index(wanted)
        options.focus()

    @on(OptionList.OptionSelected, "#pick-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        if not self.required:
            self.dismiss(None)
