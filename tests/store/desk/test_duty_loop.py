"""The duty loop in the store: log a visit, triage it, follow it, close it
(docs/rules/duty-loop.md)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from small_station import Refs
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from store_rows import must_get

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.errors import (
    FormInvalid,
    InvalidStatusMove,
    IssueNotFound,
    NotFound,
    UnitTierMismatch,
    VisitAlreadyTriaged,
    VisitNotFound,
)
from store.core.models import (
    ChangeLog,
    Channel,
    Colour,
    Constituent,
    Evaluation,
    EvaluationCreate,
    Issue,
    IssueStatus,
    Progress,
    ProgressCreate,
    Resolution,
    Satisfaction,
    Tier,
    Village,
    Visit,
    VisitCreate,
    VisitKind,
)
from store.db import Store
from store.desk.issue_page import get_issue
from store.desk.issue_rows import IssueRow
from store.desk.issues import add_progress, change_unit, close_issue, reopen_issue
from store.desk.triage import link_visit, open_issue
from store.desk.visits import VisitRow, find_resident, get_visit, list_untriaged, log_visit
from store.duty.dashboard import deputies_on_duty, load_dashboard, start_duty

# Every test that uses `store` runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 24)


def _evaluation(resolution: str, satisfaction: str, note: str = "") -> EvaluationCreate:
    return EvaluationCreate(
        resolution=Resolution(resolution), satisfaction=Satisfaction(satisfaction), note=note
    )


def _issue(store: Store, issue_id: str) -> Issue:
    with store.read() as session:
        issue = session.get(Issue, issue_id)
        assert issue is not None
        return issue


def _count(store: Store, model: type) -> int:
    with store.read() as session:
        return session.exec(select(func.count()).select_from(model)).one()


# ---------------------------------------------------------------------------------------------
# Logging visits


def test_a_new_then_returning_resident(
    store: Store, make_visit: Callable[..., VisitRow], refs: Refs
) -> None:
    with store.read() as session:
        assert find_resident(session=session, phone="13812341234") is None
    first = make_visit(phone="138 1234 1234", name="王阿姨", village="东塘村")
    assert first.phone == "13812341234"
    assert first.resident == "王阿姨"
    assert first.village == "东塘村"
    assert first.issue_id is None
    with store.read() as session:
        for typed in ("13812341234", "138 1234 1234", "+86 138 1234 1234", "+8613812341234"):
            resident = find_resident(session=session, phone=typed)
            assert resident is not None, typed
            assert (resident.name, resident.village, resident.visit_count) == (
                "王阿姨",
                "东塘村",
                1,
            )
        assert find_resident(session=session, phone="") is None
        assert find_resident(session=session, phone="13812349999") is None

    second = make_visit(phone="+86 13812341234", name="王阿姨", village="东塘村")
    assert _count(store, Constituent) == 1
    with store.read() as session:
        resident = find_resident(session=session, phone="138 1234 1234")
        assert resident is not None
        assert resident.visit_count == 2
        assert resident.last_visit_at == second.received_at
        detail = get_visit(session=session, visit_id=second.id)
    assert detail.resident_visits == 2
    assert detail.constituent_id == resident.id
    assert detail.deputy == "沈国强"


def test_a_returning_resident_who_moved_village(
    store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(village="青石村")
    make_visit(village="新桥社区")
    assert _count(store, Constituent) == 1
    with store.read() as session:
        resident = find_resident(session=session, phone="13812341234")
    assert resident is not None
    assert resident.village == "新桥社区"


def test_another_name_on_a_known_phone_is_another_resident(
    store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(name="王阿姨")
    make_visit(name="王大伯")
    assert _count(store, Constituent) == 2


def test_residents_words_are_kept_as_typed_minus_controls(
    store: Store, make_visit: Callable[..., VisitRow], station_path: Path
) -> None:
    head = "[bold red]x[/] \x1b[31m红字\x1b[0m 😀 𠀀 \x07\x00"
    body = "第二行\t有制表符\n" + "民" * 5000
    typed = (head + "\n" + body)[:5000]
    assert len(typed) == 5000
    expected = typed.replace("\x1b", "").replace("\x07", "").replace("\x00", "")
    row = make_visit(text=typed)
    with store.read() as session:
        detail = get_visit(session=session, visit_id=row.id)
    assert detail.text == expected
    assert "[bold red]x[/]" in detail.text
    assert "[31m红字[0m" in detail.text
    assert row.summary == expected.splitlines()[0].strip()
    # And the bytes in the file are the same.
    conn = sqlite3.connect(station_path)
    try:
        assert conn.execute("SELECT text FROM visit").fetchone() == (expected,)
    finally:
        conn.close()


def test_visit_is_stamped_with_the_clock_and_deputy(
    store: Store, make_visit: Callable[..., VisitRow], clock: FrozenClock, actor: Actor
) -> None:
    row = make_visit()
    assert row.received_at == clock.now()
    with store.read() as session:
        visit = session.get(Visit, row.id)
    assert visit is not None
    assert visit.deputy_id == actor.deputy_id
    assert visit.device_id == actor.device_id
    assert visit.created_at == clock.now()


@pytest.mark.parametrize("field", ["village_id", "category_id"])
def test_unknown_village_or_category_writes_nothing(
    store: Store, actor: Actor, refs: Refs, field: str
) -> None:
    values: dict[str, Any] = {
        "phone": "13812341234",
        "name": "王阿姨",
        "village_id": refs.villages["青石村"],
        "category_id": refs.categories["道路交通"],
        "channel": "walk_in",
        "kind": "request",
        "text": "路灯坏了",
    }
    values[field] = "00000000-0000-4000-8000-000000000000"
    log_before = _count(store, ChangeLog)
    with pytest.raises(FormInvalid) as caught:
        with store.write(actor) as session:
            log_visit(session=session, visit_in=VisitCreate(**values))
    assert caught.value.errors == {field: "field.choice"}
    assert (_count(store, Visit), _count(store, Constituent)) == (0, 0)
    assert _count(store, ChangeLog) == log_before


def test_a_soft_deleted_village_is_not_a_choice(
    store: Store, actor: Actor, refs: Refs, clock: FrozenClock
) -> None:
    with store.write(actor) as session:
        village = session.get(Village, refs.villages["东塘村"])
        assert village is not None
        village.deleted_at = clock.now()
    form = VisitCreate(
        phone="13812341234",
        name="王阿姨",
        village_id=refs.villages["东塘村"],
        category_id=refs.categories["道路交通"],
        channel=Channel.walk_in,
        kind=VisitKind.request,
        text="路灯坏了",
    )
    with pytest.raises(FormInvalid):
        with store.write(actor) as session:
            log_visit(session=session, visit_in=form)
    assert _count(store, Visit) == 0


def test_untriaged_queue_is_oldest_first_and_shrinks_on_triage(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    make_visit: Callable[..., VisitRow],
) -> None:
    first = make_visit(phone="13800000001", name="甲")
    clock.advance(timedelta(minutes=10))
    second = make_visit(phone="13800000002", name="乙")
    with store.read() as session:
        page = list_untriaged(session=session)
    assert [r.id for r in page.items] == [first.id, second.id]
    assert page.total == 2
    with store.write(actor) as session:
        open_issue(
            session=session,
            visit_id=first.id,
            tier=Tier.village,
            unit_id=refs.unit_for(Tier.village),
        )
    with store.read() as session:
        page = list_untriaged(session=session)
    assert [r.id for r in page.items] == [second.id]
    assert page.total == 1


# ---------------------------------------------------------------------------------------------
# Triage


@pytest.mark.parametrize(
    ("tier", "window", "warn_days"),
    [(Tier.village, 15, 5), (Tier.township, 30, 10), (Tier.county, 60, 20)],
)
def test_open_issue_due_and_warning_dates(
    store: Store,
    actor: Actor,
    refs: Refs,
    make_visit: Callable[..., VisitRow],
    tier: Tier,
    window: int,
    warn_days: int,
) -> None:
    visit = make_visit(text="村口的路灯坏了一个多月\n晚上走路看不见")
    with store.write(actor) as session:
        row = open_issue(session=session, visit_id=visit.id, tier=tier, unit_id=refs.unit_for(tier))
    assert row.tier == tier
    assert row.opened_on == TODAY
    assert row.due_on == TODAY + timedelta(days=window)
    assert row.days_left == window
    assert row.status == IssueStatus.received
    assert row.colour == Colour.green
    assert row.visit_count == 1
    assert row.lead_deputy == "沈国强"
    assert row.title == "村口的路灯坏了一个多月"
    issue = _issue(store, row.id)
    assert issue.window_days == window
    assert issue.warn_on == issue.due_on - timedelta(days=window // 3)
    assert issue.warn_on == TODAY + timedelta(days=window - warn_days)
    with store.read() as session:
        visit_row = session.get(Visit, visit.id)
    assert visit_row is not None and visit_row.issue_id == row.id


def test_open_issue_with_a_unit_of_another_tier_is_refused(
    store: Store, actor: Actor, refs: Refs, make_visit: Callable[..., VisitRow]
) -> None:
    visit = make_visit()
    with pytest.raises(UnitTierMismatch):
        with store.write(actor) as session:
            open_issue(
                session=session,
                visit_id=visit.id,
                tier=Tier.village,
                unit_id=refs.unit_for(Tier.township),
            )
    assert _count(store, Issue) == 0
    with store.read() as session:
        assert must_get(session, Visit, visit.id).issue_id is None


@pytest.mark.parametrize(
    ("visit_id", "unit", "error"),
    [
        ("no-such-visit", "valid", VisitNotFound),
        ("valid", "no-such-unit", NotFound),
    ],
)
def test_open_issue_with_unknown_visit_or_unit(
    store: Store,
    actor: Actor,
    refs: Refs,
    make_visit: Callable[..., VisitRow],
    visit_id: str,
    unit: str,
    error: type[Exception],
) -> None:
    visit = make_visit()
    with pytest.raises(error):
        with store.write(actor) as session:
            open_issue(
                session=session,
                visit_id=visit.id if visit_id == "valid" else visit_id,
                tier=Tier.village,
                unit_id=refs.unit_for(Tier.village) if unit == "valid" else unit,
            )
    assert _count(store, Issue) == 0


def test_a_visit_is_triaged_only_once(
    store: Store, actor: Actor, refs: Refs, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    visit_id = _visit_of(store, issue.id)
    with pytest.raises(VisitAlreadyTriaged):
        with store.write(actor) as session:
            open_issue(
                session=session,
                visit_id=visit_id,
                tier=Tier.township,
                unit_id=refs.unit_for(Tier.township),
            )
    assert _count(store, Issue) == 1


def _visit_of(store: Store, issue_id: str) -> str:
    with store.read() as session:
        return session.exec(select(Visit.id).where(Visit.issue_id == issue_id)).one()


def test_link_visit_bumps_visit_count(
    store: Store,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
) -> None:
    issue = make_issue()
    for n, phone in enumerate(["13900000001", "13900000002"], start=2):
        visit = make_visit(phone=phone, name=f"邻居{n}")
        with store.write(actor) as session:
            row = link_visit(session=session, visit_id=visit.id, issue_id=issue.id)
        assert row.visit_count == n
    with store.read() as session:
        detail = get_issue(session=session, issue_id=issue.id, today=TODAY)
    assert detail.row.visit_count == 3
    assert len(detail.visits) == 3
    assert [e.kind for e in detail.timeline] == ["visit"] * 3


def test_link_visit_refuses_a_triaged_visit(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    first = make_issue(phone="13900000001", name="甲")
    second = make_issue(phone="13900000002", name="乙")
    with pytest.raises(VisitAlreadyTriaged):
        with store.write(actor) as session:
            link_visit(session=session, visit_id=_visit_of(store, first.id), issue_id=second.id)
    assert _issue(store, second.id).visit_count == 1
    assert _visit_of(store, first.id)


def test_link_visit_refuses_a_closed_issue(
    store: Store,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
) -> None:
    issue = make_issue()
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    visit = make_visit(phone="13900000001", name="甲")
    with pytest.raises(InvalidStatusMove):
        with store.write(actor) as session:
            link_visit(session=session, visit_id=visit.id, issue_id=issue.id)
    assert _issue(store, issue.id).visit_count == 1
    with store.read() as session:
        assert must_get(session, Visit, visit.id).issue_id is None


def test_link_visit_to_an_unknown_issue(
    store: Store, actor: Actor, make_visit: Callable[..., VisitRow]
) -> None:
    visit = make_visit()
    with pytest.raises(IssueNotFound):
        with store.write(actor) as session:
            link_visit(session=session, visit_id=visit.id, issue_id="no-such-issue")


def test_change_unit_keeps_the_due_date(
    store: Store, actor: Actor, refs: Refs, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(tier=Tier.village)
    with store.write(actor) as session:
        row = change_unit(session=session, issue_id=issue.id, unit_id=refs.units["临溪县住建局"].id)
    assert row.tier == Tier.county
    assert row.unit == "临溪县住建局"
    assert row.due_on == issue.due_on


# ---------------------------------------------------------------------------------------------
# Progress


ORDER = list(IssueStatus)
# The whole table is checked against the pure rule in test_rules; here, one of each kind.
MOVES = [
    (IssueStatus.received, IssueStatus.received),
    (IssueStatus.received, IssueStatus.evaluating),
    (IssueStatus.deliberating, IssueStatus.handling),
    (IssueStatus.handling, IssueStatus.deliberating),
    (IssueStatus.supervising, IssueStatus.received),
    (IssueStatus.evaluating, IssueStatus.closed),
    (IssueStatus.received, IssueStatus.closed),
]


@pytest.mark.parametrize(("current", "target"), MOVES, ids=[f"{a}-{b}" for a, b in MOVES])
def test_add_progress_allows_same_or_forward_never_closed(
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    current: IssueStatus,
    target: IssueStatus,
) -> None:
    issue = make_issue()
    if current != IssueStatus.received:
        with store.write(actor) as session:
            add_progress(
                session=session, issue_id=issue.id, progress_in=ProgressCreate(status=current)
            )
    before = _count(store, Progress)
    allowed = target != IssueStatus.closed and ORDER.index(target) >= ORDER.index(current)
    if allowed:
        with store.write(actor) as session:
            row = add_progress(
                session=session,
                issue_id=issue.id,
                progress_in=ProgressCreate(status=target, note="办理中"),
            )
        assert row.status == target
        assert _count(store, Progress) == before + 1
    else:
        with pytest.raises(InvalidStatusMove):
            with store.write(actor) as session:
                add_progress(
                    session=session, issue_id=issue.id, progress_in=ProgressCreate(status=target)
                )
        assert _issue(store, issue.id).status == current
        assert _count(store, Progress) == before


def test_add_progress_on_a_closed_issue_is_refused(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    with pytest.raises(InvalidStatusMove):
        with store.write(actor) as session:
            add_progress(
                session=session,
                issue_id=issue.id,
                progress_in=ProgressCreate(status=IssueStatus.evaluating),
            )


def test_progress_notes_lose_control_characters(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    with store.write(actor) as session:
        add_progress(
            session=session,
            issue_id=issue.id,
            progress_in=ProgressCreate(status=IssueStatus.handling, note="已\x1b[2J派人\x00"),
        )
    with store.read() as session:
        detail = get_issue(session=session, issue_id=issue.id, today=TODAY)
    progress = [e for e in detail.timeline if e.kind == "progress"]
    assert [(p.text, p.status_before, p.status_after) for p in progress] == [
        ("已[2J派人", IssueStatus.received, IssueStatus.handling)
    ]
    assert progress[0].deputy == "沈国强"


# ---------------------------------------------------------------------------------------------
# Closing, evaluating, reopening


@pytest.mark.parametrize(
    ("resolution", "satisfaction"),
    [
        (Resolution.resolved, Satisfaction.satisfied),
        (Resolution.resolved, Satisfaction.fairly),
        (Resolution.partly, Satisfaction.fairly),
    ],
)
def test_close_with_a_satisfied_resident(
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    resolution: Resolution,
    satisfaction: Satisfaction,
) -> None:
    issue = make_issue()
    with store.write(actor) as session:
        row = close_issue(
            session=session,
            issue_id=issue.id,
            evaluation_in=_evaluation(resolution, satisfaction, "谢谢代表"),
        )
    assert row.status == IssueStatus.closed
    assert row.colour == Colour.green
    assert row.resupervision is False
    with store.read() as session:
        detail = get_issue(session=session, issue_id=issue.id, today=TODAY)
    assert detail.closed_on == TODAY
    assert detail.closed_within_window is True
    assert (detail.resolution, detail.satisfaction) == (resolution, satisfaction)
    evaluations = [e for e in detail.timeline if e.kind == "evaluation"]
    assert [(e.resolution, e.satisfaction, e.text) for e in evaluations] == [
        (resolution, satisfaction, "谢谢代表")
    ]


def test_closing_after_the_due_date_is_recorded_as_late(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(tier=Tier.village)
    clock.advance(timedelta(days=16))
    with store.write(actor) as session:
        close_issue(
            session=session,
            issue_id=issue.id,
            evaluation_in=_evaluation("resolved", "satisfied"),
        )
    closed = _issue(store, issue.id)
    assert closed.closed_on == TODAY + timedelta(days=16)
    assert closed.closed_within_window is False


def test_closing_on_the_due_date_is_within_the_window(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(tier=Tier.village)
    clock.advance(timedelta(days=15))
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    assert _issue(store, issue.id).closed_within_window is True


@pytest.mark.parametrize(
    ("resolution", "satisfaction"),
    [
        (Resolution.resolved, Satisfaction.unsatisfied),
        (Resolution.unresolved, Satisfaction.satisfied),
        (Resolution.unresolved, Satisfaction.unsatisfied),
        (Resolution.partly, Satisfaction.unsatisfied),
    ],
)
def test_an_unsatisfied_evaluation_reopens_for_resupervision(
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    resolution: Resolution,
    satisfaction: Satisfaction,
) -> None:
    issue = make_issue()
    with store.write(actor) as session:
        row = close_issue(
            session=session,
            issue_id=issue.id,
            evaluation_in=_evaluation(resolution, satisfaction),
        )
    assert row.status == IssueStatus.supervising
    assert row.resupervision is True
    assert row.colour == Colour.red
    reopened = _issue(store, issue.id)
    assert reopened.reopen_count == 1
    assert reopened.closed_on is None
    assert reopened.closed_within_window is None
    with store.read() as session:
        detail = get_issue(session=session, issue_id=issue.id, today=TODAY)
        evaluations = session.exec(select(Evaluation).where(Evaluation.issue_id == issue.id)).all()
    # The verdict is kept in the evaluation; the issue awaits a new one.
    assert [(e.resolution, e.satisfaction) for e in evaluations] == [(resolution, satisfaction)]
    assert [(e.kind, e.status_after) for e in detail.timeline] == [
        ("visit", None),
        ("progress", IssueStatus.closed),
        ("evaluation", None),
        ("progress", IssueStatus.supervising),
    ]


def test_a_reopened_issue_is_red_until_closed_again(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(tier=Tier.county)
    with store.write(actor) as session:
        close_issue(
            session=session, issue_id=issue.id, evaluation_in=_evaluation("unresolved", "fairly")
        )
    clock.advance(timedelta(days=3))
    with store.write(actor) as session:
        row = add_progress(
            session=session,
            issue_id=issue.id,
            progress_in=ProgressCreate(status=IssueStatus.evaluating),
        )
    assert row.colour == Colour.red  # plenty of window left, but under re-supervision
    with store.write(actor) as session:
        row = close_issue(
            session=session, issue_id=issue.id, evaluation_in=_evaluation("resolved", "satisfied")
        )
    assert row.status == IssueStatus.closed
    assert row.colour == Colour.green
    assert row.resupervision is False
    assert _issue(store, issue.id).reopen_count == 1


def test_close_without_evaluation_then_evaluate_later(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    with store.write(actor) as session:
        row = close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    assert row.status == IssueStatus.closed
    assert row.colour == Colour.green  # an evaluation may still come
    closed = _issue(store, issue.id)
    assert closed.closed_on == TODAY
    assert closed.evaluated_at is None

    clock.advance(timedelta(days=8))
    with store.read() as session:
        late = get_issue(session=session, issue_id=issue.id, today=TODAY + timedelta(days=8))
    assert late.row.colour == Colour.yellow  # no evaluation after 7 days

    with store.write(actor) as session:
        row = close_issue(
            session=session, issue_id=issue.id, evaluation_in=_evaluation("resolved", "fairly")
        )
    assert row.status == IssueStatus.closed
    assert row.colour == Colour.green
    evaluated = _issue(store, issue.id)
    assert evaluated.satisfaction == Satisfaction.fairly
    assert evaluated.closed_on == TODAY  # the closing date stays the day it closed
    assert evaluated.evaluated_at == clock.now()
    with store.read() as session:
        progress = session.exec(select(Progress).where(Progress.issue_id == issue.id)).all()
    assert [p.status_after for p in progress] == [IssueStatus.closed]

    with pytest.raises(InvalidStatusMove):
        with store.write(actor) as session:
            close_issue(
                session=session,
                issue_id=issue.id,
                evaluation_in=_evaluation("resolved", "satisfied"),
            )


def test_closing_twice_without_evaluation_is_refused(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    with pytest.raises(InvalidStatusMove):
        with store.write(actor) as session:
            close_issue(session=session, issue_id=issue.id, evaluation_in=None)


def test_late_unsatisfied_evaluation_reopens(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    with store.write(actor) as session:
        row = close_issue(
            session=session,
            issue_id=issue.id,
            evaluation_in=_evaluation("unresolved", "unsatisfied"),
        )
    assert (row.status, row.colour, row.resupervision) == (
        IssueStatus.supervising,
        Colour.red,
        True,
    )


def test_reopen_issue_on_an_open_issue_is_refused(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    with pytest.raises(InvalidStatusMove):
        with store.write(actor) as session:
            reopen_issue(session=session, issue_id=issue.id)
    assert _issue(store, issue.id).reopen_count == 0


def test_reopen_a_closed_issue(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    with store.write(actor) as session:
        close_issue(
            session=session, issue_id=issue.id, evaluation_in=_evaluation("resolved", "satisfied")
        )
    with store.write(actor) as session:
        row = reopen_issue(session=session, issue_id=issue.id, note="又坏了\x1b")
    assert (row.status, row.colour, row.resupervision) == (
        IssueStatus.supervising,
        Colour.red,
        True,
    )
    reopened = _issue(store, issue.id)
    assert reopened.reopen_count == 1
    assert reopened.satisfaction is None
    with store.read() as session:
        notes = session.exec(
            select(Progress.note).where(Progress.status_after == IssueStatus.supervising)
        ).all()
    assert notes == ["又坏了"]


def test_unknown_issue_is_not_found(store: Store, actor: Actor) -> None:
    call: Callable[[Session], object]
    for call in (
        lambda s: close_issue(session=s, issue_id="nope", evaluation_in=None),
        lambda s: reopen_issue(session=s, issue_id="nope"),
        lambda s: add_progress(
            session=s, issue_id="nope", progress_in=ProgressCreate(status=IssueStatus.handling)
        ),
    ):
        with pytest.raises(IssueNotFound):
            with store.write(actor) as session:
                call(session)


def test_a_foreign_key_violation_leaves_nothing_written(store: Store, actor: Actor) -> None:
    log_before = _count(store, ChangeLog)
    with pytest.raises(IntegrityError):
        with store.write(actor) as session:
            person = Constituent(
                station_id=actor.station_id,
                name="王阿姨",
                phone="13812341234",
                village_id="00000000-0000-4000-8000-000000000000",
            )
            session.add(person)
            session.flush()
    assert _count(store, Constituent) == 0
    assert _count(store, ChangeLog) == log_before


# ---------------------------------------------------------------------------------------------
# Duty


def test_start_duty_puts_a_deputy_on_duty_today(store: Store, actor: Actor, refs: Refs) -> None:
    with store.read() as session:
        assert deputies_on_duty(session=session, day=TODAY) == []
    with store.write(actor) as session:
        start_duty(session=session, deputy_id=refs.deputies["朱秀芬"])
    with store.read() as session:
        on_duty = deputies_on_duty(session=session, day=TODAY)
        assert deputies_on_duty(session=session, day=TODAY + timedelta(days=1)) == []
    assert [c.name for c in on_duty] == ["朱秀芬"]


def test_start_duty_for_an_unknown_deputy(store: Store, actor: Actor) -> None:
    with pytest.raises(NotFound):
        with store.write(actor) as session:
            start_duty(session=session, deputy_id="nobody")


def test_dashboard_after_one_loop(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue(tier=Tier.township)
    with store.read() as session:
        dashboard = load_dashboard(session=session, today=TODAY, tz=clock.tz)
    assert dashboard.visits_today.total == 1
    assert dashboard.untriaged == 0
    assert dashboard.counts[Tier.township][Colour.green] == 1
    assert sum(sum(c.values()) for c in dashboard.counts.values()) == 1
    assert dashboard.overdue.total == 0
    assert dashboard.handover is None
