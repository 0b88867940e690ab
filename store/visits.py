"""Visits (来访/民情) and the residents who make them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.changes import write_context
from store.clock import day_bounds
from store.errors import FormInvalid, VisitNotFound
from store.models import (
    Category,
    Channel,
    Constituent,
    Deputy,
    Village,
    Visit,
    VisitCreate,
    VisitKind,
)
from store.paging import PAGE_SIZE, Page
from store.validation import normalise_phone, summarise


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


@dataclass(frozen=True)
class VisitDetail:
    row: VisitRow
    text: str
    village_id: str
    category_id: str
    constituent_id: str
    deputy: str | None
    resident_visits: int


def _row_query():  # type: ignore[no-untyped-def]
    return (
        select(Visit, Constituent.name, Constituent.phone, Village.name, Category.name)
        .join(Constituent, col(Constituent.id) == Visit.constituent_id)
        .join(Village, col(Village.id) == Visit.village_id)
        .join(Category, col(Category.id) == Visit.category_id)
        .where(col(Visit.deleted_at).is_(None))
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
        .where(Constituent.phone == phone, col(Constituent.deleted_at).is_(None))
        .order_by(col(Constituent.updated_at).desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    person, village = found
    count, last = session.exec(
        select(func.count(), func.max(Visit.received_at)).where(
            Visit.constituent_id == person.id, col(Visit.deleted_at).is_(None)
        )
    ).one()
    return Resident(
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
        FormInvalid: the village or category does not exist.
    """
    ctx = write_context(session)
    village = session.get(Village, visit_in.village_id)
    category = session.get(Category, visit_in.category_id)
    errors = {}
    if village is None or village.deleted_at is not None:
        errors["village_id"] = "field.choice"
    if category is None or category.deleted_at is not None:
        errors["category_id"] = "field.choice"
    if errors:
        raise FormInvalid(errors)
    assert village is not None and category is not None
    person = session.exec(
        select(Constituent)
        .where(Constituent.phone == visit_in.phone, col(Constituent.deleted_at).is_(None))
        .order_by(col(Constituent.updated_at).desc())
        .limit(1)
    ).first()
    if person is None or person.name != visit_in.name:
        # A different name on a known phone is another member of the household.
        person = Constituent(
            station_id=ctx.actor.station_id,
            name=visit_in.name,
            phone=visit_in.phone,
            village_id=village.id,
            group_name=visit_in.group_name,
        )
        session.add(person)
    else:
        if person.village_id != village.id:
            person.village_id = village.id
        if visit_in.group_name and person.group_name != visit_in.group_name:
            person.group_name = visit_in.group_name
    visit = Visit(
        station_id=ctx.actor.station_id,
        received_at=visit_in.received_at or ctx.clock.now(),
        channel=visit_in.channel,
        kind=visit_in.kind,
        constituent_id=person.id,
        village_id=village.id,
        category_id=category.id,
        text=visit_in.text,
        summary=summarise(visit_in.text),
        deputy_id=visit_in.deputy_id or ctx.actor.deputy_id,
    )
    session.add(visit)
    session.flush()
    return _to_row(visit, person.name, person.phone, village.name, category.name)


def get_visit(*, session: Session, visit_id: str) -> VisitDetail:
    """One visit with its full text.

    Raises:
        VisitNotFound: no such visit.
    """
    found = session.exec(_row_query().where(Visit.id == visit_id)).first()
    if found is None:
        raise VisitNotFound()
    visit = found[0]
    deputy = session.get(Deputy, visit.deputy_id) if visit.deputy_id else None
    count = session.exec(
        select(func.count()).where(
            Visit.constituent_id == visit.constituent_id, col(Visit.deleted_at).is_(None)
        )
    ).one()
    return VisitDetail(
        row=_to_row(*found),
        text=visit.text,
        village_id=visit.village_id,
        category_id=visit.category_id,
        constituent_id=visit.constituent_id,
        deputy=deputy.name if deputy else None,
        resident_visits=count,
    )


def list_untriaged(*, session: Session, limit: int = PAGE_SIZE, offset: int = 0) -> Page[VisitRow]:
    """Visits not yet on an issue, oldest first (the triage queue)."""
    where = (col(Visit.issue_id).is_(None), col(Visit.deleted_at).is_(None))
    total = session.exec(select(func.count()).select_from(Visit).where(*where)).one()
    rows = session.exec(
        _row_query()
        .where(col(Visit.issue_id).is_(None))
        .order_by(col(Visit.received_at), col(Visit.id))
        .limit(limit)
        .offset(offset)
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
        col(Visit.deleted_at).is_(None),
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
