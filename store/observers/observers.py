"""The station's observers (民情观察员): who they are, who recommended them (a deputy), their group
(五老, 返乡青年, 新就业群体 …), their usual point, serving or retired.

An observer's name and phone are personal data under the residents' rules
(docs/rules/observers.md): read models carry the phone masked only, and `reveal_observer_phones`
is the one way to it in clear, logged in the access log in the same transaction; the name is
printed beyond the station only with the observer's consent (同意公开姓名, `consent_named`), and
both are purged once the observer has been retired longer than the retention period
(store.observers.retention). Every edit is an ordinary logged write: it syncs and shows in the
audit trail (name and phone hidden there, the phone masked). An observer is never deleted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from store.changelog.changes import write_context
from store.core.clock import today as today_of
from store.core.errors import N_, FieldInvalid, FormInvalid, NotFound, StoreError, VisitNotFound
from store.core.models import Channel, Deputy, ObservationPoint, Observer, ObserverGroup, Visit
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import find_live, live
from store.core.validation import clean_name, clean_phone, mask_phone
from store.trust.reveals import log_reveal

# The access log's table for an observer's phone shown in clear.
OBSERVER_TABLE = "observer"


class ObserverNotFound(NotFound):
    key = N_("error.observer_not_found")


class ObserverPurged(StoreError):
    """An observer whose personal data was purged: nothing left to edit or bring back."""

    key = N_("error.observer_purged")


@dataclass(frozen=True)
class ObserverRow:
    """An observer as the list, the forms and the pickers show them: the phone masked only."""

    id: str
    name: str
    phone_masked: str
    group: ObserverGroup
    deputy_id: str | None
    deputy: str
    point_id: str | None
    point: str
    appointed_on: date
    retired_on: date | None
    consent_named: bool
    purged: bool = False

    @property
    def active(self) -> bool:
        return self.retired_on is None

    @property
    def has_phone(self) -> bool:
        return bool(self.phone_masked)


@dataclass(frozen=True)
class ObserverForm:
    """An observer as typed. `phone` None keeps the one on record (an edit that did not retype
    it: the form never shows it in clear), "" records none; `appointed_on` None is today on
    adding and unchanged on editing."""

    name: str
    phone: str | None = None
    group: ObserverGroup = ObserverGroup.other
    deputy_id: str | None = None
    point_id: str | None = None
    consent_named: bool = False
    appointed_on: date | None = None


_Recommender = aliased(Deputy)
_Point = aliased(ObservationPoint)


def _rows_query() -> Select[Observer, str, str]:
    return (
        select(Observer, _Recommender.name, _Point.name)
        .outerjoin(_Recommender, col(_Recommender.id) == Observer.deputy_id)
        .outerjoin(_Point, col(_Point.id) == Observer.point_id)
        .where(live(Observer))
    )


def _row(observer: Observer, deputy: str | None, point: str | None) -> ObserverRow:
    return ObserverRow(
        id=observer.id,
        name=observer.name,
        phone_masked=mask_phone(observer.phone) if observer.phone else "",
        group=ObserverGroup(observer.group_kind),
        deputy_id=observer.deputy_id,
        deputy=deputy or "",
        point_id=observer.point_id,
        point=point or "",
        appointed_on=observer.appointed_on,
        retired_on=observer.retired_on,
        consent_named=bool(observer.consent_named),
        purged=observer.purged_at is not None,
    )


def list_observers(
    *,
    session: Session,
    retired: bool = True,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Page[ObserverRow]:
    """The station's observers, serving ones first, then by name; retired ones too unless
    `retired` is False."""
    where = [] if retired else [col(Observer.retired_on).is_(None)]
    total = session.exec(
        select(func.count()).select_from(Observer).where(live(Observer), *where)
    ).one()
    rows = session.exec(
        _rows_query()
        .where(*where)
        .order_by(
            col(Observer.retired_on).is_not(None),
            col(Observer.name),
            col(Observer.id),
        )
        .limit(limit)
        .offset(offset)
    ).all()
    return Page(tuple(_row(*r) for r in rows), int(total), offset, limit)


def observer_choices(*, session: Session) -> list[ObserverRow]:
    """The serving observers, by name: what the visit form offers (a station has tens)."""
    rows = session.exec(
        _rows_query()
        .where(col(Observer.retired_on).is_(None), col(Observer.purged_at).is_(None))
        .order_by(col(Observer.name), col(Observer.id))
    ).all()
    return [_row(*r) for r in rows]


def get_observer(*, session: Session, observer_id: str) -> ObserverRow:
    """One observer, retired or not.

    Raises:
        ObserverNotFound: no such observer."""
    found = session.exec(_rows_query().where(col(Observer.id) == observer_id)).first()
    if found is None:
        raise ObserverNotFound()
    return _row(*found)


def find_observer(session: Session, name_or_id: str) -> Observer:
    """An observer by id, or by name (serving ones first): the command line names them.

    Raises:
        ObserverNotFound: none is called that."""
    observer = find_live(session, Observer, name_or_id)
    if observer is None:
        squeezed = " ".join(name_or_id.split())
        observer = session.exec(
            select(Observer)
            .where(col(Observer.name) == squeezed, live(Observer))
            .order_by(col(Observer.retired_on).is_not(None), col(Observer.id))
        ).first()
    if observer is None or (observer.purged_at is not None and observer.id != name_or_id):
        raise ObserverNotFound(name=name_or_id[:50])
    return observer


def _checked(
    session: Session, form: ObserverForm, keep_point: str | None = None
) -> tuple[str, str | None]:
    """The form's name and phone as kept (phone None: keep), its deputy and point checked.
    `keep_point` is the point the observer is at already (kept even if retired since)."""
    name = clean_name(form.name)
    phone = None
    if form.phone is not None:
        phone = clean_phone(form.phone) if form.phone.strip() else ""
    if form.deputy_id is not None and find_live(session, Deputy, form.deputy_id) is None:
        raise FieldInvalid("field.choice", "deputy_id")
    if form.point_id is not None and form.point_id != keep_point:
        point = find_live(session, ObservationPoint, form.point_id)
        if point is None or not point.active:
            raise FieldInvalid("field.choice", "point_id")
    return name, phone


def add_observer(*, session: Session, form: ObserverForm) -> ObserverRow:
    """A new observer, serving from `form.appointed_on` (today by default).

    Raises:
        FieldInvalid: a bad name or phone, an unknown deputy or point."""
    ctx = write_context(session)
    name, phone = _checked(session, form)
    observer = Observer(
        station_id=ctx.actor.station_id,
        name=name,
        phone=phone or "",
        group_kind=form.group,
        deputy_id=form.deputy_id,
        point_id=form.point_id,
        appointed_on=form.appointed_on or today_of(ctx.clock),
        consent_named=form.consent_named,
    )
    session.add(observer)
    session.flush()
    return get_observer(session=session, observer_id=observer.id)


def _editable(session: Session, observer_id: str) -> Observer:
    observer = find_observer(session, observer_id)
    if observer.purged_at is not None:
        raise ObserverPurged()
    return observer


def update_observer(*, session: Session, observer_id: str, form: ObserverForm) -> ObserverRow:
    """An observer's details as corrected; only what changed is written (a consent withdrawn
    is a change like any other, in the audit trail).

    Raises:
        ObserverNotFound, ObserverPurged; FieldInvalid as `add_observer`."""
    write_context(session)
    observer = _editable(session, observer_id)
    name, phone = _checked(session, form, keep_point=observer.point_id)
    changes: dict[str, object] = {
        "name": name,
        "group_kind": form.group.value,
        "deputy_id": form.deputy_id,
        "point_id": form.point_id,
        "consent_named": form.consent_named,
    }
    if phone is not None:
        changes["phone"] = phone
    if form.appointed_on is not None:
        changes["appointed_on"] = form.appointed_on
    for field, value in changes.items():
        if getattr(observer, field) != value:
            setattr(observer, field, value)
    session.flush()
    return get_observer(session=session, observer_id=observer.id)


def retire_observer(*, session: Session, observer_id: str, day: date | None = None) -> ObserverRow:
    """Retire an observer from `day` (today by default): offered no more, kept for the visits
    that name them; purged once retired longer than the retention period.

    Raises:
        ObserverNotFound, ObserverPurged."""
    ctx = write_context(session)
    observer = _editable(session, observer_id)
    if observer.retired_on is None:
        observer.retired_on = day or today_of(ctx.clock)
        session.flush()
    return get_observer(session=session, observer_id=observer.id)


def restore_observer(*, session: Session, observer_id: str) -> ObserverRow:
    """Bring a retired observer back.

    Raises:
        ObserverNotFound, ObserverPurged (nothing left to bring back)."""
    write_context(session)
    observer = _editable(session, observer_id)
    if observer.retired_on is not None:
        observer.retired_on = None
        session.flush()
    return get_observer(session=session, observer_id=observer.id)


def reveal_observer_phones(*, session: Session, observer_ids: list[str]) -> dict[str, str]:
    """These observers' phones in clear, each reveal logged (the access log, under the deputy
    on duty) in this write transaction: the only way to a phone in clear.

    Returns:
        Observer id → phone, for those who have one."""
    rows = session.exec(
        select(Observer.id, Observer.phone).where(
            col(Observer.id).in_(list(dict.fromkeys(observer_ids))), live(Observer)
        )
    ).all()
    phones = {row_id: phone for row_id, phone in rows if phone}
    log_reveal(
        session=session,
        table_name=OBSERVER_TABLE,
        row_ids=[i for i in dict.fromkeys(observer_ids) if i in phones],
    )
    return phones


def through_errors(
    session: Session, channel: Channel, observer_id: str | None, point_id: str | None
) -> dict[str, str]:
    """What is wrong with a visit's observer and point (store.desk.visits.log_visit): named only
    through the observer channel (民情观察员), a serving observer and an active point.

    Returns:
        Field → catalogue key; empty when both are right (or absent: a visit through an
        observer may not say who)."""
    errors: dict[str, str] = {}
    if channel != Channel.observer:
        if observer_id is not None:
            errors["observer_id"] = N_("observer.channel_only")
        if point_id is not None:
            errors["point_id"] = N_("observer.channel_only")
        return errors
    if observer_id is not None:
        observer = find_live(session, Observer, observer_id)
        if observer is None or observer.retired_on is not None or observer.purged_at is not None:
            errors["observer_id"] = N_("field.choice")
    if point_id is not None:
        point = find_live(session, ObservationPoint, point_id)
        if point is None or not point.active:
            errors["point_id"] = N_("field.choice")
    return errors


def name_through(*, session: Session, named: Mapping[str, tuple[str | None, str | None]]) -> int:
    """Name who relayed visits of the observer channel, and where: for visits logged before
    their observer was on record (a station's first observers, the demo). An observer or a point
    retired since may be named: they were serving then. All or none, in one flush.

    Args:
        named: visit id → (observer id, point id), either None for nobody.
    Returns:
        How many visits changed.
    Raises:
        VisitNotFound: a visit the station does not have. FormInvalid: not a visit through an
            observer, or an observer or point the station does not have (or a purged observer).
    """
    write_context(session)
    visits = {
        v.id: v
        for v in session.exec(select(Visit).where(col(Visit.id).in_(list(named)), live(Visit)))
    }
    if len(visits) != len(named):
        raise VisitNotFound()
    observers = {o for o, _p in named.values() if o is not None}
    points = {p for _o, p in named.values() if p is not None}
    known = set(
        session.exec(
            select(Observer.id).where(
                col(Observer.id).in_(list(observers)),
                live(Observer),
                col(Observer.purged_at).is_(None),
            )
        )
    )
    places = set(
        session.exec(
            select(ObservationPoint.id).where(
                col(ObservationPoint.id).in_(list(points)), live(ObservationPoint)
            )
        )
    )
    errors: dict[str, str] = {}
    if any(v.channel != Channel.observer for v in visits.values()):
        errors["observer_id"] = N_("observer.channel_only")
    elif observers - known:
        errors["observer_id"] = N_("field.choice")
    if points - places:
        errors["point_id"] = N_("field.choice")
    if errors:
        raise FormInvalid(errors)
    changed = 0
    for visit_id, (observer_id, point_id) in named.items():
        visit = visits[visit_id]
        if (visit.observer_id, visit.point_id) != (observer_id, point_id):
            visit.observer_id, visit.point_id = observer_id, point_id
            changed += 1
    session.flush()
    return changed
