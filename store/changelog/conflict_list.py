"""The conflict list (docs/rules/sync.md), derived from the change log of a row.

A value is in it when it lost to a concurrent edit: written by a change that is not its field's
winner, that no change of the field overwrote knowingly (named it as its base), and different from
what won; or, if the row ends deleted, written by an edit its deletion did not know of. A function
of the row's log alone, so every device holding the same changes lists the same conflicts: it is
derived again whenever a change of a listed row is written, here or by a merge."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, text

from store.changelog.field_clock import (
    META_FIELDS,
    LoggedChange,
    chunks,
    row_changes,
    written,
)
from store.core.models import SyncConflict

# Kept by the store from other rows on every write (counts of an issue's visits and the like):
# recomputed from the rows themselves after a merge, never a conflict.
AGGREGATES = {"issue": frozenset({"visit_count", "repeat_count", "kind", "vulnerable"})}
# Filled from other columns (a name's pinyin): they follow their source.
DERIVED = {"constituent": frozenset({"name_pinyin", "name_initials"})}
# A device's own keys and certificates (store.sync.device_keys): never a deputy's to weigh. A
# station restored from a backup made before its first laptop retires its old device while the
# old one's keys arrive from the laptops or the hub: that is no lost work to review.
MACHINE = {"device": frozenset({"sign_key", "box_key", "key_cert", "retire_cert"})}

CONFLICT_NAMESPACE = uuid.UUID("5c0e3b1a-7d2f-4e8b-a1c6-9f4d2e7b3a10")

_LISTED = text(
    "SELECT DISTINCT row_id FROM sync_conflict WHERE table_name = :table AND row_id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def conflict_id(table: str, row_id: str, field: str, change: LoggedChange) -> str:
    return str(uuid.uuid5(CONFLICT_NAMESPACE, f"{table}|{row_id}|{field}|{change.name}"))


def listed_rows(conn: Connection, table: str, row_ids: Iterable[str]) -> set[str]:
    """Which of these rows have conflicts listed (a local edit of them derives them again)."""
    found: set[str] = set()
    for part in chunks(sorted(set(row_ids))):
        found.update(r[0] for r in conn.execute(_LISTED, {"table": table, "ids": list(part)}))
    return found


def derive_conflicts(
    conn: Connection,
    table: str,
    row_ids: Iterable[str],
    logged: dict[str, list[LoggedChange]] | None = None,
) -> list[str]:
    """Derive the conflict list of these rows from their whole log (`logged`, if the caller
    has read it already). Returns the ids of the conflicts listed, answered ones included (an
    answer is a record of its own, store.sync.conflicts; `unanswered` tells them apart)."""
    ids = sorted(row_ids)
    if logged is None:
        logged = row_changes(conn, table, ids)
    found = []
    for row_id in ids:
        found.extend(_row_conflicts(table, row_id, logged.get(row_id, [])))
    store: Table = SyncConflict.__table__  # type: ignore[attr-defined]
    for part in chunks(ids):
        conn.execute(delete(store).where(store.c.table_name == table, store.c.row_id.in_(part)))
    if found:
        conn.execute(insert(store), found)
    return [conflict["id"] for conflict in found]


_UNANSWERED = text(
    "SELECT count(*) FROM sync_conflict s WHERE s.id IN :ids"
    " AND NOT EXISTS (SELECT 1 FROM conflict_resolution r WHERE r.id = s.id)"
).bindparams(bindparam("ids", expanding=True))


def unanswered(conn: Connection, conflict_ids: Iterable[str]) -> int:
    """How many of these listed conflicts no deputy has answered yet (here or on a device whose
    answer came in)."""
    return sum(
        int(conn.execute(_UNANSWERED, {"ids": list(part)}).scalar() or 0)
        for part in chunks(sorted(set(conflict_ids)))
    )


def _row_conflicts(table: str, row_id: str, changes: list[LoggedChange]) -> list[dict[str, Any]]:
    if len(changes) < 2:
        return []
    skip = (
        META_FIELDS
        | AGGREGATES.get(table, frozenset())
        | DERIVED.get(table, frozenset())
        | MACHINE.get(table, frozenset())
    )
    writes = written(changes)
    winners = {name: change for change, names in writes for name in names}
    found: dict[str, dict[str, Any]] = {}

    def add(field: str, lost: LoggedChange, won: LoggedChange, deleted: bool) -> None:
        cid = conflict_id(table, row_id, field, lost)
        found[cid] = {
            "id": cid,
            "table_name": table,
            "row_id": row_id,
            "field": field,
            "value": json.dumps(lost.fields[field], ensure_ascii=False),
            "lost_hlc": lost.hlc,
            "lost_device_id": lost.device_id,
            "lost_deputy_id": lost.deputy_id,
            "won_hlc": won.hlc,
            "won_device_id": won.device_id,
            "deleted": deleted,
        }

    for field, won in winners.items():
        if field in skip or field == "deleted_at":
            continue
        writers = [c for c, names in writes if field in names]
        overwritten = {c.base.get(field) for c in writers}
        for change in writers:
            if change is won or change.name in overwritten:
                continue
            if change.fields[field] != won.fields[field]:
                add(field, change, won, False)
    deletion = winners.get("deleted_at")
    if deletion is not None and deletion.fields["deleted_at"] is not None:
        knew = set(deletion.base.values())
        for change in changes:
            if change is deletion or change.op != "update" or change.name in knew:
                continue
            for field in change.fields:
                if field not in skip and field != "deleted_at":
                    add(field, change, deletion, True)
    return list(found.values())
