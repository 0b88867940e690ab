"""Help (`?`): the keys that work on the screen below, and what that screen is for."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from tui.i18n import language, shown, t

KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "question_mark": "?",
    "slash": "/",
    "ctrl+s": "Ctrl+S",
    "ctrl+p": "Ctrl+P",
    "ctrl+q": "Ctrl+Q",
    "ctrl+z": "Ctrl+Z",
    "f1": "F1",
    "backspace": "Backspace",
    "space": "Space",
    "tab": "Tab",
}


class HelpModal(ModalScreen[None]):
    """Lists the active keys of `screen` with their descriptions, then its help text."""

    BINDINGS = [
        Binding(
            "escape,question_mark,q",
            "dismiss",
            t("key.back"),
            tooltip=t("tip.close_help"),
            id="close-help",
        )
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.below = screen
        self._read(screen)

    def _read(self, screen: Screen[object]) -> None:
        """The keys and text, in the current language."""
        self.language = language()
        self.rows: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            # Ours all have ids; Textual's built-ins (focus next, copy…) have English labels.
            description = shown(binding.description)
            if binding.id is None or not description or description in seen:
                continue
            seen.add(description)
            # As the key is typed: `[`, not Textual's name for it (left_square_bracket).
            name = binding.key_display or KEY_NAMES.get(key) or screen.app.get_key_display(binding)
            self.rows.append((name, description, shown(binding.tooltip)))
        # A desk screen may say more where it stands (a county hub): `help_text()`.
        told = getattr(screen, "help_text", None)
        self.text = shown(told() if told else getattr(screen, "HELP_TEXT", "")) or t("help.close")
        # Further paragraphs a screen may add (the statistics screen's definitions).
        for text in getattr(screen, "HELP_EXTRA", ()):
            self.text += "\n\n" + shown(text)

    def compose(self) -> ComposeResult:
        if self.language != language():  # switched since (tui.language): read them again
            self._read(self.below)
        table = Table(box=None, padding=(0, 2), show_header=False)
        table.add_column(style="bold")
        table.add_column()
        table.add_column(style="dim")
        for key, description, tooltip in self.rows:
            table.add_row(key, description, tooltip)
        with VerticalScroll(classes="dialog -wide"):
            yield Label(t("help.title"), classes="dialog-title")
            yield Static(Text(self.text), classes="help-text")
            yield Label(t("help.keys"), classes="dialog-title")
            yield Static(table)
            yield Label(t("help.close"), classes="hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
