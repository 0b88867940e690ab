"""The county hub (issue 6, part 4): one database, normally PostgreSQL, that every station of a
county pushes its records to, so that the county sees all their boards and statistics together.

The hub is online, so no acknowledgements are kept: a push sends what the hub's own version
vector says it lacks, a pull takes what the station's says it lacks, each merged with
`merge_changes` in one write transaction of the receiving side (idempotent and order-free, as a
bundle is).

What travels, and why:
- **push** carries a station's changes, its laptops' included (they reached the station by
  bundles), its devices among them, except its *configuration*: `setting` rows (tier windows,
  colour thresholds: one station's would overwrite another's on the hub) and `calendar_day`
  rows (a station's working-day calendar; on the hub every record carries the dates computed
  with its own station's calendar, and several stations' days would only conflict there).
  Conflict answers do travel: the hub derives the same conflicts from the same log (a conflict's
  id is a function of it), and an answer given at the station then settles it on the hub too.
- **pull** brings back to a station what concerns it alone: the changes made on the hub (a
  county supervision note...) to this station's records, and this station's own devices' changes
  the hub holds (a station restored from an older backup gets them back). Never another
  station's records, never configuration. Whose a record is, is read from the hub's rows: its
  `station_id`, or its parent's (`_THROUGH`), or, for an access-log entry or a conflict answer,
  the record it is about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, Table, select
from sqlalchemy.exc import ArgumentError, DatabaseError
from sqlalchemy.orm import Session

from store.changelog.conflict_list import unanswered
from store.changelog.field_clock import chunks
from store.core.clock import Clock
from store.core.dialect import database_url, is_postgres_target, shown_target
from store.core.errors import StationMissing, SyncRefused
from store.core.files import DatabaseTarget, is_sqlite_file
from store.core.hub_mark import HUB_META
from store.core.models import Device, DeviceKind, LocalMeta, Station, SyncConflict
from store.db import Store, make_engine, read_session, write_session
from store.reports import figure_days
from store.station import StationIn, StationInfo, init_station, load_station, open_store
from store.sync import witness
from store.sync.identity import (
    Repairs,
    acks_for,
    continue_as_new_device,
    outgoing_vector,
    repairs,
    resend_since,
    rewound,
    settle_repairs,
)
from store.sync.merge import CHANGE_COLUMNS, MergeResult, clamps_held, merge_changes, synced_tables
from store.sync.pushes import note_push
from store.sync.stream import BATCH_CHANGES, count_since, stream, version_vector

# A station's configuration: never sent to the hub, never taken from it.
CONFIGURATION_TABLES = frozenset({"setting", "calendar_day"})

# Records whose station is their parent's: (the column naming the parent, the parent's table).
_THROUGH: dict[str, tuple[str, str]] = {
    "progress": ("issue_id", "issue"),
    "evaluation": ("issue_id", "issue"),
    "unanswered_call": ("issue_id", "issue"),
    "notice": ("issue_id", "issue"),
    "leader_visit_deputy": ("leader_visit_id", "leader_visit"),
    "leader_visit_issue": ("leader_visit_id", "leader_visit"),
    "micro_project_issue": ("micro_project_id", "micro_project"),
    "milestone": ("micro_project_id", "micro_project"),
    "review_score": ("review_id", "quarterly_review"),
    "suggestion_deputy": ("suggestion_id", "suggestion"),
    "suggestion_source": ("suggestion_id", "suggestion"),
    "suggestion_step": ("suggestion_id", "suggestion"),
    "draft_article": ("draft_id", "draft_regulation"),
    "legislative_opinion": ("draft_id", "draft_regulation"),
    "deliberation_deputy": ("deliberation_id", "deliberation"),
}
# Records about another record (table_name, row_id): an access-log entry names it in its own
# columns; a conflict answer through the conflict it answers (same id).
_ABOUT = ("access_log", "conflict_resolution")
# Shared by every station (categories are seeded with the same ids everywhere): no station's.
_SHARED = frozenset({"category"})

# Seconds to wait for a PostgreSQL hub to answer before saying it cannot be reached (psycopg
# waits for ever by default: a wrong address must not hang the command).
CONNECT_TIMEOUT_S = 10


@dataclass(frozen=True)
class HubExchange:
    """What one push or pull carried."""

    station: str
    hub: str
    merge: MergeResult


# -- the hub's database ---------------------------------------------------------------------------


def hub_name(county: str) -> str:
    """The hub's Station row's name: the county's view (临溪县（全县）)."""
    return f"{county.strip()}（全县）"


def init_hub(*, target: DatabaseTarget, county: str, clock: Clock) -> StationInfo:
    """Create a county hub's database at `target` (an empty PostgreSQL database, or a SQLite
    file for trials): a Station row standing for the county, a device of kind hub.

    Raises:
        FieldInvalid: the county's name is empty or too long.
        FileExistsError: the database already holds a station or a hub.
        DatabaseUnreadable: the server cannot be reached, or the file is not a database.
    """
    return init_station(
        engine_path=_with_timeout(target),
        station=StationIn(
            name=hub_name(county),
            township="",
            county=county,
            units=[],
            device_name=hub_name(county),
            device_kind=DeviceKind.hub,
        ),
        clock=clock,
    )


def open_hub(target: DatabaseTarget, *, clock: Clock | None = None) -> tuple[Store, StationInfo]:
    """Open the hub at `target`, making sure first that it is one (its schema is brought up to
    date only then: a wrong URL must not turn some other database into a station's).

    Raises:
        SyncRefused: `hub.bad_url`, `hub.unreachable` (no such file, no answer from the
            server, refused credentials), `hub.not_a_hub`.
    """
    shown = shown_hub(target)
    if not is_postgres_target(target):
        path = Path(target)
        if not path.is_file():
            raise SyncRefused("hub.unreachable", hub=shown)
        if path.stat().st_size == 0 or not is_sqlite_file(path):
            raise SyncRefused("hub.not_a_hub", hub=shown)
    target = _with_timeout(target)
    if _hub_mark(target, shown) != "1":
        raise SyncRefused("hub.not_a_hub", hub=shown)
    store = open_store(target, clock=clock)
    try:
        info = load_station(store)
    except StationMissing:
        store.dispose()
        raise SyncRefused("hub.not_a_hub", hub=shown) from None
    return store, info


def shown_hub(target: DatabaseTarget) -> str:
    """The hub as messages show it: without its password, even when the URL is malformed."""
    try:
        return shown_target(target)
    except (ArgumentError, ValueError):
        scheme = str(target).partition("://")[0]
        return f"{scheme}://…"


def _with_timeout(target: DatabaseTarget) -> DatabaseTarget:
    """A PostgreSQL URL with a connection timeout, unless it names one itself."""
    if not is_postgres_target(target) or "connect_timeout=" in str(target):
        return target
    joiner = "&" if "?" in str(target) else "?"
    return f"{target}{joiner}connect_timeout={CONNECT_TIMEOUT_S}"


def _hub_mark(target: DatabaseTarget, shown: str) -> str | None:
    """LocalMeta's hub mark, read without touching the schema; None if there is none."""
    try:
        engine = make_engine(database_url(target))
    except (ArgumentError, ValueError):
        raise SyncRefused("hub.bad_url", hub=shown) from None
    try:
        try:
            conn = engine.connect()
        except DatabaseError:
            raise SyncRefused("hub.unreachable", hub=shown) from None
        with conn:
            try:
                value = conn.exec_driver_sql(
                    f"SELECT value FROM local_meta WHERE key = '{HUB_META}'"
                ).scalar()
            except DatabaseError:
                value = None  # no local_meta: not one of ours at all
            conn.rollback()
        return None if value is None else str(value)
    finally:
        engine.dispose()


# -- push -----------------------------------------------------------------------------------------

# A progress bar's update: changes read so far, of how many.
Progress = Callable[[int, int], None]


def push_to_hub(
    *,
    station: Store,
    hub: Store,
    batch: int = BATCH_CHANGES,
    progress: Progress | None = None,
) -> HubExchange:
    """Send the hub what it lacks of this station's changes, `batch` changes to a hub transaction
    (store.sync.stream): memory stays flat whatever the station's size, and a push cut short
    leaves the batches sent before on the hub, its retry going on from there.

    Raises:
        SyncRefused: this database is not a station's own (a laptop syncs with its station; a
            hub cannot push to a hub); the hub lacks records the changes need (`hub.incomplete`);
            another station of this name and township is on the hub (`hub.same_name`).
    """
    hub_info = load_station(hub)
    _require_own_name(hub, load_station(station))
    info = _check_identity(station, hub)
    with read_session(hub.engine) as session:
        held = version_vector(session.connection())
    with read_session(station.engine) as session:
        _require_station(session, info)
        conn = session.connection()
        fixes = repairs(session)
        mine = version_vector(conn)
        since = {o: held.get(o, "") for o, top in mine.items() if top > held.get(o, "")}
        # An old id of this station's (put back in time, found out late) sends its changes
        # again from the mark, whatever the hub holds (store.sync.identity).
        since = resend_since(since, Repairs(refetch={}, resend=dict(fixes.resend)))
        clamps = [c for c in clamps_held(conn) if c[0] in since]
        chains: dict[str, Any] = {"head": witness.chain_head_at(conn)}
        sent = _take_in(
            hub,
            hub_info,
            stream(conn, since, CONFIGURATION_TABLES, size=batch, values=True),
            clamps,
            total=count_since(conn, since, CONFIGURATION_TABLES) if progress else 0,
            progress=progress,
        )
    with read_session(hub.engine) as session:
        witnessed = session.get(LocalMeta, witness.WITNESS + info.device_id)
    if witnessed is not None:
        # The hub holds a head of this station's chain: prove it from the log as it is now.
        seq = int(witnessed.value.split(" ")[0])
        with read_session(station.engine) as session:
            chains["proofs"] = {
                hub_info.device_id: [seq, witness.link_at(session.connection(), seq)]
            }
    with write_session(hub.engine, actor=hub_info.actor(), clock=hub.clock) as session:
        merged = _settled(session.connection(), sent)
        witness.take_in(
            session,
            sender=info.device_id,
            me=hub_info.device_id,
            chains=chains,
            when=hub.clock.now().isoformat(),
        )
        note_push(session, station_id=info.id, at=hub.clock.now())
        # The days of the statistics this push wrote, summed again once enough of them wait
        # (store.reports.figure_days; until then they are read live).
        figure_days.refresh_figure_days(session.connection(), least=figure_days.RECOUNT_FROM)
    if fixes.resend:
        with write_session(station.engine, actor=info.actor(), clock=station.clock) as session:
            settle_repairs(session, fixes, since=None, acked=True)
    return HubExchange(station=info.name, hub=hub_info.name, merge=merged)


# -- pull -----------------------------------------------------------------------------------------


def pull_from_hub(
    *,
    station: Store,
    hub: Store,
    batch: int = BATCH_CHANGES,
    progress: Progress | None = None,
) -> HubExchange:
    """Take from the hub what concerns this station and it lacks, `batch` changes to a station
    transaction, as a push sends them.

    Raises:
        SyncRefused: not a station's own database; a change made on the hub needs a record this
            station does not have (`hub.incomplete`: nothing of its batch is taken in then).
    """
    hub_info = load_station(hub)
    info = _check_identity(station, hub)
    with read_session(station.engine) as session:
        _require_station(session, info)
        fixes = repairs(session)
        # Of an old id asked for again, claim no more than the mark (store.sync.identity).
        mine = outgoing_vector(version_vector(session.connection()), fixes)
    with read_session(hub.engine) as session:
        conn = session.connection()
        devices: Table = Device.__table__  # type: ignore[attr-defined]
        own, hubs = set(), {hub_info.device_id}
        for device_id, station_id, kind in conn.execute(
            select(devices.c.id, devices.c.station_id, devices.c.kind)
        ):
            if station_id == info.id:
                own.add(device_id)
            elif kind == DeviceKind.hub:
                hubs.add(device_id)
        held = version_vector(conn)
        since = {o: mine.get(o, "") for o in own | hubs if held.get(o, "") > mine.get(o, "")}
        clamps = [c for c in clamps_held(conn) if c[0] in since]

        def ours(batch: list[list[Any]]) -> list[list[Any]]:
            """Of a batch, this station's own devices' changes and those made on the hub to its
            records."""
            made_here = {(c[_TABLE], c[_ROW]) for c in batch if c[_DEVICE] not in own}
            owners = stations_of(conn, made_here)
            return [
                c for c in batch if c[_DEVICE] in own or owners.get((c[_TABLE], c[_ROW])) == info.id
            ]

        sent = _take_in(
            station,
            info,
            stream(conn, since, CONFIGURATION_TABLES, size=batch, values=True),
            clamps,
            total=count_since(conn, since, CONFIGURATION_TABLES) if progress else 0,
            progress=progress,
            keep=ours,
        )
    with write_session(station.engine, actor=info.actor(), clock=station.clock) as session:
        merged = _settled(session.connection(), sent)
        settle_repairs(session, fixes, since=dict.fromkeys(fixes.refetch, ""), acked=False)
    return HubExchange(station=info.name, hub=hub_info.name, merge=merged)


# -- shared ---------------------------------------------------------------------------------------

_DEVICE, _TABLE, _ROW = (
    CHANGE_COLUMNS.index("device_id"),
    CHANGE_COLUMNS.index("table_name"),
    CHANGE_COLUMNS.index("row_id"),
)


def _check_identity(station: Store, hub: Store) -> StationInfo:
    """This station's info, under a new device id first if the hub holds a change of its own
    that its file does not (the file was put back to an earlier state: store.sync.identity)."""
    info = load_station(station)
    with read_session(hub.engine) as session:
        conn = session.connection()
        stamp = version_vector(conn).get(info.device_id, "")
        acks = acks_for(session, {info.device_id: {info.device_id: stamp}})
    with read_session(station.engine) as session:
        if not rewound(session.connection(), info.device_id, acks):
            return info
    # What the hub holds of the old id is not known to match: asked for and sent again whole.
    return continue_as_new_device(station, info, repair_from="")


def _require_own_name(hub: Store, info: StationInfo) -> None:
    """A station new to the hub may not bear the name, in the same township, of one already
    there: the county's picker, its reports and `report --station` could not tell them apart.
    Asked before anything is written; a station the hub already holds pushes as before."""
    stations: Table = Station.__table__  # type: ignore[attr-defined]
    with read_session(hub.engine) as session:
        same = set(
            session.connection()
            .execute(
                select(stations.c.id).where(
                    stations.c.name == info.name,
                    stations.c.township == info.township,
                    stations.c.deleted_at.is_(None),
                )
            )
            .scalars()
        )
    if same and info.id not in same:
        raise SyncRefused("hub.same_name", name=info.name, township=info.township)


def _require_station(session: Session, info: StationInfo) -> None:
    device = session.get(Device, info.device_id)
    if device is None or device.kind != DeviceKind.station:
        raise SyncRefused("hub.station_only")


def _take_in(
    receiver: Store,
    me: StationInfo,
    parts: Iterable[list[list[Any]]],
    clamps: list[list[str]],
    *,
    total: int,
    progress: Progress | None,
    keep: Callable[[list[list[Any]]], list[list[Any]]] | None = None,
) -> list[MergeResult]:
    """Merge each batch (of it, what `keep` keeps) in a write transaction of its own at the
    receiving side; what each took in. `progress` hears of the changes read.

    Each batch ends at a closed point of the stream (store.sync.stream): it holds every record
    its changes point at, or the receiver held them before. A batch that still lacks one (a
    record the sender's log never inserted, or one that only an earlier push left out) fails
    with `hub.incomplete`, its transaction rolled back, the batches before it kept. The
    regrouping rule and the issues' counts run at the end of each batch's merge, as after any
    bundle: each batch is a prefix of the changes in stamp order, what a device that synced
    part of the way holds, and the rule brings any such state to the same end
    (store.sync.regroup_rule)."""
    results: list[MergeResult] = []
    done = 0
    if progress:
        progress(0, total)
    for part in parts:
        done += len(part)
        changes = keep(part) if keep else part
        if changes:
            results.append(_merge_batch(receiver, me, changes, clamps))
        if progress:
            progress(done, max(total, done))
    if not results:
        results.append(_merge_batch(receiver, me, [], clamps))
    return results


def _merge_batch(
    receiver: Store, me: StationInfo, changes: list[list[Any]], clamps: list[list[str]]
) -> MergeResult:
    """One batch in a write transaction of the receiver's. The clamps go with every batch: one
    applies to its change once that has come (store.sync.merge), and twice changes nothing."""
    with write_session(receiver.engine, actor=me.actor(), clock=receiver.clock) as session:
        return _merge(session, changes, clamps)


def _settled(conn: Connection, results: list[MergeResult]) -> MergeResult:
    """The batches' results as one, its conflicts those still unanswered now."""
    by_table: dict[str, int] = {}
    for result in results:
        for table, n in result.by_table.items():
            by_table[table] = by_table.get(table, 0) + n
    listed = {cid for result in results for cid in result.listed}
    return MergeResult(
        new=sum(r.new for r in results),
        known=sum(r.known for r in results),
        by_table=by_table,
        updated=sum(r.updated for r in results),
        clamped_devices=tuple(sorted({d for r in results for d in r.clamped_devices})),
        conflicts=unanswered(conn, listed),
        clock_ahead=tuple(sorted({d for r in results for d in r.clock_ahead})),
        listed=tuple(sorted(listed)),
    )


def _merge(session: Session, changes: list[list[Any]], clamps: list[list[str]]) -> MergeResult:
    try:
        return merge_changes(session=session, changes=changes, clamps=clamps)
    except SyncRefused as exc:
        # Raised inside the transaction: nothing was written. Said in the hub's own words.
        if exc.key == "sync.incomplete":
            raise SyncRefused("hub.incomplete") from None
        raise


def stations_of(conn: Connection, rows: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The station each (table, row id) belongs to, read from this database's rows; rows of no
    station (categories, configuration) and rows not found are left out."""
    refs = set(rows)
    found: dict[tuple[str, str], str] = {}
    parent_of: dict[tuple[str, str], tuple[str, str]] = {}
    frontier = refs
    # Each step places a row at its station or at the one row it hangs from; a few steps reach
    # a station (an access-log entry about a progress note on an issue: three).
    for _ in range(_MAX_STEPS):
        if not frontier:
            break
        wanted: dict[str, set[str]] = {}
        for table, row_id in frontier:
            wanted.setdefault(table, set()).add(row_id)
        placed, pointers = _resolve_step(conn, wanted)
        found.update(placed)
        parent_of.update(pointers)
        frontier = {p for p in pointers.values() if p not in found and p not in parent_of}
    owners = {}
    for ref in refs:
        target, steps = ref, 0
        while target not in found and target in parent_of and steps < _MAX_STEPS:
            target, steps = parent_of[target], steps + 1
        if target in found:
            owners[ref] = found[target]
    return owners


_MAX_STEPS = 4


def _resolve_step(
    conn: Connection, wanted: dict[str, set[str]]
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], tuple[str, str]]]:
    """One step of `stations_of`: rows resolved to a station, rows resolved to another row."""
    tables = synced_tables()
    found: dict[tuple[str, str], str] = {}
    pointers: dict[tuple[str, str], tuple[str, str]] = {}
    query: Select[*tuple[Any, ...]]
    for table, ids in wanted.items():
        if table == "station":
            stations: Table = Station.__table__  # type: ignore[attr-defined]
            for part in chunks(sorted(ids)):
                for (row_id,) in conn.execute(select(stations.c.id).where(stations.c.id.in_(part))):
                    found[(table, row_id)] = row_id
            continue
        if table not in tables or table in _SHARED or table in CONFIGURATION_TABLES:
            continue
        model: Table = tables[table].__table__  # type: ignore[attr-defined]
        if "station_id" in model.c:
            query, kind = select(model.c.id, model.c.station_id), "station"
        elif table in _THROUGH:
            column, parent = _THROUGH[table]
            query, kind = select(model.c.id, model.c[column]), parent
        elif table == "access_log":
            query, kind = select(model.c.id, model.c.table_name, model.c.row_id), "about"
        elif table == "conflict_resolution":
            conflicts: Table = SyncConflict.__table__  # type: ignore[attr-defined]
            query = select(conflicts.c.id, conflicts.c.table_name, conflicts.c.row_id)
            model, kind = conflicts, "about"
        else:
            continue
        for part in chunks(sorted(ids)):
            for row in conn.execute(query.where(model.c.id.in_(part))):
                ref = (table, row[0])
                if kind == "station":
                    found[ref] = row[1]
                elif kind == "about":
                    pointers[ref] = (row[1], row[2])
                elif row[1] is not None:
                    pointers[ref] = (kind, row[1])
    return found, pointers


def classified_tables() -> set[str]:
    """The synced tables `stations_of` knows how to place (a test checks it is all of them)."""
    placed = {"station", *_THROUGH, *_ABOUT, *_SHARED, *CONFIGURATION_TABLES}
    for name, model in synced_tables().items():
        if "station_id" in model.__table__.c:  # type: ignore[attr-defined]
            placed.add(name)
    return placed


__all__ = [
    "CONFIGURATION_TABLES",
    "HubExchange",
    "classified_tables",
    "hub_name",
    "init_hub",
    "open_hub",
    "shown_hub",
    "pull_from_hub",
    "push_to_hub",
    "stations_of",
]
