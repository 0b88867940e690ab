"""Visits (来访/民情) and the residents who make them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from store.changelog.changes import write_context
from store.core.clock import day_bounds
from store.core.errors import N_, FormInvalid, VisitNotFound
from store.core.hub_mark import refuse_on_hub
from store.core.models import (
    Category,
    Channel,
    Constituent,
    Deliberation,
    Deputy,
    Issue,
    IssueStatus,
    LegislativeOpinion,
    ObservationPoint,
    Observer,
    Village,
    Visit,
    VisitCreate,
    VisitKind,
)
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import find_live, get_live, live
from store.core.validation import normalise_phone, summarise
from store.desk.urgency import (
    Urgency,
    VisitFacts,
    earlier_visits_sql,
    visit_urgency,
    visit_urgency_sql,
)
from store.observers.observers import through_errors


@dataclass(frozen=True)
class Resident:
    """A returning resident, as the log form fills them in."""

    id: str
    name: str
    phone: str
    village_id: str
    village: str
    group_name: str | None
    visit_count: int
    last_visit_at: datetime | None
    # 困难群体: the log form's checkbox starts from it.
    vulnerable: bool = False
    # Their issues still open: the deputy may link a repeat visit to one (重复诉求).
    open_issues: int = 0


@dataclass(frozen=True)
class VisitRow:
    id: str
    received_at: datetime
    resident: str
    phone: str
    village: str
    category: str
    channel: Channel
    kind: VisitKind
    summary: str
    issue_id: str | None
    # The resident agreed that their name and phone go to the handling unit (同意转交).
    consent_forward: bool = False
    # The resident does not want to be called back (不用回电): told nothing (store.desk.notices).
    no_callback: bool = False
    # Withdrawn (撤回: the resident no longer asks, store.desk.regroup): when, and why.
    withdrawn_at: datetime | None = None
    withdrawn_reason: str | None = None


@dataclass(frozen=True)
class VisitDetail:
    row: VisitRow
    text: str
    village_id: str
    category_id: str
    constituent_id: str
    deputy: str | None
    resident_visits: int
    vulnerable: bool = False
    # The urgency of the visit while it waits for triage, and why (store.desk.urgency).
    urgency: Urgency = Urgency(0, ())
    # The resident's open issues, most recently opened first (ids), for linking a repeat.
    resident_open_issues: tuple[str, ...] = ()
    # Through an observer (民情观察员): their name (as a resident's, shown) and the point's.
    observer: str | None = None
    point: str | None = None


def _row_query() -> Select[Visit, str, str, str, str]:
    # More columns than sqlmodel's select() types (four): its Select, typed by hand.
    query: Select[Visit, str, str, str, str] = Select(
        Visit, col(Constituent.name), col(Constituent.phone), col(Village.name), col(Category.name)
    )
    return (
        query.join(Constituent, col(Constituent.id) == Visit.constituent_id)
        .join(Village, col(Village.id) == Visit.village_id)
        .join(Category, col(Category.id) == Visit.category_id)
        .where(live(Visit))
    )


def _to_row(visit: Visit, resident: str, phone: str, village: str, category: str) -> VisitRow:
    return VisitRow(
        id=visit.id,
        received_at=visit.received_at,
        resident=resident,
        phone=phone,
        village=village,
        category=category,
        channel=Channel(visit.channel),
        kind=VisitKind(visit.kind),
        summary=visit.summary,
        issue_id=visit.issue_id,
        consent_forward=bool(visit.consent_forward),
        no_callback=bool(visit.no_callback),
        withdrawn_at=visit.withdrawn_at,
        withdrawn_reason=visit.withdrawn_reason,
    )


def awaiting_triage() -> tuple[ColumnElement[bool], ...]:
    """The triage queue: visits on no issue, live, not withdrawn (撤回), and not taken as a
    legislative opinion (a 立法建议 visit the legislature answers: no unit handles it, so it
    leaves the queue once a draft's opinion is taken from it, and comes back if that opinion
    is taken back). The partial index ix_visit_untriaged holds the first two; the withdrawn
    and the opinions are few."""
    taken = (
        select(LegislativeOpinion.id)
        .where(LegislativeOpinion.visit_id == Visit.id, live(LegislativeOpinion))
        .exists()
    )
    return (
        col(Visit.issue_id).is_(None),
        live(Visit),
        col(Visit.withdrawn_at).is_(None),
        ~taken,
    )


def find_resident(*, session: Session, phone: str) -> Resident | None:
    """The resident last seen with this phone, or None.

    Args:
        phone: as typed; spaces and +86 are ignored.
    """
    phone = normalise_phone(phone)
    if not phone:
        return None
    found = session.exec(
        select(Constituent, Village.name)
        .join(Village, col(Village.id) == Constituent.village_id)
        .where(Constituent.phone == phone, live(Constituent))
        .order_by(col(Constituent.updated_at).desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    person, village = found
    count, last = session.exec(
        select(func.count(), func.max(Visit.received_at)).where(
            Visit.constituent_id == person.id, live(Visit)
        )
    ).one()
    return Resident(
        vulnerable=person.vulnerable,
        open_issues=len(resident_open_issues(session=session, constituent_id=person.id)),
        id=person.id,
        name=person.name,
        phone=person.phone,
        village_id=person.village_id,
        village=village,
        group_name=person.group_name,
        visit_count=count,
        last_visit_at=last,
    )


def log_visit(*, session: Session, visit_in: VisitCreate) -> VisitRow:
    """Record a visit, registering the resident or updating what changed about them.

    Args:
        session: a write session.
        visit_in: the validated form.
    Returns:
        The new visit as a list row.
    Raises:
        FormInvalid: the village or category does not exist, or the observer or point is not
            one to name (store.observers.observers.through_errors).
        HubRefused: a county hub's database (nobody logs visits there).
    """
    refuse_on_hub(session, N_("error.hub_no_logging"))
    ctx = write_context(session)
    # Both names in one read (None for a missing or deleted choice): two `session.get`s cost
    # a tenth of a save.
    village, category = session.exec(
        select(
            select(Village.name)
            .where(Village.id == visit_in.village_id, live(Village))
            .scalar_subquery(),
            select(Category.name)
            .where(Category.id == visit_in.category_id, live(Category))
            .scalar_subquery(),
        )
    ).one()
    errors = {}
    if village is None:
        errors["village_id"] = N_("field.choice")
    if category is None:
        errors["category_id"] = N_("field.choice")
    # Raised at a deliberation session (议事活动): one that is there.
    if (
        visit_in.deliberation_id
        and find_live(session, Deliberation, visit_in.deliberation_id) is None
    ):
        errors["deliberation_id"] = N_("field.choice")
    if visit_in.observer_id is not None or visit_in.point_id is not None:
        errors |= through_errors(session, visit_in.channel, visit_in.observer_id, visit_in.point_id)
    if errors:
        raise FormInvalid(errors)
    village_id, category_id = visit_in.village_id, visit_in.category_id
    person = session.exec(
        select(Constituent)
        .where(Constituent.phone == visit_in.phone, live(Constituent))
        .order_by(col(Constituent.updated_at).desc())
        .limit(1)
    ).first()
    if person is None or person.name != visit_in.name:
        # A different name on a known phone is another member of the household.
        person = Constituent(
            station_id=ctx.actor.station_id,
            name=visit_in.name,
            phone=visit_in.phone,
            village_id=village_id,
            group_name=visit_in.group_name,
            vulnerable=bool(visit_in.vulnerable),
        )
        session.add(person)
    else:
        if person.village_id != village_id:
            person.village_id = village_id
        if visit_in.group_name and person.group_name != visit_in.group_name:
            person.group_name = visit_in.group_name
        if visit_in.vulnerable is not None and person.vulnerable != visit_in.vulnerable:
            set_vulnerable(session=session, constituent=person, vulnerable=visit_in.vulnerable)
    visit = Visit(
        station_id=ctx.actor.station_id,
        received_at=visit_in.received_at or ctx.clock.now(),
        channel=visit_in.channel,
        kind=visit_in.kind,
        constituent_id=person.id,
        village_id=village_id,
        category_id=category_id,
        text=visit_in.text,
        summary=summarise(visit_in.text),
        deputy_id=visit_in.deputy_id or ctx.actor.deputy_id,
        consent_forward=visit_in.consent_forward,
        no_callback=visit_in.no_callback,
        deliberation_id=visit_in.deliberation_id or None,
        observer_id=visit_in.observer_id,
        point_id=visit_in.point_id,
    )
    session.add(visit)
    session.flush()
    return _to_row(visit, person.name, person.phone, village, category)


@dataclass(frozen=True)
class ConsentChange:
    """What `set_consent` did."""

    # The visit the deputy chose, as it now reads.
    row: VisitRow
    # How many visits changed (the resident's others on the same issue included; 0: already so).
    changed: int


def set_consent(*, session: Session, visit_id: str, consent: bool) -> ConsentChange:
    """Record that a resident gives, or withdraws, consent to forwarding (同意转交) after the
    visit was logged: PIPL lets them withdraw at any time, and one who rings back may agree.

    The answer is the resident's about the issue, so it applies to every visit of theirs on the
    visit's issue (only to this visit while it awaits triage): a slip for the unit names them
    from any visit with consent, so withdrawing on one visit alone would leave their name on it.
    Each visit changed is an ordinary logged update (it syncs and shows in the audit trail).

    Args:
        session: a write session.
        visit_id: the visit the deputy chose.
        consent: True gives consent, False withdraws it.
    Returns:
        The chosen visit as it now reads, and how many visits changed.
    Raises:
        VisitNotFound: no such visit, or it was deleted.
    """
    write_context(session)
    visit = get_live(session, Visit, visit_id, VisitNotFound)
    changed = apply_consent(session=session, visit=visit, consent=consent)
    session.flush()
    return ConsentChange(visit_row(session=session, visit_id=visit_id), changed)


def same_resident_same_issue(session: Session, visit: Visit) -> list[Visit]:
    """`visit` and its resident's other live visits on the same issue: what a resident answers
    about an issue (同意转交, 不用回电) holds for all of them."""
    if visit.issue_id is None:
        return [visit]
    return list(
        session.exec(
            select(Visit).where(
                Visit.issue_id == visit.issue_id,
                Visit.constituent_id == visit.constituent_id,
                live(Visit),
            )
        ).all()
    )


def apply_consent(*, session: Session, visit: Visit, consent: bool) -> int:
    """Set 同意转交 on `visit` and on its resident's other visits on the same issue (see
    `set_consent` for why); how many visits changed."""
    changed = 0
    for one in same_resident_same_issue(session, visit):
        if bool(one.consent_forward) != consent:
            one.consent_forward = consent
            changed += 1
    return changed


def visit_row(*, session: Session, visit_id: str) -> VisitRow:
    """One visit as a list row (what a write returns).

    Raises:
        VisitNotFound: no such visit.
    """
    found = session.exec(_row_query().where(Visit.id == visit_id)).first()
    if found is None:
        raise VisitNotFound()
    return _to_row(*found)


def get_visit(*, session: Session, visit_id: str, now: datetime | None = None) -> VisitDetail:
    """One visit with its full text; with `now`, its urgency while it awaits triage.

    Raises:
        VisitNotFound: no such visit.
    """
    found = session.exec(_row_query().where(Visit.id == visit_id)).first()
    if found is None:
        raise VisitNotFound()
    visit = found[0]
    deputy = session.get(Deputy, visit.deputy_id) if visit.deputy_id else None
    person = session.get(Constituent, visit.constituent_id)
    vulnerable = bool(person and person.vulnerable)
    count = session.exec(
        select(func.count()).where(Visit.constituent_id == visit.constituent_id, live(Visit))
    ).one()
    earlier = session.exec(
        select(earlier_visits_sql()).select_from(Visit).where(Visit.id == visit.id)
    ).one()
    facts = VisitFacts(
        kind=visit.kind,
        vulnerable=vulnerable,
        earlier_visits=earlier,
        received_at=visit.received_at,
    )
    observer = session.get(Observer, visit.observer_id) if visit.observer_id else None
    point = session.get(ObservationPoint, visit.point_id) if visit.point_id else None
    return VisitDetail(
        observer=observer.name if observer else None,
        point=point.name if point else None,
        vulnerable=vulnerable,
        urgency=visit_urgency(facts, now)
        if now is not None and visit.issue_id is None
        else Urgency(0, ()),
        resident_open_issues=resident_open_issues(
            session=session, constituent_id=visit.constituent_id
        ),
        row=_to_row(*found),
        text=visit.text,
        village_id=visit.village_id,
        category_id=visit.category_id,
        constituent_id=visit.constituent_id,
        deputy=deputy.name if deputy else None,
        resident_visits=count,
    )


def list_untriaged(
    *,
    session: Session,
    limit: int = PAGE_SIZE,
    offset: int = 0,
    by_urgency_at: datetime | None = None,
) -> Page[VisitRow]:
    """Visits not yet on an issue (the triage queue): oldest first, or with `by_urgency_at`
    (now), the most urgent first (store.desk.urgency), then oldest."""
    where = awaiting_triage()
    total = session.exec(select(func.count()).select_from(Visit).where(*where)).one()
    order: list[Any] = [col(Visit.received_at), col(Visit.id)]
    if by_urgency_at is not None:
        order.insert(0, visit_urgency_sql(by_urgency_at).desc())
    rows = session.exec(
        _row_query().where(*where).order_by(*order).limit(limit).offset(offset)
    ).all()
    return Page(tuple(_to_row(*r) for r in rows), total, offset, limit)


def list_visits_on(
    *, session: Session, day: date, tz: tzinfo, limit: int = PAGE_SIZE, offset: int = 0
) -> Page[VisitRow]:
    """Visits received on one station-local day, newest first."""
    start, end = day_bounds(day, tz)
    where = (
        col(Visit.received_at) >= start,
        col(Visit.received_at) < end,
        live(Visit),
    )
    total = session.exec(select(func.count()).select_from(Visit).where(*where)).one()
    rows = session.exec(
        _row_query()
        .where(*where)
        .order_by(col(Visit.received_at).desc(), col(Visit.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return Page(tuple(_to_row(*r) for r in rows), total, offset, limit)


def list_issue_visits(*, session: Session, issue_id: str) -> list[VisitRow]:
    """The visits that feed one issue, oldest first."""
    rows = session.exec(
        _row_query().where(Visit.issue_id == issue_id).order_by(col(Visit.received_at))
    ).all()
    return [_to_row(*r) for r in rows]


def untriaged_position(
    *, session: Session, visit_id: str, by_urgency_at: datetime | None = None
) -> int | None:
    """Where an untriaged visit stands in the queue (0-based) in the order `list_untriaged`
    uses, or None: so the queue can open on the page of a visit just logged."""
    order: list[Any] = [col(Visit.received_at), col(Visit.id)]
    if by_urgency_at is not None:
        order.insert(0, visit_urgency_sql(by_urgency_at).desc())
    ranked = (
        select(col(Visit.id).label("id"), func.row_number().over(order_by=order).label("n"))
        .join(Constituent, col(Constituent.id) == Visit.constituent_id)
        .where(*awaiting_triage())
        .subquery()
    )
    n = session.exec(select(ranked.c.n).where(ranked.c.id == visit_id)).first()
    return None if n is None else int(n) - 1


def resident_open_issues(*, session: Session, constituent_id: str) -> tuple[str, ...]:
    """The open issues a resident has visited about, most recently opened first."""
    rows = session.exec(
        select(Issue.id)
        .join(Visit, col(Visit.issue_id) == Issue.id)
        .where(
            Visit.constituent_id == constituent_id,
            live(Visit),
            col(Issue.status) != IssueStatus.closed,
            live(Issue),
        )
        .group_by(Issue.id)
        .order_by(func.max(Issue.opened_on).desc(), col(Issue.id))
    ).all()
    return tuple(rows)


def set_vulnerable(*, session: Session, constituent: Constituent, vulnerable: bool) -> None:
    """Flag or unflag a resident as vulnerable (困难群体), and keep the flag of every issue they
    are on: an issue is vulnerable while any of its residents is."""
    constituent.vulnerable = vulnerable
    session.flush()
    issues = session.exec(
        select(Issue).where(
            col(Issue.id).in_(
                select(Visit.issue_id).where(Visit.constituent_id == constituent.id, live(Visit))
            ),
            live(Issue),
        )
    ).all()
    for issue in issues:
        flagged = bool(
            session.exec(
                select(func.count())
                .select_from(Visit)
                .join(Constituent, col(Constituent.id) == Visit.constituent_id)
                .where(
                    Visit.issue_id == issue.id,
                    live(Visit),
                    col(Constituent.vulnerable).is_(True),
                )
            ).one()
        )
        if issue.vulnerable != flagged:
            issue.vulnerable = flagged
