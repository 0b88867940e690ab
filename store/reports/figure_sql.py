"""The SQL behind the headline figures (docs/rules/figures.md), shared by the statistics and the
board's drill-down so that a figure and the list of issues it counts can never disagree.

Every rule here is a column expression over `issue` (or `visit`), so that figures are `GROUP BY`
queries and drill-downs are `WHERE` clauses of the same text."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Exists,
    ScalarSelect,
    SQLColumnExpression,
    and_,
    case,
    extract,
    or_,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col, select

from store.core.models import (
    Channel,
    Evaluation,
    Issue,
    IssueMove,
    IssueStatus,
    Satisfaction,
    Tier,
    Visit,
)
from store.core.rows import live

# Channels through which someone else carries a resident's words to the station: an observer
# (民情观察员) reports what they saw or heard, and a leader's session at the station (领导进站)
# brings issues raised by cadres. Every other channel (walk-in, deputy code, phone, home visit,
# forums, online) is the resident speaking to a deputy themselves.
RELAYED_CHANNELS: tuple[Channel, ...] = (Channel.observer, Channel.leader_visit)
SATISFIED: tuple[Satisfaction, ...] = (Satisfaction.satisfied, Satisfaction.fairly)


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months, clamped to the month's end (Dec 31 + 2 → Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def two_month_cutoff(today: date) -> date:
    """The first opening day whose two months have not passed by `today`: an issue opened
    before it had until a day before today (its two months have elapsed)."""
    day = add_months(today, -2) - timedelta(days=3)
    while add_months(day, 2) < today:
        day += timedelta(days=1)
    return day


def is_closed() -> ColumnElement[bool]:
    return and_(col(Issue.status) == IssueStatus.closed, col(Issue.closed_on).is_not(None))


def done_in_two_months() -> ColumnElement[bool]:
    """Closed (its latest closure) no later than its opening day plus two calendar months."""
    return and_(is_closed(), _WithinTwoMonths(col(Issue.closed_on), col(Issue.opened_on)))


class _WithinTwoMonths(FunctionElement[bool]):
    """`closed` no later than `opened` plus two calendar months, month ends clamped (`add_months`):
    each database's own fastest form of the same rule."""

    type = Boolean()
    inherit_cache = True
    name = "within_two_months"


@compiles(_WithinTwoMonths)
def _within_two_months(element: _WithinTwoMonths, compiler: Any, **kw: Any) -> str:
    # Month arithmetic on the stored dates (SQLite's date(d, '+2 months') overflows Dec 31 into
    # March): closed in the same or the next month, or in the second month on a day not after
    # the opening day (month ends clamp by themselves: the closing day can never pass the end of
    # its own month).
    closed, opened = list(element.clauses)
    months = (extract("year", closed) * 12 + extract("month", closed)) - (
        extract("year", opened) * 12 + extract("month", opened)
    )
    rule = or_(months < 2, and_(months == 2, extract("day", closed) <= extract("day", opened)))
    return f"({compiler.process(rule, **kw)})"


@compiles(_WithinTwoMonths, "postgresql")
def _within_two_months_pg(element: _WithinTwoMonths, compiler: Any, **kw: Any) -> str:
    # PostgreSQL's date + interval clamps month ends as `add_months` does (Dec 31 + 2 months =
    # Feb 28). Its EXTRACT returns numeric: the month arithmetic above cost 100 ms of the 120 of
    # a year's issues at a county hub (61,000 issues), this 5–20 ms.
    closed, opened = list(element.clauses)
    return (
        f"({compiler.process(closed, **kw)}"
        f" <= {compiler.process(opened, **kw)} + interval '2 months')"
    )


def two_months_decided(today: date) -> ColumnElement[bool]:
    """Counted in the two-month rate: done within two months, or its two months are over."""
    return or_(done_in_two_months(), col(Issue.opened_on) < two_month_cutoff(today))


def overdue(today: date) -> ColumnElement[bool]:
    return and_(col(Issue.status) != IssueStatus.closed, col(Issue.due_on) < today)


def any_colour_rank(today: date, grace_days: int) -> ColumnElement[int]:
    """Any issue's colour as a number (2 red, 1 yellow, 0 green), open or closed:
    docs/rules/colours-and-windows.md and `issue_rows.issue_colour`, in SQL."""
    closed = col(Issue.status) == IssueStatus.closed
    return case(
        # Withdrawn (撤回): nothing pending, as `issue_rows.issue_colour` says.
        (col(Issue.withdrawn_at).is_not(None), 0),
        (and_(closed, col(Issue.satisfaction).in_(SATISFIED)), 0),
        (
            and_(
                closed,
                col(Issue.satisfaction).is_(None),
                col(Issue.closed_on) < today - timedelta(days=grace_days),
            ),
            1,
        ),
        (closed, 0),
        (or_(col(Issue.resupervision).is_(True), col(Issue.due_on) < today), 2),
        (col(Issue.warn_on) <= today, 1),
        else_=0,
    )


def first_channel() -> ScalarSelect[str]:
    """The channel of the visit that brought an issue in (its earliest): the issue's channel."""
    return (
        select(Visit.channel)
        .where(col(Visit.issue_id) == Issue.id, live(Visit))
        .order_by(col(Visit.received_at), col(Visit.id))
        .limit(1)
        .scalar_subquery()
    )


def is_direct(channel: SQLColumnExpression[str]) -> ColumnElement[bool]:
    return channel.not_in([c.value for c in RELAYED_CHANNELS])


def evaluated_between(start: object, end: object, *, satisfied: bool) -> ColumnElement[bool]:
    """The issue has an evaluation made in [start, end) (instants in UTC), a satisfied one if
    `satisfied`."""
    where = [
        col(Evaluation.issue_id) == Issue.id,
        live(Evaluation),
        col(Evaluation.at) >= start,
        col(Evaluation.at) < end,
    ]
    if satisfied:
        where.append(col(Evaluation.satisfaction).in_(SATISFIED))
    return select(Evaluation.id).where(*where).exists()


# ---------------------------------------------------------------------------------------------
# Tiers: moves (升级/降级, store.desk.moves) and "on time" judged at each tier.

_TIER_RANKS = {tier.value: rank for rank, tier in enumerate(Tier)}


def moved_up() -> ColumnElement[bool]:
    """The move went up a tier (升级); down (降级) otherwise."""
    to_rank = case(_TIER_RANKS, value=col(IssueMove.to_tier), else_=0)
    from_rank = case(_TIER_RANKS, value=col(IssueMove.from_tier), else_=0)
    return to_rank > from_rank


def tier_judged(today: date) -> ColumnElement[bool]:
    """The issue's present tier is judged on time or late: at closing (frozen then), or late
    already while it is open past its due date. (The tiers it left were judged when it left
    them: `IssueMove.from_on_time`.)"""
    return or_(is_closed(), overdue(today))


def tier_on_time() -> ColumnElement[bool]:
    """Closed within the window of the tier it was at, counted from the day it came there."""
    return and_(is_closed(), col(Issue.closed_within_window).is_(True))


def moved_between(
    start: object,
    end: object,
    *,
    up: bool,
    tier: Tier | None = None,
    unit_id: str | None = None,
) -> Exists:
    """The issue moved up (or down) in [start, end) (instants in UTC), leaving `tier` or
    `unit_id` if given: the escalations' drill-down, by the tier and unit the move left."""
    where = [
        col(IssueMove.issue_id) == Issue.id,
        live(IssueMove),
        col(IssueMove.moved_at) >= start,
        col(IssueMove.moved_at) < end,
        moved_up() if up else ~moved_up(),
    ]
    if tier is not None:
        where.append(col(IssueMove.from_tier) == tier)
    if unit_id is not None:
        where.append(col(IssueMove.from_unit_id) == unit_id)
    return select(IssueMove.id).where(*where).exists()


def judged_at(
    today: date, *, on_time: bool, tier: Tier | None = None, unit_id: str | None = None
) -> ColumnElement[bool]:
    """Some tier of the issue was judged (`on_time`: judged on time) at `tier` or `unit_id` if
    given: a move from it, or its present tier judged. The per-tier figures' drill-downs."""
    moved = [col(IssueMove.issue_id) == Issue.id, live(IssueMove)]
    present = [tier_on_time() if on_time else tier_judged(today)]
    if on_time:
        moved.append(col(IssueMove.from_on_time).is_(True))
    if tier is not None:
        moved.append(col(IssueMove.from_tier) == tier)
        present.append(col(Issue.tier) == tier)
    if unit_id is not None:
        moved.append(col(IssueMove.from_unit_id) == unit_id)
        present.append(col(Issue.unit_id) == unit_id)
    return or_(select(IssueMove.id).where(*moved).exists(), and_(*present))
