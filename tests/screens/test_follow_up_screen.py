"""Follow-up calls: oldest waiting first, two keys per call, reopen on 不满意, reveals logged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from desk_helpers import content, press, settle
from sqlalchemy import text
from sqlmodel import select
from store_rows import must_get
from textual.widgets import DataTable

from screens.follow_up import FollowUpScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Evaluation, Issue, IssueStatus
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from tui.app import LiaisonApp
from tui.i18n import t
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


async def test_three_calls_recorded_with_two_keys_each(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    clock: FrozenClock,
) -> None:
    first, second, third = _closed_unevaluated(store, actor, make_issue, clock, 3)
    async with desk.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        desk.open_place(Place.follow_up)
        await settle(pilot)
        screen = desk.screen
        assert isinstance(screen, FollowUpScreen)
        table = screen.query_one("#follow-up-table", DataTable)
        assert [str(k.value) for k in table.rows] == [first, second, third]  # oldest first
        # Phones are masked until revealed.
        assert "1390000" not in str(table.get_row_at(0)[4])
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
    _closed_unevaluated(store, actor, make_issue, clock, 1)
    async with desk.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        desk.open_place(Place.follow_up)
        await settle(pilot)
        await press(pilot, "v")
        table = desk.screen.query_one("#follow-up-table", DataTable)
        assert str(table.get_row_at(0)[4]) == "13900000000"
    with store.engine.connect() as conn:
        logged = conn.execute(text("SELECT action, deputy_id FROM access_log")).all()
    assert logged == [("reveal_phone", actor.deputy_id)]
