"""The station's reference data as the station edits it: units, villages, categories and deputies
added, renamed, merged and retired.

Every edit is an ordinary logged write (so it syncs and shows in the audit trail). A record keeps
its id through a rename, so history keeps pointing at it; its former name is kept
(`name_alias`), so that a ledger written with it still finds the record (store.reference.names).
Merging one record into another moves what points at it (issues follow a unit; visits, residents,
issues and committees follow a village), retires it and keeps its name as the other's former
name. Nothing is ever deleted: a retired record stays for its history and is offered no more."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, cast

from sqlmodel import Session, SQLModel, col, select

from store.changelog.changes import write_context
from store.core.errors import N_, FieldInvalid, NotFound
from store.core.models import (
    Category,
    Constituent,
    Deputy,
    DeputyLevel,
    Issue,
    NameAlias,
    Station,
    Tier,
    Unit,
    Village,
    VillageKind,
    Visit,
    table_name,
)
from store.core.rows import live
from store.core.validation import clean_name, clean_phone

Named = Unit | Village | Category | Deputy
NamedModel = type[Unit] | type[Village] | type[Category] | type[Deputy]
R = TypeVar("R", Unit, Village, Category, Deputy)


class ReferenceNotFound(NotFound):
    key = N_("reference.not_found")


@dataclass(frozen=True)
class ReferenceRow:
    """One record as the reference screen and `liaison units` list it."""

    id: str
    name: str
    active: bool
    tier: Tier | None = None
    village: str = ""
    level: str = ""
    group: str = ""
    phone: str = ""
    former: tuple[str, ...] = ()


KINDS: dict[str, NamedModel] = {
    "unit": Unit,
    "village": Village,
    "category": Category,
    "deputy": Deputy,
}


def _station_id(session: Session) -> str:
    station = session.exec(select(Station).where(live(Station))).first()
    if station is None:
        raise ReferenceNotFound()
    return station.id


def _name(value: str, field: str) -> str:
    return clean_name(value, field=field)


def find_record(session: Session, model: type[R], name_or_id: str) -> R:
    """A record by id, by name, or by a former name.

    Raises:
        ReferenceNotFound: none is called that."""
    record = session.get(model, name_or_id)
    if record is None or record.deleted_at is not None:
        squeezed = "".join(name_or_id.split())
        record = session.exec(select(model).where(col(model.name) == squeezed, live(model))).first()
    if record is None:
        alias = session.exec(
            select(NameAlias.row_id).where(
                col(NameAlias.table_name) == table_name(model),
                col(NameAlias.name) == "".join(name_or_id.split()),
                live(NameAlias),
            )
        ).first()
        record = session.get(model, alias) if alias else None
    if record is None or record.deleted_at is not None:
        raise ReferenceNotFound(name=name_or_id[:50])
    return record


def _find_any(session: Session, kind: str, name_or_id: str) -> Named:
    model = KINDS[kind]
    return find_record(session, cast("type[Unit]", model), name_or_id)


def _unique(session: Session, model: NamedModel, name: str, but: str | None = None) -> None:
    taken = session.exec(select(model.id).where(col(model.name) == name, live(model))).first()
    if taken is not None and taken != but:
        raise FieldInvalid("field.duplicate", "name")


def _keep_former(session: Session, model: type[SQLModel], row_id: str, name: str) -> None:
    session.add(
        NameAlias(
            station_id=_station_id(session), table_name=table_name(model), row_id=row_id, name=name
        )
    )


def rename(*, session: Session, kind: str, record: str, name: str) -> ReferenceRow:
    """Rename a unit, village, category or deputy; its former name keeps finding it.

    Raises:
        ReferenceNotFound: no such record. FieldInvalid: a bad or taken name."""
    write_context(session)
    model = KINDS[kind]
    found = _find_any(session, kind, record)
    new = _name(name, "name")
    if new == found.name:
        return describe(session, found)
    _unique(session, model, new, but=found.id)
    _keep_former(session, model, found.id, found.name)
    found.name = new
    session.flush()
    return describe(session, found)


def merge(*, session: Session, kind: str, source: str, target: str) -> int:
    """Merge one unit or village into another: what points at the first points at the second
    from now on, the first is retired and its name becomes a former name of the second.

    Returns:
        How many records were moved.
    Raises:
        ReferenceNotFound: either is unknown. FieldInvalid: the same record twice, or two units
        of different tiers."""
    write_context(session)
    model = KINDS[kind]
    src, dst = _find_any(session, kind, source), _find_any(session, kind, target)
    if src.id == dst.id:
        raise FieldInvalid("reference.same", "target")
    moved = 0
    if isinstance(src, Unit) and isinstance(dst, Unit):
        if src.tier != dst.tier:
            raise FieldInvalid("reference.tiers_differ", "target")
        for issue in session.exec(select(Issue).where(col(Issue.unit_id) == src.id, live(Issue))):
            issue.unit_id = dst.id
            moved += 1
        src.active = False
    elif isinstance(src, Village) and isinstance(dst, Village):
        for follower in (Visit, Constituent, Issue, Unit):
            rows = session.exec(
                select(follower).where(col(follower.village_id) == src.id, live(follower))
            )
            for row in rows:
                row.village_id = dst.id
                moved += 1
        src.active = False
    else:
        raise FieldInvalid("reference.cannot_merge", "kind")
    _keep_former(session, model, dst.id, src.name)
    session.flush()
    return moved


def set_active(*, session: Session, kind: str, record: str, active: bool) -> ReferenceRow:
    """Retire a record (offered no more, kept for its history), or bring it back."""
    write_context(session)
    found = _find_any(session, kind, record)
    found.active = active
    session.flush()
    return describe(session, found)


def add_unit(
    *, session: Session, name: str, tier: Tier, village: str | None = None
) -> ReferenceRow:
    """A new unit at `tier` (a village's committee names its village)."""
    write_context(session)
    new = _name(name, "name")
    _unique(session, Unit, new)
    village_id = find_record(session, Village, village).id if village else None
    if tier == Tier.village and village_id is None:
        raise FieldInvalid("reference.village_required", "village")
    unit = Unit(station_id=_station_id(session), name=new, tier=tier, village_id=village_id)
    session.add(unit)
    session.flush()
    return describe(session, unit)


def set_unit_tier(*, session: Session, record: str, tier: Tier) -> ReferenceRow:
    """The tier a unit works at from now on (its issues keep the tier they were handled at)."""
    write_context(session)
    unit = find_record(session, Unit, record)
    unit.tier = tier
    session.flush()
    return describe(session, unit)


def add_village(*, session: Session, name: str) -> ReferenceRow:
    """A new village (…社区 is a community) and its committee (村委会 or 居委会)."""
    write_context(session)
    new = _name(name, "village")
    _unique(session, Village, new)
    kind = VillageKind.community if new.endswith("社区") else VillageKind.village
    last = session.exec(select(Village.position).order_by(col(Village.position).desc())).first()
    village = Village(
        station_id=_station_id(session), name=new, kind=kind, position=(last or 0) + 1
    )
    session.add(village)
    session.flush()
    committee = new + ("居委会" if kind == VillageKind.community else "村委会")
    if session.exec(select(Unit.id).where(col(Unit.name) == committee, live(Unit))).first() is None:
        session.add(
            Unit(
                station_id=village.station_id,
                name=committee,
                tier=Tier.village,
                village_id=village.id,
            )
        )
    session.flush()
    return describe(session, village)


def add_category(*, session: Session, name: str) -> ReferenceRow:
    """A new category, after the others (docs/rules/duty-loop.md: the 28 are a data table)."""
    write_context(session)
    new = _name(name, "name")
    _unique(session, Category, new)
    last = session.exec(select(Category.position).order_by(col(Category.position).desc())).first()
    category = Category(name=new, position=(last or 0) + 1)
    session.add(category)
    session.flush()
    return describe(session, category)


def add_deputy(
    *,
    session: Session,
    name: str,
    level: DeputyLevel = DeputyLevel.township,
    group: str = "",
    phone: str = "",
) -> ReferenceRow:
    """A new deputy, on the roster."""
    write_context(session)
    new = _name(name, "deputy")
    _unique(session, Deputy, new)
    deputy = Deputy(
        station_id=_station_id(session),
        name=new,
        level=level,
        group_name=" ".join(group.split())[:100],
        phone=clean_phone(phone) if phone.strip() else None,
    )
    session.add(deputy)
    session.flush()
    return describe(session, deputy)


def set_deputy(
    *,
    session: Session,
    record: str,
    level: DeputyLevel | None = None,
    group: str | None = None,
    phone: str | None = None,
) -> ReferenceRow:
    """A deputy's level, deputies' group (代表小组) or phone; what is None stays."""
    write_context(session)
    deputy = find_record(session, Deputy, record)
    if level is not None:
        deputy.level = level
    if group is not None:
        deputy.group_name = " ".join(group.split())[:100]
    if phone is not None:
        deputy.phone = clean_phone(phone) if phone.strip() else None
    session.flush()
    return describe(session, deputy)


def _former_names(session: Session, table: str, ids: list[str]) -> dict[str, tuple[str, ...]]:
    """Each record's former names, oldest first, in one read for all of them."""
    former: dict[str, list[str]] = {}
    for row_id, name in session.exec(
        select(NameAlias.row_id, NameAlias.name)
        .where(
            col(NameAlias.table_name) == table,
            col(NameAlias.row_id).in_(ids),
            live(NameAlias),
        )
        .order_by(col(NameAlias.created_at))
    ).all():
        former.setdefault(row_id, []).append(name)
    return {row_id: tuple(names) for row_id, names in former.items()}


def describe(
    session: Session,
    record: Unit | Village | Category | Deputy,
    *,
    former: tuple[str, ...] | None = None,
    villages: dict[str, str] | None = None,
) -> ReferenceRow:
    """A record as listed, its former names with it (`former` and the villages' names when the
    caller has read them for a whole list)."""
    if former is None:
        former = _former_names(session, table_name(type(record)), [record.id]).get(record.id, ())
    if isinstance(record, Unit):
        if villages is not None:
            village_name = villages.get(record.village_id or "", "")
        else:
            village = session.get(Village, record.village_id) if record.village_id else None
            village_name = village.name if village else ""
        return ReferenceRow(
            record.id,
            record.name,
            record.active,
            Tier(record.tier),
            village_name,
            former=former,
        )
    if isinstance(record, Deputy):
        return ReferenceRow(
            record.id,
            record.name,
            record.active,
            level=record.level,
            group=record.group_name,
            phone=record.phone or "",
            former=former,
        )
    return ReferenceRow(record.id, record.name, record.active, former=former)


def list_records(*, session: Session, kind: str, retired: bool = True) -> list[ReferenceRow]:
    """Every record of a kind, active first, in the order the forms offer them."""
    model = KINDS[kind]
    query = select(model).where(live(model))
    if not retired:
        query = query.where(col(model.active).is_(True))
    rows = session.exec(query).all()
    order = {
        "unit": lambda r: (not r.active, list(Tier).index(Tier(r.tier)), r.name),
        "village": lambda r: (not r.active, r.position, r.name),
        "category": lambda r: (not r.active, r.position, r.name),
        "deputy": lambda r: (not r.active, r.name),
    }[kind]
    # Former names and villages read once for the list: a read per record was 560 reads for a
    # county hub's units (196 ms of SQL for the reference lists at 600,000 visits).
    former = _former_names(session, table_name(model), [r.id for r in rows])
    villages = (
        {v.id: v.name for v in session.exec(select(Village)).all()} if model is Unit else None
    )
    return [
        describe(session, r, former=former.get(r.id, ()), villages=villages)  # type: ignore[arg-type]
        for r in sorted(rows, key=order)
    ]
