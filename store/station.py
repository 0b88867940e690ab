"""Creating and opening a station database: its station, this device, deputies, villages, units."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, select

from store.changelog.changes import Actor
from store.core.clock import Clock, SystemClock
from store.core.dialect import DatabaseTarget, database_url, is_postgres_target, shown_target
from store.core.errors import (
    DatabaseReadOnly,
    DatabaseUnreadable,
    FieldInvalid,
    StationMissing,
    WrongPassphrase,
)
from store.core.files import is_encrypted_file, is_read_only_file, private_dir, require_database
from store.core.hub_mark import HUB_META
from store.core.models import (
    Deputy,
    DeputyLevel,
    Device,
    DeviceKind,
    LocalMeta,
    Station,
    Tier,
    Unit,
    Village,
    VillageKind,
    new_id,
)
from store.core.settings import update_setting
from store.core.validation import clean_name
from store.db import Store, make_engine, read_session, write_session
from store.hot_words.word_index import bring_words_up_to_date
from store.reports.figure_days import rebuild_figure_days
from store.trust.migrate import ensure_schema


@dataclass(frozen=True)
class StationInfo:
    id: str
    name: str
    township: str
    county: str
    timezone: str
    device_id: str
    # A county hub's database (store.sync.hub): a view of many stations, no duty of its own.
    hub: bool = False

    def actor(self, deputy_id: str | None = None) -> Actor:
        return Actor(station_id=self.id, device_id=self.device_id, deputy_id=deputy_id)


@dataclass(frozen=True)
class DeputyIn:
    name: str
    level: DeputyLevel = DeputyLevel.township
    group_name: str = ""


@dataclass(frozen=True)
class VillageIn:
    name: str
    kind: VillageKind = VillageKind.village


@dataclass(frozen=True)
class UnitIn:
    name: str
    tier: Tier
    village: str | None = None


@dataclass(frozen=True)
class StationIn:
    name: str
    township: str
    county: str
    deputies: Sequence[DeputyIn] = ()
    villages: Sequence[VillageIn] = ()
    units: Sequence[UnitIn] | None = None
    # The station terminal's name as its laptops and the hub list it.
    device_name: str = "值班台"
    # A county hub's database (store.sync.hub) is made the same way, with a device of kind hub.
    device_kind: str = DeviceKind.station
    timezone: str = "Asia/Shanghai"
    extra: dict[str, str] = field(default_factory=dict)
    # Every deputy put on duty must have a PIN (the `pin.required` setting); spec §2 keeps the PIN
    # optional otherwise, and the demo leaves it so.
    require_pin: bool = False


TOWNSHIP_OFFICES = ("党政办", "城建办", "平安办", "社会事务办", "农业农村办", "综合行政执法队")
COUNTY_DEPARTMENTS = (
    "住建局",
    "交通运输局",
    "生态环境分局",
    "水利局",
    "卫健局",
    "教育局",
    "人社局",
    "民政局",
    "市场监管局",
    "公安局",
    "综合行政执法局",
    "自然资源和规划局",
    "农业农村局",
    "应急管理局",
)


def default_units(station: StationIn) -> list[UnitIn]:
    """A village committee per village, the township's offices and the usual county departments."""
    units = [
        UnitIn(
            name=v.name + ("村委会" if v.kind == VillageKind.village else "居委会"),
            tier=Tier.village,
            village=v.name,
        )
        for v in station.villages
    ]
    units.append(UnitIn(name=f"{station.township}人民政府", tier=Tier.township))
    units += [UnitIn(name=station.township + o, tier=Tier.township) for o in TOWNSHIP_OFFICES]
    units += [UnitIn(name=station.county + d, tier=Tier.county) for d in COUNTY_DEPARTMENTS]
    return units


def _check(station: StationIn) -> None:
    # A county hub stands for the whole county: it has no township.
    hub = station.device_kind == DeviceKind.hub
    for field_name in ("name", "county") if hub else ("name", "township", "county"):
        clean_name(getattr(station, field_name), field=field_name)
    for deputy in station.deputies:
        clean_name(deputy.name, field="deputy")
    names = [v.name for v in station.villages]
    for name in names:
        clean_name(name, field="village")
    if len(set(names)) != len(names):
        raise FieldInvalid("field.duplicate", "village")


def init_station(
    *,
    engine_path: DatabaseTarget,
    station: StationIn,
    clock: Clock,
    make_id: Callable[[], str] = new_id,
    key: str | None = None,
) -> StationInfo:
    """Create a new station database at `engine_path` with its first records, in one transaction.

    Args:
        engine_path: a SQLite file, or the URL of an empty PostgreSQL database.
        make_id: where record ids come from (the demo passes a seeded one, to be reproducible).
        key: a passphrase to encrypt the new SQLite file with (SQLCipher), or None.

    Raises:
        FieldInvalid: a name is empty or too long, or a village is named twice.
        FileExistsError: the file exists and already holds a station.
    """
    _check(station)
    store = open_store(engine_path, clock=clock, create=True, key=key)
    try:
        with store.read() as session:
            if session.exec(select(LocalMeta).where(LocalMeta.key == "station_id")).first():
                raise FileExistsError(shown_target(engine_path))
        station_id, device_id = make_id(), make_id()
        actor = Actor(station_id=station_id, device_id=device_id)
        with write_session(store.engine, actor=actor, clock=clock) as session:
            _write_station(session, station, station_id, device_id, make_id)
            if station.require_pin:
                update_setting(session=session, key="pin.required", value="1")
        with store.read() as session:
            return station_info(session=session)
    finally:
        store.dispose()


def _write_station(
    session: Session,
    station: StationIn,
    station_id: str,
    device_id: str,
    make_id: Callable[[], str],
) -> None:
    session.add(LocalMeta(key="station_id", value=station_id))
    session.add(LocalMeta(key="device_id", value=device_id))
    if station.device_kind == DeviceKind.hub:
        session.add(LocalMeta(key=HUB_META, value="1"))
        session.flush()
        # A hub's statistics are daily sums, counted in the stations' time zone from now on.
        rebuild_figure_days(session.connection(), station.timezone)
    session.add(
        Station(
            id=station_id,
            name=clean_name(station.name),
            township=station.township.strip(),
            county=station.county.strip(),
            timezone=station.timezone,
        )
    )
    session.flush()
    session.add(
        Device(
            id=device_id, station_id=station_id, name=station.device_name, kind=station.device_kind
        )
    )
    for deputy in station.deputies:
        session.add(
            Deputy(
                id=make_id(),
                station_id=station_id,
                name=clean_name(deputy.name),
                level=deputy.level,
                group_name=deputy.group_name,
            )
        )
    village_ids: dict[str, str] = {}
    for position, village in enumerate(station.villages):
        row = Village(
            id=make_id(),
            station_id=station_id,
            name=clean_name(village.name),
            kind=village.kind,
            position=position,
        )
        village_ids[village.name] = row.id
        session.add(row)
    session.flush()
    for unit in station.units if station.units is not None else default_units(station):
        session.add(
            Unit(
                id=make_id(),
                station_id=station_id,
                name=unit.name,
                tier=unit.tier,
                village_id=village_ids.get(unit.village) if unit.village else None,
            )
        )


def station_info(*, session: Session) -> StationInfo:
    """This database's station and device.

    Raises:
        StationMissing: the database has no station yet (never initialised).
    """
    meta = {row.key: row.value for row in session.exec(select(LocalMeta)).all()}
    station = session.get(Station, meta["station_id"]) if "station_id" in meta else None
    if station is None or "device_id" not in meta:
        raise StationMissing()
    return StationInfo(
        id=station.id,
        name=station.name,
        township=station.township,
        county=station.county,
        timezone=station.timezone,
        device_id=meta["device_id"],
        hub=meta.get(HUB_META) == "1",
    )


def open_store(
    path: DatabaseTarget,
    *,
    clock: Clock | None = None,
    create: bool = False,
    on_backup: Callable[[Path], None] | None = None,
    key: str | None = None,
) -> Store:
    """Open (and if need be upgrade) the station database at `path`.

    Args:
        path: the SQLite file, or a PostgreSQL URL (`postgresql://…`: the database must exist;
            an empty one is given the schema).
        clock: the clock writes are stamped with; the system clock by default.
        create: make the file if it does not exist.
        on_backup: told where the copy went when an older database was upgraded (SQLite only:
            a PostgreSQL server's backups are pg_dump's job).
        key: the passphrase of an encrypted file (docs/rules/sync.md); a new file (`create`) is
        encrypted
            with it. Ignored for a plain file that exists already.
    Raises:
        StationMissing: no such file and `create` is false.
        DatabaseEncrypted: the file is encrypted and no `key` was given.
        WrongPassphrase: `key` does not open the encrypted file (nothing written).
        DatabaseUnreadable: the file is not a SQLite database, or the server cannot be reached.
    """
    postgres = is_postgres_target(path)
    if postgres:
        key = None
    elif create and (not Path(path).exists() or Path(path).stat().st_size == 0):
        private_dir(Path(path).parent)
    else:
        require_database(Path(path), key=key)
        key = key if is_encrypted_file(Path(path)) else None
    engine = make_engine(database_url(path), key=key)
    try:
        backup = ensure_schema(engine, None if postgres else Path(path), key=key)
    except DatabaseError:
        engine.dispose()
        if not postgres and is_read_only_file(Path(path)):
            raise DatabaseReadOnly(path=shown_target(path)) from None
        if key is not None:
            raise WrongPassphrase(path=shown_target(path)) from None
        raise DatabaseUnreadable(path=shown_target(path)) from None
    if backup is not None and on_backup is not None:
        on_backup(backup)
    # Words derived by an earlier version's rules are derived again, once (derived data: no
    # migration, no backup).
    bring_words_up_to_date(engine)
    return Store(engine=engine, clock=clock or SystemClock(), key=key)


def load_station(store: Store) -> StationInfo:
    with read_session(store.engine) as session:
        return station_info(session=session)
