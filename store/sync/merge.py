"""Taking in another device's changes (docs/rules/sync.md), in the caller's write transaction.

Each incoming change is named by its device and stamp: one already here is skipped, so a bundle
taken twice changes nothing. New changes join the change log; then every row they touch is set to
what the whole log says of it, field by field (store.changelog.field_clock): the same values on
every device holding the same changes, whatever order they came in. Values that lost to a concurrent
edit are listed as conflicts, derived the same way, so the list is the same everywhere too."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, TypeDecorator, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from store.changelog.changes import (
    _stamps,
    format_hlc,
    insert_log_rows,
    insert_rows,
    latest_hlc,
    parse_hlc,
    write_context,
)
from store.changelog.conflict_list import derive_conflicts, unanswered
from store.changelog.derived import derivations
from store.changelog.field_clock import LoggedChange, chunks, field_winners, row_changes
from store.core.errors import SyncRefused
from store.core.models import (
    SYNCED_TABLES,
    ChangeLog,
    Constituent,
    Issue,
    Setting,
    Visit,
)
from store.core.rows import live
from store.desk.urgency import pressing_kind
from store.sync.regroup_rule import settle_regroupings
from store.trust.purge import PERSONAL_TABLES, redact_purged

# The columns of a change as a bundle carries it, in this order.
CHANGE_COLUMNS = (
    "hlc",
    "clamped_hlc",
    "device_id",
    "deputy_id",
    "table_name",
    "row_id",
    "op",
    "fields",
    "at",
    "base",
)

# docs/rules/sync.md: a stamp further ahead of this device's clock than this is clamped to the
# clock.
CLAMP_AHEAD_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class MergeResult:
    """What a merge took in: changes new here and already here; records added, by table, and
    records changed; the devices whose stamps were clamped; the conflicts listed on the rows it
    touched that no one has answered yet; the devices whose clocks were ahead when they wrote
    what was clamped.

    A device whose clock ran ahead and was set right goes on stamping after its earlier stamps
    (they never go back), so its changes are clamped until its clock catches up with them; but
    its clock is only said to be ahead (`clock_ahead`) for changes it wrote while it was: their
    `at`, the device's own time of writing, is ahead too."""

    new: int
    known: int
    by_table: dict[str, int]
    updated: int
    clamped_devices: tuple[str, ...]
    conflicts: int
    clock_ahead: tuple[str, ...] = ()
    # The conflicts listed on the rows it touched, answered or not: a merge taken in batches
    # counts those still unanswered at its end (store.sync.hub).
    listed: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Applied:
    issues: set[str]
    added: int
    updated: int


@cache
def synced_tables() -> dict[str, type[SQLModel]]:
    return {str(model.__tablename__): model for model in SYNCED_TABLES}


def key_column(model: type[SQLModel]) -> str:
    return "key" if model is Setting else "id"


def merge_changes(
    *,
    session: Session,
    changes: Sequence[Sequence[Any]],
    clamps: Sequence[Sequence[str]] = (),
) -> MergeResult:
    """Take in changes made elsewhere.

    Args:
        session: a write session (its actor is this device).
        changes: rows of CHANGE_COLUMNS.
        clamps: (device id, stamp, clamped stamp) of changes some device clamped: the lowest
            clamp of a change wins everywhere, so devices that clamped differently agree.
    Raises:
        SyncRefused: a change names an unknown table, or the changes leave a row incomplete or
            pointing at a row this device does not have (nothing is written then).
    """
    conn = session.connection()
    ctx = write_context(session)
    incoming = [dict(zip(CHANGE_COLUMNS, row, strict=True)) for row in changes]
    if any(row["table_name"] not in synced_tables() for row in incoming):
        raise SyncRefused("sync.damaged")
    fresh = _unknown(conn, incoming)
    clamped_devices, clock_ahead = _clamp(session, fresh)
    if fresh:
        # Each entry's values, written here lean (store.changelog.lean) whatever the sender
        # wrote: a bundle or a push carries JSON objects.
        insert_log_rows(
            session,
            [
                {**row, "fields": _values_of(row), "at": datetime.fromisoformat(row["at"])}
                for row in fresh
            ],
        )
    touched: dict[str, set[str]] = {}
    for row in fresh:
        touched.setdefault(row["table_name"], set()).add(row["row_id"])
    for table, row_id in _lower_clamps(conn, clamps):
        touched.setdefault(table, set()).add(row_id)
    # What came in moves this device's clock on: its next stamps read the log again.
    ctx._last_hlc = None
    issues: set[str] = set()
    listed: list[str] = []
    updated = 0
    added: dict[str, int] = {}
    try:
        for table, model in synced_tables().items():
            if table not in touched:
                continue
            ids = sorted(touched[table])
            if table in PERSONAL_TABLES:
                # A purge that came in (or came before an older change did) removes the old
                # values from the log here too, before the rows are computed from it.
                redact_purged(session, ids, table)
            # The rows' whole log, read once: for their values and for their conflicts.
            logged = row_changes(conn, table, ids)
            applied = _apply_rows(conn, model, ids, logged)
            issues |= applied.issues
            updated += applied.updated
            if applied.added:
                added[table] = applied.added
            listed += derive_conflicts(conn, table, ids, logged)
        _refresh_aggregates(conn, issues | touched.get("issue", set()))
        # Merges, splits and withdrawals made apart, put in order alike on every device.
        _refresh_aggregates(conn, settle_regroupings(session, issues | touched.get("issue", set())))
        # Answers travel as records of their own, perhaps in this very merge: counted last.
        conflicts = unanswered(conn, listed)
    except IntegrityError:
        raise SyncRefused("sync.incomplete") from None
    return MergeResult(
        new=len(fresh),
        known=len(incoming) - len(fresh),
        by_table=added,
        updated=updated,
        clamped_devices=tuple(sorted(clamped_devices)),
        conflicts=conflicts,
        clock_ahead=tuple(sorted(clock_ahead)),
        listed=tuple(sorted(set(listed))),
    )


def _values_of(change: dict[str, Any]) -> dict[str, Any]:
    """A change's values from its JSON object.

    Raises:
        SyncRefused: they are not one (a damaged bundle)."""
    fields = change["fields"]
    try:
        values = json.loads(fields) if isinstance(fields, str) else fields
    except ValueError:
        raise SyncRefused("sync.damaged") from None
    if not isinstance(values, dict):
        raise SyncRefused("sync.damaged")
    return values


def _unknown(conn: Connection, incoming: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The changes not yet in this log (and each once, should a bundle repeat one). A change is
    named by its device and stamp; where one of that name is here already, by what it says too
    (store.sync.identity): a device put back in time may have made two under one name."""
    from store.sync.identity import change_digest, held_digests

    names = {(row["device_id"], row["hlc"]) for row in incoming}
    known: set[tuple[str, str]] = set()
    log: Table = ChangeLog.__table__  # type: ignore[attr-defined]
    # A device's stamps a range at a time, an index range scan of ix_change_log_device_id_hlc:
    # PostgreSQL read a list of (device, stamp) pairs as a filter over all of the device's
    # changes (250 ms per 500 names in a hub holding 32,000 of them, once per batch of a push).
    stamps: dict[str, list[str]] = {}
    for device, hlc in names:
        stamps.setdefault(device, []).append(hlc)
    for device, hlcs in sorted(stamps.items()):
        for part in chunks(sorted(hlcs)):
            wanted = set(part)
            rows = conn.execute(
                select(log.c.hlc).where(
                    log.c.device_id == device, log.c.hlc >= part[0], log.c.hlc <= part[-1]
                )
            )
            known.update((device, hlc) for (hlc,) in rows if hlc in wanted)
    held = held_digests(conn, {n for n in names if n in known}) if known else {}
    fresh: list[dict[str, Any]] = []
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for row in incoming:
        name = (row["device_id"], row["hlc"])
        if name not in known and name not in held:
            # The common case: a name seen nowhere yet, its digest not needed unless it comes
            # again in this bundle.
            if name not in first:
                first[name] = row
                fresh.append(row)
                continue
            held[name] = {change_digest(first[name])}
        # The name is taken (here, or earlier in this bundle): new only if it says otherwise.
        taken = held.setdefault(name, set())
        digest = change_digest(row)
        if digest not in taken:
            taken.add(digest)
            fresh.append(row)
    return fresh


def _clamp(session: Session, fresh: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """Clamp stamps more than a day ahead of this device's clock to it; the devices that sent
    them, and those of them whose clock was that far ahead when they wrote the change (its `at`).
    The clock is the hybrid one (its wall time, or the latest stamp it has seen if that is
    later): a laptop whose own wall clock runs slow but has taken in the station's changes does
    not take the station's next ones for the future."""
    ctx = write_context(session)
    wall = int(ctx.clock.now().timestamp() * 1000)
    seen = latest_hlc(session.connection(), ctx.actor.device_id)
    limit = max(wall, seen[0] if seen else 0) + CLAMP_AHEAD_MS
    ahead = [row for row in fresh if parse_hlc(row["clamped_hlc"] or row["hlc"])[0] > limit]
    if not ahead:
        return set(), set()
    # Stamps of this clock, taken in order: the clamped changes sort as if made now, here. A
    # clamp only ever lowers a stamp: every device then settles on the lowest one.
    ctx._last_hlc = None
    for row, stamp in zip(ahead, _stamps(session, ctx, len(ahead)), strict=True):
        row["clamped_hlc"] = min(stamp, row["clamped_hlc"] or row["hlc"])
    wrong = {row["device_id"] for row in ahead if _wall_ms(row["at"]) > limit}
    return {row["device_id"] for row in ahead}, wrong


def _wall_ms(at: str | datetime) -> int:
    """A change's `at` (the writing device's own clock; UTC when it names no zone) in ms."""
    when = datetime.fromisoformat(at) if isinstance(at, str) else at
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def _lower_clamps(conn: Connection, clamps: Sequence[Sequence[str]]) -> list[tuple[str, str]]:
    """Apply other devices' clamps that are lower than ours; the rows whose order changed."""
    log: Table = ChangeLog.__table__  # type: ignore[attr-defined]
    moved = []
    for device_id, hlc, clamped in clamps:
        row = conn.execute(
            select(log.c.seq, log.c.clamped_hlc, log.c.table_name, log.c.row_id).where(
                log.c.device_id == device_id, log.c.hlc == hlc
            )
        ).first()
        if row is None or (row.clamped_hlc is not None and row.clamped_hlc <= clamped):
            continue
        if clamped >= hlc:
            continue
        conn.execute(update(log).where(log.c.seq == row.seq).values(clamped_hlc=clamped))
        moved.append((row.table_name, row.row_id))
    return moved


def clamps_held(conn: Connection) -> list[list[str]]:
    """Every clamp this device knows of, for its bundles (there are few: clocks set wrong)."""
    log: Table = ChangeLog.__table__  # type: ignore[attr-defined]
    rows = conn.execute(
        select(log.c.device_id, log.c.hlc, log.c.clamped_hlc).where(log.c.clamped_hlc.is_not(None))
    )
    return [list(row) for row in rows]


# -- rows -----------------------------------------------------------------------------------------


@cache
def value_converters(model: type[SQLModel]) -> dict[str, Any]:
    """How each column's value is read back from the change log's JSON."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    converters: dict[str, Any] = {}
    for column in table.columns:
        sa_type = column.type
        if isinstance(sa_type, TypeDecorator):  # UTC times: known by what they store
            sa_type = sa_type.impl_instance
        try:
            kind = sa_type.python_type
        except NotImplementedError:
            continue
        if kind is datetime:
            converters[column.name] = datetime.fromisoformat
        elif kind is date:
            converters[column.name] = date.fromisoformat
        elif kind is bool:
            converters[column.name] = bool
    return converters


def _values(model: type[SQLModel], winners: dict[str, LoggedChange]) -> dict[str, Any]:
    table: Table = model.__table__  # type: ignore[attr-defined]
    convert = value_converters(model)
    values = {}
    for name, change in winners.items():
        if name not in table.c:
            continue  # a column this version no longer has
        value = change.fields[name]
        if value is not None and name in convert:
            value = convert[name](value)
        values[name] = value
    return values


def _apply_rows(
    conn: Connection,
    model: type[SQLModel],
    ids: Sequence[str],
    logged: dict[str, list[LoggedChange]],
) -> _Applied:
    """Set each row to what its log says of it (inserting those new here)."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    name = str(model.__tablename__)
    key = table.c[key_column(model)]
    current: dict[str, dict[str, Any]] = {}
    for part in chunks(ids):
        for row in conn.execute(select(table).where(key.in_(part))).mappings():
            current[row[key.name]] = dict(row)
    fills = [d.fill for d in derivations().get(name, ()) if d.fill is not None]
    watched = set().union(*(d.watch for d in derivations().get(name, ())))
    inserts: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    changed: list[dict[str, Any]] = []
    issues: set[str] = set()
    for row_id in ids:
        values = _values(model, field_winners(logged.get(row_id, ())))
        before = current.get(row_id)
        if before is not None:
            values = {k: v for k, v in values.items() if before[k] != v}
            if not values:
                continue
        after = {**(before or {}), **values, key.name: row_id}
        if fills and (before is None or watched & set(values)):
            for fill in fills:
                extra = fill(after)
                values.update(extra)
                after.update(extra)
        if name == "visit":
            issues.update(i for i in ((before or {}).get("issue_id"), after.get("issue_id")) if i)
        if before is None:
            values[key.name] = row_id
            inserts.setdefault(tuple(sorted(values)), []).append(values)
        else:
            conn.execute(update(table).where(key == row_id).values(**values))
        changed.append(after)
    for rows in inserts.values():
        insert_rows(conn, table, rows)
    for derivation in derivations().get(name, ()):
        if derivation.index is not None and changed:
            fresh = [row for row in changed if row[key.name] not in current]
            known = [row for row in changed if row[key.name] in current]
            if fresh:
                derivation.index(conn, fresh, True)
            if known:
                derivation.index(conn, known, False)
    added = sum(len(rows) for rows in inserts.values())
    return _Applied(issues=issues, added=added, updated=len(changed) - added)


def _refresh_aggregates(conn: Connection, issue_ids: set[str]) -> None:
    """An issue's counts and urgency facts, from its visits as they now stand."""
    if not issue_ids:
        return
    issues: Table = Issue.__table__  # type: ignore[attr-defined]
    visits: Table = Visit.__table__  # type: ignore[attr-defined]
    residents: Table = Constituent.__table__  # type: ignore[attr-defined]
    for part in chunks(sorted(issue_ids)):
        stored = {
            row.id: row
            for row in conn.execute(
                select(
                    issues.c.id,
                    issues.c.visit_count,
                    issues.c.repeat_count,
                    issues.c.kind,
                    issues.c.vulnerable,
                ).where(issues.c.id.in_(part))
            )
        }
        facts: dict[str, list[Any]] = {}
        for row in conn.execute(
            select(visits.c.issue_id, visits.c.kind, visits.c.is_repeat, residents.c.vulnerable)
            .join(residents, residents.c.id == visits.c.constituent_id)
            # Withdrawn visits (撤回) are in none of an issue's counts (store.desk.regroup).
            .where(visits.c.issue_id.in_(part), live(visits), visits.c.withdrawn_at.is_(None))
        ):
            facts.setdefault(row.issue_id, []).append(row)
        for issue_id, issue in stored.items():
            rows = facts.get(issue_id, [])
            fresh = {
                "visit_count": len(rows),
                "repeat_count": sum(1 for r in rows if r.is_repeat),
                "kind": pressing_kind([issue.kind, *(r.kind for r in rows)]).value,
                "vulnerable": bool(issue.vulnerable) or any(r.vulnerable for r in rows),
            }
            if any(getattr(issue, k) != v for k, v in fresh.items()):
                conn.execute(update(issues).where(issues.c.id == issue_id).values(**fresh))


__all__ = ["CHANGE_COLUMNS", "MergeResult", "clamps_held", "format_hlc", "merge_changes"]
