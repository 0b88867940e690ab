"""A table that holds one SQL page: page keys and Enter belong to its screen, not to it."""

from __future__ import annotations

from rich.text import Text, TextType
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey


def _cut_visibly(cell: Text) -> Text:
    """The cell as shown in a column narrower than it: ending in "…", never just cut. A count
    cut to its first digits reads as a smaller count (the county's 1,067 red issues once showed
    as "106"). Set on the cell itself: the screens build each page's cells for the table (a copy
    of each would cost every page of every list)."""
    if isinstance(cell, Text) and cell.overflow is None:
        cell.overflow = "ellipsis"
    return cell


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

    def add_row(
        self,
        *cells: Text,
        height: int | None = 1,
        key: str | None = None,
        label: TextType | None = None,
    ) -> RowKey:
        return super().add_row(*map(_cut_visibly, cells), height=height, key=key, label=label)

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: Text,
        *,
        update_width: bool = False,
    ) -> None:
        super().update_cell(row_key, column_key, _cut_visibly(value), update_width=update_width)

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
