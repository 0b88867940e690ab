"""Follow-up calls (回访): closed issues still waiting for the resident's evaluation, oldest first.

The deputy calls the resident who raised the issue (its first visit). The phone is masked until the
deputy reveals it, and every reveal is recorded in the access log (who, when, which resident).

A call nobody answers (未接通) is recorded as a try (`record_no_answer`: who, when): the issue
waits at the end of the list until the station's wait is over (`follow_up.retry_hours`, 4 by
default), then comes back in its place. The try that reaches the station's number of tries
(`follow_up.max_tries`, 3) gives up: the issue leaves the list for the list of those who could
not be reached (未能回访, `list_unreachable`), where a resident who calls back can still give a
verdict. Tries count per closure: a reopened issue closed again is followed up afresh."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from store.changelog.changes import write_context
from store.core.errors import N_, InvalidStatusMove, IssueNotFound
from store.core.hub_mark import refuse_on_hub
from store.core.models import (
    Constituent,
    Issue,
    IssueStatus,
    UnansweredCall,
    Unit,
    Village,
    Visit,
)
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import live
from store.core.settings import StationSettings, load_settings
from store.core.validation import mask_phone
from store.desk.issue_rows import live_issue
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
    # Calls nobody answered since it was closed, and the station's number of tries.
    tries: int = 0
    max_tries: int = 0
    # When to call again after a try nobody answered (past: now); None before any try, and
    # once given up.
    call_again_at: datetime | None = None
    # When the station gave up (未能回访); None while the calls go on.
    gave_up_at: datetime | None = None


@dataclass(frozen=True)
class NoAnswer:
    """A try recorded: the tries so far, whether it was the last, when to call again."""

    issue_id: str
    tries: int
    max_tries: int
    gave_up: bool
    call_again_at: datetime | None


def awaiting_verdict() -> tuple[ColumnElement[bool], ...]:
    """Closed issues still without the resident's verdict: the follow-up list's. An issue
    closed because its residents withdrew (撤回) awaits none."""
    return (
        col(Issue.status) == IssueStatus.closed,
        col(Issue.satisfaction).is_(None),
        col(Issue.withdrawn_at).is_(None),
        live(Issue),
    )


def _this_closure() -> ColumnElement[bool]:
    """The tries of the issue's present closure (correlated to `issue`)."""
    return and_(
        col(UnansweredCall.issue_id) == col(Issue.id),
        col(UnansweredCall.round) == col(Issue.reopen_count),
        live(UnansweredCall),
    )


def _given_up() -> ColumnElement[bool]:
    return exists().where(_this_closure(), col(UnansweredCall.gave_up).is_(True))


def _tries() -> Any:
    return select(func.count()).where(_this_closure()).scalar_subquery()


def _last_try() -> Any:
    return select(func.max(UnansweredCall.at)).where(_this_closure()).scalar_subquery()


def _first_visit(session: Session, issue_id: str) -> Visit | None:
    return session.exec(
        select(Visit)
        .where(Visit.issue_id == issue_id, live(Visit))
        .order_by(col(Visit.received_at), col(Visit.id))
        .limit(1)
    ).first()


def list_follow_ups(
    *,
    session: Session,
    today: date,
    now: datetime,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Page[FollowUpRow]:
    """Closed issues without an evaluation and not given up, the longest waiting first; those
    whose last try was less than the station's wait ago at the end.

    Two reads, each in the order of the index of the issues awaiting a verdict (closing day,
    id): the issues to call now, then those tried within the wait. One ORDER BY on whether an
    issue was tried would work that out for every issue awaiting a verdict (64,000 on a county
    hub of 600,000 visits) to show 50."""
    settings = load_settings(session=session)
    cutoff = now - timedelta(hours=settings.call_retry_hours)
    # Neither given up nor tried since the cutoff, said as one NOT EXISTS: as two, PostgreSQL
    # reads the tries twice for each issue awaiting a verdict (60 ms for 64,000, against 24).
    to_call = (
        *awaiting_verdict(),
        ~exists().where(
            _this_closure(),
            or_(col(UnansweredCall.gave_up).is_(True), col(UnansweredCall.at) > cutoff),
        ),
    )
    tried = (*awaiting_verdict(), ~_given_up(), _tried_since(cutoff))
    first = _count(session, to_call)
    rows = _rows(session, to_call, limit, offset) if offset < first else []
    if len(rows) < limit:
        rows += _rows(session, tried, limit - len(rows), max(0, offset - first))
    total = first + _count(session, tried)
    return _page(session, today, settings, rows, total, offset, limit, given_up=False)


def list_unreachable(
    *, session: Session, today: date, limit: int = PAGE_SIZE, offset: int = 0
) -> Page[FollowUpRow]:
    """Closed issues whose resident could not be reached (未能回访): the station gave up after
    its number of tries. Still waiting for a verdict, should the resident call back."""
    settings = load_settings(session=session)
    where = (*awaiting_verdict(), _given_up())
    rows = _rows(session, where, limit, offset)
    return _page(
        session, today, settings, rows, _count(session, where), offset, limit, given_up=True
    )


def count_unreachable(*, session: Session) -> int:
    """How many issues are listed as could not be reached (未能回访)."""
    return _count(session, (*awaiting_verdict(), _given_up()))


def _tried_since(cutoff: datetime) -> ColumnElement[bool]:
    return exists().where(_this_closure(), col(UnansweredCall.at) > cutoff)


def _count(session: Session, where: tuple[ColumnElement[bool], ...]) -> int:
    return int(session.exec(select(func.count()).select_from(Issue).where(*where)).one())


# An issue of the list, its unit and village, its tries and the last of them.
_Row = tuple[Issue, str, str, int, datetime | None]


def _rows(
    session: Session, where: tuple[ColumnElement[bool], ...], limit: int, offset: int
) -> list[_Row]:
    """The issues of `where` from `offset`, oldest closure first."""
    # More columns than sqlmodel's select() types (four): its Select, typed by hand.
    query: Select[Issue, str, str, int, datetime | None] = Select(
        Issue, col(Unit.name), col(Village.name), _tries(), _last_try()
    )
    return list(
        session.exec(
            query.join(Unit, col(Unit.id) == Issue.unit_id)
            .join(Village, col(Village.id) == Issue.village_id)
            .where(*where)
            .order_by(col(Issue.closed_on), col(Issue.id))
            .limit(limit)
            .offset(offset)
        ).all()
    )


def _page(
    session: Session,
    today: date,
    settings: StationSettings,
    rows: list[_Row],
    total: int,
    offset: int,
    limit: int,
    *,
    given_up: bool,
) -> Page[FollowUpRow]:
    items = []
    retry = timedelta(hours=settings.call_retry_hours)
    people, residents = _residents(session, [issue.id for issue, *_ in rows])
    for issue, unit, village, tries, last in rows:
        person = people.get(issue.id)
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
                residents=residents.get(issue.id, 0),
                tries=int(tries),
                max_tries=settings.call_max_tries,
                # No try is taken after the last: given up, the last try is when.
                call_again_at=last + retry if last is not None and not given_up else None,
                gave_up_at=last if given_up else None,
            )
        )
    return Page(tuple(items), total, offset, limit)


def _residents(
    session: Session, issue_ids: list[str]
) -> tuple[dict[str, Constituent], dict[str, int]]:
    """For each of a page's issues, the resident of its first visit (the one to call) and how
    many residents its visits came from: three reads for the page, not three an issue (150
    statements for a page of 50, 50 ms on a county hub)."""
    ranked = (
        select(
            col(Visit.issue_id).label("issue_id"),
            col(Visit.constituent_id).label("constituent_id"),
            func.row_number()
            .over(partition_by=Visit.issue_id, order_by=(col(Visit.received_at), col(Visit.id)))
            .label("n"),
        )
        .where(col(Visit.issue_id).in_(issue_ids), live(Visit))
        .subquery()
    )
    first = dict(
        session.exec(
            select(ranked.c.issue_id, ranked.c.constituent_id).where(ranked.c.n == 1)
        ).all()
    )
    # As the first visit names them, deleted or not (a purged resident's name is gone already).
    people = {
        person.id: person
        for person in session.exec(
            select(Constituent).where(col(Constituent.id).in_(set(first.values())))
        )
    }
    counts = session.exec(
        select(Visit.issue_id, func.count(func.distinct(Visit.constituent_id)))
        .where(col(Visit.issue_id).in_(issue_ids), live(Visit))
        .group_by(Visit.issue_id)
    ).all()
    return (
        {issue_id: people[c] for issue_id, c in first.items() if c in people},
        {issue_id: int(n) for issue_id, n in counts if issue_id is not None},
    )


def _gave_up_at(session: Session, issue: Issue) -> datetime | None:
    return session.exec(
        select(func.max(UnansweredCall.at)).where(
            UnansweredCall.issue_id == issue.id,
            UnansweredCall.round == issue.reopen_count,
            col(UnansweredCall.gave_up).is_(True),
            live(UnansweredCall),
        )
    ).one()


def record_no_answer(*, session: Session, issue_id: str) -> NoAnswer:
    """A follow-up call nobody answered (未接通), by the deputy on duty, now. The try that
    reaches the station's number of tries gives up: the issue is listed as could not be
    reached (未能回访) from then on.

    Args:
        session: a write session.
        issue_id: a closed issue waiting for its verdict, not given up.
    Returns:
        The tries so far and what comes next.
    Raises:
        IssueNotFound: no such issue.
        InvalidStatusMove: the issue is open or has its verdict (`error.no_call_awaited`), or the
            station gave up calling (`error.call_given_up`).
        HubRefused: the database is a county hub's, where no one is on duty to call.
    """
    refuse_on_hub(session, N_("error.hub_no_calls"))
    ctx = write_context(session)
    issue = live_issue(session, issue_id)
    if issue.status != IssueStatus.closed or issue.satisfaction is not None:
        raise InvalidStatusMove("error.no_call_awaited")
    settings = load_settings(session=session)
    if _gave_up_at(session, issue) is not None:
        raise InvalidStatusMove("error.call_given_up")
    earlier = session.exec(
        select(func.count()).where(
            UnansweredCall.issue_id == issue.id,
            UnansweredCall.round == issue.reopen_count,
            live(UnansweredCall),
        )
    ).one()
    tries = int(earlier) + 1
    gave_up = tries >= settings.call_max_tries
    now = ctx.clock.now()
    session.add(
        UnansweredCall(
            issue_id=issue.id,
            at=now,
            deputy_id=ctx.actor.deputy_id,
            round=issue.reopen_count,
            gave_up=gave_up,
        )
    )
    again = None if gave_up else now + timedelta(hours=settings.call_retry_hours)
    return NoAnswer(issue.id, tries, settings.call_max_tries, gave_up, again)


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
