"""Follow-up calls nobody answered (未接通): the retry list, giving up, and the record of each try
(docs/rules/duty-loop.md), on the frozen clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.changelog.lean import logged_values
from store.core.clock import FrozenClock, today
from store.core.errors import FieldInvalid, InvalidStatusMove
from store.core.models import (
    ChangeLog,
    EvaluationCreate,
    IssueStatus,
    Resolution,
    Satisfaction,
    UnansweredCall,
)
from store.core.settings import load_settings, update_setting
from store.db import Store
from store.desk.follow_up import (
    FollowUpRow,
    NoAnswer,
    list_follow_ups,
    list_unreachable,
    record_no_answer,
)
from store.desk.issue_page import get_issue
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.desk.triage import link_visit
from store.desk.visits import VisitRow

# Every test that uses `store` runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

HOUR = timedelta(hours=1)
SATISFIED = EvaluationCreate(resolution=Resolution.resolved, satisfaction=Satisfaction.satisfied)
UNSATISFIED = EvaluationCreate(
    resolution=Resolution.resolved, satisfaction=Satisfaction.unsatisfied
)


def _closed(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock, n: int
) -> list[str]:
    """n issues closed without an evaluation, a day apart, the last today; the clock is back
    where it was."""
    ids = []
    clock.advance(timedelta(days=-n + 1))
    for k in range(n):
        row = make_issue(text=f"第{k}件：路灯不亮", phone=f"1390000{k:04d}")
        with store.write(actor) as session:
            close_issue(session=session, issue_id=row.id, evaluation_in=None)
        ids.append(row.id)
        if k < n - 1:
            clock.advance(timedelta(days=1))
    return ids


def _no_answer(store: Store, actor: Actor, issue_id: str) -> NoAnswer:
    with store.write(actor) as session:
        return record_no_answer(session=session, issue_id=issue_id)


def _listed(store: Store, clock: FrozenClock) -> list[FollowUpRow]:
    with store.read() as session:
        return list(list_follow_ups(session=session, today=today(clock), now=clock.now()).items)


def _unreachable(store: Store, clock: FrozenClock) -> list[FollowUpRow]:
    with store.read() as session:
        return list(list_unreachable(session=session, today=today(clock)).items)


def _set(store: Store, actor: Actor, key: str, value: str) -> None:
    with store.write(actor) as session:
        update_setting(session=session, key=key, value=value)


def test_the_defaults_call_again_after_4_hours_and_give_up_after_3_tries(store: Store) -> None:
    with store.read() as session:
        settings = load_settings(session=session)
    assert (settings.call_retry_hours, settings.call_max_tries) == (4, 3)


def test_no_answer_puts_the_issue_at_the_end_until_its_time_comes(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock
) -> None:
    first, second = _closed(store, actor, make_issue, clock, 2)
    assert [r.issue_id for r in _listed(store, clock)] == [first, second]  # oldest first
    called = clock.now()
    done = _no_answer(store, actor, first)
    assert done.tries == 1 and not done.gave_up
    assert done.call_again_at == called + 4 * HOUR

    rows = _listed(store, clock)
    assert [r.issue_id for r in rows] == [second, first]
    waiting = rows[1]
    assert waiting.tries == 1
    assert waiting.call_again_at == called + 4 * HOUR

    clock.advance(4 * HOUR - timedelta(minutes=1))
    assert [r.issue_id for r in _listed(store, clock)] == [second, first]
    clock.advance(timedelta(minutes=1))
    # Its time has come: back in its place, the longest waiting first.
    assert [r.issue_id for r in _listed(store, clock)] == [first, second]


def test_pages_run_through_those_to_call_then_those_tried_within_the_wait(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock
) -> None:
    """Paged two at a time, the issues to call now come oldest first, then those tried within
    the wait, a page holding the last of the one and the first of the other; the total counts
    both, never one given up."""
    a, b, c, d, e, f = _closed(store, actor, make_issue, clock, 6)
    for _ in range(3):
        _no_answer(store, actor, f)  # given up: listed as unreachable only
    _no_answer(store, actor, d)
    _no_answer(store, actor, b)
    pages = []
    with store.read() as session:
        for offset in (0, 2, 4):
            page = list_follow_ups(
                session=session, today=today(clock), now=clock.now(), limit=2, offset=offset
            )
            pages.append(([r.issue_id for r in page.items], page.total, page.has_next))
    assert pages == [([a, c], 5, True), ([e, b], 5, True), ([d], 5, False)]


def test_the_third_no_answer_gives_up_and_lists_the_issue_as_unreachable(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock
) -> None:
    (issue_id,) = _closed(store, actor, make_issue, clock, 1)
    tries = []
    for _ in range(3):
        tries.append(_no_answer(store, actor, issue_id))
        clock.advance(4 * HOUR)
    assert [(t.tries, t.gave_up) for t in tries] == [
        (1, False),
        (2, False),
        (3, True),
    ]
    assert tries[-1].call_again_at is None
    assert _listed(store, clock) == []
    (gone,) = _unreachable(store, clock)
    assert gone.issue_id == issue_id and gone.tries == 3
    assert gone.gave_up_at == clock.now() - 4 * HOUR
    with store.read() as session:
        calls = session.exec(select(UnansweredCall).order_by(col(UnansweredCall.at))).all()
        detail = get_issue(session=session, issue_id=issue_id, today=today(clock))
    assert [(c.gave_up, c.deputy_id) for c in calls] == [
        (False, actor.deputy_id),
        (False, actor.deputy_id),
        (True, actor.deputy_id),
    ]
    # Still closed and waiting for a verdict: the issue page says why nobody gave one.
    assert detail.row.status == IssueStatus.closed and detail.satisfaction is None
    assert (detail.unanswered_calls, detail.gave_up) == (3, True)
    assert [e.kind for e in detail.timeline].count("unanswered") == 3


def test_no_more_tries_once_given_up_but_the_resident_may_still_answer(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock
) -> None:
    (issue_id,) = _closed(store, actor, make_issue, clock, 1)
    for _ in range(3):
        _no_answer(store, actor, issue_id)
    with pytest.raises(InvalidStatusMove):
        _no_answer(store, actor, issue_id)
    # The resident calls back: the verdict is recorded, and the issue is reachable after all.
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue_id, evaluation_in=SATISFIED)
    assert _unreachable(store, clock) == []


def test_each_try_is_a_logged_change_naming_who_and_when(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock
) -> None:
    (issue_id,) = _closed(store, actor, make_issue, clock, 1)
    _no_answer(store, actor, issue_id)
    with store.read() as session:
        (entry,) = session.exec(
            select(ChangeLog).where(ChangeLog.table_name == "unanswered_call")
        ).all()
        fields = logged_values(session.connection(), entry)
    assert (entry.op, entry.deputy_id) == ("insert", actor.deputy_id)
    assert fields["issue_id"] == issue_id and fields["deputy_id"] == actor.deputy_id
    assert datetime.fromisoformat(fields["at"]).astimezone(UTC) == clock.now()


def test_the_stations_settings_set_the_wait_and_the_tries(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock
) -> None:
    _set(store, actor, "follow_up.retry_hours", "2")
    _set(store, actor, "follow_up.max_tries", "2")
    (issue_id,) = _closed(store, actor, make_issue, clock, 1)
    first = _no_answer(store, actor, issue_id)
    assert first.call_again_at == clock.now() + 2 * HOUR
    assert _no_answer(store, actor, issue_id).gave_up
    for key, value in (("follow_up.max_tries", "0"), ("follow_up.retry_hours", "-1")):
        with pytest.raises(FieldInvalid):
            _set(store, actor, key, value)


def test_a_call_only_for_an_issue_waiting_for_its_verdict(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock
) -> None:
    still_open = make_issue(phone="13700000001")
    with pytest.raises(InvalidStatusMove):
        _no_answer(store, actor, still_open.id)
    (evaluated,) = _closed(store, actor, make_issue, clock, 1)
    with store.write(actor) as session:
        close_issue(session=session, issue_id=evaluated, evaluation_in=SATISFIED)
    with pytest.raises(InvalidStatusMove):
        _no_answer(store, actor, evaluated)


def test_a_reopened_issue_closed_again_starts_its_tries_afresh(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock
) -> None:
    (issue_id,) = _closed(store, actor, make_issue, clock, 1)
    _no_answer(store, actor, issue_id)
    _no_answer(store, actor, issue_id)
    with store.write(actor) as session:
        # Reached at last, and not satisfied: re-supervised, then closed again.
        close_issue(session=session, issue_id=issue_id, evaluation_in=UNSATISFIED)
        close_issue(session=session, issue_id=issue_id, evaluation_in=None)
    (row,) = _listed(store, clock)
    assert (row.issue_id, row.tries, row.call_again_at) == (issue_id, 0, None)
    assert not _no_answer(store, actor, issue_id).gave_up


def test_each_row_calls_the_resident_of_the_issues_first_visit_and_counts_its_residents(
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
    clock: FrozenClock,
) -> None:
    """A page reads its rows' residents together: each row still names the resident of its
    issue's first visit, masked, and counts the different residents its visits came from."""
    first = make_issue(name="张建国", phone="13911112222", text="桥边护栏断了")
    alone = make_issue(name="李秀英", phone="13733334444", text="水渠堵了")
    for name, phone in (("赵大伯", "13655556666"), ("赵大伯", "13655556666")):
        clock.advance(HOUR)
        later = make_visit(name=name, phone=phone, text="桥边护栏还没修")
        with store.write(actor) as session:
            link_visit(session=session, visit_id=later.id, issue_id=first.id)
    with store.write(actor) as session:
        for issue in (first, alone):
            close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    rows = {row.issue_id: row for row in _listed(store, clock)}
    assert (rows[first.id].resident, rows[first.id].phone_masked, rows[first.id].residents) == (
        "张建国",
        "139****2222",
        2,
    )
    assert (rows[alone.id].resident, rows[alone.id].phone_masked, rows[alone.id].residents) == (
        "李秀英",
        "137****4444",
        1,
    )
