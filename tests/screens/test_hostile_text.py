"""Residents' words are kept as typed minus control characters, and always shown as plain text:
Rich markup stays literal and no escape sequence reaches the terminal (docs/rules/data.md)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desk_helpers import ESC, content, press, row_keys, rows, screen_lines, settle, visible
from small_station import Refs
from textual.widgets import DataTable, Input, Select, TextArea

from screens.board import BoardScreen
from screens.issue import IssueScreen
from screens.log_visit import LogVisitScreen
from screens.triage import TriageScreen
from store.db import Store
from tui.app import LiaisonApp

MARKUP = "[bold red]x[/]"
LINK = "[link=http://x]y[/link]"
HEAD = f"{MARKUP} {LINK} \x1b[31m红灯\x1b[0m 😀𠀀\x07\n"
FILLER = "桥下积水😀𠀀，"
HOSTILE = HEAD + (FILLER * 1000)[: 5000 - len(HEAD)]


def _screen_text(app: LiaisonApp) -> str:
    return "\n".join(screen_lines(app))


async def test_hostile_words_are_kept_and_shown_literally(
    desk: LiaisonApp, store: Store, refs: Refs
) -> None:
    assert len(HOSTILE) == 5000
    kept = HOSTILE.replace("\x1b", "").replace("\x07", "")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await press(pilot, "n")
        screen = desk.screen
        assert isinstance(screen, LogVisitScreen)
        screen.query_one("#phone", Input).value = "13700001234"
        screen.query_one("#name", Input).value = "[i]钱[/i]"
        screen.query_one("#village_id", Select).value = refs.villages["新桥社区"]
        screen.query_one("#category_id", Select).value = refs.categories["河道水利"]
        screen.query_one("#text", TextArea).text = HOSTILE
        await settle(pilot)
        await press(pilot, "ctrl+s")

        path = Path(str(store.engine.url.database))
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            visit_id, text, summary = db.execute("select id, text, summary from visit").fetchone()
            (name,) = db.execute("select name from constituent").fetchone()
        assert text == kept
        assert ESC not in summary and summary.startswith(f"{MARKUP} {LINK} [31m红灯[0m")
        assert name == "[i]钱[/i]"

        # Triage: the detail panel shows the words as typed, markup and all.
        triage = desk.screen
        assert isinstance(triage, TriageScreen)
        detail = triage.query_one("#triage-visit")
        shown = content(detail)
        assert MARKUP in shown and LINK in shown and "[i]钱[/i]" in shown
        assert "[31m红灯[0m 😀𠀀" in shown
        assert ESC not in shown
        assert MARKUP in visible(desk, detail)
        table = triage.query_one("#triage-table", DataTable)
        assert rows(table)[row_keys(table).index(visit_id)][1].startswith("[i]")
        assert ESC not in _screen_text(desk)

        # Triage it to the village and open the issue from the board.
        await press(pilot, "1")
        await press(pilot, "enter")
        await press(pilot, "b")
        board = desk.screen
        assert isinstance(board, BoardScreen)
        board_table = board.query_one("#board-table", DataTable)
        (title_cell,) = [r[2] for r in rows(board_table)]
        assert title_cell.startswith("[bold red]")
        await press(pilot, "enter")
        issue = desk.screen
        assert isinstance(issue, IssueScreen)
        visits = issue.query_one("#issue-visits")
        assert MARKUP in content(visits) and LINK in content(visits)
        assert ESC not in content(visits)
        assert MARKUP in visible(desk, visits)
        assert content(issue.query_one("#issue-head")).startswith(f"● {MARKUP}")
        assert ESC not in _screen_text(desk)
