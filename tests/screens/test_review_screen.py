"""The quarterly review on screen: score with digits + Enter or the form, see the colour board,
finalise after a confirmation; a finalised review takes no more scores."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desk_helpers import content, footer_keys, footer_width, press, rows, screen_lines, settle
from textual.widgets import Input

from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.project_forms import ScoreModal
from screens.review import ReviewScreen
from store.changelog.changes import Actor
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.projects.projects import promote_issue
from tui.app import LiaisonApp


def _db(store: Store, sql: str) -> list[tuple[Any, ...]]:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchall()


def _greyed(app: LiaisonApp, description: str) -> bool:
    (key,) = [k for k in footer_keys(app) if k.description == description]
    return bool(key.has_class("-disabled"))


async def test_score_see_the_board_and_finalise(
    desk: LiaisonApp, store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    with store.write(actor) as session:
        promote_issue(session=session, issue_id=make_issue().id, title="路灯修复")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "g")  # from the dashboard
        screen = desk.screen
        assert isinstance(screen, ReviewScreen)
        title = content(screen.query_one("#review-title"))
        assert "2026Q4 季度评议" in title and "尚无评分" in title
        assert [r[1:4] for r in rows(screen.table)] == [
            ["微实事", "路灯修复", "—"],
            ["责任单位", "青石村村委会", "—"],
        ]
        assert _greyed(desk, "定稿")

        # Digits, then Enter: the score is saved for the row under the cursor.
        await press(pilot, "9", "2")
        assert "分数：92" in content(screen.query_one("#review-prompt"))
        await press(pilot, "enter")
        assert rows(screen.table)[0][3:] == ["92", "92.0", "1"]
        assert rows(screen.table)[0][0] == "●"
        # The cursor moved on to the unit: Enter alone opens the form.
        await press(pilot, "enter")
        modal = desk.screen
        assert isinstance(modal, ScoreModal)
        modal.query_one("#score-input", Input).value = "150"
        await press(pilot, "enter")
        assert "0–100" in content(modal.query_one(".field-error"))
        modal.query_one("#score-input", Input).value = "55"
        await press(pilot, "enter")
        assert desk.screen is screen
        assert rows(screen.table)[1][0] == "■"

        # Re-scoring replaces: the project again, 80 (yellow, under 85).
        await press(pilot, "up")
        await press(pilot, "8", "0", "enter")
        assert rows(screen.table)[0][3:] == ["80", "80.0", "1"]

        await press(pilot, "w")
        assert "三色榜" in content(screen.query_one("#review-title"))
        assert [r[:5] for r in rows(screen.table)] == [
            ["▲", "微实事", "路灯修复", "黄", "80.0"],
            ["■", "责任单位", "青石村村委会", "红", "55.0"],
        ]

        await press(pilot, "f")
        assert isinstance(desk.screen, ConfirmModal)
        await press(pilot, "y")
        assert "已定稿" in content(screen.query_one("#review-title"))
        assert _greyed(desk, "定稿")
        await press(pilot, "w")
        assert _greyed(desk, "评分")
        await press(pilot, "1", "0", "enter")
        assert rows(screen.table)[0][3] == "80"
        assert footer_width(desk) <= 80
    assert sorted(_db(store, "select target_kind, score from review_score")) == [
        ("micro_project", 80),
        ("unit", 55),
    ]
    assert _db(store, "select quarter, finalised from quarterly_review") == [("2026Q4", 1)]
    deputies = _db(
        store,
        "select distinct deputy_id from change_log "
        "where table_name in ('review_score', 'quarterly_review')",
    )
    assert deputies == [(actor.deputy_id,)]


async def test_brackets_change_quarter(
    desk: LiaisonApp, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue()
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = ReviewScreen()
        await desk.push_screen(screen)
        await settle(pilot)
        assert len(rows(screen.table)) == 1
        await press(pilot, "left_square_bracket")
        assert "2026Q3" in content(screen.query_one("#review-title"))
        assert rows(screen.table) == []
        await press(pilot, "right_square_bracket", "right_square_bracket")
        assert "2027Q1" in content(screen.query_one("#review-title"))
        # The issue is still open in 2027Q1 as far as today knows: its unit is there.
        assert len(rows(screen.table)) == 1
        # Help lists the keys the footer leaves out.
        await press(pilot, "question_mark")
        shown = "\n".join(screen_lines(desk))
        assert "上一季度" in shown and "下一季度" in shown and "删去一位" in shown
