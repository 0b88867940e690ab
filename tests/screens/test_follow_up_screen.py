"""Follow-up calls: oldest waiting first, two keys per call, reopen on 不满意, reveals logged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from desk_helpers import content, cursor_key, notes, press, row_keys, rows, settle, visible
from sqlalchemy import text
from sqlmodel import select
from store_rows import must_get
from textual.pilot import Pilot
from textual.widgets import DataTable

from screens.follow_up import FollowUpScreen
from screens.issue import IssueScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Evaluation, Issue, IssueStatus
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from tui.app import LiaisonApp
from tui.i18n import t, tn
from tui.messages import Place


def _closed_unevaluated(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock, n: int
) -> list[str]:
    """n issues closed without an evaluation on the n days before today (the clock ends today,
    when the rostered deputy is on duty)."""
    ids = []
    clock.advance(timedelta(days=-n))
    for k in range(n):
        row = make_issue(text=f"第{k}件：路灯不亮", phone=f"1390000{k:04d}")
        with store.write(actor) as session:
            close_issue(session=session, issue_id=row.id, evaluation_in=None)
        ids.append(row.id)
        clock.advance(timedelta(days=1))
    return ids


async def _open_list(desk: LiaisonApp, pilot: Pilot[Any]) -> tuple[FollowUpScreen, DataTable[Any]]:
    """The follow-up list, open and loaded, and its table."""
    await settle(pilot)
    desk.open_place(Place.follow_up)
    await settle(pilot)
    screen = desk.screen
    assert isinstance(screen, FollowUpScreen)
    return screen, screen.query_one("#follow-up-table", DataTable)


async def test_three_calls_recorded_with_two_keys_each(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    clock: FrozenClock,
) -> None:
    first, second, third = _closed_unevaluated(store, actor, make_issue, clock, 3)
    async with desk.run_test(size=(100, 32)) as pilot:
        screen, table = await _open_list(desk, pilot)
        assert [str(k.value) for k in table.rows] == [first, second, third]  # oldest first
        # Phones are masked until revealed.
        assert "1390000" not in str(table.get_cell(first, "phone"))
        await press(pilot, "1")
        assert t("follow_up.ask_satisfied", resolved="已解决") in content(
            screen.query_one("#follow-up-prompt")
        )
        await press(pilot, "1")  # 已解决 + 满意
        await press(pilot, "2", "2")  # 部分解决 + 基本满意
        await press(pilot, "1", "3")  # 已解决 + 不满意 → reopened
        assert table.row_count == 0
    with store.read() as session:
        done = [must_get(session, Issue, i) for i in (first, second)]
        reopened = must_get(session, Issue, third)
        verdict = session.exec(select(Evaluation).where(Evaluation.issue_id == third)).one()
    assert [(i.resolution, i.satisfaction) for i in done] == [
        ("resolved", "satisfied"),
        ("partly", "fairly"),
    ]
    assert (verdict.resolution, verdict.satisfaction) == ("resolved", "unsatisfied")
    assert reopened.status != IssueStatus.closed and reopened.resupervision


async def test_revealing_a_phone_is_logged(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    clock: FrozenClock,
) -> None:
    (issue_id,) = _closed_unevaluated(store, actor, make_issue, clock, 1)
    async with desk.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        desk.open_place(Place.follow_up)
        await settle(pilot)
        await press(pilot, "v")
        table = desk.screen.query_one("#follow-up-table", DataTable)
        assert str(table.get_cell(issue_id, "phone")) == "13900000000"
    with store.engine.connect() as conn:
        logged = conn.execute(text("SELECT action, deputy_id FROM access_log")).all()
    assert logged == [("reveal_phone", actor.deputy_id)]


async def test_0_records_no_answer_and_the_issue_waits_at_the_end(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    clock: FrozenClock,
) -> None:
    first, second = _closed_unevaluated(store, actor, make_issue, clock, 2)
    async with desk.run_test(size=(80, 24)) as pilot:
        screen, table = await _open_list(desk, pilot)
        # The prompt names the key (the footer has no room for it at 80 columns).
        assert "0 未接通" in content(screen.query_one("#follow-up-prompt"))
        assert row_keys(table) == [first, second]
        await press(pilot, "0")
        # Called again in 4 hours: at the end until then, saying when; the cursor moved on.
        assert row_keys(table) == [second, first]
        assert cursor_key(table) == second
        again = (clock.now() + timedelta(hours=4)).astimezone(clock.tz).strftime("%H:%M")
        assert rows(table)[1][-1] == t("follow_up.call_at", time=again)
        assert rows(table)[0][-1] == ""
        said = t("follow_up.no_answer", tries=1, most=3, time=again)
        assert any(said in n for n in notes(desk))
        # The state is said in words, in the column's own cell, not by colour.
        assert t("col.call") in visible(desk, table)
    with store.engine.connect() as conn:
        calls = conn.execute(text("SELECT issue_id, deputy_id, gave_up FROM unanswered_call")).all()
        logged = conn.execute(
            text("SELECT deputy_id FROM change_log WHERE table_name = 'unanswered_call'")
        ).all()
    assert calls == [(first, actor.deputy_id, False)]
    assert logged == [(actor.deputy_id,)]


async def test_the_third_no_answer_gives_up_and_u_lists_who_could_not_be_reached(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    clock: FrozenClock,
) -> None:
    (issue_id,) = _closed_unevaluated(store, actor, make_issue, clock, 1)
    async with desk.run_test(size=(80, 24)) as pilot:
        screen, table = await _open_list(desk, pilot)
        await press(pilot, "0")
        again = (clock.now() + timedelta(hours=4)).astimezone(clock.tz).strftime("%H:%M")
        assert rows(table)[0][-1] == t("follow_up.call_at", time=again)
        await press(pilot, "0")
        await press(pilot, "0")
        assert table.row_count == 0
        assert any(t("follow_up.gave_up", tries=3) in n for n in notes(desk))
        heading = content(screen.query_one("#follow-up-title"))
        assert tn("follow_up.unreachable_count", 1) in heading
        # u: the issues given up on, each saying so; the resident may still call back.
        await press(pilot, "u")
        assert row_keys(table) == [issue_id]
        assert rows(table)[0][-1] == t("follow_up.unreachable")
        assert tn("follow_up.unreachable_heading", 1, page=1, pages=1) in content(
            screen.query_one("#follow-up-title")
        )
        # Its page says so, and its timeline has every try with who made it.
        await press(pilot, "enter")
        issue = desk.screen
        assert isinstance(issue, IssueScreen)
        assert tn("issue.unreachable", 3) in content(issue.query_one("#issue-head"))
        timeline = content(issue.query_one("#issue-timeline"))
        for attempt in (1, 2):
            assert t("issue.tl_no_answer", attempt=attempt) + "  沈国强" in timeline
        last = t("issue.tl_no_answer", attempt=3) + t("text.gap") + t("issue.tl_gave_up")
        assert last + "  沈国强" in timeline
        await press(pilot, "escape")
        assert desk.screen is screen
        await press(pilot, "0")  # no fourth try
        await press(pilot, "1", "1")
        assert table.row_count == 0
        await press(pilot, "u")
        assert table.row_count == 0
    with store.engine.connect() as conn:
        tries = conn.execute(text("SELECT gave_up FROM unanswered_call ORDER BY at")).all()
        verdict = conn.execute(
            text("SELECT satisfaction FROM issue WHERE id = :id"), {"id": issue_id}
        ).all()
    assert tries == [(False,), (False,), (True,)]
    assert verdict == [("satisfied",)]
