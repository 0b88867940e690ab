"""A screen around one table that shows one SQL page at a time (the board, the triage queue)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Header
from textual.widgets.data_table import ColumnKey

from screens.base.desk_screen import DeskScreen
from store.core.paging import Page
from tui.i18n import shown, t
from tui.widgets.chrome import DeskFooter
from tui.widgets.page_table import PageTable


class PagedTableScreen(DeskScreen):
    """Subclasses name their table and columns, load a page in `reload`, and call `show_rows`."""

    TABLE_ID: ClassVar[str]
    # The id of the column that holds what is above the table, the table and what is below.
    CONTAINER_ID: ClassVar[str]
    # (heading, width in cells, column key)
    COLUMNS: ClassVar[tuple[tuple[str, int, str], ...]]
    # The column that takes the width the terminal has beyond 80 columns (its COLUMNS width is
    # the least it gets).
    FLEX_COLUMN: ClassVar[str | None] = None
    # What a click on a row (DataTable.RowSelected) does: the action its Enter key runs. None: a
    # click only moves the cursor.
    ROW_ACTION: ClassVar[str | None] = None
    PAGING_BINDINGS: ClassVar[list[Binding]] = [
        Binding(
            "pagedown", "page(1)", t("key.next_page"), tooltip=t("tip.next_page"), id="next-page"
        ),
        Binding(
            "pageup",
            "page(-1)",
            t("key.prev_page"),
            tooltip=t("tip.prev_page"),
            show=False,
            id="prev-page",
        ),
        Binding("j", "cursor(1)", show=False),
        Binding("k", "cursor(-1)", show=False),
    ]
    # The same keys with PgDn in help only: for a footer with no room for it (80 columns).
    QUIET_PAGING_BINDINGS: ClassVar[list[Binding]] = [
        replace(b, show=False) if b.id == "next-page" else b for b in PAGING_BINDINGS
    ]

    def __init__(self) -> None:
        super().__init__()
        self.page_offset = 0
        self.shown_page: Page[Any] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id=self.CONTAINER_ID):
            yield from self.compose_above()
            yield PageTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
            yield from self.compose_below()
        yield DeskFooter()

    def compose_above(self) -> ComposeResult:
        """What the screen shows above its table (a title, a status line)."""
        yield from ()

    def compose_below(self) -> ComposeResult:
        """What the screen shows below its table (the row's details)."""
        yield from ()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one(f"#{self.TABLE_ID}", DataTable)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if self.ROW_ACTION is not None and event.data_table.id == self.TABLE_ID:
            getattr(self, f"action_{self.ROW_ACTION}")()

    def add_columns(self) -> None:
        for heading, width, key in self.COLUMNS:
            self.table.add_column(shown(heading), width=self.width_of(key, width), key=key)

    def width_of(self, key: str, least: int = 0) -> int:
        """A column's width in cells: its own, or for the flexible one, what the screen leaves."""
        fixed = {k: w for _, w, k in self.COLUMNS}
        least = least or fixed[key]
        if key != self.FLEX_COLUMN:
            return least
        # Each column has one cell of padding either side; two more for the scrollbar.
        used = sum(w for k, w in fixed.items() if k != key) + 2 * len(fixed) + 2
        return max(least, self.size.width - self._gutter() - used)

    def _gutter(self) -> int:
        """Cells the table does not get of the screen's width: the margins, borders and
        padding of the table and what holds it (known from its styles before any layout)."""
        return sum(
            node.styles.gutter.width + node.styles.margin.width
            for node in self.table.ancestors_with_self
            if isinstance(node, Widget)
        )

    def on_resize(self) -> None:
        if self.FLEX_COLUMN is None or not self.is_mounted:
            return
        wanted = self.width_of(self.FLEX_COLUMN)
        column = self.table.columns.get(ColumnKey(self.FLEX_COLUMN))
        if column is not None and column.width != wanted:
            self.table.clear(columns=True)
            self.add_columns()
            self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    def on_screen_resume(self) -> None:
        # Shown again: its page read again. Not when first shown, just after mounting: the load
        # on_mount started is under way (a second would read everything twice over).
        if self.shown_page is not None and self.shown_again():
            self.reload()

    def show_rows(
        self, page: Page[Any], rows: list[tuple[str, list[Text]]], keep: str | None
    ) -> int:
        """Replace the table's rows with this page's, keeping the cursor on `keep` if present.

        Returns:
            The row the cursor is on.
        """
        self.shown_page, self.page_offset = page, page.offset
        table = self.table
        table.loading = False
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        index = next((i for i, (key, _) in enumerate(rows) if key == keep), 0)
        if rows:
            table.move_cursor(row=index)
        table.focus()
        return index

    def current_id(self) -> str | None:
        """The key of the row under the cursor."""
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def action_cursor(self, step: int) -> None:
        if step > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    def action_page(self, step: int) -> None:
        page = self.shown_page
        if page is None:
            return
        offset = self.page_offset + step * page.limit
        if 0 <= offset < max(page.total, 1):
            self.page_offset = offset
            self.reload()
