"""The colour board (三色榜) on the demo station: the counts line is the store's counts with
their glyphs, rows come by tier then red → yellow → green, a page of at most 50 at a time, and
the filter narrows both (docs/rules/colours-and-windows.md, STYLE §5). The board runs at 120×40
here."""

from __future__ import annotations

from datetime import date
from typing import Any

from desk_helpers import (
    content,
    cursor_key,
    descriptions,
    footer_keys,
    plain,
    press,
    row_keys,
    rows,
    screen_lines,
    settle,
    visible,
)
from textual.pilot import Pilot
from textual.widgets import DataTable, Select

from screens.board import BoardData, BoardScreen
from screens.dialogs.board_filter import FilterModal
from screens.issue import IssueScreen
from store.core.models import Colour, Tier
from store.core.paging import PAGE_SIZE
from store.db import Store
from store.desk.board import BoardFilter, BoardOrder, board_counts, list_board
from tui.app import LiaisonApp
from tui.i18n import t, tn
from tui.widgets.urgency import urgency_text

TODAY = date(2026, 11, 24)
TIER_NAMES = {"村级": 0, "乡级": 1, "县级": 2}
GLYPH_RANK = {"■": 0, "▲": 1, "●": 2}


def _counts_tokens(store: Store, filters: BoardFilter) -> list[str]:
    """The counts line as the store's figures say it should read, word by word."""
    with store.read() as session:
        counts = board_counts(session=session, today=TODAY, filters=filters)
    words: list[str] = []
    for i, (tier, name) in enumerate(zip(Tier, TIER_NAMES, strict=True)):
        if i:
            words.append("│")
        words.append(name)
        for colour in (Colour.red, Colour.yellow, Colour.green):
            words += [colour.glyph, str(counts[tier][colour])]
    return words


def _page_ids(store: Store, filters: BoardFilter, offset: int = 0) -> tuple[list[str], int]:
    with store.read() as session:
        page = list_board(session=session, today=TODAY, filters=filters, offset=offset)
    return [row.id for row in page.items], page.total


def _assert_worst_first(table_rows: list[list[str]]) -> None:
    order = [(TIER_NAMES[r[1]], GLYPH_RANK[r[0]]) for r in table_rows]
    assert order == sorted(order), order


async def _open_board(app: LiaisonApp, pilot: Pilot[Any]) -> tuple[BoardScreen, DataTable[Any]]:
    """`b`: the board, loaded, and its table."""
    await settle(pilot)
    await press(pilot, "b")
    board = app.screen
    assert isinstance(board, BoardScreen)
    return board, board.query_one("#board-table", DataTable)


async def test_board_counts_order_and_filter(demo_desk: LiaisonApp, demo_store: Store) -> None:
    everything = BoardFilter()
    first_ids, total = _page_ids(demo_store, everything)
    assert total > PAGE_SIZE  # the demo station needs more than one page

    async with demo_desk.run_test(size=(120, 40)) as pilot:
        board, table = await _open_board(demo_desk, pilot)

        assert content(board.query_one("#board-counts")).split() == _counts_tokens(
            demo_store, everything
        )
        pages = -(-total // PAGE_SIZE)
        status = content(board.query_one("#board-status"))
        assert status == tn("board.page", total, page=1, pages=pages)
        assert table.row_count == PAGE_SIZE
        assert row_keys(table) == first_ids
        _assert_worst_first(rows(table))

        # Filter to the county tier: the rows, the counts and the status line all narrow.
        await press(pilot, "f")
        modal = demo_desk.screen
        assert isinstance(modal, FilterModal)
        modal.query_one("#filter-tier", Select).value = Tier.county.value
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert demo_desk.screen is board
        county = BoardFilter(tier=Tier.county)
        county_ids, county_total = _page_ids(demo_store, county)
        assert row_keys(table) == county_ids
        assert {r[1] for r in rows(table)} == {"县级"}
        _assert_worst_first(rows(table))
        assert t("board.filtered", what="县级") in content(board.query_one("#board-status"))
        tokens = content(board.query_one("#board-counts")).split()
        assert tokens == _counts_tokens(demo_store, county)
        assert tokens[:7] == ["村级", "■", "0", "▲", "0", "●", "0"]

        # Enter opens the issue under the cursor; Esc comes back to the same filtered board.
        table.move_cursor(row=1)
        await press(pilot, "enter")
        issue = demo_desk.screen
        assert isinstance(issue, IssueScreen) and issue.issue_id == county_ids[1]
        assert "县级 · " in content(issue.query_one("#issue-head"))
        await press(pilot, "escape")
        assert demo_desk.screen is board
        assert row_keys(table) == county_ids
        assert cursor_key(table) == county_ids[1]

        # Clearing the filter brings the whole board back.
        await press(pilot, "f")
        await pilot.click("#filter-clear")
        await settle(pilot)
        assert demo_desk.screen is board
        assert row_keys(table) == first_ids
        assert t("board.filtered", what="") not in content(board.query_one("#board-status"))

        # Whatever is pressed, no list holds more than one page (STYLE §5).
        for key in ("end", "pagedown", "pagedown", "t", "pagedown", "end", "b", "pageup"):
            await press(pilot, key)
            for each in demo_desk.screen.query(DataTable):
                assert each.row_count <= PAGE_SIZE, (key, each.id)
        assert isinstance(demo_desk.screen, BoardScreen)


async def test_board_keys_win_over_the_table(demo_desk: LiaisonApp, demo_store: Store) -> None:
    """The board's own Enter (打开) and PgDn (下一页) show in its footer, and PgDn loads the
    next page of the board rather than scrolling the table's cursor."""
    first_ids, total = _page_ids(demo_store, BoardFilter())
    second_ids, _ = _page_ids(demo_store, BoardFilter(), offset=PAGE_SIZE)
    async with demo_desk.run_test(size=(120, 40)) as pilot:
        board, table = await _open_board(demo_desk, pilot)
        assert row_keys(table) == first_ids
        board.refresh_bindings()
        await settle(pilot)
        shown = descriptions(footer_keys(demo_desk))
        assert t("key.open") in shown and t("key.next_page") in shown, shown

        await press(pilot, "pagedown")
        assert row_keys(table) == second_ids
        pages = -(-total // PAGE_SIZE)
        status = content(board.query_one("#board-status"))
        assert status == tn("board.page", total, page=2, pages=pages)
        _assert_worst_first(rows(table))
        await press(pilot, "pageup")
        assert row_keys(table) == first_ids


async def test_each_row_shows_its_urgency_and_the_cursors_says_why(
    demo_desk: LiaisonApp, demo_store: Store
) -> None:
    """At 80 columns: the score in its own column of every row (what `o` sorts by), and the
    breakdown of the row under the cursor below the table."""
    with demo_store.read() as session:
        page = list_board(session=session, today=TODAY)
        urgent = list_board(session=session, today=TODAY, order=BoardOrder.urgency)
    async with demo_desk.run_test(size=(80, 24)) as pilot:
        board, table = await _open_board(demo_desk, pilot)
        assert [r[-1] for r in rows(table)] == [str(r.urgency.score) for r in page.items]
        # The column fits: heading and scores are on screen, not scrolled off to the right.
        shown = visible(demo_desk, table).splitlines()
        assert shown[0].rstrip().endswith(t("col.urgency"))
        assert shown[1].rstrip().endswith(str(page.items[0].urgency.score))
        why = content(board.query_one("#board-why"))
        assert why == urgency_text(page.items[0].urgency).plain
        await press(pilot, "down")
        assert content(board.query_one("#board-why")) == urgency_text(page.items[1].urgency).plain
        await press(pilot, "o")
        scores = [int(r[-1]) for r in rows(table)]
        assert scores == [r.urgency.score for r in urgent.items]
        assert scores == sorted(scores, reverse=True)


async def test_the_filter_lists_only_red_ones(demo_desk: LiaisonApp, demo_store: Store) -> None:
    red = BoardFilter(colour=Colour.red)
    red_ids, red_total = _page_ids(demo_store, red)
    assert 0 < red_total < _page_ids(demo_store, BoardFilter())[1]
    async with demo_desk.run_test(size=(80, 24)) as pilot:
        board, table = await _open_board(demo_desk, pilot)
        await press(pilot, "f")
        modal = demo_desk.screen
        assert isinstance(modal, FilterModal)
        # The colour comes first, in reach at 80×24, each named with its glyph and its word.
        select = modal.query_one("#filter-colour", Select)
        assert select.has_focus
        assert t("col.colour_filter") in "\n".join(screen_lines(demo_desk))
        assert [plain(prompt) for prompt, _ in select._options[1:]] == ["■ 红", "▲ 黄", "● 绿"]
        select.value = Colour.red.value
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert demo_desk.screen is board
        assert row_keys(table) == red_ids
        assert {r[0] for r in rows(table)} == {"■"}
        assert t("board.filtered", what="■ 红") in content(board.query_one("#board-status"))
        tokens = content(board.query_one("#board-counts")).split()
        assert tokens == _counts_tokens(demo_store, red)
        assert all(tokens[i] == "0" for i in (4, 6, 12, 14, 20, 22))  # no ▲ nor ●


async def test_a_countys_counts_break_between_tiers_never_within_one(
    demo_desk: LiaisonApp, demo_store: Store
) -> None:
    # Seen on the county's hub at 80 columns: "县级 ■ 2305 ▲ 2486 ●" and "4490" on the next line,
    # a glyph parted from its number. Four digits now fit one line; a 1.5 M county's five break
    # between tiers.
    def counts(*figures: int) -> dict[Tier, dict[Colour, int]]:
        it = iter(figures)
        worst_first = (Colour.red, Colour.yellow, Colour.green)
        return {tier: {colour: next(it) for colour in worst_first} for tier in Tier}

    async with demo_desk.run_test(size=(80, 24)) as pilot:
        board, _table = await _open_board(demo_desk, pilot)
        with demo_store.read() as session:
            page = list_board(session=session, today=TODAY, filters=BoardFilter())
        shown = board.query_one("#board-counts")

        board._show(
            BoardData(page=page, counts=counts(2054, 141, 0, 2357, 2156, 1186, 2305, 2486, 4490))
        )
        await pilot.pause()
        assert [line.split() for line in visible(demo_desk, shown).splitlines()] == [
            ["村级", "■", "2054", "▲", "141", "●", "0", "│"]
            + ["乡级", "■", "2357", "▲", "2156", "●", "1186", "│"]
            + ["县级", "■", "2305", "▲", "2486", "●", "4490"],
        ]

        board._show(
            BoardData(
                page=page, counts=counts(12054, 1141, 0, 12357, 12156, 11186, 12305, 12486, 14490)
            )
        )
        await pilot.pause()
        assert [line.split() for line in visible(demo_desk, shown).splitlines()] == [
            ["村级", "■", "12054", "▲", "1141", "●", "0", "│"]
            + ["乡级", "■", "12357", "▲", "12156", "●", "11186"],
            ["县级", "■", "12305", "▲", "12486", "●", "14490"],
        ]
