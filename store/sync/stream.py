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
most a page per device is in memory, never the log."""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, func, not_, select, text

from store.changelog.chain import LOG_TABLE
from store.core.models import ChangeLog
from store.sync.merge import CHANGE_COLUMNS

# A batch: so many changes, or so many bytes of their values, whichever comes first. 2,000
# changes of a demo station are about 1 MB of values; merged, a batch's rows and their logs
# take a few MB more.
BATCH_CHANGES = 2000
BATCH_BYTES = 4 * 1024 * 1024

# Seek the next device id, then its greatest stamp (records about a device's own log, its seals,
# left out as everywhere in sync): each an index probe of ix_change_log_device_id_hlc.
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
         WHERE c.device_id = devices.id AND c.table_name <> :log
         ORDER BY c.hlc DESC LIMIT 1)
    FROM devices WHERE devices.id IS NOT NULL
    """
)

_HLC, _DEVICE, _AT, _FIELDS = (
    CHANGE_COLUMNS.index("hlc"),
    CHANGE_COLUMNS.index("device_id"),
    CHANGE_COLUMNS.index("at"),
    CHANGE_COLUMNS.index("fields"),
)


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
) -> Iterator[list[Any]]:
    """Of each origin device named, its changes after the stamp given (tables in `leave_out`
    and a device's records about its own log left out), as rows of CHANGE_COLUMNS, in stamp
    order across devices (module docstring)."""
    skipped = sorted({LOG_TABLE, *leave_out})
    streams = [
        _origin(conn, origin, start, skipped, page) for origin, start in sorted(since.items())
    ]
    return heapq.merge(*streams, key=lambda row: (row[_HLC], row[_DEVICE]))


def _origin(
    conn: Connection, origin: str, start: str, skipped: list[str], page: int
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
            select(*columns, log.c.seq).where(*where).order_by(log.c.hlc, log.c.seq).limit(page)
        ).all()
        for row in rows:
            values = list(row[:-1])
            if isinstance(values[_AT], datetime):
                values[_AT] = values[_AT].isoformat()
            yield values
        if len(rows) < page:
            return
        after = (rows[-1][_HLC], rows[-1][-1])


def batches(
    rows: Iterable[list[Any]], *, size: int = BATCH_CHANGES, budget: int = BATCH_BYTES
) -> Iterator[list[list[Any]]]:
    """`rows` cut into batches of at most `size` changes or about `budget` bytes of values;
    never between two changes of one name (device, stamp): a receiver's vector then says all of
    a name is in, or none."""
    batch: list[list[Any]] = []
    weight = 0
    for row in rows:
        if batch and (len(batch) >= size or weight >= budget):
            last = batch[-1]
            if (row[_DEVICE], row[_HLC]) != (last[_DEVICE], last[_HLC]):
                yield batch
                batch, weight = [], 0
        batch.append(row)
        weight += len(row[_FIELDS] or "")
    if batch:
        yield batch


__all__ = [
    "BATCH_BYTES",
    "BATCH_CHANGES",
    "batches",
    "changes_since",
    "count_since",
    "version_vector",
]
