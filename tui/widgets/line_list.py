"""A list of rows of one or more lines each, drawn from strips rendered once per page.

DataTable measures and renders every visible cell through Rich on each repaint (about half of a
search keystroke's time, bench/search.py); here each line is turned into a strip the first time it
is drawn, and a repaint only crops the visible ones (toolong's LogLines does the same). A row's
lines are built the first time one of them is drawn, too: a page has 50 rows, a screen shows a
dozen, and building a row's cells (cutting, highlighting, masking) costs more than drawing it.
The rows the screen shows first can be drawn ahead (`drawn`), in the worker that read them, so
that the UI thread only crops them when the results arrive."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace

from rich.console import Console
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True)
class Row:
    """A row: its key, how many lines it takes, and how to build them (cut to width)."""

    key: str
    height: int
    build: Callable[[], list[Text]]
    # Made ahead by `drawn`: the lines built, and each rendered to a strip (uncropped).
    lines: list[Text] | None = None
    strips: list[Strip] | None = None


def _strip(line: Text, console: Console) -> Strip:
    return Strip(list(line.render(console, end="")), line.cell_len)


def drawn(rows: list[Row], lines: int, console: Console) -> list[Row]:
    """The rows with the first `lines` lines' worth built and rendered now: pure work on texts
    that a worker thread can do while the UI thread paints the keystroke."""
    out, used = [], 0
    for row in rows:
        if used < lines and row.lines is None:
            built = row.build()
            row = replace(row, lines=built, strips=[_strip(line, console) for line in built])
        used += row.height
        out.append(row)
    return out


class LineList(ScrollView, can_focus=True, inherit_bindings=False):
    """Rows keyed by id; ↑/↓ move the cursor row, a click selects. Enter and paging are the
    screen's: it owns the page the rows came from."""

    COMPONENT_CLASSES = {"line-list--cursor"}
    DEFAULT_CSS = """
    LineList {
        overflow-x: hidden;
        & > .line-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        &:blur > .line-list--cursor {
            background: $block-cursor-blurred-background;
        }
    }
    """
    BINDINGS = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
    ]

    cursor_row: reactive[int] = reactive(0)
    """The row under the cursor (an index into the rows)."""

    class LeftAtTop(Message):
        """↑ was pressed on the first row."""

    class Selected(Message):
        """A row was clicked."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: list[str] = []
        self._rows: list[Row] = []
        # The rows' lines built so far, the first line of each row, how many lines in all, and
        # the strips of the lines drawn so far (all made on first sight).
        self._built: dict[int, list[Text]] = {}
        self._starts: list[int] = []
        self._height = 0
        self._strips: dict[int, Strip] = {}

    # -- content ------------------------------------------------------------------------

    def set_rows(self, rows: list[Row], keep: str | None = None) -> None:
        """Show these rows; the cursor goes to `keep` if present, else to the first row."""
        self._rows = rows
        self._keys = [row.key for row in rows]
        self._built, self._starts, self._strips = {}, [], {}
        height = 0
        for number, row in enumerate(rows):
            self._starts.append(height)
            if row.lines is not None:
                self._built[number] = row.lines
            for offset, strip in enumerate(row.strips or ()):
                self._strips[height + offset] = strip
            height += row.height
        self._height = height
        self.virtual_size = Size(self.size.width, height)
        self.cursor_row = self._keys.index(keep) if keep in self._keys else 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self._scroll_to_cursor()
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def cursor_key(self) -> str | None:
        if not self._keys:
            return None
        return self._keys[min(self.cursor_row, len(self._keys) - 1)]

    def row_texts(self) -> list[str]:
        """Each row's lines as plain text, joined by newlines (for tests and the curious)."""
        return ["\n".join(line.plain for line in self.row_lines(n)) for n in range(len(self._rows))]

    def row_lines(self, row: int) -> list[Text]:
        """A row's lines, built now if they were not yet drawn."""
        lines = self._built.get(row)
        if lines is None:
            lines = self._built[row] = self._rows[row].build()
        return lines

    # -- drawing ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        number = self.scroll_offset.y + y
        if number >= self._height:
            return Strip.blank(width, self.rich_style)
        row = bisect_right(self._starts, number) - 1
        strip = self._strips.get(number)
        if strip is None:
            lines = self.row_lines(row)
            offset = number - self._starts[row]
            line = lines[offset] if offset < len(lines) else Text()
            strip = self._strips[number] = _strip(line, self.app.console)
        strip = strip.extend_cell_length(width).crop(0, width)
        style = self.rich_style
        if row == self.cursor_row:
            style = style + self.get_component_rich_style("line-list--cursor")
        # The line's own styles (dim, the colour badges, the highlight) win over the base.
        return strip.apply_style(style)

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_cursor()

    def _row_region(self, row: int) -> Region | None:
        if not 0 <= row < len(self._starts):
            return None
        start = self._starts[row]
        end = self._starts[row + 1] if row + 1 < len(self._starts) else self._height
        return Region(0, start, max(1, self.size.width), end - start)

    def _refresh_row(self, row: int) -> None:
        region = self._row_region(row)
        if region is not None:
            self.refresh(region.translate(-self.scroll_offset))

    def _scroll_to_cursor(self) -> None:
        region = self._row_region(self.cursor_row)
        if region is not None:
            self.scroll_to_region(region, animate=False, immediate=True, force=True)

    # -- keys and mouse -----------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        if step < 0 and self.cursor_row <= 0:
            self.post_message(self.LeftAtTop())
            return
        if self._keys:
            self.cursor_row = max(0, min(len(self._keys) - 1, self.cursor_row + step))

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = max(0, len(self._keys) - 1)

    def on_click(self, event: Click) -> None:
        number = self.scroll_offset.y + event.y
        if not self._keys or number >= self._height:
            return
        self.cursor_row = bisect_right(self._starts, number) - 1
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Selected(key))
