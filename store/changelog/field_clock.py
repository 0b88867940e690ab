"""Which change each field's current value came from, read off the change log.

A field's value is the one written by the change with the greatest (stamp, device id) among the
changes that wrote it (docs/rules/sync.md): every device holding the same changes agrees on it,
whatever order they came in. Local writes record what they overwrote (`base`), so that sync can tell
a knowing overwrite from a concurrent edit. Both read the log here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from store.changelog import lean
from store.core.dialect import one_of_sql, one_of_value
from store.core.enums import ChangeOp

# Columns every write sets (who wrote last, and when): never a conflict, never a base.
META_FIELDS = frozenset({"id", "key", "created_at", "updated_at", "device_id"})

# SQLite's default limit on bound parameters is 999 (older builds); stay well under it.
CHUNK = 500


@dataclass(frozen=True)
class LoggedChange:
    """One change-log row as sync reads it."""

    hlc: str
    clamped_hlc: str | None
    device_id: str
    deputy_id: str | None
    op: str
    fields: dict[str, Any]
    base: dict[str, str]

    @property
    def key(self) -> tuple[str, str, str]:
        """What orders concurrent changes: the stamp (as clamped), then the device id, then the
        sender's own stamp (two changes of one device clamped alike must still be ordered)."""
        return (self.clamped_hlc or self.hlc, self.device_id, self.hlc)

    @property
    def name(self) -> str:
        """The change's name on every device: the sender's stamp and its device."""
        return f"{self.hlc} {self.device_id}"


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Rows whose changes are read in one statement: their ids go as one parameter (an array, a JSON
# list), which no limit on parameters bounds and the driver need not splice into the text.
ROWS_AT_ONCE = 2000
_ROW_CHANGES = {
    dialect: text(
        "SELECT row_id, hlc, clamped_hlc, device_id, deputy_id, op, fields, base, layout"
        " FROM change_log WHERE table_name = :table AND " + one_of_sql(dialect, "row_id", "ids")
    )
    for dialect in ("sqlite", "postgresql")
}


def row_changes(
    conn: Connection, table: str, row_ids: Iterable[str]
) -> dict[str, list[LoggedChange]]:
    """Every logged change of these rows of `table`, by row id."""
    found: dict[str, list[LoggedChange]] = {}
    dialect = conn.dialect.name
    for part in chunks(sorted(set(row_ids)), ROWS_AT_ONCE):
        rows = conn.execute(
            _ROW_CHANGES[dialect], {"table": table, "ids": one_of_value(dialect, part)}
        ).all()
        layouts = lean.layouts(conn, {row[8] for row in rows})
        for row in rows:
            fields = json.loads(row[6])
            if row[8] is not None:
                fields = layouts[row[8]].decode(fields, row[0], row[3])
            elif not isinstance(fields, dict):
                raise ValueError("fields")  # written around the store: the chain names it
            found.setdefault(row[0], []).append(
                LoggedChange(
                    hlc=row[1],
                    clamped_hlc=row[2],
                    device_id=row[3],
                    deputy_id=row[4],
                    op=row[5],
                    fields=fields,
                    base=json.loads(row[7]) if row[7] else {},
                )
            )
    return found


def written(changes: Iterable[LoggedChange]) -> list[tuple[LoggedChange, frozenset[str]]]:
    """The changes in the order their values stand (the last written stands), each with the
    fields it writes.

    A change writes every field it names, except a record created again: created apart on two
    devices (its id derived from what it records: a resident's notice, a withdrawal's progress
    entry), the later creation says again what the first one said, and that is no edit of what
    was written since (a telling of the notice stands); it writes only what it says otherwise."""
    ordered = sorted(changes, key=lambda c: c.key)
    if any(a.key == b.key for a, b in zip(ordered, ordered[1:], strict=False)):
        # Two changes under one name, made on both sides of a device's rewind
        # (store.sync.identity): ordered by what they say, the same on every device.
        ordered.sort(key=lambda c: (c.key, _content(c)))
    first: dict[str, Any] | None = None
    found = []
    for change in ordered:
        names = frozenset(change.fields)
        if change.op == ChangeOp.insert:
            if first is None:
                first = change.fields
            else:
                names = frozenset(
                    n for n, v in change.fields.items() if n not in first or first[n] != v
                )
        found.append((change, names))
    return found


def field_winners(changes: Iterable[LoggedChange]) -> dict[str, LoggedChange]:
    """For each field any of `changes` wrote, the change whose value it holds."""
    winners: dict[str, LoggedChange] = {}
    for change, names in written(changes):
        for name in names:
            winners[name] = change
    return winners


def _content(change: LoggedChange) -> str:
    return json.dumps([change.op, change.deputy_id, change.fields], sort_keys=True, default=str)


def bases(
    conn: Connection, table: str, writes: Mapping[str, Sequence[str]]
) -> dict[str, dict[str, str]]:
    """What each write overwrites: for every row id of `writes` and each of its fields, the
    name of the change its current value came from (fields never written before are left
    out). A deletion (`writes` naming every field) thus records all it knew of the row."""
    logged = row_changes(conn, table, writes)
    result: dict[str, dict[str, str]] = {}
    for row_id, fields in writes.items():
        winners = field_winners(logged.get(row_id, ()))
        known = {
            name: winners[name].name
            for name in fields
            if name in winners and name not in META_FIELDS
        }
        if known:
            result[row_id] = known
    return result
