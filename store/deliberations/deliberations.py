"""Deliberation sessions (议事活动): a 民情茶馆, 百姓夜话, 人大有请, 人大开放日, 向人民报告
or 代表述职 is recorded with its day and place, the deputies and officials present, how many
residents came, the topics and the decisions, and the satisfaction vote taken there (测评:
满意 / 基本满意 / 不满意). The visits raised there are ordinary visits that name the session
(`visit.deliberation_id`): logged from the session's page, or linked afterwards. A 代表述职
names the deputy who reported: its vote is the voters' evaluation of that deputy (履职全景图).

Every write is one transaction of the caller's `write_session`, logged under the deputy on
duty and carried by sync: the session's own fields conflict like any edit; the deputies present
are rows of their own, added and taken off."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from pydantic import field_validator, model_validator
from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from store.changelog.changes import write_context
from store.core.clock import day_bounds
from store.core.errors import N_, DeputyNotFound, FieldInvalid, NotFound, VisitNotFound
from store.core.hub_mark import refuse_on_hub
from store.core.models import (
    Channel,
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
from store.suggestions.suggestions import clean_body, clean_line

PLACE_MAX = 100
OFFICIALS_MAX = 200
# More than any hall holds: a typo (an extra zero) rather than a crowd.
RESIDENTS_MAX = 100_000
VOTES_MAX = 100_000


class DeliberationNotFound(NotFound):
    key = N_("error.deliberation_not_found")


class VoteInvalid(FieldInvalid):
    """A vote with no votes at all (record none rather than 0 of 0)."""


# ---------------------------------------------------------------------------------------------
# What the forms hand in


def parse_count(value: object, field: str, limit: int) -> int:
    """A count as typed: whole ASCII digits, blank for 0 (docs/rules/data.md)."""
    text = str(value if value is not None else "").strip()
    if not text:
        return 0
    if not text.isascii() or not text.isdigit():
        raise FieldInvalid(N_("field.count"), field)
    number = int(text)
    if number > limit:
        raise FieldInvalid(N_("field.count_too_big"), field, limit=limit)
    return number


class DeliberationIn(SQLModel):
    """A session as the deputy records it (the vote is recorded apart: `record_vote`)."""

    kind: DeliberationKind
    held_on: date
    place: str
    officials: str = ""
    residents: int = 0
    topics: str = ""
    decisions: str = ""
    deputy_ids: list[str] = []
    # 代表述职 only: the deputy who reported (also counted among those present).
    reporting_deputy_id: str | None = None

    @field_validator("place", mode="before")
    @classmethod
    def _place(cls, value: object) -> str:
        return clean_line(str(value or ""), "place", PLACE_MAX)

    @field_validator("officials", mode="before")
    @classmethod
    def _officials(cls, value: object) -> str:
        return clean_line(str(value or ""), "officials", OFFICIALS_MAX, required=False)

    @field_validator("residents", mode="before")
    @classmethod
    def _residents(cls, value: object) -> int:
        return parse_count(value, "residents", RESIDENTS_MAX)

    @field_validator("topics", mode="before")
    @classmethod
    def _topics(cls, value: object) -> str:
        return clean_body(str(value or ""), "topics")

    @field_validator("decisions", mode="before")
    @classmethod
    def _decisions(cls, value: object) -> str:
        return clean_body(str(value or ""), "decisions")

    @field_validator("reporting_deputy_id", mode="before")
    @classmethod
    def _reporting(cls, value: object) -> str | None:
        return str(value) if value else None

    @model_validator(mode="after")
    def _reporter(self) -> DeliberationIn:
        # Only a 代表述职 has a deputy reporting, and it must have one.
        if self.kind != DeliberationKind.deputy_report:
            self.reporting_deputy_id = None
        elif self.reporting_deputy_id is None:
            raise FieldInvalid("field.required", "reporting_deputy_id")
        return self


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

    def as_input(self) -> DeliberationIn:
        """The session's fields as its form starts from them (to edit)."""
        return DeliberationIn.model_validate(
            {
                "kind": self.row.kind,
                "held_on": self.row.held_on,
                "place": self.row.place,
                "officials": self.officials,
                "residents": self.row.residents,
                "topics": self.topics,
                "decisions": self.decisions,
                "deputy_ids": list(self.deputy_ids),
                "reporting_deputy_id": self.reporting_deputy_id,
            }
        )

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


def _deliberation(session: Session, deliberation_id: str) -> Deliberation:
    return get_live(session, Deliberation, deliberation_id, DeliberationNotFound)


def get_deliberation_row(*, session: Session, deliberation_id: str) -> DeliberationRow:
    """Raises:
    DeliberationNotFound: no such session."""
    return rows_for(session, [_deliberation(session, deliberation_id).id])[0]


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
    d = _deliberation(session, deliberation_id)
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


# ---------------------------------------------------------------------------------------------
# Writing


def _present(session: Session, d: Deliberation, wanted: DeliberationIn) -> None:
    """The deputies present become those of the form (the reporting deputy among them): new
    ones added, those no longer named taken off (kept as deleted)."""
    ids = list(dict.fromkeys(wanted.deputy_ids))
    if wanted.reporting_deputy_id and wanted.reporting_deputy_id not in ids:
        ids.append(wanted.reporting_deputy_id)
    had = {
        link.deputy_id: link
        for link in session.exec(
            select(DeliberationDeputy).where(
                DeliberationDeputy.deliberation_id == d.id, live(DeliberationDeputy)
            )
        ).all()
    }
    now = write_context(session).clock.now()
    for deputy_id, link in sorted(had.items()):
        if deputy_id not in ids:
            link.deleted_at = now
            session.add(link)
            session.flush()  # one at a time, in order (see link_visits)
    new = [deputy_id for deputy_id in ids if deputy_id not in had]
    # One read for all of them (a get each flushed the session each time).
    known = set(session.exec(select(Deputy.id).where(col(Deputy.id).in_(new), live(Deputy))).all())
    if len(known) < len(new):
        raise DeputyNotFound()
    for deputy_id in new:
        session.add(DeliberationDeputy(deliberation_id=d.id, deputy_id=deputy_id))


def log_deliberation(*, session: Session, deliberation_in: DeliberationIn) -> DeliberationRow:
    """Record a session with the deputies present, in one transaction.

    Raises:
        DeputyNotFound: a deputy (present or reporting) that does not exist.
        HubRefused: a county hub's database (a session is a station's).
    """
    ctx = write_context(session)
    refuse_on_hub(session, N_("error.hub_no_deliberation"))
    if deliberation_in.reporting_deputy_id:
        get_live(session, Deputy, deliberation_in.reporting_deputy_id, DeputyNotFound)
    d = Deliberation(
        station_id=ctx.actor.station_id,
        kind=deliberation_in.kind,
        held_on=deliberation_in.held_on,
        place=deliberation_in.place,
        officials=deliberation_in.officials,
        residents=deliberation_in.residents,
        topics=deliberation_in.topics,
        decisions=deliberation_in.decisions,
        reporting_deputy_id=deliberation_in.reporting_deputy_id,
    )
    session.add(d)
    session.flush()
    _present(session, d, deliberation_in)
    session.flush()
    return rows_for(session, [d.id])[0]


def edit_deliberation(
    *, session: Session, deliberation_id: str, deliberation_in: DeliberationIn
) -> DeliberationRow:
    """Rewrite a session's fields and who was present (each field a logged change only if it
    changed; the vote is `record_vote`'s).

    Raises:
        DeliberationNotFound, DeputyNotFound, HubRefused.
    """
    refuse_on_hub(session, N_("error.hub_no_deliberation"))
    d = _deliberation(session, deliberation_id)
    if deliberation_in.reporting_deputy_id:
        get_live(session, Deputy, deliberation_in.reporting_deputy_id, DeputyNotFound)
    for name in (
        "kind",
        "held_on",
        "place",
        "officials",
        "residents",
        "topics",
        "decisions",
        "reporting_deputy_id",
    ):
        value = getattr(deliberation_in, name)
        if getattr(d, name) != value:
            setattr(d, name, value)
    session.add(d)
    _present(session, d, deliberation_in)
    session.flush()
    return rows_for(session, [d.id])[0]


def record_vote(
    *,
    session: Session,
    deliberation_id: str,
    satisfied: int | str,
    fairly: int | str,
    unsatisfied: int | str,
) -> DeliberationRow:
    """Record the satisfaction vote taken at a session (测评), replacing any recorded before.

    Args:
        satisfied, fairly, unsatisfied: how many voted 满意, 基本满意, 不满意 (whole numbers;
            as typed, a blank is 0).

    Raises:
        DeliberationNotFound; FieldInvalid (a count that is not one); VoteInvalid (no votes);
        HubRefused.
    """
    refuse_on_hub(session, N_("error.hub_no_deliberation"))
    counts = {
        name: parse_count(value, name, VOTES_MAX)
        for name, value in (
            ("satisfied", satisfied),
            ("fairly", fairly),
            ("unsatisfied", unsatisfied),
        )
    }
    if not sum(counts.values()):
        raise VoteInvalid(N_("deliberation.vote_empty"), "satisfied")
    d = _deliberation(session, deliberation_id)
    for name, value in counts.items():
        if getattr(d, name) != value:
            setattr(d, name, value)
    session.add(d)
    session.flush()
    return rows_for(session, [d.id])[0]


def delete_deliberation(*, session: Session, deliberation_id: str) -> int:
    """Delete a session recorded by mistake (kept as deleted, so the deletion syncs). Its
    visits stay, raised at no session.

    Returns:
        How many visits it had.
    """
    d = _deliberation(session, deliberation_id)
    now = write_context(session).clock.now()
    d.deleted_at = now
    session.add(d)
    visits = session.exec(
        select(Visit)
        .where(Visit.deliberation_id == deliberation_id, live(Visit))
        .order_by(col(Visit.received_at), col(Visit.id))
    ).all()
    for visit in visits:
        visit.deliberation_id = None
        session.add(visit)
        session.flush()  # in the visits' order (see link_visits)
    session.flush()
    return len(visits)


def link_visits(*, session: Session, deliberation_id: str, visit_ids: Sequence[str]) -> int:
    """Name the session on visits raised there (logged before it was recorded, or through
    another form). A visit raised at another session moves to this one.

    Returns:
        How many visits were newly linked.

    Raises:
        DeliberationNotFound, VisitNotFound.
    """
    _deliberation(session, deliberation_id)
    wanted = list(dict.fromkeys(visit_ids))
    visits = session.exec(
        select(Visit)
        .where(col(Visit.id).in_(wanted), live(Visit))
        .order_by(col(Visit.received_at), col(Visit.id))
    ).all()
    if len(visits) < len(wanted):
        raise VisitNotFound()
    added = 0
    for visit in visits:
        if visit.deliberation_id != deliberation_id:
            visit.deliberation_id = deliberation_id
            session.add(visit)
            # One flush a visit: the change log takes a flush's updates in no set order, and
            # the audit trail should list them the same way every time (in the visits' order).
            session.flush()
            added += 1
    return added


def unlink_visit(*, session: Session, visit_id: str) -> None:
    """Take a visit off its session (linked by mistake)."""
    visit = get_live(session, Visit, visit_id, VisitNotFound)
    if visit.deliberation_id is not None:
        visit.deliberation_id = None
        session.add(visit)
        session.flush()


def link_day_visits(*, session: Session, deliberation_id: str, tz: tzinfo) -> int:
    """Link the visits logged through the 议事活动 channel on the session's day that name no
    session yet.

    Returns:
        How many visits were linked.
    """
    d = _deliberation(session, deliberation_id)
    start, end = day_bounds(d.held_on, tz)
    ids = session.exec(
        select(Visit.id).where(
            Visit.channel == Channel.forum,
            col(Visit.received_at) >= start,
            col(Visit.received_at) < end,
            col(Visit.deliberation_id).is_(None),
            live(Visit),
        )
    ).all()
    return link_visits(session=session, deliberation_id=deliberation_id, visit_ids=list(ids))
