"""The colour board (三色榜): open issues by tier and colour, counted and paged in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, case, func, or_
from sqlmodel import Session, col, select

from store.core.models import Channel, Colour, Issue, IssueStatus, Tier
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import live
from store.core.settings import load_settings
from store.desk.issue_rows import (
    RANK_COLOUR,
    IssueRow,
    colour_rank,
    open_clause,
    rows_query,
    to_row,
)
from store.desk.urgency import issue_urgency_sql
from store.reports import figure_sql


class Scope(StrEnum):
    """Which issues a drill-down from a figure lists (store.reports.stats); the board itself (no
    scope) lists open issues. Each is the very clause its figure counts
    (store.reports.figure_sql)."""

    opened = "opened"
    open = "open"
    overdue = "overdue"
    closed = "closed"
    decided = "decided"
    done = "done"
    evaluated = "evaluated"
    satisfied = "satisfied"
    # Per tier (store.desk.moves): moves up or down made in a period, and the tiers judged.
    escalated = "escalated"
    de_escalated = "de_escalated"
    timed = "timed"
    on_time = "on_time"
    # Closed because all their residents withdrew (撤回): counted apart from every other figure.
    withdrawn = "withdrawn"


class BoardOrder(StrEnum):
    """How the board sorts: by tier and colour (the 三色榜 itself), or by urgency
    (store.desk.urgency), the most urgent first whatever the tier."""

    colour = "colour"
    urgency = "urgency"


@dataclass(frozen=True)
class BoardFilter:
    """Narrows the board; None means any. `scope` (with the period fields) turns the board into a
    figure's drill-down, which may list closed issues too."""

    tier: Tier | None = None
    unit_id: str | None = None
    village_id: str | None = None
    category_id: str | None = None
    status: IssueStatus | None = None
    # The channel of the visit that brought the issue in.
    channel: Channel | None = None
    scope: Scope | None = None
    # Issues opened on these station-local days, [from, to).
    opened_from: date | None = None
    opened_to: date | None = None
    # Evaluations made between these instants (UTC), [from, to): the satisfaction scopes.
    evaluated_from: datetime | None = None
    evaluated_to: datetime | None = None
    # One station's issues, where the database holds several (a county hub); None: all.
    station_id: str | None = None
    # One colour only (red, say): open issues by their open colour, a drill-down's by its own.
    colour: Colour | None = None
    # Moves made between these instants (UTC), [from, to): the escalation scopes.
    moved_from: datetime | None = None
    moved_to: datetime | None = None
    # The per-tier scopes' group: the tier (unit) a move left or a tier was judged at, which
    # need not be where the issue is now.
    at_tier: Tier | None = None
    at_unit_id: str | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in vars(self).values())


def _scope_clauses(filters: BoardFilter, today: date) -> list[ColumnElement[bool]]:
    """Which issues are listed at all: the open ones on the board, a figure's in a drill-down."""
    scope = filters.scope
    if scope is None:
        return [open_clause()]
    clauses: list[ColumnElement[bool]] = [live(Issue)]
    if scope in (Scope.evaluated, Scope.satisfied):
        assert filters.evaluated_from is not None and filters.evaluated_to is not None
        clauses.append(
            figure_sql.evaluated_between(
                filters.evaluated_from, filters.evaluated_to, satisfied=scope == Scope.satisfied
            )
        )
        return clauses
    if scope in (Scope.escalated, Scope.de_escalated):
        assert filters.moved_from is not None and filters.moved_to is not None
        clauses.append(
            figure_sql.moved_between(
                filters.moved_from,
                filters.moved_to,
                up=scope == Scope.escalated,
                tier=filters.at_tier,
                unit_id=filters.at_unit_id,
            )
        )
        return clauses
    if filters.opened_from is not None:
        clauses.append(col(Issue.opened_on) >= filters.opened_from)
    if filters.opened_to is not None:
        clauses.append(col(Issue.opened_on) < filters.opened_to)
    if scope == Scope.withdrawn:
        return [*clauses, col(Issue.withdrawn_at).is_not(None)]
    # An issue closed as withdrawn is in no other figure (docs/rules/figures.md).
    clauses.append(col(Issue.withdrawn_at).is_(None))
    extra = {
        Scope.opened: None,
        Scope.open: col(Issue.status) != IssueStatus.closed,
        Scope.overdue: figure_sql.overdue(today),
        Scope.closed: figure_sql.is_closed(),
        Scope.decided: figure_sql.two_months_decided(today),
        Scope.done: figure_sql.done_in_two_months(),
        Scope.timed: figure_sql.judged_at(
            today, on_time=False, tier=filters.at_tier, unit_id=filters.at_unit_id
        ),
        Scope.on_time: figure_sql.judged_at(
            today, on_time=True, tier=filters.at_tier, unit_id=filters.at_unit_id
        ),
    }[scope]
    if extra is not None:
        clauses.append(extra)
    return clauses


def _where(filters: BoardFilter, today: date, grace_days: int) -> list[ColumnElement[bool]]:
    clauses = [*_scope_clauses(filters, today), *_filter_clauses(filters)]
    if filters.colour is not None:
        rank = next(r for r, c in RANK_COLOUR.items() if c == filters.colour)
        clauses.append(_colour(today, filters, grace_days) == rank)
    return clauses


def _filter_clauses(filters: BoardFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.station_id is not None:
        clauses.append(col(Issue.station_id) == filters.station_id)
    if filters.channel is not None:
        clauses.append(figure_sql.first_channel() == filters.channel.value)
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


# How many issues of each colour at each tier (`board_counts`).
BoardCounts = dict[Tier, dict[Colour, int]]


def list_board(
    *,
    session: Session,
    today: date,
    filters: BoardFilter = BoardFilter(),
    limit: int = PAGE_SIZE,
    offset: int = 0,
    order: BoardOrder = BoardOrder.colour,
    counts: BoardCounts | None = None,
) -> Page[IssueRow]:
    """Open issues, grouped by tier (village, township, county) and worst first within a tier:
    red, then yellow, then green, the nearest due date first. A drill-down (`filters.scope`)
    lists closed issues too, worst colour first. `BoardOrder.urgency` puts the most urgent
    first instead (store.desk.urgency), then the nearest due date.

    Args:
        counts: `board_counts` for the same filters and day, when the caller has them already:
            their sum is the total (not counted again: a read of every issue listed, a county's
            year in a drill-down 60-80 ms at 600,000 visits), and in the colour order they say
            which tiers and colours the page holds, so only those are read and sorted.
    """
    settings = load_settings(session=session)
    grace = settings.evaluation_grace_days
    where = _where(filters, today, grace)
    sort = _board_order(today, filters, grace, order)
    page_where, page_offset = where, offset
    if counts is None:
        total = session.exec(select(func.count()).select_from(Issue).where(*where)).one()
    else:
        total = sum(sum(by_colour.values()) for by_colour in counts.values())
        if order == BoardOrder.colour:
            groups, page_offset = _groups_of_page(counts, offset, limit)
            if not groups:
                return Page((), total, offset, limit)
            page_where = [*where, *_in_groups(groups, _colour(today, filters, grace))]
    # The page's ids first, sorted on the issue table alone (on the open board, a scan of the
    # covering index ix_issue_open_urgency); then the joins for those rows only. Sorting the
    # joined rows instead reads every open issue's unit, village and category: 105 ms for
    # 34,000 open issues, against 16 ms.
    page_ids = select(Issue.id).where(*page_where).order_by(*sort).limit(limit).offset(page_offset)
    rows = session.exec(rows_query().where(col(Issue.id).in_(page_ids)).order_by(*sort)).all()
    return Page(
        tuple(to_row(*r, today=today, settings=settings) for r in rows), total, offset, limit
    )


def _groups_of_page(
    counts: BoardCounts, offset: int, limit: int
) -> tuple[list[tuple[Tier, int]], int]:
    """The (tier, colour rank) groups that rows [offset, offset + limit) of the colour order fall
    in, in that order, and where the page starts within the first of them."""
    groups: list[tuple[Tier, int]] = []
    start = first = 0
    for tier in Tier:
        for rank in sorted(RANK_COLOUR, reverse=True):
            n = counts[tier][RANK_COLOUR[rank]]
            if n and start < offset + limit and offset < start + n:
                if not groups:
                    first = offset - start
                groups.append((tier, rank))
            start += n
    return groups, first


def _in_groups(
    groups: list[tuple[Tier, int]], colour: ColumnElement[int]
) -> list[ColumnElement[bool]]:
    """The clauses that keep a page's groups. A red issue is always an open one (a closed or a
    withdrawn issue is never red): saying so lets a page of red issues, the one a board or a
    figure's drill-down opens on, be read from the open issues' index (a county's year: 54 ms to
    3 at 600,000 visits) instead of sorting every issue of the figure."""
    clauses = [or_(*(and_(col(Issue.tier) == tier, colour == rank) for tier, rank in groups))]
    if all(rank == 2 for _, rank in groups):
        clauses.append(col(Issue.status) != IssueStatus.closed)
    return clauses


def _colour(today: date, filters: BoardFilter, grace_days: int) -> ColumnElement[int]:
    if filters.scope is None:
        return colour_rank(today)
    return figure_sql.any_colour_rank(today, grace_days)


def _board_order(
    today: date,
    filters: BoardFilter = BoardFilter(),
    grace_days: int = 0,
    order: BoardOrder = BoardOrder.colour,
) -> tuple[SQLColumnExpression[Any], ...]:
    if order == BoardOrder.urgency:
        return (issue_urgency_sql(today).desc(), col(Issue.due_on), col(Issue.id))
    tier_order = case({t.value: i for i, t in enumerate(Tier)}, value=col(Issue.tier), else_=9)
    colour = _colour(today, filters, grace_days)
    return (tier_order, colour.desc(), col(Issue.due_on), col(Issue.id))


def board_position(
    *,
    session: Session,
    today: date,
    issue_id: str,
    filters: BoardFilter = BoardFilter(),
    order: BoardOrder = BoardOrder.colour,
) -> int | None:
    """Where an issue stands on the board (0-based), or None when it is not on it: so that the
    board can open on the page of the issue just triaged."""
    grace = load_settings(session=session).evaluation_grace_days
    ranked = (
        select(
            col(Issue.id).label("id"),
            func.row_number().over(order_by=_board_order(today, filters, grace, order)).label("n"),
        )
        .where(*_where(filters, today, grace))
        .subquery()
    )
    n = session.exec(select(ranked.c.n).where(ranked.c.id == issue_id)).first()
    return None if n is None else int(n) - 1


def board_counts(
    *, session: Session, today: date, filters: BoardFilter = BoardFilter()
) -> BoardCounts:
    """How many open issues of each colour at each tier (zeros included); in a drill-down, how
    many of its issues, open or closed."""
    grace = load_settings(session=session).evaluation_grace_days if filters.scope else 0
    rank = _colour(today, filters, grace)
    rows = session.exec(
        select(Issue.tier, rank, func.count())
        .where(*_where(filters, today, grace))
        .group_by(Issue.tier, rank)
    ).all()
    counts = {tier: dict.fromkeys(Colour, 0) for tier in Tier}
    for tier, value, n in rows:
        counts[Tier(tier)][RANK_COLOUR[value]] = n
    return counts


def list_overdue(*, session: Session, today: date, limit: int = 10) -> Page[IssueRow]:
    """Open issues past their due date, the longest overdue first."""
    where = (open_clause(), col(Issue.due_on) < today)
    total = session.exec(select(func.count()).select_from(Issue).where(*where)).one()
    rows = session.exec(
        rows_query().where(*where).order_by(col(Issue.due_on), col(Issue.id)).limit(limit)
    ).all()
    settings = load_settings(session=session)
    return Page(tuple(to_row(*r, today=today, settings=settings) for r in rows), total, 0, limit)
