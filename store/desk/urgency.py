"""Urgency (紧急度): an explainable score for open issues and for visits awaiting triage.

The score is a sum of named parts, each a weight below times a fact the deputy can check: days
overdue, repeat visits, a vulnerable resident, the kind of request, re-supervision. Each part is
written once here in both forms: in Python, for the breakdown on the issue page ("逾期 5 天 +10 ·
重复来访 2 次 +6"), and as a SQL expression, so that the board and the triage queue sort by it
and stay paged from SQL. A test proves the two agree.

The issue's parts read only the issue's own columns (`kind` and `vulnerable` are kept on the
issue when visits are linked), which the partial index `ix_issue_open_urgency` covers: sorting
every open issue by urgency scans that index, never the table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    SQLColumnExpression,
    case,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col

from store.core.models import Constituent, Issue, IssueStatus, Visit, VisitKind
from store.core.rows import live

# -- the weights --------------------------------------------------------------------------------

# Each day past the due date: the promise made to the resident is being broken a bit more every
# day. Capped, so that one issue forgotten for a year does not hide everything else that is late.
POINTS_PER_OVERDUE_DAY = 2
OVERDUE_DAYS_CAP = 30
# A third of the window or less left (yellow): worth a look before it turns red, but less than
# any issue that is already late.
DUE_SOON_POINTS = 3
# Each time a resident came back about the same problem (重复诉求): the clearest sign that what
# was done so far did not reach them. Capped like the days.
POINTS_PER_REPEAT = 3
REPEAT_CAP = 5
# A resident the station gives priority to (困难群体: elderly living alone, disabled, in hardship)
# suffers more from the same delay.
VULNERABLE_POINTS = 5
# 再监督: the resident already judged the result unresolved or unsatisfactory once.
RESUPERVISION_POINTS = 8
# 诉求 is a problem someone suffers now; 意见 criticises how something is run; 建议 and 立法建议
# propose, on their own timelines (立法建议 go to the legislature's channel); 咨询 is mostly
# answered at the desk. Strictly decreasing, so the most pressing kind of an issue is
# well-defined.
KIND_POINTS: dict[VisitKind, int] = {
    VisitKind.request: 4,
    VisitKind.opinion: 2,
    VisitKind.suggestion: 1,
    VisitKind.legislative: 1,
    VisitKind.consultation: 0,
}
# The order in which kinds outrank each other on an issue (the points, ties by this order).
KIND_ORDER: tuple[VisitKind, ...] = (
    VisitKind.request,
    VisitKind.opinion,
    VisitKind.suggestion,
    VisitKind.legislative,
    VisitKind.consultation,
)
# A visit waiting for triage: each whole day it has waited, up to two weeks (triage is meant to
# happen the same day).
POINTS_PER_WAITING_DAY = 1
WAITING_DAYS_CAP = 14


def pressing_kind(kinds: Any) -> VisitKind:
    """The most pressing of some visits' kinds (诉求 before 意见 before 建议…): an issue's kind."""
    found = [VisitKind(k) for k in kinds]
    return min(found, key=KIND_ORDER.index) if found else VisitKind.request


# -- the breakdown --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UrgencyPart:
    """One reason in a score: `key` names it (catalogue `urgency.<key>`), `amount` is the days or
    times it counts, `points` what it adds."""

    key: str
    amount: int
    points: int


@dataclass(frozen=True)
class Urgency:
    score: int
    parts: tuple[UrgencyPart, ...]


def _urgency(parts: list[UrgencyPart]) -> Urgency:
    kept = tuple(p for p in parts if p.points)
    return Urgency(sum(p.points for p in kept), kept)


@dataclass(frozen=True)
class IssueFacts:
    """What an issue's urgency is made of: its own columns."""

    status: str
    due_on: date
    warn_on: date
    resupervision: bool
    repeat_count: int
    kind: str
    vulnerable: bool

    @classmethod
    def of(cls, issue: Issue) -> IssueFacts:
        return cls(
            status=issue.status,
            due_on=issue.due_on,
            warn_on=issue.warn_on,
            resupervision=issue.resupervision,
            repeat_count=issue.repeat_count,
            kind=issue.kind,
            vulnerable=issue.vulnerable,
        )


def issue_urgency(facts: IssueFacts, today: date) -> Urgency:
    """The urgency of an issue and why; a closed issue has none."""
    if facts.status == IssueStatus.closed:
        return Urgency(0, ())
    parts = []
    late = (today - facts.due_on).days
    if late > 0:
        days = min(late, OVERDUE_DAYS_CAP)
        parts.append(UrgencyPart("overdue", late, days * POINTS_PER_OVERDUE_DAY))
    elif today >= facts.warn_on:
        parts.append(UrgencyPart("due_soon", -late, DUE_SOON_POINTS))
    repeats = facts.repeat_count
    parts.append(UrgencyPart("repeat", repeats, min(repeats, REPEAT_CAP) * POINTS_PER_REPEAT))
    if facts.vulnerable:
        parts.append(UrgencyPart("vulnerable", 1, VULNERABLE_POINTS))
    parts.append(UrgencyPart(f"kind.{facts.kind}", 1, KIND_POINTS[VisitKind(facts.kind)]))
    if facts.resupervision:
        parts.append(UrgencyPart("resupervision", 1, RESUPERVISION_POINTS))
    return _urgency(parts)


@dataclass(frozen=True)
class VisitFacts:
    """What a waiting visit's urgency is made of."""

    kind: str
    vulnerable: bool
    # The resident's earlier visits about the same category: they have come back.
    earlier_visits: int
    received_at: datetime


def visit_urgency(facts: VisitFacts, now: datetime) -> Urgency:
    """The urgency of a visit awaiting triage and why."""
    waited = max(0, (_naive_utc(now) - _naive_utc(facts.received_at)) // timedelta(days=1))
    earlier = facts.earlier_visits
    return _urgency(
        [
            UrgencyPart(f"kind.{facts.kind}", 1, KIND_POINTS[VisitKind(facts.kind)]),
            UrgencyPart("vulnerable", 1, VULNERABLE_POINTS if facts.vulnerable else 0),
            UrgencyPart("came_before", earlier, min(earlier, REPEAT_CAP) * POINTS_PER_REPEAT),
            UrgencyPart("waiting", waited, min(waited, WAITING_DAYS_CAP) * POINTS_PER_WAITING_DAY),
        ]
    )


# -- the same in SQL ------------------------------------------------------------------------------


class _DaysAfter(FunctionElement[int]):
    """Whole days from `earlier` (a date column) to `today` (a date): negative before it."""

    type = Integer()
    inherit_cache = True


class _WholeDaysSince(FunctionElement[int]):
    """Whole 24-hour days from `then` (a timestamp column) to `now`."""

    type = Integer()
    inherit_cache = True


@compiles(_DaysAfter, "sqlite")
@compiles(_WholeDaysSince, "sqlite")
def _days_between_sqlite(element: _DaysAfter | _WholeDaysSince, compiler: Any, **kw: Any) -> str:
    # Dates and timestamps are stored as ISO text. Two midnights' Julian days differ by a whole
    # number; two instants' by a fraction, which the cast truncates to the whole days between.
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)})"
        f" - julianday({compiler.process(earlier, **kw)}) AS INTEGER)"
    )


@compiles(_DaysAfter)
def _days_after_default(element: _DaysAfter, compiler: Any, **kw: Any) -> str:
    today, earlier = list(element.clauses)
    return f"({compiler.process(today, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(_WholeDaysSince)
def _whole_days_default(element: _WholeDaysSince, compiler: Any, **kw: Any) -> str:
    now, then = list(element.clauses)
    return (
        f"CAST(floor(extract(epoch FROM ({compiler.process(now, **kw)}"
        f" - {compiler.process(then, **kw)})) / 86400) AS INTEGER)"
    )


def _capped(amount: SQLColumnExpression[int], cap: int, weight: int) -> ColumnElement[int]:
    """min(max(amount, 0), cap) × weight, in SQL that PostgreSQL runs too."""
    return case((amount >= cap, cap * weight), (amount > 0, amount * weight), else_=0)


def _kind_points(kind: SQLColumnExpression[str]) -> ColumnElement[int]:
    return case({k.value: p for k, p in KIND_POINTS.items()}, value=kind, else_=0)


def issue_urgency_sql(today: date) -> ColumnElement[int]:
    """`issue_urgency(...).score` as a column expression over `issue` (its own columns only)."""
    late = _DaysAfter(literal(today), col(Issue.due_on))
    time_part = case(
        (col(Issue.due_on) < today, _capped(late, OVERDUE_DAYS_CAP, POINTS_PER_OVERDUE_DAY)),
        (col(Issue.warn_on) <= today, DUE_SOON_POINTS),
        else_=0,
    )
    score = (
        time_part
        + _capped(col(Issue.repeat_count), REPEAT_CAP, POINTS_PER_REPEAT)
        + case((col(Issue.vulnerable).is_(True), VULNERABLE_POINTS), else_=0)
        + _kind_points(col(Issue.kind))
        + case((col(Issue.resupervision).is_(True), RESUPERVISION_POINTS), else_=0)
    )
    return case((col(Issue.status) == IssueStatus.closed, 0), else_=score)


def earlier_visits_sql() -> ColumnElement[int]:
    """The resident's earlier visits in the visit's category (a correlated count over `visit`)."""
    other = aliased(Visit)
    return (
        select(func.count())
        .where(
            col(other.constituent_id) == col(Visit.constituent_id),
            col(other.category_id) == col(Visit.category_id),
            col(other.received_at) < col(Visit.received_at),
            live(other),
        )
        .scalar_subquery()
    )


def visit_urgency_sql(now: datetime) -> ColumnElement[int]:
    """`visit_urgency(...).score` over `visit` joined to its `constituent`."""
    waited = _WholeDaysSince(literal(_naive_utc(now), DateTime()), col(Visit.received_at))
    return (
        _kind_points(col(Visit.kind))
        + case((col(Constituent.vulnerable).is_(True), VULNERABLE_POINTS), else_=0)
        + _capped(earlier_visits_sql(), REPEAT_CAP, POINTS_PER_REPEAT)
        + _capped(cast(waited, Integer), WAITING_DAYS_CAP, POINTS_PER_WAITING_DAY)
    )


def _naive_utc(moment: datetime) -> datetime:
    """As the store keeps timestamps: UTC without a zone."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
