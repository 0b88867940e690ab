"""A split's clock (store.desk.regroup.split_issue) on SQLite and PostgreSQL: at another tier
the new half's window starts at the split, as a tier move's does, and the day is kept in
`tier_since`; at the same tier it keeps the original's (docs/rules/colours-and-windows.md,
"Moving between tiers")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from small_station import TODAY, Refs
from store_rows import must_get

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Issue, MoveReason, Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.moves import move_issue
from store.desk.regroup import split_issue
from store.desk.triage import link_visit
from store.desk.visits import VisitRow
from store.duty.calendar import set_window_unit

pytestmark = pytest.mark.both_backends

LI = {"name": "李秀英", "phone": "13955556666", "text": "路灯也不亮"}


def _two_visits(
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> tuple[IssueRow, str]:
    issue = make_issue(tier=Tier.village)
    visit = make_visit(**LI)
    with store.write(actor) as session:
        link_visit(session=session, visit_id=visit.id, issue_id=issue.id)
    return issue, visit.id


def _issue(store: Store, issue_id: str) -> Issue:
    with store.read() as session:
        return must_get(session, Issue, issue_id)


def test_a_split_to_another_tier_counts_working_days_from_the_split(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    with store.write(actor) as session:
        set_window_unit(session=session, unit="working")
    issue, li = _two_visits(store, actor, make_issue, make_visit)
    assert _issue(store, issue.id).due_on == date(2026, 12, 15)  # 15 working days from 11-24
    # Split on Friday 2026-11-27 to the township: 30 working days on is Monday 2027-01-11,
    # across New Year's Day (a holiday).
    clock.advance(timedelta(days=3))
    with store.write(actor) as session:
        result = split_issue(
            session=session,
            issue_id=issue.id,
            visit_ids=[li],
            unit_id=refs.unit_for(Tier.township),
        )
    new = _issue(store, result.new.id)
    assert (new.tier, new.window_days) == (Tier.township, 30)
    assert (new.tier_since, new.due_on) == (date(2026, 11, 27), date(2027, 1, 11))
    assert new.opened_on == TODAY  # the two-month rate still counts from the first visit
    assert result.new.due_on == date(2027, 1, 11)
    # The original is where it was.
    original = _issue(store, issue.id)
    assert (original.tier_since, original.due_on) == (None, date(2026, 12, 15))
    # A later change of the window unit re-dates the new half from the split, not from the
    # original's opening day.
    with store.write(actor) as session:
        set_window_unit(session=session, unit="calendar")
    assert _issue(store, result.new.id).due_on == date(2026, 11, 27) + timedelta(days=30)
    assert _issue(store, issue.id).due_on == TODAY + timedelta(days=15)


def test_a_split_at_the_same_tier_keeps_the_originals_due_date_and_tier_since(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    with store.write(actor) as session:
        set_window_unit(session=session, unit="working")
    issue, li = _two_visits(store, actor, make_issue, make_visit)
    clock.advance(timedelta(days=3))
    with store.write(actor) as session:
        move_issue(
            session=session,
            issue_id=issue.id,
            tier=Tier.township,
            unit_id=refs.unit_for(Tier.township),
            reason=MoveReason.beyond_capacity,
        )
    moved = _issue(store, issue.id)
    assert (moved.tier_since, moved.due_on) == (date(2026, 11, 27), date(2027, 1, 11))
    clock.advance(timedelta(days=10))
    with store.write(actor) as session:
        result = split_issue(session=session, issue_id=issue.id, visit_ids=[li])
    new = _issue(store, result.new.id)
    assert (new.tier, new.tier_since, new.window_days, new.due_on, new.warn_on) == (
        Tier.township,
        date(2026, 11, 27),
        moved.window_days,
        moved.due_on,
        moved.warn_on,
    )
    # Both halves are re-dated alike, from the move the original made before the split.
    with store.write(actor) as session:
        set_window_unit(session=session, unit="calendar")
    assert _issue(store, result.new.id).due_on == _issue(store, issue.id).due_on
    assert _issue(store, issue.id).due_on == date(2026, 11, 27) + timedelta(days=30)


def test_a_merge_takes_the_earlier_due_date_with_the_day_it_counts_from(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
) -> None:
    from store.desk.regroup import merge_issues

    with store.write(actor) as session:
        set_window_unit(session=session, unit="working")
    survivor = make_issue(tier=Tier.township)  # opened 11-24, due 30 working days on
    clock.advance(timedelta(days=3))
    merged = make_issue(tier=Tier.village, text="桥头路灯不亮")  # opened 11-27, due first
    with store.write(actor) as session:
        merge_issues(session=session, issue_id=merged.id, into_id=survivor.id)
    kept = _issue(store, survivor.id)
    assert (kept.opened_on, kept.window_days, kept.tier_since) == (TODAY, 15, date(2026, 11, 27))
    assert kept.due_on == _issue(store, merged.id).due_on
    # Re-dated from the day the merged issue's window counted from, not the survivor's.
    with store.write(actor) as session:
        set_window_unit(session=session, unit="calendar")
    assert _issue(store, survivor.id).due_on == date(2026, 11, 27) + timedelta(days=15)
