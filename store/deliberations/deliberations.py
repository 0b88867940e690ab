"""Deliberation sessions (议事活动): a 民情茶馆, 百姓夜话, 人大有请, 人大开放日, 向人民报告
or 代表述职 is recorded with its day and place, the deputies and officials present, how many
residents came, the topics and the decisions, and the satisfaction vote taken there (测评:
满意 / 基本满意 / 不满意). The visits raised there are ordinary visits that name the session
(`visit.deliberation_id`): logged from the session's page, or linked afterwards. A 代表述职
names the deputy who reported: its vote is the voters' evaluation of that deputy (履职全景图).

Every write is one transaction of the caller's `write_session`, logged under the deputy on
duty and carried by sync: the session's own fields conflict like any edit; the deputies present
are rows of their own, added and taken off. Reading them is store.deliberations.reading."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo

from pydantic import field_validator, model_validator
from sqlmodel import Session, SQLModel, col, select

from store.changelog.changes import write_context
from store.core.clock import day_bounds
from store.core.errors import N_, DeputyNotFound, FieldInvalid, VisitNotFound
from store.core.hub_mark import refuse_on_hub
from store.core.models import (
    Channel,
    Deliberation,
    DeliberationDeputy,
    DeliberationKind,
    Deputy,
    Visit,
)
from store.core.rows import get_live, live
from store.deliberations.reading import (
    DeliberationDetail,
    DeliberationRow,
    live_deliberation,
    rows_for,
)
from store.suggestions.suggestions import clean_body, clean_line

PLACE_MAX = 100
OFFICIALS_MAX = 200
# More than any hall holds: a typo (an extra zero) rather than a crowd.
RESIDENTS_MAX = 100_000
VOTES_MAX = 100_000


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


def input_of(detail: DeliberationDetail) -> DeliberationIn:
    """A session's fields as its form starts from them (to edit it)."""
    return DeliberationIn.model_validate(
        {
            "kind": detail.row.kind,
            "held_on": detail.row.held_on,
            "place": detail.row.place,
            "officials": detail.officials,
            "residents": detail.row.residents,
            "topics": detail.topics,
            "decisions": detail.decisions,
            "deputy_ids": list(detail.deputy_ids),
            "reporting_deputy_id": detail.reporting_deputy_id,
        }
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
    d = live_deliberation(session, deliberation_id)
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
    d = live_deliberation(session, deliberation_id)
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
    d = live_deliberation(session, deliberation_id)
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
    live_deliberation(session, deliberation_id)
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
    d = live_deliberation(session, deliberation_id)
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
