"""tui.widgets.page_table: a cell wider than its column ends in "…", never cut silently.

Seen by eye on the county's hub: the dashboard's red counts showed "■ 106" for a station's 1,067
and the deputies' list "■62 ▲123 ●2" for 265 green, each a smaller number that read as true. The
columns were widened; this keeps any column that is still too narrow, on any list, honest."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from tui.widgets.page_table import PageTable


class _OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield PageTable()

    def on_mount(self) -> None:
        table = self.query_one(PageTable)
        table.add_column("n", width=4, key="n")
        table.add_column("red", width=6, key="red")
        table.add_row(Text("12345"), Text("■ 1067"), key="wide")
        table.add_row(Text("123"), Text("■ 10678"), key="narrow")


def _line(table: PageTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


async def test_a_figure_wider_than_its_column_shows_that_it_is_cut() -> None:
    app = _OneTable()
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        table = app.query_one(PageTable)
        assert _line(table, 1).split() == ["123…", "■", "1067"]
        assert _line(table, 2).split() == ["123", "■", "106…"]


async def test_an_updated_cell_is_cut_the_same_way() -> None:
    app = _OneTable()
    async with app.run_test(size=(40, 6)) as pilot:
        table = app.query_one(PageTable)
        table.update_cell("wide", "n", Text("99999"))
        table.update_cell("narrow", "n", Text("7"))
        await pilot.pause()
        assert _line(table, 1).split()[0] == "999…"
        assert _line(table, 2).split()[0] == "7"


async def test_a_cell_that_says_how_it_overflows_keeps_it() -> None:
    app = _OneTable()
    async with app.run_test(size=(40, 6)) as pilot:
        table = app.query_one(PageTable)
        table.update_cell("wide", "n", Text("ABCDEFG", overflow="crop"))
        await pilot.pause()
        assert _line(table, 1).split()[0] == "ABCD"
