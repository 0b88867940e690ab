"""Hostile text typed into the search box (issue 7, part 6): FTS5 query syntax, Rich markup and
escape sequences are searched for as text and shown literally; the desk never crashes. The
store's side is fuzzed in tests/fuzz/test_fuzz_store.py."""

from __future__ import annotations

from collections.abc import Callable

from desk_helpers import content, press, screen_lines, settle

from screens.search import SearchBox, SearchScreen
from store.desk.visits import VisitRow
from tui.app import LiaisonApp

# Every FTS5 operator, an unclosed quote and group, markup and an escape sequence in one query.
# (An escape character cannot be typed: the terminal sends it as the Esc key.)
HOSTILE = '[bold]"路灯 NEAR( * ^OR AND) -x: [/] [link=http://x]{*}'
WORDS = '[bold]路灯[/]坏了 "NEAR(" 一个多月'


async def test_hostile_search_text_is_shown_literally(
    desk: LiaisonApp, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(text=WORDS)
    async with desk.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        screen = desk.screen
        assert isinstance(screen, SearchScreen)
        box = screen.query_one(SearchBox)
        for ch in HOSTILE:
            await pilot.press(ch)
        await settle(pilot)
        # Taken as text, searched without an FTS5 syntax error, nothing crashed on the way.
        assert box.value == HOSTILE and desk.screen is screen
        box.value = ""
        await settle(pilot)
        for ch in "路灯":
            await pilot.press(ch)
        await settle(pilot)
        # No resident or issue matches: the visits are shown, the first kind with hits.
        await press(pilot, "down")
        shown = "\n".join(screen_lines(desk))
        # Markup and the query syntax in the resident's words are shown as typed.
        assert "[bold]路灯[/]坏了" in shown, shown
        assert "来访 1" in " ".join(content(k) for k in screen.query(".search-kind"))
