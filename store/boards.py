"""The colour board (三色榜): open issues by tier and colour, counted and paged in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func
from sqlmodel import Session, col, select

from store.issue_rows import RANK_COLOUR, IssueRow, colour_rank, open_clause, rows_query, to_row
from store.models import Colour, Issue, IssueStatus, Tier
from store.paging import PAGE_SIZE, Page
from store.settings import load_settings


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
    where = [open_clause(), *_filter_clauses(filters)]
    total = session.exec(select(func.count()).select_from(Issue).where(*where)).one()
    rows = session.exec(
        rows_query().where(*where).order_by(*_board_order(today)).limit(limit).offset(offset)
    ).all()
    settings = load_settings(session=session)
    return Page(
        tuple(to_row(*r, today=today, settings=settings) for r in rows), total, offset, limit
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
        .where(open_clause(), *_filter_clauses(filters))
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
        .where(open_clause(), *_filter_clauses(filters))
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
