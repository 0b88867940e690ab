"""Observation points (民情观察点): where observers gather what residents say — a village square, a
market, or a trade point (行业观察点) where riders, couriers or truckers meet.

Every edit is an ordinary logged write (so it syncs and shows in the audit trail). A point is
never deleted: a retired one stays for the visits that name it and is offered no more."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.changelog.changes import write_context
from store.core.errors import N_, FieldInvalid, NotFound
from store.core.models import ObservationPoint, PointKind, Village
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import find_live, live
from store.core.validation import clean_name, strip_controls

PLACE_MAX = 100


class PointNotFound(NotFound):
    key = N_("error.point_not_found")


@dataclass(frozen=True)
class PointRow:
    """A point as its list, the forms and the pickers show it."""

    id: str
    name: str
    place: str
    village_id: str | None
    village: str
    kind: PointKind
    active: bool


@dataclass(frozen=True)
class PointForm:
    """A point as typed: its name, where it is, its village (None: none) and its kind."""

    name: str
    place: str = ""
    village_id: str | None = None
    kind: PointKind = PointKind.ordinary


def _row(point: ObservationPoint, village: str | None) -> PointRow:
    return PointRow(
        id=point.id,
        name=point.name,
        place=point.place,
        village_id=point.village_id,
        village=village or "",
        kind=PointKind(point.kind),
        active=bool(point.active),
    )


def list_points(
    *, session: Session, retired: bool = True, limit: int = PAGE_SIZE, offset: int = 0
) -> Page[PointRow]:
    """The station's points, active first, then by name; retired ones too unless `retired` is
    False (what the pickers offer)."""
    where = [] if retired else [col(ObservationPoint.active).is_(True)]
    total = session.exec(
        select(func.count()).select_from(ObservationPoint).where(live(ObservationPoint), *where)
    ).one()
    rows = session.exec(
        select(ObservationPoint, Village.name)
        .outerjoin(Village, col(Village.id) == ObservationPoint.village_id)
        .where(live(ObservationPoint), *where)
        .order_by(
            col(ObservationPoint.active).desc(),
            col(ObservationPoint.name),
            col(ObservationPoint.id),
        )
        .limit(limit)
        .offset(offset)
    ).all()
    return Page(tuple(_row(p, v) for p, v in rows), int(total), offset, limit)


def point_choices(*, session: Session) -> list[PointRow]:
    """The active points, by name: what the forms offer (a station has tens)."""
    rows = session.exec(
        select(ObservationPoint, Village.name)
        .outerjoin(Village, col(Village.id) == ObservationPoint.village_id)
        .where(live(ObservationPoint), col(ObservationPoint.active).is_(True))
        .order_by(col(ObservationPoint.name), col(ObservationPoint.id))
    ).all()
    return [_row(p, v) for p, v in rows]


def get_point(*, session: Session, point_id: str) -> PointRow:
    """One point, retired or not.

    Raises:
        PointNotFound: no such point."""
    point = find_live(session, ObservationPoint, point_id)
    if point is None:
        raise PointNotFound()
    village = session.get(Village, point.village_id) if point.village_id else None
    return _row(point, village.name if village else None)


def find_point(session: Session, name_or_id: str) -> ObservationPoint:
    """A point by id or by name (the command line names them).

    Raises:
        PointNotFound: none is called that."""
    point = find_live(session, ObservationPoint, name_or_id)
    if point is None:
        squeezed = " ".join(name_or_id.split())
        point = session.exec(
            select(ObservationPoint)
            .where(col(ObservationPoint.name) == squeezed, live(ObservationPoint))
            .order_by(col(ObservationPoint.active).desc())
        ).first()
    if point is None:
        raise PointNotFound(name=name_or_id[:50])
    return point


def _checked(session: Session, form: PointForm, but: str | None = None) -> tuple[str, str]:
    name = clean_name(form.name)
    taken = session.exec(
        select(ObservationPoint.id).where(
            col(ObservationPoint.name) == name, live(ObservationPoint)
        )
    ).first()
    if taken is not None and taken != but:
        raise FieldInvalid("field.duplicate", "name")
    place = " ".join(strip_controls(form.place).split())
    if len(place) > PLACE_MAX:
        raise FieldInvalid("field.too_long", "place", limit=PLACE_MAX)
    if form.village_id is not None and find_live(session, Village, form.village_id) is None:
        raise FieldInvalid("field.choice", "village_id")
    return name, place


def add_point(*, session: Session, form: PointForm) -> PointRow:
    """A new observation point.

    Raises:
        FieldInvalid: a bad or taken name, a place too long, an unknown village."""
    ctx = write_context(session)
    name, place = _checked(session, form)
    point = ObservationPoint(
        station_id=ctx.actor.station_id,
        name=name,
        place=place,
        village_id=form.village_id,
        kind=form.kind,
    )
    session.add(point)
    session.flush()
    return get_point(session=session, point_id=point.id)


def update_point(*, session: Session, point_id: str, form: PointForm) -> PointRow:
    """A point's name, place, village and kind as corrected (only what changed is written).

    Raises:
        PointNotFound: no such point. FieldInvalid: as `add_point`."""
    write_context(session)
    point = find_live(session, ObservationPoint, point_id)
    if point is None:
        raise PointNotFound()
    name, place = _checked(session, form, but=point.id)
    for field, value in (
        ("name", name),
        ("place", place),
        ("village_id", form.village_id),
        ("kind", form.kind.value),
    ):
        if getattr(point, field) != value:
            setattr(point, field, value)
    session.flush()
    return get_point(session=session, point_id=point.id)


def set_point_active(*, session: Session, point_id: str, active: bool) -> PointRow:
    """Retire a point (offered no more, kept for the visits that name it), or bring it back.

    Raises:
        PointNotFound: no such point."""
    write_context(session)
    point = find_point(session, point_id)
    if bool(point.active) != active:
        point.active = active
        session.flush()
    return get_point(session=session, point_id=point.id)
