"""The issue page: one issue with its visits, its history and how urgent it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.changelog.field_clock import field_winners, row_changes
from store.core.models import (
    Deliberation,
    DeliberationKind,
    Deputy,
    Evaluation,
    Issue,
    IssueStatus,
    NoticeEvent,
    NoticeWay,
    ObservationPoint,
    Observer,
    Progress,
    Resolution,
    Satisfaction,
    UnansweredCall,
    Visit,
)
from store.core.rows import live
from store.core.settings import load_settings
from store.desk.issue_rows import IssueRow, rows_query, to_row
from store.desk.moves import MoveRow, list_moves
from store.desk.notices import list_told
from store.desk.regroup import not_found
from store.desk.urgency import IssueFacts, Urgency, issue_urgency
from store.desk.visits import VisitRow, list_issue_visits


@dataclass(frozen=True)
class TimelineEntry:
    """One line of an issue's history: a visit, a progress note, an evaluation, a follow-up
    call nobody answered, a move to another tier, a resident told (告知), or regrouping
    (store.desk.regroup): an issue merged into this one, an issue split off it, the issue it
    was split from, a visit withdrawn (撤回)."""

    at: datetime
    # "visit" | "progress" | "evaluation" | "unanswered" | "move" | "told" | "merged" |
    # "split_to" | "split_from" | "withdrawn" (KINDS)
    kind: str
    text: str
    deputy: str | None = None
    status_before: IssueStatus | None = None
    status_after: IssueStatus | None = None
    resolution: Resolution | None = None
    satisfaction: Satisfaction | None = None
    # A call nobody answered: which try of its closure it was, and whether it was the last.
    attempt: int = 0
    gave_up: bool = False
    # A move to another tier (升级/降级): from and to which tier and unit, and why.
    move: MoveRow | None = None
    # A resident told: who, of what, how.
    resident: str = ""
    event: NoticeEvent | None = None
    way: NoticeWay | None = None
    # Merged into this one, split off it, or split from: the other issue's title and id.
    issue_title: str = ""
    issue_ref: str | None = None
    # A progress entry that closed the issue because its last visit was withdrawn: a
    # withdrawal, not an ordinary close (its note is the reason, on the withdrawal's line).
    withdrawal: bool = False


# Every kind of timeline entry, for whoever shows them (screens.issue).
KINDS = frozenset(
    {
        "visit",
        "progress",
        "evaluation",
        "unanswered",
        "move",
        "told",
        "merged",
        "split_to",
        "split_from",
        "withdrawn",
    }
)


@dataclass(frozen=True)
class IssueDetail:
    row: IssueRow
    window_days: int
    unit_id: str
    category_id: str
    village_id: str
    closed_on: date | None
    closed_within_window: bool | None
    resolution: Resolution | None
    satisfaction: Satisfaction | None
    reopen_count: int
    visits: list[VisitRow]
    timeline: list[TimelineEntry]
    # Each visit's words (cut at VISIT_TEXT_SHOWN characters), by visit id.
    visit_texts: dict[str, str] = field(default_factory=dict)
    # How urgent it is and why (store.desk.urgency); zero for a closed issue.
    urgency: Urgency = Urgency(0, ())
    repeat_count: int = 0
    # Visits on it that were repeats (重复诉求), by visit id.
    repeat_visits: frozenset[str] = frozenset()
    # Follow-up calls of its present closure nobody answered (未接通), and whether the station
    # gave up calling (未能回访).
    unanswered_calls: int = 0
    gave_up: bool = False
    # Its moves between tiers, oldest first; the last one says why it is where it is.
    moves: tuple[MoveRow, ...] = ()
    # Regrouping (store.desk.regroup): closed because its residents withdrew (撤回), when; the
    # issue it was split from; the issues merged into it, oldest first.
    withdrawn_at: datetime | None = None
    split_from: str | None = None
    merged_from: tuple[str, ...] = ()
    # Where visits came from besides their channel, by visit id (only those with any).
    visit_sources: dict[str, VisitSource] = field(default_factory=dict)


@dataclass(frozen=True)
class VisitSource:
    """Who relayed a visit (民情观察员, by name as a resident is shown) and at which point, and
    the deliberation session (议事活动) it was raised at."""

    observer: str | None = None
    point: str | None = None
    session: tuple[DeliberationKind, date] | None = None


def get_issue(*, session: Session, issue_id: str, today: date) -> IssueDetail:
    """One issue with its visits and its history, oldest first.

    Raises:
        IssueNotFound: no such issue; IssueMerged (a kind of it) names the issue it was merged
            into, to open instead.
    """
    found = session.exec(rows_query().where(Issue.id == issue_id)).first()
    if found is None:
        raise not_found(session, issue_id)
    settings = load_settings(session=session)
    issue = found[0]
    visits = list_issue_visits(session=session, issue_id=issue_id)
    # The present closure's tries (a closure is numbered by the issue's reopen count).
    calls = session.exec(
        select(UnansweredCall.gave_up).where(
            UnansweredCall.issue_id == issue_id,
            UnansweredCall.round == issue.reopen_count,
            live(UnansweredCall),
        )
    ).all()
    closed = issue.status == IssueStatus.closed
    moves = list_moves(session=session, issue_id=issue_id)
    return IssueDetail(
        row=to_row(*found, today=today, settings=settings),
        window_days=issue.window_days,
        unit_id=issue.unit_id,
        category_id=issue.category_id,
        village_id=issue.village_id,
        closed_on=issue.closed_on,
        closed_within_window=issue.closed_within_window,
        resolution=Resolution(issue.resolution) if issue.resolution else None,
        satisfaction=Satisfaction(issue.satisfaction) if issue.satisfaction else None,
        reopen_count=issue.reopen_count,
        visits=visits,
        timeline=_timeline(session, issue, visits, moves),
        visit_texts=_visit_texts(session, issue_id),
        visit_sources=_visit_sources(session, issue_id),
        urgency=issue_urgency(IssueFacts.of(issue), today),
        repeat_count=issue.repeat_count,
        repeat_visits=frozenset(
            session.exec(
                select(Visit.id).where(
                    Visit.issue_id == issue_id,
                    col(Visit.is_repeat).is_(True),
                    live(Visit),
                )
            ).all()
        ),
        unanswered_calls=len(calls) if closed else 0,
        gave_up=closed and any(calls),
        moves=tuple(moves),
        withdrawn_at=issue.withdrawn_at,
        split_from=issue.split_from,
        merged_from=tuple(
            session.exec(
                select(Issue.id)
                .where(col(Issue.merged_into) == issue_id)
                .order_by(col(Issue.opened_on), col(Issue.id))
            ).all()
        ),
    )


# An issue fed by many long visits still opens at once: the rest is in the triage view.
VISIT_TEXT_SHOWN = 2000


def _visit_texts(session: Session, issue_id: str) -> dict[str, str]:
    rows = session.exec(
        select(Visit.id, func.substr(Visit.text, 1, VISIT_TEXT_SHOWN + 1)).where(
            Visit.issue_id == issue_id, live(Visit)
        )
    ).all()
    return {
        visit_id: text if len(text) <= VISIT_TEXT_SHOWN else text[:VISIT_TEXT_SHOWN] + "…"
        for visit_id, text in rows
    }


def _visit_sources(session: Session, issue_id: str) -> dict[str, VisitSource]:
    rows = session.exec(
        select(Visit.id, Observer.name, ObservationPoint.name, Deliberation)
        .outerjoin(Observer, col(Observer.id) == Visit.observer_id)
        .outerjoin(ObservationPoint, col(ObservationPoint.id) == Visit.point_id)
        .outerjoin(
            Deliberation,
            (col(Deliberation.id) == Visit.deliberation_id) & live(Deliberation),
        )
        .where(
            Visit.issue_id == issue_id,
            live(Visit),
            col(Visit.observer_id).is_not(None)
            | col(Visit.point_id).is_not(None)
            | col(Visit.deliberation_id).is_not(None),
        )
    ).all()
    return {
        visit_id: VisitSource(
            observer or None,
            point,
            (DeliberationKind(held.kind), held.held_on) if held is not None else None,
        )
        for visit_id, observer, point, held in rows
    }


def _timeline(
    session: Session, issue: Issue, visits: list[VisitRow], moves: list[MoveRow]
) -> list[TimelineEntry]:
    issue_id = issue.id
    entries = [
        TimelineEntry(at=v.received_at, kind="visit", text=v.summary, deputy=None) for v in visits
    ]
    entries += [
        TimelineEntry(at=m.at, kind="move", text=m.note, deputy=m.deputy, move=m) for m in moves
    ]
    entries += _regrouping(session, issue, visits)
    # A withdrawal's reason is on its own line: the close it caused does not say it twice.
    withdrawn_at = {v.withdrawn_at for v in visits if v.withdrawn_at is not None}
    for progress, deputy in session.exec(
        select(Progress, Deputy.name)
        .outerjoin(Deputy, col(Deputy.id) == Progress.deputy_id)
        .where(Progress.issue_id == issue_id, live(Progress))
    ).all():
        # The close of an issue withdrawn (store.desk.regroup.close_withdrawn, or the ledger's
        # import of one) is made at the instant its last visit was withdrawn.
        withdrawal = (
            issue.withdrawn_at is not None
            and progress.status_after == IssueStatus.closed
            and progress.at == issue.withdrawn_at
        )
        entries.append(
            TimelineEntry(
                at=progress.at,
                kind="progress",
                text="" if withdrawal and progress.at in withdrawn_at else progress.note,
                deputy=deputy,
                status_before=IssueStatus(progress.status_before),
                status_after=IssueStatus(progress.status_after),
                withdrawal=withdrawal,
            )
        )
    for evaluation, deputy in session.exec(
        select(Evaluation, Deputy.name)
        .outerjoin(Deputy, col(Deputy.id) == Evaluation.deputy_id)
        .where(Evaluation.issue_id == issue_id, live(Evaluation))
    ).all():
        entries.append(
            TimelineEntry(
                at=evaluation.at,
                kind="evaluation",
                text=evaluation.note,
                deputy=deputy,
                resolution=Resolution(evaluation.resolution),
                satisfaction=Satisfaction(evaluation.satisfaction),
            )
        )
    tries: dict[int, int] = {}
    for call, deputy in session.exec(
        select(UnansweredCall, Deputy.name)
        .outerjoin(Deputy, col(Deputy.id) == UnansweredCall.deputy_id)
        .where(UnansweredCall.issue_id == issue_id, live(UnansweredCall))
        # Tries made in one instant (a frozen clock's) are numbered the last one last.
        .order_by(col(UnansweredCall.at), col(UnansweredCall.gave_up), col(UnansweredCall.id))
    ).all():
        tries[call.round] = tries.get(call.round, 0) + 1
        entries.append(
            TimelineEntry(
                at=call.at,
                kind="unanswered",
                text="",
                deputy=deputy,
                attempt=tries[call.round],
                gave_up=call.gave_up,
            )
        )
    for told in list_told(session=session, issue_id=issue_id):
        entries.append(
            TimelineEntry(
                at=told.at,
                kind="told",
                text="",
                deputy=told.deputy,
                resident=told.resident,
                event=told.event,
                way=told.way,
            )
        )
    return sorted(entries, key=_timeline_order)


def _regrouping(session: Session, issue: Issue, visits: list[VisitRow]) -> list[TimelineEntry]:
    """The issues merged into this one, split off it or split from, and its visits withdrawn:
    when from the records themselves, who from the change log (none of them has a deputy
    column): the deputy of the change the field's value came from, as sync settles it."""
    merged = session.exec(
        select(Issue.id, Issue.title, Issue.deleted_at).where(
            col(Issue.merged_into) == issue.id, col(Issue.deleted_at).is_not(None)
        )
    ).all()
    # Split off it: those merged or deleted since were still split from it.
    split_off = session.exec(
        select(Issue.id, Issue.title, Issue.created_at).where(col(Issue.split_from) == issue.id)
    ).all()
    parent = session.get(Issue, issue.split_from) if issue.split_from else None
    withdrawn = [v for v in visits if v.withdrawn_at is not None]
    wanted: dict[tuple[str, str], list[str]] = {
        ("issue", "merged_into"): [row_id for row_id, _title, _at in merged],
        ("issue", "split_from"): [row_id for row_id, _title, _at in split_off]
        + ([issue.id] if parent is not None else []),
        ("visit", "withdrawn_at"): [v.id for v in withdrawn],
    }
    who = _set_by(session, wanted)
    entries: list[TimelineEntry] = []
    for row_id, title, at in merged:
        assert at is not None
        entries.append(
            TimelineEntry(
                at=at,
                kind="merged",
                text="",
                deputy=who.get((row_id, "merged_into")),
                issue_title=title,
                issue_ref=row_id,
            )
        )
    for row_id, title, at in split_off:
        assert at is not None
        entries.append(
            TimelineEntry(
                at=at,
                kind="split_to",
                text="",
                deputy=who.get((row_id, "split_from")),
                issue_title=title,
                issue_ref=row_id,
            )
        )
    if parent is not None and issue.created_at is not None:
        entries.append(
            TimelineEntry(
                at=issue.created_at,
                kind="split_from",
                text="",
                deputy=who.get((issue.id, "split_from")),
                issue_title=parent.title,
                issue_ref=parent.id,
            )
        )
    for visit in withdrawn:
        assert visit.withdrawn_at is not None
        entries.append(
            TimelineEntry(
                at=visit.withdrawn_at,
                kind="withdrawn",
                text=visit.withdrawn_reason or "",
                deputy=who.get((visit.id, "withdrawn_at")),
                resident=visit.resident,
            )
        )
    return entries


def _set_by(
    session: Session, wanted: dict[tuple[str, str], list[str]]
) -> dict[tuple[str, str], str]:
    """(row id, field) → the name of the deputy whose change the field's value came from, for
    the rows of each (table, field) wanted: a few rows' changes, read on ix_change_log_row."""
    conn = session.connection()
    deputy_of: dict[tuple[str, str], str] = {}
    for (table, name), row_ids in wanted.items():
        if not row_ids:
            continue
        logged = row_changes(conn, table, row_ids)
        for row_id in row_ids:
            winner = field_winners(logged.get(row_id, ())).get(name)
            if winner is not None and winner.deputy_id:
                deputy_of[(row_id, name)] = winner.deputy_id
    if not deputy_of:
        return {}
    names = dict(
        session.exec(
            select(Deputy.id, Deputy.name).where(col(Deputy.id).in_(set(deputy_of.values())))
        ).all()
    )
    return {key: names[d] for key, d in deputy_of.items() if d in names}


def _timeline_order(entry: TimelineEntry) -> tuple[datetime, int]:
    # Closing, the evaluation and the reopening it causes share one instant; keep that order.
    # A withdrawal comes before the close it causes.
    if entry.kind == "visit":
        rank = 0
    elif entry.kind == "withdrawn":
        rank = 1
    elif entry.kind in ("evaluation", "unanswered"):
        rank = 3
    elif entry.kind == "told":
        rank = 5
    else:
        rank = 2 if entry.status_after == IssueStatus.closed else 4
    return entry.at, rank
