"""Phone and ID numbers a resident said, inside their words, are masked wherever the words are
shown (docs/rules/data.md): the dashboard, triage, the issue page, the boards, search; `v` shows
them in clear where it shows the phone, and that reveal is recorded."""

from __future__ import annotations

from collections.abc import Callable

from desk_helpers import content, press, rows, settle
from sqlmodel import select
from textual.widgets import DataTable, Static

from screens.board import BoardScreen
from screens.issue import IssueScreen
from screens.search import MARK, SearchScreen
from store.core.models import AccessLog
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.trust.reveals import REVEAL_PHONE
from tui.app import LiaisonApp

PHONE = "13957001234"
ID_NUMBER = "33052219900101123X"
WORDS = f"电话{PHONE}，身份证{ID_NUMBER}，村口路灯坏了"
MASKED_PHONE = "139****1234"
MASKED_ID = "330522********123X"
# What must never show unless revealed: the middle digits of each.
SECRETS = ("5700", "19900101")


def _clear(shown: str) -> bool:
    return PHONE in shown or ID_NUMBER in shown


def _hidden(shown: str) -> bool:
    return not any(secret in shown for secret in SECRETS)


def _table(desk: LiaisonApp, selector: str) -> str:
    return " ".join(" ".join(r) for r in rows(desk.screen.query_one(selector, DataTable)))


def _reveals(store: Store) -> list[AccessLog]:
    with store.read() as session:
        return list(session.exec(select(AccessLog)).all())


async def test_dashboard_lists_mask_the_numbers(
    desk: LiaisonApp, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(text=WORDS)
    async with desk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        visits = content(desk.screen.query_one("#dash-visits"))
        assert MASKED_PHONE in visits and _hidden(visits)


async def test_triage_masks_the_queue_and_the_pane_until_v(
    desk: LiaisonApp, store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(text=WORDS)
    async with desk.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        queue = " ".join(
            " ".join(r) for r in rows(desk.screen.query_one("#triage-table", DataTable))
        )
        pane = desk.screen.query_one("#triage-visit", Static)
        assert MASKED_PHONE in queue and _hidden(queue)
        assert MASKED_PHONE in content(pane) and MASKED_ID in content(pane)
        assert _hidden(content(pane))
        assert _reveals(store) == []
        await press(pilot, "v")
        assert PHONE in content(pane) and ID_NUMBER in content(pane)
        # The queue stays masked: the reveal is this visit's, in its pane.
        queue = " ".join(
            " ".join(r) for r in rows(desk.screen.query_one("#triage-table", DataTable))
        )
        assert _hidden(queue)
        await press(pilot, "v")
        assert _hidden(content(pane))
    [event] = _reveals(store)
    assert event.action == REVEAL_PHONE


async def test_issue_page_masks_title_and_words_until_v(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(text=WORDS)
    assert PHONE in issue.title  # stored as said: only the screen masks
    async with desk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        desk.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        head = desk.screen.query_one("#issue-head", Static)
        visits = desk.screen.query_one("#issue-visits", Static)
        assert MASKED_PHONE in content(head) and _hidden(content(head))
        assert MASKED_ID in content(visits) and _hidden(content(visits))
        await press(pilot, "v")
        assert PHONE in content(head)
        assert PHONE in content(visits) and ID_NUMBER in content(visits)
        await press(pilot, "v")
        assert _hidden(content(head)) and _hidden(content(visits))
    [event] = _reveals(store)
    assert event.action == REVEAL_PHONE


async def test_board_masks_titles(desk: LiaisonApp, make_issue: Callable[..., IssueRow]) -> None:
    make_issue(text=WORDS)
    async with desk.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        assert isinstance(desk.screen, BoardScreen)
        shown = " ".join(
            " ".join(r) for r in rows(desk.screen.query_one("#board-table", DataTable))
        )
        assert MASKED_PHONE in shown and _hidden(shown)


async def test_search_by_the_digits_finds_the_visit_masked_unhighlighted(
    desk: LiaisonApp, store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(text=WORDS, phone="13812341234")
    async with desk.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        for ch in "57001234":
            await pilot.press(ch)
        await settle(pilot)
        screen = desk.screen
        assert isinstance(screen, SearchScreen)
        # The words are found by the digits they hold (search reads what is stored).
        await press(pilot, "down")  # into the results
        while screen.kind.value != "visits":
            await press(pilot, "right")
        [found] = screen.table.row_texts()
        assert MASKED_PHONE in found and _hidden(found)
        # Lit stars would say which digits they hide: a term across masked digits is not lit.
        [words, _meta] = screen.table.row_lines(0)
        at = words.plain.index(MASKED_PHONE)
        lit = [s for s in words.spans if s.style == MARK and s.start < at + 11 and s.end > at]
        assert lit == []
        await press(pilot, "v")
        [found] = screen.table.row_texts()
        assert PHONE in found
    assert [e.action for e in _reveals(store)] == [REVEAL_PHONE]
