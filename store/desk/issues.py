"""Issues (事项) once opened (store.desk.triage opens them): another unit, progress, closure,
evaluation and reopening. The issue page (one issue read whole) is store.desk.issue_page."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from store.changelog.changes import write_context
from store.core.clock import today as today_of
from store.core.errors import (
    InvalidStatusMove,
    UnitNotFound,
)
from store.core.models import (
    Evaluation,
    EvaluationCreate,
    Issue,
    IssueStatus,
    NoticeEvent,
    Progress,
    ProgressCreate,
    Unit,
)
from store.core.rows import get_live
from store.core.rules import (
    can_progress,
    evaluation_reopens,
)
from store.desk.issue_rows import IssueRow, live_issue, written_row
from store.desk.notices import queue_notices

# ---------------------------------------------------------------------------------------------
# Writing: each function is one step of the duty loop, inside the caller's write session.


def change_unit(*, session: Session, issue_id: str, unit_id: str) -> IssueRow:
    """Hand an open issue to another unit, possibly at another tier (the due date stays).

    The desk's `u` offers the units of the issue's own tier: another tier is a move
    (store.desk.moves.move_issue), which says why and starts the new tier's window."""
    ctx = write_context(session)
    issue = live_issue(session, issue_id)
    unit = get_live(session, Unit, unit_id, UnitNotFound)
    if issue.status == IssueStatus.closed:
        raise InvalidStatusMove()
    handed_on = issue.unit_id != unit.id
    issue.unit_id = unit.id
    issue.tier = unit.tier
    if handed_on:
        # Its residents hear who handles it now (告知).
        queue_notices(session=session, issue_id=issue.id, event=NoticeEvent.unit)
    return written_row(session, issue.id, today_of(ctx.clock))


def add_progress(*, session: Session, issue_id: str, progress_in: ProgressCreate) -> IssueRow:
    """A dated note on an open issue, keeping its status or moving it forward (听事→…→评事).

    Raises:
        IssueNotFound, InvalidStatusMove.
    """
    ctx = write_context(session)
    issue = live_issue(session, issue_id)
    current = IssueStatus(issue.status)
    if not can_progress(current, progress_in.status):
        raise InvalidStatusMove(current=current.value, target=progress_in.status.value)
    session.add(
        Progress(
            issue_id=issue.id,
            at=ctx.clock.now(),
            deputy_id=ctx.actor.deputy_id,
            status_before=current,
            status_after=progress_in.status,
            note=progress_in.note,
        )
    )
    if progress_in.status != current:
        issue.status = progress_in.status
    return written_row(session, issue.id, today_of(ctx.clock))


def close_issue(
    *, session: Session, issue_id: str, evaluation_in: EvaluationCreate | None
) -> IssueRow:
    """Close an issue with the resident's evaluation, or record the evaluation of an issue closed
    without one. 未解决 or 不满意 reopens it for re-supervision (再监督) instead.

    Whether it was done within its window is recorded now, so later settings cannot rewrite it.

    Raises:
        IssueNotFound, InvalidStatusMove (already closed and evaluated, or closing twice;
        `error.issue_withdrawn`: closed because its residents withdrew).
    """
    ctx = write_context(session)
    issue = live_issue(session, issue_id)
    today = today_of(ctx.clock)
    now = ctx.clock.now()
    current = IssueStatus(issue.status)
    if current == IssueStatus.closed and (evaluation_in is None or issue.evaluated_at):
        raise InvalidStatusMove("error.already_closed")
    if issue.withdrawn_at is not None:
        # Its residents withdrew (撤回, store.desk.regroup): no verdict is asked for.
        raise InvalidStatusMove("error.issue_withdrawn")
    if current != IssueStatus.closed:
        session.add(
            Progress(
                issue_id=issue.id,
                at=now,
                deputy_id=ctx.actor.deputy_id,
                status_before=current,
                status_after=IssueStatus.closed,
                note="",
            )
        )
        issue.status = IssueStatus.closed
        issue.closed_on = today
        issue.closed_within_window = today <= issue.due_on
        issue.resupervision = False
    if evaluation_in is not None:
        session.add(
            Evaluation(
                issue_id=issue.id,
                at=now,
                resolution=evaluation_in.resolution,
                satisfaction=evaluation_in.satisfaction,
                note=evaluation_in.note,
                deputy_id=ctx.actor.deputy_id,
            )
        )
        issue.resolution = evaluation_in.resolution
        issue.satisfaction = evaluation_in.satisfaction
        issue.evaluated_at = now
        if evaluation_reopens(evaluation_in.resolution, evaluation_in.satisfaction):
            session.flush()
            return _reopen(session, issue, ctx.actor.deputy_id, now, "", today)
    if current != IssueStatus.closed:
        # Its residents hear that it is done (告知); the follow-up call asks what they think.
        queue_notices(session=session, issue_id=issue.id, event=NoticeEvent.closed)
    return written_row(session, issue.id, today)


def reopen_issue(*, session: Session, issue_id: str, note: str = "") -> IssueRow:
    """Reopen a closed issue for re-supervision (再监督): it is red until closed again.

    Raises:
        IssueNotFound, InvalidStatusMove (the issue is open; `error.issue_withdrawn`).
    """
    ctx = write_context(session)
    issue = live_issue(session, issue_id)
    if issue.status != IssueStatus.closed:
        raise InvalidStatusMove("error.reopen_open")
    if issue.withdrawn_at is not None:
        # Nobody asks any more: a resident who comes back makes a visit, triaged afresh.
        raise InvalidStatusMove("error.issue_withdrawn")
    clean = ProgressCreate(status=IssueStatus.supervising, note=note).note
    return _reopen(session, issue, ctx.actor.deputy_id, ctx.clock.now(), clean, today_of(ctx.clock))


def _reopen(
    session: Session, issue: Issue, deputy_id: str | None, now: datetime, note: str, today: date
) -> IssueRow:
    session.add(
        Progress(
            issue_id=issue.id,
            at=now,
            deputy_id=deputy_id,
            status_before=IssueStatus.closed,
            status_after=IssueStatus.supervising,
            note=note,
        )
    )
    issue.status = IssueStatus.supervising
    issue.resupervision = True
    issue.reopen_count = issue.reopen_count + 1
    issue.closed_on = None
    issue.closed_within_window = None
    # The verdict stays in the evaluation rows; the issue awaits a new one.
    issue.resolution = None
    issue.satisfaction = None
    issue.evaluated_at = None
    return written_row(session, issue.id, today)
