"""Putting triage right (issue 18, part 3): unlink, move, split, merge and withdraw
(store.desk.regroup), each one logged write that the audit trail shows with its before and
after, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from small_station import TODAY, Refs
from sqlmodel import col, select
from store_rows import must_get

from store.changelog.changes import Actor
from store.changelog.lean import logged_values
from store.changelog.undo import record_changes, revert_changes
from store.core.clock import FrozenClock
from store.core.errors import (
    FieldInvalid,
    InvalidStatusMove,
    IssueMerged,
    LastVisitOnIssue,
    SameIssue,
    SplitInvalid,
    VisitNotTriaged,
    VisitWithdrawn,
)
from store.core.models import (
    ChangeLog,
    Colour,
    Evaluation,
    EvaluationCreate,
    Issue,
    IssueStatus,
    MicroProjectIssue,
    Progress,
    ProgressCreate,
    Resolution,
    Satisfaction,
    Tier,
    Visit,
    VisitKind,
)
from store.db import Store
from store.desk.board import list_board
from store.desk.follow_up import list_follow_ups
from store.desk.issue_page import get_issue
from store.desk.issue_rows import IssueRow
from store.desk.issues import add_progress, close_issue, reopen_issue
from store.desk.regroup import (
    merge_issues,
    move_visit,
    split_issue,
    survivor_of,
    unlink_visit,
    withdraw_visit,
)
from store.desk.triage import link_visit
from store.desk.visits import VisitRow, list_issue_visits, list_untriaged
from store.projects.projects import promote_issues
from store.reports.slips import SlipKind, print_slip
from store.trust.audit import list_audit
from store.trust.check import check_database

pytestmark = pytest.mark.both_backends

MakeIssue = Callable[..., IssueRow]
MakeVisit = Callable[..., VisitRow]


def _issue_with(
    store: Store, actor: Actor, make_issue: MakeIssue, make_visit: MakeVisit, *more: dict[str, str]
) -> tuple[IssueRow, list[str]]:
    """An issue opened from one visit, then fed by one more visit per `more` (the form's
    fields): the issue and its visit ids, oldest first."""
    issue = make_issue()
    ids = [v.id for v in _visits(store, issue.id)]
    for fields in more:
        visit = make_visit(**fields)
        with store.write(actor) as session:
            link_visit(session=session, visit_id=visit.id, issue_id=issue.id)
        ids.append(visit.id)
    return issue, ids


def _visits(store: Store, issue_id: str) -> list[VisitRow]:
    with store.read() as session:
        return list_issue_visits(session=session, issue_id=issue_id)


def _issue(store: Store, issue_id: str) -> Issue:
    with store.read() as session:
        return must_get(session, Issue, issue_id)


def _visit(store: Store, visit_id: str) -> Visit:
    with store.read() as session:
        return must_get(session, Visit, visit_id)


def _logged(store: Store, table: str, row_id: str) -> list[dict[str, object]]:
    with store.read() as session:
        rows = session.exec(
            select(ChangeLog)
            .where(ChangeLog.table_name == table, ChangeLog.row_id == row_id)
            .order_by(col(ChangeLog.seq))
        ).all()
        return [logged_values(session.connection(), r) for r in rows]


LI = {"name": "李秀英", "phone": "13955556666", "text": "路灯也不亮"}
ZHAO = {"name": "赵建国", "phone": "13700001111", "text": "桥头的路灯也坏了"}


# -- unlink ------------------------------------------------------------------------------------


def test_unlinking_a_visit_sends_it_back_to_triage_as_a_logged_change(
    store: Store, actor: Actor, make_issue: MakeIssue, make_visit: MakeVisit
) -> None:
    issue, (first, second) = _issue_with(store, actor, make_issue, make_visit, LI)
    with store.write(actor) as session:
        row = unlink_visit(session=session, visit_id=second)
    assert row.issue_id is None
    with store.read() as session:
        queue = [v.id for v in list_untriaged(session=session).items]
    assert queue == [second]
    assert [v.id for v in _visits(store, issue.id)] == [first]
    assert _issue(store, issue.id).visit_count == 1
    # The audit trail has the change, with what it was before.
    with store.read() as session:
        trail = list_audit(session=session, table="visit").items
    change = next(r for r in trail if r.row_id == second and r.op == "update")
    field = next(f for f in change.fields if f.name == "issue_id")
    assert (field.old, field.new, field.has_old) == (issue.id, None, True)


def test_the_last_visit_is_not_unlinked_and_a_queued_one_has_nothing_to_leave(
    store: Store, actor: Actor, make_issue: MakeIssue, make_visit: MakeVisit
) -> None:
    issue = make_issue()
    only = _visits(store, issue.id)[0].id
    waiting = make_visit(**LI)
    with store.write(actor) as session, pytest.raises(LastVisitOnIssue):
        unlink_visit(session=session, visit_id=only)
    with store.write(actor) as session, pytest.raises(VisitNotTriaged):
        unlink_visit(session=session, visit_id=waiting.id)
    assert _visit(store, only).issue_id == issue.id


def test_a_closed_issue_is_reopened_before_it_is_regrouped(
    store: Store, actor: Actor, make_issue: MakeIssue, make_visit: MakeVisit
) -> None:
    issue, (_first, second) = _issue_with(store, actor, make_issue, make_visit, LI)
    other = make_issue(**ZHAO)
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    for step in (
        lambda s: unlink_visit(session=s, visit_id=second),
        lambda s: move_visit(session=s, visit_id=second, issue_id=other.id),
        lambda s: split_issue(session=s, issue_id=issue.id, visit_ids=[second]),
        lambda s: merge_issues(session=s, issue_id=issue.id, into_id=other.id),
        lambda s: merge_issues(session=s, issue_id=other.id, into_id=issue.id),
    ):
        with store.write(actor) as session, pytest.raises(InvalidStatusMove) as raised:
            step(session)
        assert raised.value.key == "error.regroup_closed"


# -- move --------------------------------------------------------------------------------------


def test_moving_a_visit_counts_it_on_the_other_issue_and_marks_a_repeat(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: MakeIssue,
    make_visit: MakeVisit,
) -> None:
    wrong, (_first, li) = _issue_with(store, actor, make_issue, make_visit, LI)
    clock.advance(timedelta(hours=1))
    right = make_issue(**{**LI, "text": "李秀英上次说的那盏灯"}, kind=VisitKind.suggestion)
    with store.write(actor) as session:
        row = move_visit(session=session, visit_id=li, issue_id=right.id)
    assert row.id == right.id and row.visit_count == 2
    assert _issue(store, wrong.id).visit_count == 1
    moved = _visit(store, li)
    assert moved.issue_id == right.id
    # Her moved visit came first: the one she made on `right` an hour later is the repeat.
    assert [v.is_repeat for v in (_visit(store, v.id) for v in _visits(store, right.id))] == [
        False,
        True,
    ]
    assert _issue(store, right.id).repeat_count == 1
    # Her moved visit was a 诉求: the issue's kind is the most pressing of its visits.
    assert _issue(store, right.id).kind == VisitKind.request


def test_a_visit_is_not_moved_to_its_own_issue_nor_away_as_the_last(
    store: Store, actor: Actor, make_issue: MakeIssue, make_visit: MakeVisit
) -> None:
    issue = make_issue()
    other = make_issue(**ZHAO)
    only = _visits(store, issue.id)[0].id
    with store.write(actor) as session, pytest.raises(SameIssue):
        move_visit(session=session, visit_id=only, issue_id=issue.id)
    with store.write(actor) as session, pytest.raises(LastVisitOnIssue):
        move_visit(session=session, visit_id=only, issue_id=other.id)


# -- split -------------------------------------------------------------------------------------


def test_a_split_keeps_the_clock_and_the_history_stays_with_the_original(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    refs: Refs,
    make_issue: MakeIssue,
    make_visit: MakeVisit,
) -> None:
    issue, (first, li, zhao) = _issue_with(store, actor, make_issue, make_visit, LI, ZHAO)
    with store.write(actor) as session:
        add_progress(
            session=session,
            issue_id=issue.id,
            progress_in=ProgressCreate(status=IssueStatus.handling, note="村委会已派电工"),
        )
    clock.advance(timedelta(days=5))
    with store.write(actor) as session:
        result = split_issue(session=session, issue_id=issue.id, visit_ids=[zhao], title="桥头路灯")
    before = _issue(store, issue.id)
    new = _issue(store, result.new.id)
    assert result.original.visit_count == 2 and result.new.visit_count == 1
    assert (new.title, new.split_from, new.status) == ("桥头路灯", issue.id, IssueStatus.handling)
    # Same tier, same clock: the residents of both halves have waited since the same day.
    assert (new.tier, new.unit_id) == (before.tier, before.unit_id)
    assert (new.opened_on, new.window_days, new.due_on, new.warn_on) == (
        before.opened_on,
        before.window_days,
        before.due_on,
        before.warn_on,
    )
    assert new.lead_deputy_id == before.lead_deputy_id
    assert [v.id for v in _visits(store, new.id)] == [zhao]
    with store.read() as session:
        assert get_issue(session=session, issue_id=new.id, today=TODAY).split_from == issue.id
    assert [v.id for v in _visits(store, issue.id)] == [first, li]
    with store.read() as session:
        notes = session.exec(select(Progress.issue_id).where(Progress.note == "村委会已派电工"))
        assert list(notes) == [issue.id]

    # At another tier, the township's window starts at the split (a tier move's rule); the
    # two-month rate still counts from the original's opening day.
    with store.write(actor) as session:
        county = split_issue(
            session=session,
            issue_id=issue.id,
            visit_ids=[li],
            unit_id=refs.unit_for(Tier.township),
            category_id=refs.categories["环境卫生"],
        )
    split = _issue(store, county.new.id)
    assert (split.tier, split.opened_on) == (Tier.township, before.opened_on)
    assert split.due_on == TODAY + timedelta(days=5 + 30)
    assert split.category_id == refs.categories["环境卫生"]


def test_a_split_takes_some_visits_not_none_not_all_not_anothers(
    store: Store, actor: Actor, make_issue: MakeIssue, make_visit: MakeVisit, refs: Refs
) -> None:
    issue, (first, li) = _issue_with(store, actor, make_issue, make_visit, LI)
    other = make_issue(**ZHAO)
    foreign = _visits(store, other.id)[0].id
    cases: list[tuple[list[str], str]] = [
        ([], "error.split_none"),
        ([first, li], "error.split_all"),
        ([foreign], "error.split_foreign"),
    ]
    for visit_ids, key in cases:
        with store.write(actor) as session, pytest.raises(SplitInvalid) as raised:
            split_issue(session=session, issue_id=issue.id, visit_ids=visit_ids)
        assert raised.value.key == key
    with store.write(actor) as session, pytest.raises(FieldInvalid):
        split_issue(session=session, issue_id=issue.id, visit_ids=[li], category_id="nope")
    with store.write(actor) as session:
        withdraw_visit(session=session, visit_id=li, reason="已自行解决")
    with store.write(actor) as session, pytest.raises(VisitWithdrawn):
        split_issue(session=session, issue_id=issue.id, visit_ids=[li])


# -- merge -------------------------------------------------------------------------------------


def test_a_merge_keeps_everything_on_one_timeline_and_the_earlier_clock(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: MakeIssue,
    make_visit: MakeVisit,
) -> None:
    older = make_issue()
    with store.write(actor) as session:
        add_progress(
            session=session,
            issue_id=older.id,
            progress_in=ProgressCreate(status=IssueStatus.handling, note="已报修"),
        )
        close_issue(
            session=session,
            issue_id=older.id,
            evaluation_in=EvaluationCreate(
                resolution=Resolution.unresolved, satisfaction=Satisfaction.unsatisfied
            ),
        )
    clock.advance(timedelta(days=20))
    newer = make_issue(**LI)
    # A micro-project took both: the survivor keeps one link.
    with store.write(actor) as session:
        project = promote_issues(session=session, issue_ids=[older.id, newer.id], title="路灯改造")
    with store.write(actor) as session:
        row = merge_issues(session=session, issue_id=older.id, into_id=newer.id)

    assert row.id == newer.id and row.visit_count == 2
    gone, survivor = _issue(store, older.id), _issue(store, newer.id)
    assert gone.merged_into == newer.id and gone.deleted_at is not None
    # The merged one was overdue and under re-supervision: so is the survivor.
    assert (survivor.opened_on, survivor.due_on) == (older.opened_on, older.due_on)
    assert survivor.resupervision and row.colour == Colour.red
    with store.read() as session:
        detail = get_issue(session=session, issue_id=newer.id, today=TODAY + timedelta(days=20))
        kinds = [e.kind for e in detail.timeline]
        assert kinds.count("visit") == 2 and "evaluation" in kinds
        assert any(e.text == "已报修" for e in detail.timeline)
        assert detail.merged_from == (older.id,)
        assert (
            session.exec(
                select(Evaluation.issue_id).where(col(Evaluation.issue_id) == older.id)
            ).all()
            == []
        )
        links = session.exec(
            select(MicroProjectIssue.issue_id).where(
                MicroProjectIssue.micro_project_id == project.id,
                col(MicroProjectIssue.deleted_at).is_(None),
            )
        ).all()
        assert links == [newer.id]
        # Opening the merged issue says where it went; the board lists it no more.
        with pytest.raises(IssueMerged) as raised:
            get_issue(session=session, issue_id=older.id, today=TODAY)
        assert survivor_of(session=session, issue_id=older.id) == newer.id
        board = list_board(session=session, today=TODAY + timedelta(days=20))
        assert [r.id for r in board.items] == [newer.id]
    del raised
    # The merge is in the log as a change of the merged issue naming the survivor.
    merged = [e for e in _logged(store, "issue", older.id) if e.get("merged_into")]
    assert [(e["merged_into"], e["deleted_at"] is not None) for e in merged] == [(newer.id, True)]


def test_an_issue_is_not_merged_into_itself_or_into_a_merged_one(
    store: Store, actor: Actor, make_issue: MakeIssue
) -> None:
    a, b, c = make_issue(), make_issue(**LI), make_issue(**ZHAO)
    with store.write(actor) as session, pytest.raises(SameIssue):
        merge_issues(session=session, issue_id=a.id, into_id=a.id)
    with store.write(actor) as session:
        merge_issues(session=session, issue_id=a.id, into_id=b.id)
        merge_issues(session=session, issue_id=b.id, into_id=c.id)
    with store.write(actor) as session, pytest.raises(IssueMerged) as raised:
        merge_issues(session=session, issue_id=c.id, into_id=a.id)
    assert raised.value.params["survivor"] == c.id
    with store.read() as session:
        assert survivor_of(session=session, issue_id=a.id) == c.id
    assert [v.issue_id for v in (_visit(store, r.id) for r in _visits(store, c.id))] == [c.id] * 3


def test_a_merge_is_undone_whole(store: Store, actor: Actor, make_issue: MakeIssue) -> None:
    a, b = make_issue(), make_issue(**LI)
    with store.write(actor) as session, record_changes(session) as changes:
        merge_issues(session=session, issue_id=a.id, into_id=b.id)
    with store.write(actor) as session:
        revert_changes(session=session, undo=changes.undo())
    assert _issue(store, a.id).deleted_at is None and _issue(store, a.id).merged_into is None
    assert [len(_visits(store, i.id)) for i in (a, b)] == [1, 1]


# -- withdraw ----------------------------------------------------------------------------------


def test_withdrawing_a_waiting_visit_takes_it_out_of_the_queue(
    store: Store, actor: Actor, make_visit: MakeVisit
) -> None:
    visit = make_visit()
    with store.write(actor) as session:
        done = withdraw_visit(session=session, visit_id=visit.id, reason="  已自行解决 ")
    assert (done.issue, done.issue_withdrawn) == (None, False)
    assert done.visit.withdrawn_reason == "已自行解决" and done.visit.withdrawn_at is not None
    with store.read() as session:
        assert list_untriaged(session=session).total == 0
    with store.write(actor) as session, pytest.raises(VisitWithdrawn):
        withdraw_visit(session=session, visit_id=visit.id, reason="再撤一次")


def test_withdrawing_needs_a_reason_and_an_issue_still_pending(
    store: Store, actor: Actor, make_issue: MakeIssue
) -> None:
    issue = make_issue()
    only = _visits(store, issue.id)[0].id
    with store.write(actor) as session, pytest.raises(FieldInvalid) as raised:
        withdraw_visit(session=session, visit_id=only, reason=" \x07 ")
    assert (raised.value.key, raised.value.field) == ("field.required", "reason")
    with store.write(actor) as session, pytest.raises(FieldInvalid) as raised:
        withdraw_visit(session=session, visit_id=only, reason="太长" * 101)
    assert raised.value.key == "field.too_long"
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    with store.write(actor) as session, pytest.raises(InvalidStatusMove) as moved:
        withdraw_visit(session=session, visit_id=only, reason="不需要了")
    assert moved.value.key == "error.withdraw_closed"


def test_the_last_withdrawal_closes_the_issue_apart_from_the_follow_ups(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: MakeIssue,
    make_visit: MakeVisit,
) -> None:
    issue, (first, li) = _issue_with(store, actor, make_issue, make_visit, LI)
    with store.write(actor) as session:
        one = withdraw_visit(session=session, visit_id=li, reason="李秀英说家门口那盏修好了")
    assert not one.issue_withdrawn and one.issue is not None and one.issue.visit_count == 1
    clock.advance(timedelta(days=1))
    with store.write(actor) as session:
        last = withdraw_visit(session=session, visit_id=first, reason="王阿姨搬走了，不用再办")
    assert last.issue_withdrawn and last.issue is not None
    assert last.issue.status == IssueStatus.closed and last.issue.colour == Colour.green
    closed = _issue(store, issue.id)
    assert closed.withdrawn_at is not None and closed.closed_on == TODAY + timedelta(days=1)
    assert closed.closed_within_window is None and closed.visit_count == 0
    with store.read() as session:
        detail = get_issue(session=session, issue_id=issue.id, today=TODAY + timedelta(days=9))
        # The reason is on the withdrawal's own entry; the close after it says only that.
        withdrawn, close = detail.timeline[-2:]
        assert withdrawn.kind == "withdrawn" and withdrawn.text == "王阿姨搬走了，不用再办"
        assert close.withdrawal and close.text == ""
        assert detail.withdrawn_at == closed.withdrawn_at
        assert close.status_after == IssueStatus.closed
        # Closed without a verdict, but none is awaited: not on the follow-up list, and green
        # long after the grace period.
        assert detail.row.colour == Colour.green
        follow = list_follow_ups(session=session, today=TODAY + timedelta(days=9), now=clock.now())
        assert follow.total == 0
        # Both visits stay on the issue's record.
        assert {v.id for v in list_issue_visits(session=session, issue_id=issue.id)} == {
            first,
            li,
        }


def test_a_withdrawn_visit_is_not_moved_or_unlinked(
    store: Store, actor: Actor, make_issue: MakeIssue, make_visit: MakeVisit
) -> None:
    issue, (_first, li) = _issue_with(store, actor, make_issue, make_visit, LI)
    other = make_issue(**ZHAO)
    with store.write(actor) as session:
        withdraw_visit(session=session, visit_id=li, reason="不需要了")
    with store.write(actor) as session, pytest.raises(VisitWithdrawn):
        move_visit(session=session, visit_id=li, issue_id=other.id)
    with store.write(actor) as session, pytest.raises(VisitWithdrawn):
        unlink_visit(session=session, visit_id=li)
    assert _visit(store, li).issue_id == issue.id


def test_after_every_kind_of_regrouping_the_check_finds_nothing(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: MakeIssue, make_visit: MakeVisit
) -> None:
    a, (_a1, a2, a3) = _issue_with(store, actor, make_issue, make_visit, LI, ZHAO)
    clock.advance(timedelta(minutes=10))
    b, (b1, b2) = _issue_with(store, actor, make_issue, make_visit, LI)
    c = make_issue(**ZHAO)
    with store.write(actor) as session:
        move_visit(session=session, visit_id=a2, issue_id=b.id)
        split_issue(session=session, issue_id=b.id, visit_ids=[b2])
        withdraw_visit(session=session, visit_id=b1, reason="不用了")
        unlink_visit(session=session, visit_id=a3)
        merge_issues(session=session, issue_id=c.id, into_id=a.id)
    report = check_database(engine=store.engine)
    assert report.ok, report.findings


def test_the_units_slip_leaves_a_withdrawn_visit_out(
    store: Store, actor: Actor, make_issue: MakeIssue, make_visit: MakeVisit, tmp_path: Path
) -> None:
    issue, (_first, li) = _issue_with(store, actor, make_issue, make_visit, LI)
    with store.write(actor) as session:
        withdraw_visit(session=session, visit_id=li, reason="不用了")
    with store.write(actor) as session:
        md, _html = print_slip(
            session=session,
            issue_id=issue.id,
            kind=SlipKind.assignment,
            today=TODAY,
            tz=ZoneInfo("Asia/Shanghai"),
            templates=tmp_path / "templates",
            out_dir=tmp_path / "prints",
        )
    slip = md.read_text(encoding="utf-8")
    assert "村口的路灯坏了" in slip and LI["text"] not in slip


def test_a_withdrawn_issue_is_not_reopened_or_evaluated_but_a_withdrawal_undone_is_made_again(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: MakeIssue
) -> None:
    issue = make_issue()
    (only,) = [v.id for v in _visits(store, issue.id)]
    with store.write(actor) as session, record_changes(session) as changes:
        withdraw_visit(session=session, visit_id=only, reason="不用了")
    with store.write(actor) as session, pytest.raises(InvalidStatusMove) as refused:
        reopen_issue(session=session, issue_id=issue.id)
    assert refused.value.key == "error.issue_withdrawn"
    verdict = EvaluationCreate(resolution=Resolution.resolved, satisfaction=Satisfaction.satisfied)
    with store.write(actor) as session, pytest.raises(InvalidStatusMove) as refused:
        close_issue(session=session, issue_id=issue.id, evaluation_in=verdict)
    assert refused.value.key == "error.issue_withdrawn"
    with store.write(actor) as session:
        revert_changes(session=session, undo=changes.undo())
    assert _issue(store, issue.id).status == IssueStatus.received
    assert _issue(store, issue.id).withdrawn_at is None
    clock.advance(timedelta(minutes=1))
    with store.write(actor) as session:
        again = withdraw_visit(session=session, visit_id=only, reason="真的不用了")
    assert again.issue_withdrawn
    with store.read() as session:
        notes = session.exec(
            select(Progress.note).where(
                Progress.issue_id == issue.id, col(Progress.deleted_at).is_(None)
            )
        ).all()
    assert list(notes) == ["真的不用了"]
