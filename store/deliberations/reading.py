"""Deliberation sessions as the screens read them (store.deliberations.deliberations writes
them): the list, latest first; one session with the deputies present and the visits raised
there, each with where its issue stands today; the vote and its rate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.core.errors import N_, NotFound
from store.core.models import (
    Colour,
    Constituent,
    Deliberation,
    DeliberationDeputy,
    DeliberationKind,
    Deputy,
    Issue,
    IssueStatus,
    Village,
    Visit,
)
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import get_live, live
from store.core.settings import load_settings
from store.desk.issue_rows import rows_query, to_row
from store.reports.stats import Share


class DeliberationNotFound(NotFound):
    key = N_("error.deliberation_not_found")


@dataclass(frozen=True)
class Vote:
    """A satisfaction vote (测评): the rate is (满意 + 基本满意) / all votes."""

    satisfied: int
    fairly: int
    unsatisfied: int

    @property
    def total(self) -> int:
        return self.satisfied + self.fairly + self.unsatisfied

    @property
    def rate(self) -> Share:
        return Share(self.satisfied + self.fairly, self.total)


def vote_of(d: Deliberation) -> Vote | None:
    """The session's vote, or None when none was recorded."""
    if d.satisfied is None and d.fairly is None and d.unsatisfied is None:
        return None
    return Vote(d.satisfied or 0, d.fairly or 0, d.unsatisfied or 0)


# ---------------------------------------------------------------------------------------------
# What screens read


@dataclass(frozen=True)
class DeliberationRow:
    """A session as the list shows it."""

    id: str
    kind: DeliberationKind
    held_on: date
    place: str
    # The first of its topics (one a line), for the list.
    topic: str
    residents: int
    deputies: int
    visits: int
    vote: Vote | None
    reporting_deputy: str | None


@dataclass(frozen=True)
class RaisedVisit:
    """A visit raised at the session, and where its issue stands today."""

    id: str
    received_at: datetime
    resident: str
    village: str
    summary: str
    withdrawn: bool
    issue_id: str | None
    issue_title: str | None
    issue_status: IssueStatus | None
    issue_colour: Colour | None


@dataclass(frozen=True)
class DeliberationDetail:
    row: DeliberationRow
    officials: str
    topics: str
    decisions: str
    deputies: tuple[str, ...]
    deputy_ids: tuple[str, ...]
    reporting_deputy_id: str | None
    visits: tuple[RaisedVisit, ...]

    @property
    def open_issues(self) -> int:
        """The distinct issues of its visits not closed yet."""
        return len(
            {
                v.issue_id
                for v in self.visits
                if v.issue_id
                and v.issue_status is not None
                and v.issue_status != IssueStatus.closed
            }
        )


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def rows_for(session: Session, ids: Sequence[str]) -> list[DeliberationRow]:
    """Rows for these sessions, in the order given, with their counts (two GROUP BYs)."""
    if not ids:
        return []
    found = {
        d.id: (d, name)
        for d, name in session.exec(
            select(Deliberation, Deputy.name)
            .outerjoin(Deputy, col(Deputy.id) == Deliberation.reporting_deputy_id)
            .where(col(Deliberation.id).in_(ids))
        ).all()
    }
    deputies = dict(
        session.exec(
            select(DeliberationDeputy.deliberation_id, func.count())
            .where(col(DeliberationDeputy.deliberation_id).in_(ids), live(DeliberationDeputy))
            .group_by(col(DeliberationDeputy.deliberation_id))
        ).all()
    )
    visits = dict(
        session.exec(
            select(Visit.deliberation_id, func.count())
            .where(col(Visit.deliberation_id).in_(ids), live(Visit))
            .group_by(col(Visit.deliberation_id))
        ).all()
    )
    out = []
    for id_ in ids:
        d, reporter = found[id_]
        out.append(
            DeliberationRow(
                id=d.id,
                kind=DeliberationKind(d.kind),
                held_on=d.held_on,
                place=d.place,
                topic=first_line(d.topics),
                residents=d.residents,
                deputies=int(deputies.get(id_, 0)),
                visits=int(visits.get(id_, 0)),
                vote=vote_of(d),
                reporting_deputy=reporter,
            )
        )
    return out


def list_deliberations(
    *,
    session: Session,
    kind: DeliberationKind | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Page[DeliberationRow]:
    """Sessions, the latest first, a page at a time.

    Args:
        kind: only sessions of this kind.
    """
    where = [live(Deliberation)]
    if kind is not None:
        where.append(col(Deliberation.kind) == kind)
    total = session.exec(select(func.count()).select_from(Deliberation).where(*where)).one()
    ids = session.exec(
        select(Deliberation.id)
        .where(*where)
        .order_by(
            col(Deliberation.held_on).desc(),
            col(Deliberation.created_at).desc(),
            col(Deliberation.id),
        )
        .limit(limit)
        .offset(offset)
    ).all()
    return Page(tuple(rows_for(session, list(ids))), int(total), offset, limit)


def live_deliberation(session: Session, deliberation_id: str) -> Deliberation:
    """Raises:
    DeliberationNotFound: no such session, or deleted."""
    return get_live(session, Deliberation, deliberation_id, DeliberationNotFound)


def get_deliberation_row(*, session: Session, deliberation_id: str) -> DeliberationRow:
    """Raises:
    DeliberationNotFound: no such session."""
    return rows_for(session, [live_deliberation(session, deliberation_id).id])[0]


def raised_visits(
    *, session: Session, deliberation_id: str, today: date
) -> tuple[RaisedVisit, ...]:
    """The visits raised at a session, in the order received, with their issues as they stand
    today (status and colour)."""
    found = session.exec(
        select(Visit, Constituent.name, Issue.title)
        .join(Constituent, col(Constituent.id) == Visit.constituent_id)
        .outerjoin(Issue, col(Issue.id) == Visit.issue_id)
        .where(Visit.deliberation_id == deliberation_id, live(Visit))
        .order_by(col(Visit.received_at), col(Visit.id))
    ).all()
    issue_ids = sorted({v.issue_id for v, _name, _title in found if v.issue_id})
    issues = {}
    if issue_ids:
        settings = load_settings(session=session)
        issues = {
            row.id: row
            for row in (
                to_row(*r, today=today, settings=settings)
                for r in session.exec(rows_query().where(col(Issue.id).in_(issue_ids))).all()
            )
        }
    villages = _village_names(session, [v.village_id for v, _n, _t in found])
    out = []
    for visit, name, title in found:
        issue = issues.get(visit.issue_id) if visit.issue_id else None
        out.append(
            RaisedVisit(
                id=visit.id,
                received_at=visit.received_at,
                resident=name,
                village=villages.get(visit.village_id, ""),
                summary=visit.summary,
                withdrawn=visit.withdrawn_at is not None,
                issue_id=visit.issue_id,
                issue_title=issue.title if issue else title,
                issue_status=issue.status if issue else None,
                issue_colour=issue.colour if issue else None,
            )
        )
    return tuple(out)


def _village_names(session: Session, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    return dict(
        session.exec(select(Village.id, Village.name).where(col(Village.id).in_(set(ids)))).all()
    )


def places_of(*, session: Session, ids: Sequence[str]) -> dict[str, str]:
    """Each of these sessions' place, by id: how the audit trail names a session (deleted ones
    too)."""
    if not ids:
        return {}
    return dict(
        session.exec(
            select(Deliberation.id, Deliberation.place).where(col(Deliberation.id).in_(ids))
        ).all()
    )


def get_deliberation(*, session: Session, deliberation_id: str, today: date) -> DeliberationDetail:
    """One session with the deputies present and the visits raised there.

    Args:
        today: the issues' colours are as of this day.

    Raises:
        DeliberationNotFound: no such session.
    """
    d = live_deliberation(session, deliberation_id)
    present = session.exec(
        select(Deputy.id, Deputy.name)
        .join(DeliberationDeputy, col(DeliberationDeputy.deputy_id) == Deputy.id)
        .where(DeliberationDeputy.deliberation_id == deliberation_id, live(DeliberationDeputy))
        .order_by(col(Deputy.name), col(Deputy.id))
    ).all()
    return DeliberationDetail(
        row=rows_for(session, [d.id])[0],
        officials=d.officials,
        topics=d.topics,
        decisions=d.decisions,
        deputies=tuple(name for _id, name in present),
        deputy_ids=tuple(id_ for id_, _name in present),
        reporting_deputy_id=d.reporting_deputy_id,
        visits=raised_visits(session=session, deliberation_id=deliberation_id, today=today),
    )
