"""A table that holds one SQL page: page keys and Enter belong to its screen, not to it."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable


class PageTable(DataTable[Text], inherit_bindings=False):
    """DataTable without its own Enter, PgUp and PgDn: those bubble to the screen, which loads
    the next page from SQL (or opens the row) instead of moving within the one page it holds."""

    BINDINGS = [
        Binding("up", "cursor_up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("left", "cursor_left", show=False),
        Binding("right", "cursor_right", show=False),
        Binding("home", "scroll_home", show=False),
        Binding("end", "scroll_end", show=False),
        Binding("ctrl+home", "scroll_top", show=False),
        Binding("ctrl+end", "scroll_bottom", show=False),
    ]
