"""升级/降级 on screen at 80×24 (issue 18, part 1): `+` and `-` on the issue page and on the board
ask why and which unit of the new tier (likeliest first), then move the issue; the page's head
says why it is at its tier, its timeline shows every move, the board's line under the table
says why for the row under the cursor, and the audit trail shows the move's before and after."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from desk_helpers import (
    content,
    cursor_key,
    notes,
    pick_options,
    press,
    screen_lines,
    settle,
    shown_whole,
)
from small_station import Refs
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input, Label, RadioSet

from screens.audit import AuditScreen
from screens.board import BoardScreen
from screens.dialogs.move import MoveModal
from screens.issue import IssueScreen
from store.core.clock import FrozenClock
from store.core.models import Issue, IssueMove, MoveReason, Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from tui.app import LiaisonApp
from tui.i18n import label, t
from tui.widgets.find_select import FindSelect

TODAY = date(2026, 11, 24)


def _moves(store: Store) -> list[IssueMove]:
    with store.read() as session:
        return list(session.exec(select(IssueMove).order_by(col(IssueMove.moved_at))).all())


def _issue(store: Store, issue_id: str) -> Issue:
    with store.read() as session:
        found = session.get(Issue, issue_id)
        assert found is not None
        return found


async def _open_issue(pilot: Pilot[Any], desk: LiaisonApp) -> IssueScreen:
    await press(pilot, "b")
    await press(pilot, "enter")
    screen = desk.screen
    assert isinstance(screen, IssueScreen)
    return screen


def _modal(desk: LiaisonApp) -> MoveModal:
    modal = desk.screen
    assert isinstance(modal, MoveModal), modal
    return modal


async def test_up_twice_and_back_down_on_the_issue_page(
    desk: LiaisonApp,
    store: Store,
    refs: Refs,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Tried as a new user would: a village issue escalated to the township, then to the
    county, each with a reason, then sent back down; the page, the board, statistics and the
    quarter's report show each step."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))
    issue = make_issue(tier=Tier.village)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        page = await _open_issue(pilot, desk)
        # At the village tier `-` goes nowhere: greyed out, nothing opens.
        await press(pilot, "minus")
        assert desk.screen is page

        await press(pilot, "plus")
        modal = _modal(desk)
        assert content(modal.query_one(".dialog-title", Label)) == "升级：村级 → 乡级"
        assert "现由 村级 · 青石村村委会 办理" in "\n".join(screen_lines(desk))
        # The reasons of a move up, the likeliest chosen; the township's units, one chosen.
        reasons = modal.query_one("#move-reason", RadioSet)
        assert [b.name for b in reasons.query("TextRadioButton")] == [
            "beyond_capacity",
            "beyond_authority",
            "coordination",
            "other",
        ]
        assert reasons.pressed_button is not None
        assert reasons.pressed_button.name == "beyond_capacity"
        unit = modal.query_one("#move-unit", FindSelect)
        assert unit.value == refs.units["青石镇人民政府"].id
        # The whole dialog is on screen at 80×24, its buttons included.
        assert shown_whole(desk, modal.query_one("#move-save"))
        await press(pilot, "ctrl+s")
        assert desk.screen is page
        assert "已升级，改由 乡级 · 青石镇人民政府 办理" in notes(desk)
        head = content(page.query_one("#issue-head"))
        assert "↑ 升级 村级→乡级（青石村村委会→青石镇人民政府）：本级无力解决" in head
        assert "原层级按期（期限 2026-12-09）" in head
        # The township's 30 days from today.
        assert _issue(store, issue.id).due_on == TODAY + timedelta(days=30)

        clock.advance(timedelta(days=3))
        await press(pilot, "plus")
        modal = _modal(desk)
        assert content(modal.query_one(".dialog-title", Label)) == "升级：乡级 → 县级"
        await press(pilot, "down", "down", "enter")  # 需多部门协调
        await press(pilot, "ctrl+s")
        assert desk.screen is page
        # At the county `+` goes nowhere.
        await press(pilot, "plus")
        assert desk.screen is page

        clock.advance(timedelta(days=2))
        await press(pilot, "minus")
        modal = _modal(desk)
        assert content(modal.query_one(".dialog-title", Label)) == "降级：县级 → 乡级"
        reasons = modal.query_one("#move-reason", RadioSet)
        assert [b.name for b in reasons.query("TextRadioButton")] == [
            "sent_back",
            "local_matter",
            "other",
        ]
        await press(pilot, "tab")
        assert isinstance(desk.focused, Input)
        await pilot.press(*"属镇城建办职责")
        await press(pilot, "ctrl+s")
        assert desk.screen is page
        head = content(page.query_one("#issue-head"))
        # A county issue sent back down says why, on its page's head.
        assert "↓ 降级 县级→乡级" in head and "上级交办退回" in head and "属镇城建办职责" in head
        timeline = content(page.query_one("#issue-timeline"))
        assert "↑ 升级 村级→乡级" in timeline and "↑ 升级 乡级→县级" in timeline
        assert "需多部门协调" in timeline and "↓ 降级 县级→乡级" in timeline
        assert timeline.count("沈国强") >= 3
        # u: another unit of its own tier only (another tier is a move, with its reason).
        await press(pilot, "u")
        assert {name for _id, name, _off in pick_options(desk)} == {
            u.name for u in refs.units.values() if u.tier == Tier.township
        }
        await press(pilot, "escape")
        await press(pilot, "escape")

        # The board says why it is at the township, under the table.
        board = desk.screen
        assert isinstance(board, BoardScreen)
        why = content(board.query_one("#board-why", Label))
        assert "↓ 降级 县级→乡级" in why and "上级交办退回" in why and "属镇城建办职责" in why

        # Statistics: the quarter's moves (two up: from the village and from the township; one
        # down, from the county), and its report.
        await press(pilot, "s")
        headline = content(desk.screen.query_one("#stats-headline", Label))
        assert "升级 2 · 降级 1" in headline
        await press(pilot, "r")
        await settle(pilot)
        reports = tmp_path / "station.db.files" / "reports"
        html = (reports / "report-2026Q4.html").read_text(encoding="utf-8")
        assert t("report.moves") in html
        for row in (
            "<tr><td>村级</td><td>1</td><td>0</td><td>100.0% (1/1)</td></tr>",
            "<tr><td>乡级</td><td>1</td><td>0</td><td>100.0% (1/1)</td></tr>",
            "<tr><td>县级</td><td>0</td><td>1</td><td>100.0% (1/1)</td></tr>",
        ):
            assert row in html, row
    moves = _moves(store)
    assert [(m.from_tier, m.to_tier, m.reason) for m in moves] == [
        (Tier.village, Tier.township, MoveReason.beyond_capacity),
        (Tier.township, Tier.county, MoveReason.coordination),
        (Tier.county, Tier.township, MoveReason.sent_back),
    ]
    assert moves[2].note == "属镇城建办职责"
    assert _issue(store, issue.id).tier == Tier.township


async def test_other_needs_words_and_esc_moves_nothing(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue(tier=Tier.township)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        page = await _open_issue(pilot, desk)
        await press(pilot, "plus")
        modal = _modal(desk)
        await press(pilot, "down", "down", "down", "enter")  # 其他
        await press(pilot, "ctrl+s")
        assert desk.screen is modal
        error = modal.query_one("#move-error", Label)
        assert content(error) == t("move.note_required") and shown_whole(desk, error)
        assert isinstance(desk.focused, Input)
        await press(pilot, "escape")
        assert desk.screen is page
    assert _moves(store) == []


async def test_plus_on_the_board_moves_the_row_under_the_cursor(
    desk: LiaisonApp,
    store: Store,
    refs: Refs,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
) -> None:
    make_issue(tier=Tier.village, text="另一件：水沟堵了")
    issue = make_issue(tier=Tier.county, text="县道塌方")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        board = desk.screen
        assert isinstance(board, BoardScreen)
        # The county issue, down the list (the board goes by tier).
        await press(pilot, "down")
        assert cursor_key(board.table) == issue.id
        await press(pilot, "minus")
        modal = _modal(desk)
        assert content(modal.query_one(".dialog-title", Label)) == "降级：县级 → 乡级"
        await press(pilot, "ctrl+s")
        assert desk.screen is board
        # The board opens where the issue stands now, and says why it is there.
        assert cursor_key(board.table) == issue.id
        why = content(board.query_one("#board-why", Label))
        assert "↓ 降级 县级→乡级" in why and label(MoveReason.sent_back) in why
        assert _issue(store, issue.id).tier == Tier.township


async def test_the_audit_trail_shows_a_move_before_and_after(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue(tier=Tier.village)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _open_issue(pilot, desk)
        await press(pilot, "plus")
        await press(pilot, "ctrl+s")
        await press(pilot, "l")
        audit = desk.screen
        assert isinstance(audit, AuditScreen)
        # The move's entries, newest first: the issue's edit, the move's record and the
        # resident's notice (告知).
        details = [content(audit.query_one("#audit-detail"))]
        for _ in range(2):
            await press(pilot, "down")
            details.append(content(audit.query_one("#audit-detail")))
    edit = next(d for d in details if "修改" in d)
    record = next(d for d in details if "新增" in d and "层级变动" in d)
    assert any("告知事由 调整层级" in d for d in details)
    assert "层级 村级→乡级" in edit
    assert "承办单位 青石村村委会→青石镇人民政府" in edit
    assert "期限 2026-12-09→2026-12-24" in edit
    assert "层级变动" in record and "理由 本级无力解决" in record
    assert "原层级 村级" in record and "新层级 乡级" in record
