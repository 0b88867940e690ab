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

    def action_scroll_home(self) -> None:
        # A list of rows: Home is its first row (DataTable's goes to the first column, which a
        # row cursor does not have).
        if self.cursor_type == "row":
            self.action_scroll_top()
        else:
            super().action_scroll_home()

    def action_scroll_end(self) -> None:
        # ... and End its last (on the county's dashboard, the county's totals).
        if self.cursor_type == "row":
            self.action_scroll_bottom()
        else:
            super().action_scroll_end()
