"""Deputies' suggestions on screen at 80×24, as a new user goes: `p` on the dashboard opens the
list; `.` on an issue page turns the issue into a suggestion; its page takes every step with
`g` (submit, assign, reply, 不满意 → 再督办, a new reply, 满意) and `p` prints the form; the
database holds each step."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desk_helpers import content, notes, pick, press, rows, settle
from textual.widgets import DataTable, Input

from screens.dialogs.suggestion_forms import SuggestionDraftModal, SuggestionStepModal
from screens.issue import IssueScreen
from screens.suggestions import SuggestionScreen, SuggestionsScreen
from store.db import Store
from store.desk.issue_rows import IssueRow
from tui.app import LiaisonApp


def _db(store: Store, sql: str) -> list[tuple[Any, ...]]:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchall()


async def test_an_issue_becomes_a_suggestion_followed_to_the_deputies_satisfaction(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(text="楼道里电动车飞线充电，很危险")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "d", "p")
        listed = desk.screen
        assert isinstance(listed, SuggestionsScreen)
        assert "还没有代表建议" in content(listed.query_one("#suggestions-title"))
        await press(pilot, "escape")

        await pilot.app.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        await press(pilot, "full_stop")
        await pick(pilot, "suggest-issue")
        draft = desk.screen
        assert isinstance(draft, SuggestionDraftModal)
        assert draft.query_one("#suggestion-title", Input).value == issue.title
        draft.query_one("#suggestion-title", Input).value = "关于集中建设电动车充电设施的建议"
        draft.query_one("#suggestion-reason", Input).value = "飞线充电屡禁不止，隐患大"
        draft.query_one("#suggestion-proposal", Input).value = "在各小区建设集中充电棚"
        await press(pilot, "ctrl+s")
        listed = desk.screen
        assert isinstance(listed, SuggestionsScreen)
        [row] = rows(listed.query_one("#suggestions-table", DataTable))
        assert row[0] == "○ 草拟中" and row[1].startswith("关于集中建设")
        await press(pilot, "enter")
        page = desk.screen
        assert isinstance(page, SuggestionScreen)
        body = content(page.query_one("#suggestion-body"))
        assert "飞线充电屡禁不止" in body and "来源 1 项" in body and "待办：提交" in body

        async def step(text: str) -> None:
            await press(pilot, "g")
            modal = desk.screen
            assert isinstance(modal, SuggestionStepModal)
            modal.query_one("#step-text", Input).value = text
            await press(pilot, "ctrl+s")

        await step("临溪县人大常委会")
        await step("县住建局、县供电公司")
        await step("年底前建成两处充电棚")
        await press(pilot, "g")
        await pick(pilot, "unsatisfied")
        body = content(page.query_one("#suggestion-body"))
        assert "◑ 已交办 ↻1" in body and "待办：答复" in body
        await step("本月内建成并投入使用")
        await press(pilot, "g")
        await pick(pilot, "satisfied")
        body = content(page.query_one("#suggestion-body"))
        assert "● 已办结" in body and "代表测评 · 满意" in body
        # Closed: no next step to offer.
        assert page.check_action("next_step", ()) is None
        await press(pilot, "p")
        await settle(pilot)
        assert any("代表建议-" in n and ".html" in n for n in notes(desk))

    assert _db(store, "SELECT status, satisfaction, resupervised FROM suggestion") == [
        ("closed", "satisfied", 1)
    ]
    steps = _db(store, "SELECT step FROM suggestion_step ORDER BY created_at")
    assert [s for (s,) in steps] == [
        "drafted",
        "submitted",
        "assigned",
        "answered",
        "evaluated",
        "answered",
        "evaluated",
    ]
