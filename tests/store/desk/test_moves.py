"""Moving an issue between tiers (升级/降级, store.desk.moves) on SQLite and PostgreSQL: the new
tier's window starts at the move, the tier left is judged then and kept, every move is on record
and in the audit trail (docs/rules/colours-and-windows.md, "Moving between tiers")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from small_station import Refs
from sqlmodel import col, select
from store_rows import must_get

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.errors import FieldInvalid, TierMoveInvalid, UnitTierMismatch
from store.core.models import (
    ChangeLog,
    EvaluationCreate,
    Issue,
    IssueMove,
    MoveReason,
    Resolution,
    Satisfaction,
    Tier,
)
from store.db import Store
from store.desk.issue_page import get_issue
from store.desk.issue_rows import IssueRow
from store.desk.issues import change_unit, close_issue, reopen_issue
from store.desk.moves import (
    last_moves,
    list_moves,
    move_issue,
    move_reasons,
    next_tier,
    suggest_move_units,
)
from store.duty.calendar import set_window_unit
from store.trust.audit import list_audit

pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 24)
TOWNSHIP = "青石镇人民政府"
COUNTY = "临溪县住建局"


def _move(
    store: Store,
    actor: Actor,
    issue_id: str,
    tier: Tier,
    unit_id: str,
    reason: MoveReason,
    note: str = "",
) -> IssueRow:
    with store.write(actor) as session:
        return move_issue(
            session=session, issue_id=issue_id, tier=tier, unit_id=unit_id, reason=reason, note=note
        )


def _moves(store: Store, issue_id: str) -> list[IssueMove]:
    with store.read() as session:
        return list(
            session.exec(
                select(IssueMove)
                .where(IssueMove.issue_id == issue_id)
                .order_by(col(IssueMove.moved_at))
            ).all()
        )


def test_escalating_starts_the_new_tiers_window_and_keeps_the_opening_day(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
) -> None:
    issue = make_issue(tier=Tier.village)
    assert issue.due_on == TODAY + timedelta(days=15)
    clock.advance(timedelta(days=5))
    row = _move(
        store, actor, issue.id, Tier.township, refs.units[TOWNSHIP].id, MoveReason.beyond_capacity
    )
    moved_on = TODAY + timedelta(days=5)
    assert (row.tier, row.unit) == (Tier.township, TOWNSHIP)
    # The township's 30 days from the move; yellow with a third (10 days) of them left.
    assert row.due_on == moved_on + timedelta(days=30)
    with store.read() as session:
        stored = must_get(session, Issue, issue.id)
    assert stored.opened_on == TODAY  # the two-month rate still counts from here
    assert (stored.tier_since, stored.window_days) == (moved_on, 30)
    assert stored.warn_on == moved_on + timedelta(days=20)
    [move] = _moves(store, issue.id)
    assert (move.from_tier, move.to_tier) == (Tier.village, Tier.township)
    assert move.from_unit_id == refs.unit_for(Tier.village)
    assert move.to_unit_id == refs.units[TOWNSHIP].id
    assert move.reason == MoveReason.beyond_capacity
    assert move.deputy_id == actor.deputy_id
    # The village tier is judged now: it moved before its due date.
    assert (move.from_due_on, move.from_on_time) == (TODAY + timedelta(days=15), True)
    assert move.to_due_on == row.due_on


def test_a_late_escalation_is_judged_late_for_the_tier_it_left(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
) -> None:
    issue = make_issue(tier=Tier.village)
    clock.advance(timedelta(days=16))  # a day past the village's 15
    row = _move(
        store, actor, issue.id, Tier.township, refs.units[TOWNSHIP].id, MoveReason.coordination
    )
    [move] = _moves(store, issue.id)
    assert move.from_on_time is False
    # The township's own window is fresh: green again.
    assert row.days_left == 30
    # Closed within the township's window: on time for the tier it closed at, whatever the
    # village did; the two-month rate counts from the opening day.
    clock.advance(timedelta(days=29))
    with store.write(actor) as session:
        close_issue(
            session=session,
            issue_id=issue.id,
            evaluation_in=EvaluationCreate(
                resolution=Resolution.resolved, satisfaction=Satisfaction.satisfied
            ),
        )
    with store.read() as session:
        stored = must_get(session, Issue, issue.id)
        assert stored.closed_within_window is True
        assert stored.closed_on == TODAY + timedelta(days=45)
        assert stored.opened_on == TODAY


def test_working_days_count_from_the_move(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
) -> None:
    issue = make_issue(tier=Tier.village)
    with store.write(actor) as session:
        set_window_unit(session=session, unit="working")
    # Friday 2026-11-27: 30 working days on is Monday 2027-01-11 (New Year's Day off).
    clock.advance(timedelta(days=3))
    row = _move(
        store, actor, issue.id, Tier.township, refs.units[TOWNSHIP].id, MoveReason.beyond_authority
    )
    assert row.due_on == date(2027, 1, 11)
    # A change of the calendar later re-dates it from the move, not from the opening day.
    with store.write(actor) as session:
        set_window_unit(session=session, unit="calendar")
    with store.read() as session:
        stored = must_get(session, Issue, issue.id)
    assert stored.due_on == date(2026, 11, 27) + timedelta(days=30)
    # The move's own record of the village tier is not re-dated.
    [move] = _moves(store, issue.id)
    assert move.from_due_on == date(2026, 12, 15)  # 15 working days from 11-24


def test_up_twice_then_back_down_with_the_reason(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
) -> None:
    issue = make_issue(tier=Tier.village)
    clock.advance(timedelta(days=3))
    township = refs.units[TOWNSHIP].id
    _move(store, actor, issue.id, Tier.township, township, MoveReason.beyond_capacity)
    clock.advance(timedelta(days=4))
    _move(store, actor, issue.id, Tier.county, refs.units[COUNTY].id, MoveReason.coordination)
    clock.advance(timedelta(days=2))
    other = refs.units["青石镇城建办"].id
    row = _move(
        store, actor, issue.id, Tier.township, other, MoveReason.sent_back, note="  属镇城建办职责 "
    )
    assert (row.tier, row.unit) == (Tier.township, "青石镇城建办")
    with store.read() as session:
        moves = list_moves(session=session, issue_id=issue.id)
        last = last_moves(session=session, issue_ids=[issue.id, "no-such-issue"])
    assert [(m.from_tier, m.to_tier, m.up) for m in moves] == [
        (Tier.village, Tier.township, True),
        (Tier.township, Tier.county, True),
        (Tier.county, Tier.township, False),
    ]
    assert [m.from_unit for m in moves] == ["青石村村委会", TOWNSHIP, COUNTY]
    assert moves[2].reason == MoveReason.sent_back and moves[2].note == "属镇城建办职责"
    assert moves[2].deputy == "沈国强"
    assert list(last) == [issue.id] and last[issue.id].id == moves[2].id


def test_moves_refused(
    store: Store,
    actor: Actor,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
) -> None:
    issue = make_issue(tier=Tier.township)
    township, county = refs.units[TOWNSHIP].id, refs.units[COUNTY].id
    with pytest.raises(TierMoveInvalid):
        _move(store, actor, issue.id, Tier.township, township, MoveReason.other, "x")
    with pytest.raises(UnitTierMismatch):
        _move(store, actor, issue.id, Tier.county, township, MoveReason.coordination)
    # A reason of the other direction, and `other` without saying what.
    with pytest.raises(FieldInvalid) as wrong:
        _move(store, actor, issue.id, Tier.county, county, MoveReason.sent_back)
    assert wrong.value.field == "reason"
    with pytest.raises(FieldInvalid) as bare:
        _move(store, actor, issue.id, Tier.county, county, MoveReason.other, "   ")
    assert (bare.value.key, bare.value.field) == ("move.note_required", "note")
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    with pytest.raises(TierMoveInvalid):
        _move(store, actor, issue.id, Tier.county, county, MoveReason.coordination)
    assert _moves(store, issue.id) == []
    # Reopened, it moves again: still red (re-supervision) at its new tier.
    with store.write(actor) as session:
        reopen_issue(session=session, issue_id=issue.id)
    row = _move(store, actor, issue.id, Tier.county, county, MoveReason.coordination)
    assert row.resupervision and row.colour == "red"


def test_next_tier_and_reasons() -> None:
    assert next_tier(Tier.village, 1) == Tier.township
    assert next_tier(Tier.county, 1) is None
    assert next_tier(Tier.village, -1) is None
    assert next_tier(Tier.county, -1) == Tier.township
    assert move_reasons(up=True)[-1] == MoveReason.other
    assert MoveReason.sent_back in move_reasons(up=False)
    assert MoveReason.sent_back not in move_reasons(up=True)


def test_units_of_the_new_tier_likeliest_first(
    store: Store,
    actor: Actor,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
) -> None:
    # Two road issues the township's 城建办 took: it comes first for the next road issue.
    for _ in range(2):
        make_issue(tier=Tier.township)
    with store.write(actor) as session:
        for taken in session.exec(select(Issue)).all():
            change_unit(session=session, issue_id=taken.id, unit_id=refs.units["青石镇城建办"].id)
    issue = make_issue(tier=Tier.village)
    with store.read() as session:
        units = suggest_move_units(session=session, issue_id=issue.id, tier=Tier.township)
        back = suggest_move_units(session=session, issue_id=issue.id, tier=Tier.village)
    assert units[0][1] == "青石镇城建办"
    assert {name for _, name in units} >= {TOWNSHIP, "青石镇党政办"}
    # Back down to the village: the issue's own village committee first.
    assert back[0][1] == "青石村村委会"


def test_a_move_is_in_the_audit_trail_and_the_issue_page(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
) -> None:
    issue = make_issue(tier=Tier.village)
    clock.advance(timedelta(days=1))
    _move(store, actor, issue.id, Tier.township, refs.units[TOWNSHIP].id, MoveReason.coordination)
    with store.read() as session:
        page = list_audit(session=session, issue_id=issue.id)
        entries = session.exec(
            select(ChangeLog).where(ChangeLog.row_id == issue.id, ChangeLog.op == "update")
        ).all()
        detail = get_issue(session=session, issue_id=issue.id, today=TODAY + timedelta(days=1))
    # The issue's edit, the move's record, and its resident put on the 待告知 list (告知).
    newest = page.items[:3]
    assert {r.table_name for r in newest} == {"issue", "issue_move", "notice"}
    update = next(r for r in newest if r.table_name == "issue")
    changed = {f.name: (f.old, f.new) for f in update.fields}
    # Before and after, as the trail shows them.
    assert changed["tier"] == ("village", "township")
    assert changed["unit_id"] == (refs.unit_for(Tier.village), refs.units[TOWNSHIP].id)
    assert changed["due_on"] == ("2026-12-09", "2026-12-25")
    insert = next(r for r in newest if r.table_name == "issue_move")
    assert insert.issue_id == issue.id and insert.op == "insert"
    assert {f.name for f in insert.fields} >= {"from_tier", "to_tier", "reason", "from_due_on"}
    assert len(entries) == 1  # one edit of the issue
    moves = [e for e in detail.timeline if e.kind == "move"]
    assert len(moves) == 1 and moves[0].move is not None
    assert moves[0].move.to_unit == TOWNSHIP and moves[0].deputy == "沈国强"
