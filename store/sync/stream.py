"""Changes in bounded memory (issue 19): what a database holds, and its changes after that, a
batch at a time, for pushes, pulls and bundles alike.

What a database holds is its version vector: for each device, the greatest stamp of that
device's changes here. Grouping the whole log by device reads every change (130–350 ms at
180,000 visits); a skip scan over ix_change_log_device_id_hlc seeks the next device id, then that
device's greatest stamp, one index probe each, whatever the log's size (a recursive CTE that
SQLite and PostgreSQL both run so).

The changes after a vector are read in stamp order across devices (hlc, then device id): a
change comes after every change its device had seen when it was written (a device's next stamp
follows all it has taken in: store.changelog.changes.latest_hlc), so every prefix of that order
holds what each of its changes needs, and a receiver that took in a prefix holds, for each
device, all of its changes up to the greatest of them it holds: its version vector says where a
retry resumes. Each device's changes are read in pages through the same index and merged, so at
most a page per device is in memory, never the log.

A bulk load (the ledger's import, the demo) stamps a whole transaction's rows at once, in the
order its tables are written: a record written after a row that points at it (a visit before
its issue) sorts after it, and a prefix ending between them is not one the receiver can take in.
So a batch ends only at a closed point: where no change so far points (by a foreign key of the
schema) at a record whose insert comes later in the stream. The bulk loaders write parents
first, so every point of what they stamp is closed; where a point is not (a log written children
first, or a record stamped ahead by a clock set wrong and clamped where it was taken in), the
batch runs on to the next closed point: a block that cannot be cut goes whole, as a whole push
would send it, and its receiver never waits on a later batch."""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, and_, func, not_, select, text

from store.changelog import lean
from store.changelog.chain import LOG_TABLE
from store.changelog.field_clock import chunks
from store.core.enums import ChangeOp
from store.core.models import ChangeLog
from store.sync.merge import CHANGE_COLUMNS, synced_tables

# A batch: so many changes, or so many bytes of their values, whichever comes first. 2,000
# changes of a demo station are about 1 MB of values; merged, a batch's rows and their logs
# take a few MB more.
BATCH_CHANGES = 2000
BATCH_BYTES = 4 * 1024 * 1024

# Seek the next device id, then its greatest stamp (records about a device's own log, its seals,
# left out as everywhere in sync): each an index probe of ix_change_log_device_id_hlc. The device
# is a range of one value and the order names it, so that no other index gives that order: with
# `device_id = ?` PostgreSQL dropped the device from the order and walked ix_change_log_hlc
# backwards from the newest change until it met the device's (a county drill, 180,000 visits:
# 0.65 s a device, 3.9 s for the vector; 0.4 ms this way).
_VECTOR = text(
    """
    WITH RECURSIVE devices(id) AS (
        SELECT min(device_id) FROM change_log
        UNION ALL
        SELECT (SELECT min(c.device_id) FROM change_log c WHERE c.device_id > devices.id)
        FROM devices WHERE devices.id IS NOT NULL
    )
    SELECT devices.id,
        (SELECT c.hlc FROM change_log c
         WHERE c.device_id >= devices.id AND c.device_id <= devices.id
           AND c.table_name <> :log
         ORDER BY c.device_id DESC, c.hlc DESC LIMIT 1)
    FROM devices WHERE devices.id IS NOT NULL
    """
)

_HLC, _DEVICE, _TABLE, _ROW, _OP, _AT, _FIELDS = (
    CHANGE_COLUMNS.index("hlc"),
    CHANGE_COLUMNS.index("device_id"),
    CHANGE_COLUMNS.index("table_name"),
    CHANGE_COLUMNS.index("row_id"),
    CHANGE_COLUMNS.index("op"),
    CHANGE_COLUMNS.index("at"),
    CHANGE_COLUMNS.index("fields"),
)

# A change's place in the stream (stamp, device), and a record by (table, id).
Place = tuple[str, str]
Ref = tuple[str, str]


def version_vector(conn: Connection) -> dict[str, str]:
    """For each device, the greatest stamp of its changes held here."""
    rows = conn.execute(_VECTOR, {"log": LOG_TABLE})
    return {device: hlc for device, hlc in rows if hlc is not None}


def _log() -> Table:
    return ChangeLog.__table__  # type: ignore[attr-defined,no-any-return]


def count_since(conn: Connection, since: dict[str, str], leave_out: Collection[str] = ()) -> int:
    """How many changes `changes_since` yields (for a progress bar)."""
    log = _log()
    skipped = sorted({LOG_TABLE, *leave_out})
    return sum(
        int(
            conn.execute(
                select(func.count()).where(
                    log.c.device_id == origin,
                    log.c.hlc > start,
                    log.c.table_name.not_in(skipped),
                )
            ).scalar()
            or 0
        )
        for origin, start in since.items()
    )


def changes_since(
    conn: Connection,
    since: dict[str, str],
    leave_out: Collection[str] = (),
    *,
    page: int = BATCH_CHANGES,
    values: bool = False,
) -> Iterator[list[Any]]:
    """Of each origin device named, its changes after the stamp given (tables in `leave_out`
    and a device's records about its own log left out), as rows of CHANGE_COLUMNS, in stamp
    order across devices (module docstring). Each change's fields are its JSON object, as a
    bundle carries them, or with `values` its values by key (a push or a pull hands them to
    the other database in this process: encoded as JSON only to be decoded again, they cost
    about 10 us a change at each end)."""
    skipped = sorted({LOG_TABLE, *leave_out})
    streams = [
        _origin(conn, origin, start, skipped, page, values)
        for origin, start in sorted(since.items())
    ]
    return heapq.merge(*streams, key=lambda row: (row[_HLC], row[_DEVICE]))


def _origin(
    conn: Connection, origin: str, start: str, skipped: list[str], page: int, values: bool
) -> Iterator[list[Any]]:
    """One device's changes after `start`, a page at a time, in (stamp, seq) order: a device put
    back in time may have two changes of one stamp (store.sync.identity), none is skipped."""
    log = _log()
    columns = [log.c[name] for name in CHANGE_COLUMNS]
    after: tuple[str, int] | None = None
    while True:
        where = [log.c.device_id == origin, log.c.table_name.not_in(skipped)]
        if after is None:
            where.append(log.c.hlc > start)
        else:
            where += [
                log.c.hlc >= after[0],
                not_(and_(log.c.hlc == after[0], log.c.seq <= after[1])),
            ]
        rows = conn.execute(
            select(*columns, log.c.layout, log.c.seq)
            .where(*where)
            .order_by(log.c.hlc, log.c.seq)
            .limit(page)
        ).all()
        lean.layouts(conn, {row[-2] for row in rows})  # read once a page, then cached
        for row in rows:
            change = list(row[:-2])
            if isinstance(change[_AT], datetime):
                change[_AT] = change[_AT].isoformat()
            layout = row[-2]
            read = lean.entry_values if values else lean.entry_json
            if values or layout is not None:
                # Sent as its JSON object, as every version writes and reads it (or as values).
                change[_FIELDS] = read(conn, change[_FIELDS], layout, change[_ROW], change[_DEVICE])
            yield change
        if len(rows) < page:
            return
        after = (rows[-1][_HLC], rows[-1][-1])


def batches(
    rows: Iterable[list[Any]],
    *,
    size: int = BATCH_CHANGES,
    budget: int = BATCH_BYTES,
    inserted: Callable[[set[Ref]], dict[Ref, Place]] | None = None,
) -> Iterator[list[list[Any]]]:
    """`rows` cut into batches of at least `size` changes or about `budget` bytes of values,
    each ending at the first closed point after that (module docstring): never between two
    changes of one name (device, stamp), so that a receiver's vector says all of a name is in
    or none, and, given `inserted` (`first_inserts`), never before the insert of a record a
    change of the batch points at.

    What the batch must reach is kept as one place, the furthest such insert: the records a
    batch points at are looked up together when it is full, and again only once it has reached
    that place (a block stamped children first is read on to its end, not looked up per row)."""
    batch: list[list[Any]] = []
    weight = 0
    pointed: set[Ref] = set()
    reach: Place | None = None
    for row in rows:
        if batch and (len(batch) >= size or weight >= budget):
            last = batch[-1]
            here = (last[_HLC], last[_DEVICE])
            if (row[_HLC], row[_DEVICE]) != here and (reach is None or here >= reach):
                reach = None
                if pointed and inserted is not None:
                    later = [p for p in inserted(pointed).values() if p > here]
                    pointed = set()
                    reach = max(later, default=None)
                if reach is None:
                    yield batch
                    batch, weight = [], 0
        batch.append(row)
        weight += _weight(row[_FIELDS])
        if inserted is not None:
            pointed.update(parents(row))
    if batch:
        yield batch


@cache
def foreign_keys() -> dict[str, tuple[tuple[str, str], ...]]:
    """Of each synced table, its columns that name a record of a synced table: (column, that
    table), from the schema's foreign keys."""
    tables = synced_tables()
    keys: dict[str, tuple[tuple[str, str], ...]] = {}
    for name, model in tables.items():
        table: Table = model.__table__  # type: ignore[attr-defined]
        named = sorted(
            (fk.parent.name, fk.column.table.name)
            for fk in table.foreign_keys
            if fk.column.table.name in tables
        )
        if named:
            keys[name] = tuple(named)
    return keys


def _weight(fields: Any) -> int:
    """About the bytes of a change's values: its JSON object's length, or as much of its values."""
    if isinstance(fields, dict):
        return sum(len(v) if isinstance(v, str) else 8 for v in fields.values()) + 8 * len(fields)
    return len(fields or "")


def parents(row: list[Any]) -> set[Ref]:
    """The records a change points at (those of its fields that are foreign keys)."""
    keys = foreign_keys().get(row[_TABLE])
    if not keys or row[_OP] == ChangeOp.delete or not row[_FIELDS]:
        return set()
    fields = row[_FIELDS]
    if isinstance(fields, dict):
        values = fields
    elif not any(f'"{column}"' in fields for column, _ in keys):
        return set()
    else:
        values = json.loads(fields)
    return {(table, values[column]) for column, table in keys if values.get(column) is not None}


def first_inserts(
    conn: Connection, since: dict[str, str], leave_out: Collection[str] = ()
) -> Callable[[set[Ref]], dict[Ref, Place]]:
    """For `batches`: of the records asked about, where in the stream `changes_since(conn,
    since, leave_out)` each is inserted, for those that the stream inserts and nothing before it
    (a record inserted before the stream began, the receiver holds; one inserted nowhere, the
    receiver reports missing, `hub.incomplete`)."""
    log = _log()
    skipped = {LOG_TABLE, *leave_out}

    def streamed(device: str, hlc: str) -> bool:
        return device in since and hlc > since[device]

    def inserted(refs: set[Ref]) -> dict[Ref, Place]:
        wanted: dict[str, list[str]] = {}
        for table, row_id in refs:
            if table not in skipped:
                wanted.setdefault(table, []).append(row_id)
        places: dict[Ref, Place] = {}
        before: set[Ref] = set()
        for table, ids in wanted.items():
            for part in chunks(sorted(ids)):
                for row_id, device, hlc in conn.execute(
                    select(log.c.row_id, log.c.device_id, log.c.hlc).where(
                        log.c.table_name == table,
                        log.c.row_id.in_(part),
                        log.c.op == ChangeOp.insert.value,
                    )
                ):
                    ref = (table, row_id)
                    if not streamed(device, hlc):
                        before.add(ref)
                    elif ref not in places or (hlc, device) < places[ref]:
                        places[ref] = (hlc, device)
        return {ref: place for ref, place in places.items() if ref not in before}

    return inserted


def stream(
    conn: Connection,
    since: dict[str, str],
    leave_out: Collection[str] = (),
    *,
    size: int = BATCH_CHANGES,
    values: bool = False,
) -> Iterator[list[list[Any]]]:
    """The changes after `since` (`changes_since`, their fields as values if `values`) in
    batches cut at closed points (`batches`): what a push or a pull sends."""
    return batches(
        changes_since(conn, since, leave_out, values=values),
        size=size,
        inserted=first_inserts(conn, since, leave_out),
    )


__all__ = [
    "BATCH_BYTES",
    "BATCH_CHANGES",
    "batches",
    "changes_since",
    "count_since",
    "first_inserts",
    "foreign_keys",
    "parents",
    "stream",
    "version_vector",
]
