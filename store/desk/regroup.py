"""Putting visits and issues right after triage (issue 18, part 3): unlink a visit, move it to
another issue, split an issue in two, merge one into another, withdraw a visit (撤回).

Each function is one step inside the caller's write session, so each is one logged write
transaction: audited field by field, synced, in conflicts like any edit, and undone by the
generic undo (store.changelog.undo). The rules (docs/rules/duty-loop.md, "Putting triage right"):

- Only open issues are regrouped: a closed issue's figures are frozen (reopen it first).
- No issue is left about nothing: the last visit still asked for is never unlinked or moved
  away; withdraw it (the issue closes as withdrawn) or merge the issue instead.
- **Merge** A into B: A's visits, progress notes, evaluations and micro-project and leader-visit
  links move to B (one timeline); A is marked `merged_into` B and deleted, so it leaves every
  list and figure and nothing is counted twice. B keeps the earlier of the two clocks: the
  opening day (the two-month rate counts from the first visit) and the due dates of whichever
  was due first, so a merge never makes a problem look younger or less late; and the further
  step of the five (五事) and A's re-supervisions (再监督). A's unanswered follow-up calls stay
  on A: they numbered A's closures, not B's. Two issues of two micro-projects are not merged.
- **Split**: the visits chosen go to a new issue (same unit, tier and category unless given),
  marked `split_from` the original. It keeps the original's clock (its opening day, and its
  due dates and the day they count from, `tier_since`, at the same tier; at another tier the
  new tier's window starts at the split, as a tier move's does, and `tier_since` is that day),
  its step and its re-supervision: splitting never restarts a clock or turns a red issue
  green, and the residents of both halves have waited since the same day.
- **Withdraw**: the visit keeps its issue for the record but leaves the triage queue and its
  issue's counts; the issue whose last visit still asked for is withdrawn closes as withdrawn
  (`issue.withdrawn_at`), counted apart from the figures (docs/rules/figures.md).

Over sync the same rules are kept by store.sync.regroup_rule, which uses the helpers here."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, SQLModel, col, select

from store.changelog.changes import write_context
from store.changelog.field_clock import chunks
from store.core.clock import today as today_of
from store.core.errors import (
    N_,
    FieldInvalid,
    InvalidStatusMove,
    IssueMerged,
    IssueNotFound,
    LastVisitOnIssue,
    SameIssue,
    SplitInvalid,
    UnitNotFound,
    VisitNotFound,
    VisitNotTriaged,
    VisitWithdrawn,
)
from store.core.models import (
    Category,
    Constituent,
    Evaluation,
    Issue,
    IssueStatus,
    LeaderVisitIssue,
    MicroProjectIssue,
    Progress,
    SuggestionSource,
    Tier,
    Unit,
    Visit,
)
from store.core.rows import get_live, live
from store.core.rules import due_dates
from store.core.settings import load_settings
from store.core.validation import clean_text, summarise
from store.desk.issue_rows import IssueRow, written_row
from store.desk.triage import TITLE_MAX
from store.desk.urgency import pressing_kind
from store.desk.visits import VisitRow, get_visit

# A withdrawal's reason: a line or two, as a progress note's.
REASON_MAX = 200

# What hangs off an issue by its `issue_id` and follows it when it is merged.
FOLLOWERS: tuple[type[SQLModel], ...] = (
    Visit,
    Progress,
    Evaluation,
    MicroProjectIssue,
    LeaderVisitIssue,
    SuggestionSource,
)
# Links that name one issue once: moved onto an issue already linked, the copy is deleted.
LINKS: dict[type[SQLModel], str] = {
    MicroProjectIssue: "micro_project_id",
    LeaderVisitIssue: "leader_visit_id",
    SuggestionSource: "suggestion_id",
}

# The progress entry that closes an issue as withdrawn has an id made from the issue, the visit
# withdrawn last and when, so that two devices closing it alike (store.sync.regroup_rule) make
# one, and a withdrawal undone and made again makes another.
WITHDRAWN_NAMESPACE = uuid.UUID("3f0c9e6a-2b7d-4c1e-8a5f-6d4b2e9c1a70")


def withdrawal_progress_id(issue_id: str, visit_id: str, at: datetime) -> str:
    stamp = at.astimezone(UTC).isoformat() if at.tzinfo else at.isoformat()
    return str(uuid.uuid5(WITHDRAWN_NAMESPACE, f"{issue_id}|{visit_id}|{stamp}"))


@dataclass(frozen=True)
class SplitResult:
    """The issue split and the issue split off, as they now read."""

    original: IssueRow
    new: IssueRow


@dataclass(frozen=True)
class Withdrawal:
    """What withdrawing a visit did: the visit as it now reads; its issue (None while it
    awaited triage); whether that issue closed as withdrawn (its last visit still asked for)."""

    visit: VisitRow
    issue: IssueRow | None
    issue_withdrawn: bool


# ---------------------------------------------------------------------------------------------
# The steps.


def unlink_visit(*, session: Session, visit_id: str) -> VisitRow:
    """Take a visit off its issue, back to the triage queue (it was linked by mistake).

    Args:
        session: a write session.
        visit_id: a visit on an open issue, not withdrawn.
    Returns:
        The visit as it now reads (no issue).
    Raises:
        VisitNotFound, VisitWithdrawn, VisitNotTriaged (it is in the queue already),
        IssueMerged, InvalidStatusMove (`error.regroup_closed`: the issue is closed),
        LastVisitOnIssue (withdraw it, or merge the issue, instead).
    """
    ctx = write_context(session)
    visit = _asked_visit(session, visit_id)
    issue = _issue_of(session, visit)
    _keep_one(session, issue, [visit.id])
    visit.issue_id = None
    if visit.is_repeat:
        visit.is_repeat = False
    recount(session, [issue.id])
    session.flush()
    return get_visit(session=session, visit_id=visit.id, now=ctx.clock.now()).row


def move_visit(*, session: Session, visit_id: str, issue_id: str) -> IssueRow:
    """Move a visit from its issue to another open issue (it was linked to the wrong one).

    Args:
        session: a write session.
        visit_id: a visit on an open issue, not withdrawn.
        issue_id: the open issue it belongs to.
    Returns:
        The issue it moved to, as it now reads.
    Raises:
        VisitNotFound, VisitWithdrawn, VisitNotTriaged (link it from the triage queue),
        IssueNotFound, IssueMerged, SameIssue, InvalidStatusMove (`error.regroup_closed`),
        LastVisitOnIssue.
    """
    ctx = write_context(session)
    visit = _asked_visit(session, visit_id)
    source = _issue_of(session, visit)
    target = open_issue_for(session, issue_id)
    if target.id == source.id:
        raise SameIssue()
    _keep_one(session, source, [visit.id])
    visit.issue_id = target.id
    recount(session, [source.id, target.id])
    return written_row(session, target.id, today_of(ctx.clock))


def split_issue(
    *,
    session: Session,
    issue_id: str,
    visit_ids: Sequence[str],
    unit_id: str | None = None,
    category_id: str | None = None,
    title: str | None = None,
) -> SplitResult:
    """Split an issue that turned out to be two problems: the visits chosen go to a new issue.

    The new issue has the same unit (so tier) and category unless given, the original's lead
    deputy, step of the five (五事), re-supervision and clock (module docstring).

    Args:
        session: a write session.
        issue_id: an open issue.
        visit_ids: some of its visits still asked for; at least one must stay.
        unit_id: the new issue's unit (its tier with it), if not the original's.
        category_id: the new issue's category, if not the original's.
        title: the new issue's title; else the first visit's words, cut short.
    Returns:
        The original and the new issue, as they now read.
    Raises:
        IssueNotFound, IssueMerged, InvalidStatusMove (`error.regroup_closed`), SplitInvalid
        (`error.split_none`, `error.split_all`, `error.split_foreign`), VisitWithdrawn,
        UnitNotFound, FieldInvalid (`field.choice` on `category_id`).
    """
    ctx = write_context(session)
    original = open_issue_for(session, issue_id)
    chosen = list(dict.fromkeys(visit_ids))
    if not chosen:
        raise SplitInvalid()
    moving = []
    for one in chosen:
        visit = get_live(session, Visit, one, VisitNotFound)
        if visit.issue_id != original.id:
            raise SplitInvalid(N_("error.split_foreign"))
        if visit.withdrawn_at is not None:
            raise VisitWithdrawn()
        moving.append(visit)
    if not _asked_visits(session, original.id, exclude=chosen):
        raise SplitInvalid(N_("error.split_all"))
    unit = get_live(session, Unit, unit_id or original.unit_id, UnitNotFound)
    if category_id is not None and _missing(session, Category, category_id):
        raise FieldInvalid("field.choice", "category_id")
    moving.sort(key=lambda v: (v.received_at, v.id))
    tier = Tier(unit.tier)
    window_days, due_on, warn_on = original.window_days, original.due_on, original.warn_on
    # The day its window counts from (None: the opening day), so that a later change of the
    # calendar or the window unit re-dates both halves alike (store.duty.calendar).
    tier_since = original.tier_since
    if tier != original.tier:
        # At another tier the new tier's window starts today, as a tier move's does
        # (store.desk.moves.move_issue), in working days when the station counts them.
        settings = load_settings(session=session)
        window_days = settings.window_days[tier]
        tier_since = today_of(ctx.clock)
        due_on, warn_on = due_dates(tier_since, window_days, settings)
    new = Issue(
        station_id=original.station_id,
        title=summarise(title or moving[0].text, TITLE_MAX),
        category_id=category_id or original.category_id,
        village_id=moving[0].village_id,
        tier=tier,
        unit_id=unit.id,
        # The other half of the same handling so far: at the same step of the five.
        status=original.status,
        lead_deputy_id=original.lead_deputy_id,
        opened_on=original.opened_on,
        window_days=window_days,
        due_on=due_on,
        warn_on=warn_on,
        tier_since=tier_since,
        # A red issue split stays red in both halves: both were re-supervised (再监督).
        resupervision=original.resupervision,
        reopen_count=original.reopen_count,
        split_from=original.id,
    )
    session.add(new)
    session.flush()
    for visit in moving:
        visit.issue_id = new.id
    recount(session, [original.id, new.id])
    today = today_of(ctx.clock)
    return SplitResult(
        original=written_row(session, original.id, today),
        new=written_row(session, new.id, today),
    )


def merge_issues(*, session: Session, issue_id: str, into_id: str) -> IssueRow:
    """Merge an issue into another about the same problem (a duplicate): one issue, one
    timeline.

    Args:
        session: a write session.
        issue_id: the open issue merged away (A).
        into_id: the open issue it lives on as (B, the survivor).
    Returns:
        The survivor as it now reads.
    Raises:
        IssueNotFound, IssueMerged, SameIssue, InvalidStatusMove (`error.regroup_closed`),
        IssueInProject (store.projects.projects: each is in a micro-project of its own).
    """
    ctx = write_context(session)
    merged = open_issue_for(session, issue_id)
    survivor = open_issue_for(session, into_id)
    if merged.id == survivor.id:
        raise SameIssue()
    _one_project(session, merged.id, survivor.id)
    take_earlier_clock(survivor, merged)
    # The problem is as far along the five steps (五事) as the further of the two.
    if IssueStatus(merged.status).step > IssueStatus(survivor.status).step:
        survivor.status = merged.status
    # Re-supervision is the problem's: its count adds up (the evaluations that caused it move
    # too), and a red issue merged leaves the survivor red.
    if merged.reopen_count:
        survivor.reopen_count = survivor.reopen_count + merged.reopen_count
    if merged.resupervision and not survivor.resupervision:
        survivor.resupervision = True
    move_followers(session, {merged.id: survivor.id})
    merged.merged_into = survivor.id
    merged.deleted_at = ctx.clock.now()
    # The merged issue's counts too (none left): every device that takes the merge in counts
    # them so, and the copies must agree.
    recount(session, [survivor.id, merged.id])
    return written_row(session, survivor.id, today_of(ctx.clock))


def withdraw_visit(*, session: Session, visit_id: str, reason: str) -> Withdrawal:
    """Withdraw a visit (撤回): the resident no longer asks. Its issue closes as withdrawn when
    no other visit of it is still asked for; a visit awaiting triage leaves the queue.

    Args:
        session: a write session.
        visit_id: a visit awaiting triage or on an open issue.
        reason: why, as the deputy writes it (required; up to REASON_MAX characters).
    Raises:
        VisitNotFound, VisitWithdrawn (already), FieldInvalid (`field.required`,
        `field.too_long` on `reason`), IssueMerged, InvalidStatusMove
        (`error.withdraw_closed`: its issue is closed; nothing is pending).
    """
    ctx = write_context(session)
    reason = clean_text(reason, field="reason", limit=REASON_MAX)
    visit = get_live(session, Visit, visit_id, VisitNotFound)
    if visit.withdrawn_at is not None:
        raise VisitWithdrawn()
    issue = None
    if visit.issue_id is not None:
        issue = _live_issue(session, visit.issue_id)
        if issue.status == IssueStatus.closed:
            raise InvalidStatusMove("error.withdraw_closed")
    now = ctx.clock.now()
    visit.withdrawn_at = now
    visit.withdrawn_reason = reason
    closed = False
    if issue is not None:
        if _asked_visits(session, issue.id, exclude=[visit.id]):
            recount(session, [issue.id])
        else:
            close_withdrawn(
                session, issue, visit, today_of(ctx.clock), deputy_id=ctx.actor.deputy_id
            )
            closed = True
    session.flush()
    today = today_of(ctx.clock)
    return Withdrawal(
        visit=get_visit(session=session, visit_id=visit.id, now=now).row,
        issue=written_row(session, issue.id, today) if issue is not None else None,
        issue_withdrawn=closed,
    )


def survivor_of(*, session: Session, issue_id: str) -> str:
    """The issue an issue lives on as: itself, or the one it was merged into (followed through
    merges of merges), so that a link to a merged issue opens its survivor.

    Raises:
        IssueNotFound: no such issue, or it was deleted without being merged.
    """
    seen: set[str] = set()
    current = session.get(Issue, issue_id)
    while current is not None and current.deleted_at is not None and current.merged_into:
        if current.id in seen:
            break  # a cycle not settled yet (store.sync.regroup_rule settles them)
        seen.add(current.id)
        current = session.get(Issue, current.merged_into)
    if current is None or current.deleted_at is not None:
        raise IssueNotFound()
    return current.id


# ---------------------------------------------------------------------------------------------
# Shared with store.sync.regroup_rule: what a merge, a split or a withdrawal writes.


def asked() -> ColumnElement[bool]:
    """A visit still asked for: not withdrawn (live is checked apart)."""
    return col(Visit.withdrawn_at).is_(None)


def open_issue_for(session: Session, issue_id: str) -> Issue:
    """An open issue to regroup.

    Raises:
        IssueNotFound, IssueMerged (with `survivor`), InvalidStatusMove (`error.regroup_closed`).
    """
    issue = _live_issue(session, issue_id)
    if issue.status == IssueStatus.closed:
        raise InvalidStatusMove("error.regroup_closed")
    return issue


def take_earlier_clock(survivor: Issue, merged: Issue) -> None:
    """The survivor of a merge keeps the earlier opening day (the two-month rate counts from
    the first visit) and the due dates of whichever issue was due first, with the day they
    count from (`tier_since`)."""
    if merged.opened_on < survivor.opened_on:
        survivor.opened_on = merged.opened_on
    if (merged.due_on, merged.warn_on) < (survivor.due_on, survivor.warn_on):
        survivor.window_days = merged.window_days
        survivor.due_on = merged.due_on
        survivor.warn_on = merged.warn_on
        # With the day they count from, so that a change of the calendar re-dates them as
        # they were: the merged issue's move, or its opening day where that is not the
        # survivor's (None counts from the survivor's own).
        start = merged.tier_since or merged.opened_on
        since = None if start == survivor.opened_on else start
        if survivor.tier_since != since:
            survivor.tier_since = since


def move_followers(session: Session, moves: dict[str, str]) -> set[str]:
    """Point everything that hangs off the issues of `moves` (merged → survivor) at the
    survivor, each as a logged update; a link the survivor already has is deleted instead of
    doubled. Returns the issues whose visits changed."""
    if not moves:
        return set()
    now = write_context(session).clock.now()
    changed: set[str] = set()
    for model in FOLLOWERS:
        table: Any = model  # every follower has `issue_id`
        for part in chunks(sorted(moves)):
            rows: Sequence[Any] = session.exec(
                select(table)
                .where(col(table.issue_id).in_(part), live(table))
                .order_by(col(table.id))
                .execution_options(populate_existing=True)
            ).all()
            for row in rows:
                target = moves[row.issue_id]
                if model in LINKS and _linked(session, table, row, target):
                    row.deleted_at = now
                    continue
                if model is Visit:
                    changed |= {row.issue_id, target}
                row.issue_id = target
                # Flushed at once: the next link's check must see this one where it now is.
                session.flush()
    return changed


def _linked(session: Session, table: Any, row: Any, issue_id: str) -> bool:
    parent = LINKS[table]
    other = session.exec(
        select(table.id).where(
            col(getattr(table, parent)) == getattr(row, parent),
            col(table.issue_id) == issue_id,
            live(table),
        )
    ).first()
    return other is not None


def recount(session: Session, issue_ids: Iterable[str]) -> None:
    """An issue's repeat marks and counts from its visits as they now stand, each value that
    changes a logged write: visits in time order, a resident's later ones repeats (重复诉求);
    visit and repeat counts, kind and vulnerability from the visits still asked for (the kind
    kept when none is)."""
    session.flush()
    for issue_id in dict.fromkeys(issue_ids):
        issue = session.get(Issue, issue_id)
        if issue is None:
            continue
        visits = session.exec(
            select(Visit)
            .where(Visit.issue_id == issue_id, live(Visit))
            .order_by(col(Visit.received_at), col(Visit.id))
            .execution_options(populate_existing=True)
        ).all()
        seen: set[str] = set()
        for visit in visits:
            repeat = visit.constituent_id in seen
            seen.add(visit.constituent_id)
            if bool(visit.is_repeat) != repeat:
                visit.is_repeat = repeat
        still = [v for v in visits if v.withdrawn_at is None]
        vulnerable = bool(
            still
            and session.exec(
                select(Constituent.id).where(
                    col(Constituent.id).in_({v.constituent_id for v in still}),
                    col(Constituent.vulnerable).is_(True),
                )
            ).first()
        )
        facts = {
            "visit_count": len(still),
            "repeat_count": sum(1 for v in still if v.is_repeat),
            "kind": pressing_kind(v.kind for v in still).value if still else issue.kind,
            "vulnerable": vulnerable,
        }
        for name, value in facts.items():
            if getattr(issue, name) != value:
                setattr(issue, name, value)
    session.flush()


def close_withdrawn(
    session: Session, issue: Issue, last: Visit, day: date, *, deputy_id: str | None
) -> None:
    """Close an issue whose visits are all withdrawn, `last` the one withdrawn last: a
    progress entry (its id made from both, so two devices make one; `deputy_id` who closed it,
    None for sync's rule) with the reason, the issue closed that day, counted apart
    (`withdrawn_at`), not judged on time, not followed up."""
    assert last.withdrawn_at is not None
    progress_id = withdrawal_progress_id(issue.id, last.id, last.withdrawn_at)
    # Made already where an edit made concurrently reopened the issue: closed again, not twice.
    if session.get(Progress, progress_id) is None:
        session.add(
            Progress(
                id=progress_id,
                issue_id=issue.id,
                at=last.withdrawn_at,
                deputy_id=deputy_id,
                status_before=issue.status,
                status_after=IssueStatus.closed,
                note=last.withdrawn_reason or "",
            )
        )
    issue.status = IssueStatus.closed
    issue.closed_on = day
    issue.closed_within_window = None
    if issue.resupervision:
        issue.resupervision = False
    issue.withdrawn_at = last.withdrawn_at
    recount(session, [issue.id])


# ---------------------------------------------------------------------------------------------


def not_found(session: Session, issue_id: str) -> IssueNotFound:
    """The error for an issue that is not there: IssueMerged (naming its survivor) when it
    was merged into another, else IssueNotFound."""
    issue = session.get(Issue, issue_id)
    if issue is not None and issue.deleted_at is not None and issue.merged_into:
        return IssueMerged(survivor=_try_survivor(session, issue.id))
    return IssueNotFound()


def _live_issue(session: Session, issue_id: str) -> Issue:
    issue = session.get(Issue, issue_id)
    if issue is None or issue.deleted_at is not None:
        raise not_found(session, issue_id)
    return issue


def _try_survivor(session: Session, issue_id: str) -> str | None:
    try:
        return survivor_of(session=session, issue_id=issue_id)
    except IssueNotFound:
        return None


def _asked_visit(session: Session, visit_id: str) -> Visit:
    visit = get_live(session, Visit, visit_id, VisitNotFound)
    if visit.withdrawn_at is not None:
        raise VisitWithdrawn()
    if visit.issue_id is None:
        raise VisitNotTriaged()
    return visit


def _issue_of(session: Session, visit: Visit) -> Issue:
    assert visit.issue_id is not None
    return open_issue_for(session, visit.issue_id)


def _asked_visits(session: Session, issue_id: str, *, exclude: Sequence[str]) -> list[str]:
    """The issue's visits still asked for, but those of `exclude`."""
    return list(
        session.exec(
            select(Visit.id).where(
                Visit.issue_id == issue_id,
                live(Visit),
                asked(),
                col(Visit.id).not_in(list(exclude)),
            )
        ).all()
    )


def _keep_one(session: Session, issue: Issue, leaving: Sequence[str]) -> None:
    if not _asked_visits(session, issue.id, exclude=leaving):
        raise LastVisitOnIssue()


def _one_project(session: Session, merged_id: str, survivor_id: str) -> None:
    """An issue belongs to one micro-project at most: two issues of two projects are not merged
    (the deputy unlinks one first)."""
    from store.projects.projects import IssueInProject, project_of_issue

    theirs = project_of_issue(session=session, issue_id=merged_id)
    ours = project_of_issue(session=session, issue_id=survivor_id)
    if theirs is not None and ours is not None and theirs.id != ours.id:
        raise IssueInProject(title=theirs.title)


def _missing(session: Session, model: type[Category], row_id: str) -> bool:
    found = session.get(model, row_id)
    return found is None or found.deleted_at is not None


__all__ = [
    "REASON_MAX",
    "SplitResult",
    "Withdrawal",
    "merge_issues",
    "move_visit",
    "split_issue",
    "survivor_of",
    "unlink_visit",
    "withdraw_visit",
]
