"""How an issue reads in lists: its row, its colour in Python and in SQL, the row query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col
from sqlmodel.sql.expression import Select

from store.core.errors import IssueNotFound
from store.core.models import Category, Colour, Deputy, Issue, IssueStatus, Tier, Unit, Village
from store.core.rows import get_live, live
from store.core.rules import closed_colour, open_colour
from store.core.settings import StationSettings, load_settings
from store.desk.urgency import IssueFacts, Urgency, issue_urgency


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
    # How urgent it is and why (store.desk.urgency): what the board's `o` sorts by.
    urgency: Urgency = Urgency(0, ())


def colour_rank(today: date) -> ColumnElement[int]:
    """An open issue's colour as a number in SQL (2 red, 1 yellow, 0 green): range tests on the
    indexed due and warning dates, the same rule as `rules.open_colour`."""
    return case(
        (or_(col(Issue.resupervision).is_(True), col(Issue.due_on) < today), 2),
        (col(Issue.warn_on) <= today, 1),
        else_=0,
    )


RANK_COLOUR = {0: Colour.green, 1: Colour.yellow, 2: Colour.red}
_Lead = aliased(Deputy)


# An issue row: the issue, its unit's, village's and category's names, and its lead deputy's.
IssueRowQuery = Select[Issue, str, str, str, str | None]


def rows_query() -> IssueRowQuery:
    # More columns than sqlmodel's select() types (four): its Select, typed by hand.
    query: IssueRowQuery = Select(
        Issue, col(Unit.name), col(Village.name), col(Category.name), col(_Lead.name)
    )
    return (
        query.join(Unit, col(Unit.id) == Issue.unit_id)
        .join(Village, col(Village.id) == Issue.village_id)
        .join(Category, col(Category.id) == Issue.category_id)
        .outerjoin(_Lead, col(_Lead.id) == Issue.lead_deputy_id)
        .where(live(Issue))
    )


def issue_colour(issue: Issue, today: date, settings: StationSettings) -> Colour:
    if issue.withdrawn_at is not None:
        # Closed because its residents withdrew (撤回): nothing is pending, no verdict awaited.
        return Colour.green
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


def to_row(
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
        urgency=issue_urgency(IssueFacts.of(issue), today),
    )


def open_clause() -> ColumnElement[bool]:
    return and_(col(Issue.status) != IssueStatus.closed, live(Issue))


def get_issue_row(*, session: Session, issue_id: str, today: date) -> IssueRow | None:
    """One issue as a list row (what a write returns), or None if there is no such issue."""
    found = session.exec(rows_query().where(Issue.id == issue_id)).first()
    if found is None:
        return None
    return to_row(*found, today=today, settings=load_settings(session=session))


def live_issue(session: Session, issue_id: str) -> Issue:
    """The issue, not deleted; IssueNotFound otherwise."""
    return get_live(session, Issue, issue_id, IssueNotFound)


def written_row(session: Session, issue_id: str, today: date) -> IssueRow:
    """The row of an issue just written in this transaction."""
    session.flush()
    row = get_issue_row(session=session, issue_id=issue_id, today=today)
    assert row is not None  # written a moment ago in this transaction
    return row
