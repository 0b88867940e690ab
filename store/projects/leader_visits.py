"""Leader visits (领导干部进站): an official's session at the station — who came, when, about what,
which deputies sat with them — and the issues raised there, whose own status says what became of
them. The visits logged through the 领导进站 channel on the session's day link in one go."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from pydantic import field_validator
from sqlalchemy import case, func
from sqlmodel import Session, SQLModel, col, select

from store.changelog.changes import write_context
from store.core.clock import day_bounds, to_local
from store.core.errors import N_, DeputyNotFound, FieldInvalid, IssueNotFound, NotFound
from store.core.models import (
    Channel,
    Deputy,
    Issue,
    IssueStatus,
    LeaderVisit,
    LeaderVisitDeputy,
    LeaderVisitIssue,
    Station,
    Visit,
)
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import get_live, live
from store.core.settings import load_settings
from store.core.validation import TEXT_MAX, clean_name, strip_controls
from store.desk.issue_rows import IssueRow, rows_query, to_row


class LeaderVisitNotFound(NotFound):
    key = N_("error.leader_visit_not_found")


def _line(value: object, field: str, limit: int, *, required: bool = False) -> str:
    text = " ".join(strip_controls(str(value or "")).split())
    if required and not text:
        raise FieldInvalid("field.required", field)
    if len(text) > limit:
        raise FieldInvalid("field.too_long", field, limit=limit)
    return text


class LeaderVisitCreate(SQLModel):
    """A leader visit as the deputy logs it."""

    at: datetime
    leader: str
    position: str = ""
    topic: str = ""
    note: str = ""
    deputy_ids: list[str] = []
    issue_ids: list[str] = []
    # Also link the issues of the visits logged through the 领导进站 channel that day.
    link_channel_visits: bool = False

    @field_validator("leader", mode="before")
    @classmethod
    def _leader(cls, value: object) -> str:
        return clean_name(str(value or ""), field="leader")

    @field_validator("position", mode="before")
    @classmethod
    def _position(cls, value: object) -> str:
        return _line(value, "position", 100)

    @field_validator("topic", mode="before")
    @classmethod
    def _topic(cls, value: object) -> str:
        return _line(value, "topic", 200)

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: object) -> str:
        text = strip_controls(str(value or "")).strip()
        if len(text) > TEXT_MAX:
            raise FieldInvalid("field.too_long", "note", limit=TEXT_MAX)
        return text


@dataclass(frozen=True)
class LeaderVisitRow:
    id: str
    at: datetime
    leader: str
    position: str
    topic: str
    deputies: int
    issues: int
    issues_closed: int


@dataclass(frozen=True)
class LeaderVisitDetail:
    row: LeaderVisitRow
    note: str
    deputies: tuple[str, ...]
    # The issues raised there, as they stand today (status, colour).
    issues: tuple[IssueRow, ...]


@dataclass(frozen=True)
class LinkResult:
    linked: int
    # Visits of the channel that day still waiting for triage: no issue to link yet.
    untriaged: int


# ---------------------------------------------------------------------------------------------
# Writing


def log_leader_visit(
    *, session: Session, visit_in: LeaderVisitCreate, tz: tzinfo
) -> LeaderVisitRow:
    """Record a leader visit with its deputies and issues, in one transaction.

    Args:
        tz: the station's time zone (which day the session was, for the channel's visits).

    Raises:
        NotFound: a deputy that does not exist; IssueNotFound: an issue that does not exist.
    """
    write_context(session)
    station_id = session.exec(select(Station.id).where(live(Station))).first()
    if station_id is None:
        raise NotFound("error.station_missing")
    visit = LeaderVisit(
        station_id=station_id,
        at=visit_in.at,
        leader=visit_in.leader,
        position=visit_in.position,
        topic=visit_in.topic,
        note=visit_in.note,
    )
    session.add(visit)
    for deputy_id in dict.fromkeys(visit_in.deputy_ids):
        get_live(session, Deputy, deputy_id, DeputyNotFound)
        session.add(LeaderVisitDeputy(leader_visit_id=visit.id, deputy_id=deputy_id))
    session.flush()
    link_issues(session=session, leader_visit_id=visit.id, issue_ids=visit_in.issue_ids)
    if visit_in.link_channel_visits:
        link_channel_visits(session=session, leader_visit_id=visit.id, tz=tz)
    return _rows(session, [visit.id])[0]


def link_issues(*, session: Session, leader_visit_id: str, issue_ids: Sequence[str]) -> int:
    """Link issues raised at a leader visit; an issue already linked is not linked twice.

    Returns:
        How many issues were newly linked.
    """
    write_context(session)
    _visit(session, leader_visit_id)
    linked = set(_linked_ids(session, leader_visit_id))
    added = 0
    for issue_id in dict.fromkeys(issue_ids):
        if issue_id in linked:
            continue
        get_live(session, Issue, issue_id, IssueNotFound)
        session.add(LeaderVisitIssue(leader_visit_id=leader_visit_id, issue_id=issue_id))
        linked.add(issue_id)
        added += 1
    session.flush()
    return added


def link_channel_visits(*, session: Session, leader_visit_id: str, tz: tzinfo) -> LinkResult:
    """Link the issues of the visits logged through the 领导进站 channel on the session's day.

    Returns:
        How many issues were linked, and how many of those visits still wait for triage.
    """
    visit = _visit(session, leader_visit_id)
    start, end = day_bounds(to_local(visit.at, tz).date(), tz)
    rows = session.exec(
        select(Visit.issue_id).where(
            Visit.channel == Channel.leader_visit,
            col(Visit.received_at) >= start,
            col(Visit.received_at) < end,
            live(Visit),
        )
    ).all()
    issue_ids = [i for i in rows if i is not None]
    linked = link_issues(session=session, leader_visit_id=leader_visit_id, issue_ids=issue_ids)
    return LinkResult(linked=linked, untriaged=len(rows) - len(issue_ids))


def unlink_issue(*, session: Session, leader_visit_id: str, issue_id: str) -> None:
    """Take an issue off a leader visit (linked by mistake); the link is kept as deleted."""
    ctx = write_context(session)
    for link in session.exec(
        select(LeaderVisitIssue).where(
            LeaderVisitIssue.leader_visit_id == leader_visit_id,
            LeaderVisitIssue.issue_id == issue_id,
            live(LeaderVisitIssue),
        )
    ).all():
        link.deleted_at = ctx.clock.now()
    session.flush()


# ---------------------------------------------------------------------------------------------
# Reading


def _visit(session: Session, leader_visit_id: str) -> LeaderVisit:
    return get_live(session, LeaderVisit, leader_visit_id, LeaderVisitNotFound)


def _linked_ids(session: Session, leader_visit_id: str) -> list[str]:
    return list(
        session.exec(
            select(LeaderVisitIssue.issue_id).where(
                LeaderVisitIssue.leader_visit_id == leader_visit_id,
                live(LeaderVisitIssue),
            )
        ).all()
    )


def _rows(session: Session, ids: Sequence[str]) -> list[LeaderVisitRow]:
    """Rows for these leader visits, in the order given, with their counts (two GROUP BYs)."""
    visits = {
        v.id: v for v in session.exec(select(LeaderVisit).where(col(LeaderVisit.id).in_(ids)))
    }
    deputies = dict(
        session.exec(
            select(LeaderVisitDeputy.leader_visit_id, func.count())
            .where(
                col(LeaderVisitDeputy.leader_visit_id).in_(ids),
                live(LeaderVisitDeputy),
            )
            .group_by(col(LeaderVisitDeputy.leader_visit_id))
        ).all()
    )
    issues = {
        lv: (int(n), int(closed or 0))
        for lv, n, closed in session.exec(
            select(
                LeaderVisitIssue.leader_visit_id,
                func.count(),
                func.sum(case((col(Issue.status) == IssueStatus.closed, 1), else_=0)),
            )
            .join(Issue, col(Issue.id) == LeaderVisitIssue.issue_id)
            .where(
                col(LeaderVisitIssue.leader_visit_id).in_(ids),
                live(LeaderVisitIssue),
                live(Issue),
            )
            .group_by(col(LeaderVisitIssue.leader_visit_id))
        ).all()
    }
    out = []
    for id_ in ids:
        v = visits[id_]
        n, closed = issues.get(id_, (0, 0))
        out.append(
            LeaderVisitRow(
                id=v.id,
                at=v.at,
                leader=v.leader,
                position=v.position,
                topic=v.topic,
                deputies=int(deputies.get(id_, 0)),
                issues=n,
                issues_closed=closed,
            )
        )
    return out


def list_leader_visits(
    *, session: Session, limit: int = PAGE_SIZE, offset: int = 0
) -> Page[LeaderVisitRow]:
    """Leader visits, the latest first, a page at a time."""
    kept = live(LeaderVisit)
    total = session.exec(select(func.count()).select_from(LeaderVisit).where(kept)).one()
    ids = session.exec(
        select(LeaderVisit.id)
        .where(kept)
        .order_by(col(LeaderVisit.at).desc(), col(LeaderVisit.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return Page(tuple(_rows(session, list(ids))), int(total), offset, limit)


def get_leader_visit(*, session: Session, leader_visit_id: str, today: date) -> LeaderVisitDetail:
    """One leader visit with the deputies who attended and what became of its issues.

    Raises:
        LeaderVisitNotFound: no such leader visit.
    """
    visit = _visit(session, leader_visit_id)
    names = session.exec(
        select(Deputy.name)
        .join(LeaderVisitDeputy, col(LeaderVisitDeputy.deputy_id) == Deputy.id)
        .where(
            LeaderVisitDeputy.leader_visit_id == leader_visit_id,
            live(LeaderVisitDeputy),
        )
        .order_by(col(Deputy.name))
    ).all()
    settings = load_settings(session=session)
    found = session.exec(
        rows_query()
        .where(col(Issue.id).in_(_linked_ids(session, leader_visit_id)))
        .order_by(col(Issue.opened_on), col(Issue.id))
    ).all()
    return LeaderVisitDetail(
        row=_rows(session, [visit.id])[0],
        note=visit.note,
        deputies=tuple(names),
        issues=tuple(to_row(*r, today=today, settings=settings) for r in found),
    )


def candidate_issues(
    *, session: Session, leader_visit_id: str, tz: tzinfo, today: date, limit: int = PAGE_SIZE
) -> list[IssueRow]:
    """Issues the deputy may link to a leader visit: those with a visit on the session's day
    first, then the open issues most recently opened; none already linked."""
    visit = _visit(session, leader_visit_id)
    start, end = day_bounds(to_local(visit.at, tz).date(), tz)
    linked = _linked_ids(session, leader_visit_id)
    that_day = select(Visit.issue_id).where(
        col(Visit.received_at) >= start,
        col(Visit.received_at) < end,
        col(Visit.issue_id).is_not(None),
        live(Visit),
    )
    settings = load_settings(session=session)
    out: list[IssueRow] = []
    for where in (
        col(Issue.id).in_(that_day),
        col(Issue.status) != IssueStatus.closed,
    ):
        seen = linked + [r.id for r in out]
        rows = session.exec(
            rows_query()
            .where(where, col(Issue.id).not_in(seen))
            .order_by(col(Issue.opened_on).desc(), col(Issue.id))
            .limit(limit - len(out))
        ).all()
        out += [to_row(*r, today=today, settings=settings) for r in rows]
        if len(out) >= limit:
            break
    return out


@dataclass(frozen=True)
class LeaderFigures:
    """Leader visits of a period and the issues raised at them, as they stand today."""

    visits: int = 0
    issues: int = 0
    closed: int = 0

    @property
    def open(self) -> int:
        return self.issues - self.closed


def leader_figures(
    *, session: Session, start: datetime, end: datetime, station_id: str | None = None
) -> LeaderFigures:
    """Counts for the leader visits held between two instants [start, end), at one station
    (`station_id`, on a county hub) or at all of them (None)."""
    in_period = (
        col(LeaderVisit.at) >= start,
        col(LeaderVisit.at) < end,
        live(LeaderVisit),
        *([] if station_id is None else [col(LeaderVisit.station_id) == station_id]),
    )
    visits = session.exec(select(func.count()).select_from(LeaderVisit).where(*in_period)).one()
    # An issue raised at two sessions of the period counts once.
    raised = (
        select(LeaderVisitIssue.issue_id)
        .join(LeaderVisit, col(LeaderVisit.id) == LeaderVisitIssue.leader_visit_id)
        .where(*in_period, live(LeaderVisitIssue))
    )
    issues, closed = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(case((col(Issue.status) == IssueStatus.closed, 1), else_=0)), 0),
        ).where(col(Issue.id).in_(raised), live(Issue))
    ).one()
    return LeaderFigures(int(visits), int(issues), int(closed))
