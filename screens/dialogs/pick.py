"""Choosing one item from a list: a modal that needs nothing but Textual, so the app can show
it before the store has loaded. Typing filters the list (by characters, or by the pinyin
initials of a name: `slj` finds 水利局); arrows move, Enter chooses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from store.core.pinyin import answers
from tui.i18n import t


@dataclass(frozen=True)
class PickItem:
    """One choice in a PickModal; `id=None` makes it a heading that cannot be chosen."""

    id: str | None
    text: Text | str


class PickModal(ModalScreen[str | None]):
    """Choose one item from a list with the keyboard (or the mouse)."""

    BINDINGS = [
        Binding("escape", "cancel", t("key.cancel"), tooltip=t("tip.cancel"), id="cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
    ]

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
            yield Input(placeholder=t("pick.filter"), id="pick-filter")
            yield OptionList(*self._options(self.items), id="pick-list")

    @staticmethod
    def _options(items: Sequence[PickItem]) -> list[Option]:
        return [Option(item.text, id=item.id, disabled=item.id is None) for item in items]

    def on_mount(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        wanted = self.highlight_id or next((i.id for i in self.items if i.id), None)
        if wanted is not None:
            options.highlighted = options.get_option_index(wanted)
        # Typing goes to the filter; the arrows and Enter still work the list (bindings above).
        self.query_one("#pick-filter", Input).focus()

    @on(Input.Changed, "#pick-filter")
    def _filter(self, event: Input.Changed) -> None:
        typed = event.value.strip().casefold()
        shown = [i for i in self.items if i.id and matches(i, typed)] if typed else self.items
        options = self.query_one("#pick-list", OptionList)
        options.clear_options()
        options.add_options(self._options(shown))
        first = next((i.id for i in shown if i.id), None)
        if first is not None:
            options.highlighted = options.get_option_index(first)

    def action_move(self, step: int) -> None:
        options = self.query_one("#pick-list", OptionList)
        count = options.option_count
        if not count:
            return
        index = options.highlighted if options.highlighted is not None else -1
        index = max(0, min(count - 1, index + step))
        # Headings cannot be chosen: go on past them in the same direction.
        while options.get_option_at_index(index).disabled and 0 < index < count - 1:
            index += 1 if step > 0 else -1
        if not options.get_option_at_index(index).disabled:
            options.highlighted = index

    @on(Input.Submitted, "#pick-filter")
    def _submitted(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        if options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            if not option.disabled:
                self.dismiss(option.id)

    @on(OptionList.OptionSelected, "#pick-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        if not self.required:
            self.dismiss(None)


def matches(item: PickItem, typed: str) -> bool:
    """Whether a choice answers what was typed (store.core.pinyin.answers)."""
    return answers(item.text.plain if isinstance(item.text, Text) else item.text, typed)
