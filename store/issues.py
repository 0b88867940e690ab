"""Issues (事项): opening them from visits, their progress, closure, evaluation and reopening."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from store.changes import write_context
from store.clock import today as today_of
from store.errors import (
    InvalidStatusMove,
    IssueNotFound,
    NotFound,
    UnitTierMismatch,
    VisitAlreadyTriaged,
    VisitNotFound,
)
from store.models import (
    Category,
    Colour,
    Deputy,
    Evaluation,
    EvaluationCreate,
    Issue,
    IssueStatus,
    Progress,
    ProgressCreate,
    Resolution,
    Satisfaction,
    Tier,
    Unit,
    Village,
    Visit,
)
from store.paging import PAGE_SIZE, Page
from store.rules import (
    can_progress,
    closed_colour,
    due_dates,
    evaluation_reopens,
    open_colour,
)
from store.settings import StationSettings, load_settings
from store.validation import summarise
from store.visits import VisitRow, list_issue_visits

TITLE_MAX = 30


@dataclass(frozen=True)
class IssueRow:
    id: str
    title: str
    tier: Tier
    unit: str
    village: str
    category: str
    status: IssueStatus
    colour: Colour
    opened_on: date
    due_on: date
    days_left: int
    visit_count: int
    resupervision: bool
    lead_deputy: str | None


@dataclass(frozen=True)
class TimelineEntry:
    """One line of an issue's history: a visit, a progress note, or an evaluation."""

    at: datetime
    kind: str  # "visit" | "progress" | "evaluation"
    text: str
    deputy: str | None = None
    status_before: IssueStatus | None = None
    status_after: IssueStatus | None = None
    resolution: Resolution | None = None
    satisfaction: Satisfaction | None = None


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


@dataclass(frozen=True)
class BoardFilter:
    """Narrows the board; None means any."""

    tier: Tier | None = None
    unit_id: str | None = None
    village_id: str | None = None
    category_id: str | None = None
    status: IssueStatus | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in vars(self).values())


# ---------------------------------------------------------------------------------------------
# Reading


def colour_rank(today: date) -> ColumnElement[int]:
    """An open issue's colour as a number in SQL (2 red, 1 yellow, 0 green): range tests on the
    indexed due and warning dates, the same rule as `rules.open_colour`."""
    return case(
        (or_(col(Issue.resupervision).is_(True), col(Issue.due_on) < today), 2),
        (col(Issue.warn_on) <= today, 1),
        else_=0,
    )


_RANK_COLOUR = {0: Colour.green, 1: Colour.yellow, 2: Colour.red}
_Lead = aliased(Deputy)


def _rows_query():  # type: ignore[no-untyped-def]
    return (
        select(Issue, Unit.name, Village.name, Category.name, _Lead.name)
        .join(Unit, col(Unit.id) == Issue.unit_id)
        .join(Village, col(Village.id) == Issue.village_id)
        .join(Category, col(Category.id) == Issue.category_id)
        .outerjoin(_Lead, col(_Lead.id) == Issue.lead_deputy_id)
        .where(col(Issue.deleted_at).is_(None))
    )


def issue_colour(issue: Issue, today: date, settings: StationSettings) -> Colour:
    if issue.status == IssueStatus.closed and issue.closed_on is not None:
        return closed_colour(
            today=today,
            closed_on=issue.closed_on,
            satisfaction=issue.satisfaction,
            grace_days=settings.evaluation_grace_days,
        )
    return open_colour(
        today=today, due_on=issue.due_on, warn_on=issue.warn_on, resupervision=issue.resupervision
    )


def _to_row(
    issue: Issue,
    unit: str,
    village: str,
    category: str,
    lead: str | None,
    *,
    today: date,
    settings: StationSettings,
) -> IssueRow:
    return IssueRow(
        id=issue.id,
        title=issue.title,
        tier=Tier(issue.tier),
        unit=unit,
        village=village,
        category=category,
        status=IssueStatus(issue.status),
        colour=issue_colour(issue, today, settings),
        opened_on=issue.opened_on,
        due_on=issue.due_on,
        days_left=(issue.due_on - today).days,
        visit_count=issue.visit_count,
        resupervision=issue.resupervision,
        lead_deputy=lead,
    )


def _filter_clauses(filters: BoardFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.tier is not None:
        clauses.append(col(Issue.tier) == filters.tier)
    if filters.unit_id is not None:
        clauses.append(col(Issue.unit_id) == filters.unit_id)
    if filters.village_id is not None:
        clauses.append(col(Issue.village_id) == filters.village_id)
    if filters.category_id is not None:
        clauses.append(col(Issue.category_id) == filters.category_id)
    if filters.status is not None:
        clauses.append(col(Issue.status) == filters.status)
    return clauses


def _open() -> ColumnElement[bool]:
    return and_(col(Issue.status) != IssueStatus.closed, col(Issue.deleted_at).is_(None))


def get_issue(*, session: Session, issue_id: str, today: date) -> IssueDetail:
    """One issue with its visits and its history, oldest first.

    Raises:
        IssueNotFound: no such issue.
    """
    found = session.exec(_rows_query().where(Issue.id == issue_id)).first()
    if found is None:
        raise IssueNotFound()
    settings = load_settings(session=session)
    issue = found[0]
    visits = list_issue_visits(session=session, issue_id=issue_id)
    return IssueDetail(
        row=_to_row(*found, today=today, settings=settings),
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
        timeline=_timeline(session, issue_id, visits),
    )


def _timeline(session: Session, issue_id: str, visits: list[VisitRow]) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(at=v.received_at, kind="visit", text=v.summary, deputy=None) for v in visits
    ]
    for progress, deputy in session.exec(
        select(Progress, Deputy.name)
        .outerjoin(Deputy, col(Deputy.id) == Progress.deputy_id)
        .where(Progress.issue_id == issue_id, col(Progress.deleted_at).is_(None))
    ).all():
        entries.append(
            TimelineEntry(
                at=progress.at,
                kind="progress",
                text=progress.note,
                deputy=deputy,
                status_before=IssueStatus(progress.status_before),
                status_after=IssueStatus(progress.status_after),
            )
        )
    for evaluation, deputy in session.exec(
        select(Evaluation, Deputy.name)
        .outerjoin(Deputy, col(Deputy.id) == Evaluation.deputy_id)
        .where(Evaluation.issue_id == issue_id, col(Evaluation.deleted_at).is_(None))
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
    return sorted(entries, key=_timeline_order)


def _timeline_order(entry: TimelineEntry) -> tuple[datetime, int]:
    # Closing, the evaluation and the reopening it causes share one instant; keep that order.
    if entry.kind == "visit":
        rank = 0
    elif entry.kind == "evaluation":
        rank = 2
    else:
        rank = 1 if entry.status_after == IssueStatus.closed else 3
    return entry.at, rank


def list_board(
    *,
    session: Session,
    today: date,
    filters: BoardFilter = BoardFilter(),
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Page[IssueRow]:
    """Open issues, grouped by tier (village, township, county) and worst first within a tier:
    red, then yellow, then green, the nearest due date first."""
    where = [_open(), *_filter_clauses(filters)]
    total = session.exec(select(func.count()).select_from(Issue).where(*where)).one()
    rows = session.exec(
        _rows_query().where(*where).order_by(*_board_order(today)).limit(limit).offset(offset)
    ).all()
    settings = load_settings(session=session)
    return Page(
        tuple(_to_row(*r, today=today, settings=settings) for r in rows), total, offset, limit
    )


def _board_order(today: date) -> tuple[ColumnElement[Any], ...]:
    tier_order = case({t.value: i for i, t in enumerate(Tier)}, value=col(Issue.tier), else_=9)
    return (tier_order, colour_rank(today).desc(), col(Issue.due_on), col(Issue.id))


def board_position(
    *, session: Session, today: date, issue_id: str, filters: BoardFilter = BoardFilter()
) -> int | None:
    """Where an issue stands on the board (0-based), or None when it is not on it: so that the
    board can open on the page of the issue just triaged."""
    ranked = (
        select(
            col(Issue.id).label("id"),
            func.row_number().over(order_by=_board_order(today)).label("n"),
        )
        .where(_open(), *_filter_clauses(filters))
        .subquery()
    )
    n = session.exec(select(ranked.c.n).where(ranked.c.id == issue_id)).first()
    return None if n is None else int(n) - 1


def board_counts(
    *, session: Session, today: date, filters: BoardFilter = BoardFilter()
) -> dict[Tier, dict[Colour, int]]:
    """How many open issues of each colour at each tier (zeros included)."""
    rank = colour_rank(today)
    rows = session.exec(
        select(Issue.tier, rank, func.count())
        .where(_open(), *_filter_clauses(filters))
        .group_by(Issue.tier, rank)
    ).all()
    counts = {tier: dict.fromkeys(Colour, 0) for tier in Tier}
    for tier, value, n in rows:
        counts[Tier(tier)][_RANK_COLOUR[value]] = n
    return counts


def list_overdue(*, session: Session, today: date, limit: int = 10) -> Page[IssueRow]:
    """Open issues past their due date, the longest overdue first."""
    where = (_open(), col(Issue.due_on) < today)
    total = session.exec(select(func.count()).select_from(Issue).where(*where)).one()
    rows = session.exec(
        _rows_query().where(*where).order_by(col(Issue.due_on), col(Issue.id)).limit(limit)
    ).all()
    settings = load_settings(session=session)
    return Page(tuple(_to_row(*r, today=today, settings=settings) for r in rows), total, 0, limit)


def suggest_issues(
    *, session: Session, visit_id: str, today: date, limit: int = 20
) -> list[IssueRow]:
    """Open issues that may be the same problem as this visit: same category and village first,
    then same category elsewhere, then same village; the most recently opened first."""
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise VisitNotFound()
    same_category = col(Issue.category_id) == visit.category_id
    same_village = col(Issue.village_id) == visit.village_id
    score = case((and_(same_category, same_village), 0), (same_category, 1), else_=2)
    rows = session.exec(
        _rows_query()
        .where(_open(), or_(same_category, same_village))
        .order_by(score, col(Issue.opened_on).desc(), col(Issue.id))
        .limit(limit)
    ).all()
    settings = load_settings(session=session)
    return [_to_row(*r, today=today, settings=settings) for r in rows]


def suggest_units(*, session: Session, visit_id: str, tier: Tier) -> list[tuple[str, str]]:
    """Units of `tier` for this visit, likeliest first: the visit's own village committee, then
    the units that most often took this category at this tier, then the rest by name.

    Returns:
        (unit id, unit name) pairs.
    """
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise VisitNotFound()
    usage = (
        select(Issue.unit_id, func.count().label("n"))
        .where(Issue.category_id == visit.category_id, Issue.tier == tier)
        .group_by(Issue.unit_id)
        .subquery()
    )
    own_village = case((col(Unit.village_id) == visit.village_id, 0), else_=1)
    rows = session.exec(
        select(Unit.id, Unit.name)
        .outerjoin(usage, usage.c.unit_id == Unit.id)
        .where(Unit.tier == tier, col(Unit.active).is_(True), col(Unit.deleted_at).is_(None))
        .order_by(own_village, func.coalesce(usage.c.n, 0).desc(), col(Unit.name))
    ).all()
    return [(uid, name) for uid, name in rows]


# ---------------------------------------------------------------------------------------------
# Writing: each function is one step of the duty loop, inside the caller's write session.


def _issue(session: Session, issue_id: str) -> Issue:
    issue = session.get(Issue, issue_id)
    if issue is None or issue.deleted_at is not None:
        raise IssueNotFound()
    return issue


def _untriaged_visit(session: Session, visit_id: str) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None or visit.deleted_at is not None:
        raise VisitNotFound()
    if visit.issue_id is not None:
        raise VisitAlreadyTriaged()
    return visit


def _row_of(session: Session, issue_id: str, today: date) -> IssueRow:
    session.flush()
    return get_issue(session=session, issue_id=issue_id, today=today).row


def open_issue(
    *,
    session: Session,
    visit_id: str,
    unit_id: str,
    tier: Tier | None = None,
    title: str | None = None,
) -> IssueRow:
    """Triage a visit to a new issue handled by `unit_id` (分办), at the unit's tier.

    The due date is today plus the tier's window; the deputy on duty leads the issue.

    Args:
        tier: when given, must be the unit's tier (a check on what the deputy chose).

    Raises:
        VisitNotFound, VisitAlreadyTriaged, NotFound (unit), UnitTierMismatch.
    """
    ctx = write_context(session)
    visit = _untriaged_visit(session, visit_id)
    unit = session.get(Unit, unit_id)
    if unit is None or unit.deleted_at is not None:
        raise NotFound("error.unit_not_found")
    if tier is not None and unit.tier != tier:
        raise UnitTierMismatch()
    tier = Tier(unit.tier)
    settings = load_settings(session=session)
    today = today_of(ctx.clock)
    window = settings.window_days[tier]
    due_on, warn_on = due_dates(today, window, settings)
    issue = Issue(
        station_id=visit.station_id,
        title=summarise(title or visit.text, TITLE_MAX),
        category_id=visit.category_id,
        village_id=visit.village_id,
        tier=tier,
        unit_id=unit.id,
        status=IssueStatus.received,
        lead_deputy_id=ctx.actor.deputy_id,
        opened_on=today,
        window_days=window,
        due_on=due_on,
        warn_on=warn_on,
        visit_count=1,
    )
    session.add(issue)
    session.flush()
    visit.issue_id = issue.id
    return _row_of(session, issue.id, today)


def link_visit(*, session: Session, visit_id: str, issue_id: str) -> IssueRow:
    """Attach a visit to an existing open issue about the same problem.

    Raises:
        VisitNotFound, VisitAlreadyTriaged, IssueNotFound, InvalidStatusMove (issue closed).
    """
    ctx = write_context(session)
    visit = _untriaged_visit(session, visit_id)
    issue = _issue(session, issue_id)
    if issue.status == IssueStatus.closed:
        raise InvalidStatusMove("error.link_closed")
    visit.issue_id = issue.id
    issue.visit_count = issue.visit_count + 1
    return _row_of(session, issue.id, today_of(ctx.clock))


def change_unit(*, session: Session, issue_id: str, unit_id: str) -> IssueRow:
    """Hand an open issue to another unit, possibly at another tier (the due date stays)."""
    ctx = write_context(session)
    issue = _issue(session, issue_id)
    unit = session.get(Unit, unit_id)
    if unit is None or unit.deleted_at is not None:
        raise NotFound("error.unit_not_found")
    if issue.status == IssueStatus.closed:
        raise InvalidStatusMove()
    issue.unit_id = unit.id
    issue.tier = unit.tier
    return _row_of(session, issue.id, today_of(ctx.clock))


def add_progress(*, session: Session, issue_id: str, progress_in: ProgressCreate) -> IssueRow:
    """A dated note on an open issue, keeping its status or moving it forward (听事→…→评事).

    Raises:
        IssueNotFound, InvalidStatusMove.
    """
    ctx = write_context(session)
    issue = _issue(session, issue_id)
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
    return _row_of(session, issue.id, today_of(ctx.clock))


def close_issue(
    *, session: Session, issue_id: str, evaluation_in: EvaluationCreate | None
) -> IssueRow:
    """Close an issue with the resident's evaluation, or record the evaluation of an issue closed
    without one. 未解决 or 不满意 reopens it for re-supervision (再监督) instead.

    Whether it was done within its window is recorded now, so later settings cannot rewrite it.

    Raises:
        IssueNotFound, InvalidStatusMove (already closed and evaluated, or closing twice).
    """
    ctx = write_context(session)
    issue = _issue(session, issue_id)
    today = today_of(ctx.clock)
    now = ctx.clock.now()
    current = IssueStatus(issue.status)
    if current == IssueStatus.closed and (evaluation_in is None or issue.evaluated_at):
        raise InvalidStatusMove("error.already_closed")
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
    return _row_of(session, issue.id, today)


def reopen_issue(*, session: Session, issue_id: str, note: str = "") -> IssueRow:
    """Reopen a closed issue for re-supervision (再监督): it is red until closed again.

    Raises:
        IssueNotFound, InvalidStatusMove (the issue is open).
    """
    ctx = write_context(session)
    issue = _issue(session, issue_id)
    if issue.status != IssueStatus.closed:
        raise InvalidStatusMove("error.reopen_open")
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
    return _row_of(session, issue.id, today)
