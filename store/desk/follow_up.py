"""Follow-up calls (回访): closed issues still waiting for the resident's evaluation, oldest first.

The deputy calls the resident who raised the issue (its first visit). The phone is masked until the
deputy reveals it, and every reveal is recorded in the access log (who, when, which resident)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from store.core.errors import IssueNotFound
from store.core.models import Constituent, Issue, IssueStatus, Unit, Village, Visit
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import live
from store.core.validation import mask_phone
from store.trust.reveals import log_reveal


@dataclass(frozen=True)
class FollowUpRow:
    issue_id: str
    title: str
    closed_on: date
    days_waiting: int
    unit: str
    village: str
    resident: str
    phone_masked: str
    residents: int


def _awaiting() -> tuple[ColumnElement[bool], ...]:
    return (
        col(Issue.status) == IssueStatus.closed,
        col(Issue.satisfaction).is_(None),
        live(Issue),
    )


def _first_visit(session: Session, issue_id: str) -> Visit | None:
    return session.exec(
        select(Visit)
        .where(Visit.issue_id == issue_id, live(Visit))
        .order_by(col(Visit.received_at), col(Visit.id))
        .limit(1)
    ).first()


def list_follow_ups(
    *, session: Session, today: date, limit: int = PAGE_SIZE, offset: int = 0
) -> Page[FollowUpRow]:
    """Closed issues without an evaluation, the longest waiting first."""
    total = session.exec(select(func.count()).select_from(Issue).where(*_awaiting())).one()
    rows = session.exec(
        select(Issue, Unit.name, Village.name)
        .join(Unit, col(Unit.id) == Issue.unit_id)
        .join(Village, col(Village.id) == Issue.village_id)
        .where(*_awaiting())
        .order_by(col(Issue.closed_on), col(Issue.id))
        .limit(limit)
        .offset(offset)
    ).all()
    items = []
    for issue, unit, village in rows:
        first = _first_visit(session, issue.id)
        person = session.get(Constituent, first.constituent_id) if first else None
        residents = session.exec(
            select(func.count(func.distinct(Visit.constituent_id))).where(
                Visit.issue_id == issue.id, live(Visit)
            )
        ).one()
        assert issue.closed_on is not None
        items.append(
            FollowUpRow(
                issue_id=issue.id,
                title=issue.title,
                closed_on=issue.closed_on,
                days_waiting=(today - issue.closed_on).days,
                unit=unit,
                village=village,
                resident=person.name if person else "",
                phone_masked=mask_phone(person.phone) if person else "",
                residents=int(residents),
            )
        )
    return Page(tuple(items), int(total), offset, limit)


def reveal_phone(*, session: Session, issue_id: str) -> str:
    """The phone of the resident who raised the issue, in clear; the reveal is logged.

    Raises:
        IssueNotFound: no such issue, or no resident on it.
    """
    first = _first_visit(session, issue_id)
    person = session.get(Constituent, first.constituent_id) if first else None
    if person is None:
        raise IssueNotFound()
    log_reveal(session=session, table_name="constituent", row_ids=[person.id])
    return person.phone
