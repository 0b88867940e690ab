"""The change log: every write is stamped and recorded in the transaction that makes it.

A `before_flush` hook on every Session does this, so no store function can forget it: new rows
are logged whole, changed rows by their changed fields, and hard deletes are refused (sync needs
a deletion to be a row that travels). Bulk loads go through `bulk_insert`, which does the same."""

from __future__ import annotations

import json
import json.encoder
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from functools import cache
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Connection, Table, event, insert, inspect, text
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from store.changelog import lean
from store.changelog.chain import PERSONAL_FIELDS, chain_head, chain_inserts, chain_rows
from store.changelog.conflict_list import derive_conflicts, listed_rows
from store.changelog.derived import derivations
from store.changelog.field_clock import bases
from store.core.clock import Clock
from store.core.errors import ReadOnlySession, StoreError
from store.core.models import (
    ChangeLog,
    ChangeLogLayout,
    ChangeOp,
    LocalMeta,
    Record,
    Setting,
    SyncConflict,
    SyncPeer,
    Word,
    WordDay,
    WordScope,
    WordVisit,
    table_name,
)

# This file's own bookkeeping (sync's included) and data derived from records
# (store.changelog.derived, the conflict list): never synced, so never logged.
_UNLOGGED = (
    ChangeLog,
    ChangeLogLayout,
    LocalMeta,
    SyncPeer,
    SyncConflict,
    Word,
    WordScope,
    WordVisit,
    WordDay,
)


@dataclass(frozen=True)
class Actor:
    """Who writes: the station, this device, and the deputy on duty (None for system writes)."""

    station_id: str
    device_id: str
    deputy_id: str | None = None


@dataclass
class WriteContext:
    actor: Actor
    clock: Clock
    _last_hlc: tuple[int, int] | None = field(default=None, repr=False)


def format_hlc(wall_ms: int, counter: int) -> str:
    """A hybrid logical clock stamp that sorts as text: milliseconds, then a counter."""
    return f"{wall_ms:015d}.{counter:05d}"


def parse_hlc(stamp: str) -> tuple[int, int]:
    wall, _, counter = stamp.partition(".")
    return int(wall), int(counter)


# The counter has five digits in a stamp; past them, the stamp moves on a millisecond (a bulk
# load stamps more rows than that within one: 100,000 visits log 650,000 rows).
HLC_COUNTER_MAX = 99_999


def next_hlc(last: tuple[int, int] | None, wall_ms: int) -> tuple[int, int]:
    """The stamp after `last` at physical time `wall_ms`: never goes backwards, even if the
    wall clock does."""
    if last is None or wall_ms > last[0]:
        return wall_ms, 0
    if last[1] >= HLC_COUNTER_MAX:
        return last[0] + 1, 0
    return last[0], last[1] + 1


def _stamps(session: Session, ctx: WriteContext, count: int) -> list[str]:
    """`count` consecutive stamps, read off the clock once (a bulk load's rows share a time)."""
    if ctx._last_hlc is None:
        # Plain SQL on the session's connection: once per write, where the ORM's statement
        # machinery cost more than the (indexed) read itself.
        ctx._last_hlc = latest_hlc(session.connection(), ctx.actor.device_id)
    wall_ms = int(ctx.clock.now().timestamp() * 1000)
    last = ctx._last_hlc
    stamps: list[str] = []
    while len(stamps) < count:
        # A run of one millisecond's counters: from its first stamp on, next_hlc only counts
        # up (the millisecond is at or past the wall clock's), until the counter is full.
        wall, first = last = next_hlc(last, wall_ms)
        end = min(first + count - len(stamps), HLC_COUNTER_MAX + 1)
        prefix = f"{wall:015d}."
        stamps += [f"{prefix}{n:05d}" for n in range(first, end)]
        last = (wall, end - 1)
    ctx._last_hlc = last
    return stamps


_MY_LATEST = text("SELECT max(hlc) FROM change_log WHERE device_id = :device")


def latest_hlc(conn: Connection, device_id: str) -> tuple[int, int] | None:
    """The stamp this device's next one must follow: the greatest it has issued (its stamps name
    its changes: they never repeat, never go back, even where others clamped them), and the
    greatest of every change it took in (so what it writes next sorts after all it has seen),
    a clamped one by its clamp."""
    # Plain SQL: once per write, where the ORM's statement machinery cost more than the
    # (indexed) reads themselves. The second walks the stamp index down to the first unclamped
    # change; the third reads the small partial index of clamped ones.
    mine = conn.execute(_MY_LATEST, {"device": device_id}).scalar()
    seen = conn.exec_driver_sql(
        "SELECT hlc FROM change_log WHERE clamped_hlc IS NULL ORDER BY hlc DESC LIMIT 1"
    ).scalar()
    clamped = conn.exec_driver_sql(
        "SELECT max(clamped_hlc) FROM change_log WHERE clamped_hlc IS NOT NULL"
    ).scalar()
    latest = max(filter(None, (mine, seen, clamped)), default=None)
    return parse_hlc(latest) if latest else None


def to_json_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _json_default(value: Any) -> Any:
    if type(value) is datetime:  # most calls: created_at, updated_at and the like
        return value.isoformat()
    converted = to_json_value(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return converted


# The change log's `fields`: the same text as json.dumps of to_json_value(...) of each value, in
# one call to the C encoder (which only calls back for dates and plain enums).
def _fields_encoder() -> Any:
    make = json.encoder.c_make_encoder  # type: ignore[attr-defined]
    if make is None:  # a Python without the C accelerator
        return json.JSONEncoder(ensure_ascii=False, default=_json_default).encode
    # What JSONEncoder.encode builds on every call, built once (a bulk load encodes 650,000
    # rows): the same text, without the check for circular references a flat dict never has.
    chunks = make(
        None, _json_default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True
    )
    return lambda value: "".join(chunks(value, 0))


_encode_fields = _fields_encoder()


def _row_id(obj: SQLModel) -> str:
    return obj.key if isinstance(obj, Setting) else obj.id  # type: ignore[attr-defined]


def _log_row(
    ctx: WriteContext,
    obj: SQLModel,
    op: ChangeOp,
    fields: dict[str, Any],
    base: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One change-log row, without its stamp (given to a flush's rows together); its values
    are encoded as they are inserted (`insert_log_rows`)."""
    return {
        "hlc": "",
        "device_id": ctx.actor.device_id,
        "deputy_id": ctx.actor.deputy_id,
        "table_name": table_name(obj),
        "row_id": _row_id(obj),
        "op": op.value,
        "fields": fields,
        "at": ctx.clock.now(),
        "base": json.dumps(base, ensure_ascii=False) if base else None,
    }


def _write_log(session: Session, ctx: WriteContext, rows: list[dict[str, Any]]) -> None:
    """A flush's change-log rows in one statement on its connection, in the order they were
    made (their `seq`), in its transaction: as ORM objects they cost more than the records."""
    if rows:
        for row, hlc in zip(rows, _stamps(session, ctx, len(rows)), strict=True):
            row["hlc"] = hlc
        insert_log_rows(session, rows)


def log_local_entry(
    session: Session, *, table_name: str, row_id: str, op: str, fields: Any
) -> None:
    """Chain an entry about this device's own log (a purge's redaction record): stamped and
    sealed like any other, never sent by sync."""
    ctx = write_context(session)
    row = {
        "hlc": _stamps(session, ctx, 1)[0],
        "device_id": ctx.actor.device_id,
        "deputy_id": ctx.actor.deputy_id,
        "table_name": table_name,
        "row_id": row_id,
        "op": op,
        # A JSON object, as every device's redaction records have been (store.changelog.chain
        # reads the digests they name from it).
        "fields": json.dumps(fields, ensure_ascii=False),
        "at": ctx.clock.now(),
        "base": None,
        "layout": None,
    }
    insert_log_rows(session, [row])


def insert_log_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert change-log rows, sealed in the hash chain (store.changelog.chain) as they go in.
    A row whose `fields` are values (a mapping) is written lean (store.changelog.lean); one
    whose `fields` are text keeps them as they are, with its `layout`.

    Every entry this device writes or takes in by sync goes through here (or through
    `bulk_insert`'s column path, which seals the same way)."""
    if rows:
        used: dict[int, lean.Layout] = {}
        for row in rows:
            fields = row["fields"]
            if isinstance(fields, str):
                row.setdefault("layout", None)
                continue
            layout, row["fields"] = lean.encode(fields, row["row_id"], row["device_id"])
            row["layout"] = layout.id
            used[layout.id] = layout
        conn = session.connection()
        lean.ensure_layouts(conn, used.values(), session.info.setdefault("layouts", set()))
        _set_head(session, chain_rows(_head(session), rows))
        insert_rows(conn, ChangeLog.__table__, rows)  # type: ignore[attr-defined]


def _head(session: Session) -> str:
    # The last link, read once per write transaction (a session is one), then carried along;
    # with it, the last entry before this transaction's first: only entries after it are this
    # transaction's to seal (store.changelog.chain.seal_new_entries).
    head = session.info.get("chain_head")
    if head is not None:
        return str(head)
    conn = session.connection()
    session.info["log_start"] = conn.exec_driver_sql("SELECT max(seq) FROM change_log").scalar()
    return chain_head(conn)


def _set_head(session: Session, head: str) -> None:
    session.info["chain_head"] = head


def _columns(obj: SQLModel) -> list[str]:
    return _column_names(type(obj))


@cache
def _column_names(model: type[SQLModel]) -> list[str]:
    return [attr.key for attr in inspect(model).column_attrs]


def _fill_derived(obj: SQLModel, changed: set[str] | None) -> dict[str, Any]:
    """Set the derived columns of `obj` (all, if new; else those whose sources changed)."""
    filled: dict[str, Any] = {}
    for derivation in derivations().get(table_name(obj), ()):
        if derivation.fill is None or (changed is not None and not derivation.watch & changed):
            continue
        for key, value in derivation.fill({c: getattr(obj, c) for c in _columns(obj)}).items():
            setattr(obj, key, value)
            filled[key] = value
    return filled


def _index_derived(
    conn: Connection, table: str, rows: list[dict[str, Any]], *, new: bool = False
) -> None:
    """Bring a table's derived indexes up to date for `rows`; `new`: rows just inserted, from
    which nothing was derived before."""
    for derivation in derivations().get(table, ()):
        if derivation.index is not None and rows:
            derivation.index(conn, rows, new)


@event.listens_for(Session, "before_flush")
def _stamp_and_log(session: Session, _flush_context: Any, _instances: Any) -> None:
    pending = [o for o in session.new if not isinstance(o, _UNLOGGED)]
    dirty = [o for o in session.dirty if not isinstance(o, _UNLOGGED) and session.is_modified(o)]
    if not pending and not dirty and not session.deleted:
        return
    ctx: WriteContext | None = session.info.get("write")
    if ctx is None:
        raise ReadOnlySession()
    if session.deleted:
        raise StoreError("error.hard_delete")
    now = ctx.clock.now()
    reindex: dict[str, list[dict[str, Any]]] = {}
    # New rows are indexed apart: nothing was derived from them before (no lookups to undo).
    fresh: dict[str, list[dict[str, Any]]] = {}
    log: list[dict[str, Any]] = []
    updates: list[tuple[SQLModel, ChangeOp, dict[str, Any]]] = []
    for obj in pending:
        table = table_name(obj)
        if table in derivations():
            _fill_derived(obj, None)
        if isinstance(obj, Record):
            obj.created_at = obj.created_at or now
        if isinstance(obj, Record | Setting):
            obj.updated_at = now
            obj.device_id = ctx.actor.device_id
        values = {c: getattr(obj, c) for c in _columns(obj)}
        if table in derivations():
            fresh.setdefault(table, []).append(values)
        log.append(_log_row(ctx, obj, ChangeOp.insert, values))
    for obj in dirty:
        state = inspect(obj)
        changed = {
            attr.key: attr.value
            for attr in state.attrs
            if attr.key in _columns(obj) and attr.history.has_changes()
        }
        if not changed:
            continue
        table = table_name(obj)
        if any(d.watch & set(changed) for d in derivations().get(table, ())):
            changed.update(_fill_derived(obj, set(changed)))
            reindex.setdefault(table, []).append({c: getattr(obj, c) for c in _columns(obj)})
        op = ChangeOp.update
        if isinstance(obj, Record) and "deleted_at" in changed and obj.deleted_at is not None:
            op = ChangeOp.delete
        if isinstance(obj, Record | Setting):
            obj.updated_at = now
            obj.device_id = ctx.actor.device_id
            changed["updated_at"] = now
            changed["device_id"] = ctx.actor.device_id
        updates.append((obj, op, changed))
    log.extend(_update_rows(session, ctx, updates))
    _write_log(session, ctx, log)
    _rederive_conflicts(session, updates)
    for table, rows in fresh.items():
        _index_derived(session.connection(), table, rows, new=True)
    for table, rows in reindex.items():
        _index_derived(session.connection(), table, rows)


def _update_rows(
    session: Session, ctx: WriteContext, updates: list[tuple[SQLModel, ChangeOp, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The log rows of a flush's updates, each with the changes it overwrites (its base): one
    read of the log per table. A deletion's base is the whole row as its writer knew it."""
    writes: dict[str, dict[str, list[str]]] = {}
    for obj, op, changed in updates:
        fields = _columns(obj) if op is ChangeOp.delete else list(changed)
        writes.setdefault(table_name(obj), {})[_row_id(obj)] = fields
    known = {table: bases(session.connection(), table, rows) for table, rows in writes.items()}
    return [
        _log_row(ctx, obj, op, changed, known[table_name(obj)].get(_row_id(obj)))
        for obj, op, changed in updates
    ]


def _rederive_conflicts(
    session: Session, updates: list[tuple[SQLModel, ChangeOp, dict[str, Any]]]
) -> None:
    """A row with conflicts listed is derived again once this edit is in the log (an edit can
    settle a conflict, and every device must list the same)."""
    rows: dict[str, list[str]] = {}
    for obj, _op, _changed in updates:
        rows.setdefault(table_name(obj), []).append(_row_id(obj))
    conn = session.connection()
    for table, ids in rows.items():
        listed = listed_rows(conn, table, ids)
        if listed:
            derive_conflicts(conn, table, listed)


def bulk_insert(session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]]) -> None:
    """Insert many new records at Core speed, stamped and logged like any other write.

    Args:
        session: a write session.
        model: the table model; rows must carry every required column (ids included).
        rows: plain dicts of column values.
    """
    if not rows:
        return
    ctx: WriteContext | None = session.info.get("write")
    if ctx is None:
        raise ReadOnlySession()
    now = ctx.clock.now()
    table = table_name(model)
    fills = [d.fill for d in derivations().get(table, ()) if d.fill is not None]
    unnamed = _plain_defaults(model)
    stamped = []
    for row in rows:
        values = dict(row)
        for fill in fills:
            values.update(fill(values))
        if issubclass(model, Record):
            values.setdefault("created_at", now)
            values.setdefault("deleted_at", None)
        values["updated_at"] = values.get("updated_at") or now
        values["device_id"] = ctx.actor.device_id
        # Every column logged, as a flush logs it: a field the log never named could be
        # edited with another tool unnoticed (store.trust.records compares logged fields).
        for column, default in unnamed:
            if column not in values:
                values[column] = default
        stamped.append(values)
    conn = session.connection()
    if not _insert_logged_columns(session, ctx, model, stamped, now):
        insert_rows(conn, model.__table__, stamped)  # type: ignore[attr-defined]
        insert_log_rows(session, list(_log_rows(session, ctx, model, stamped, now)))
    _index_derived(conn, table, stamped, new=True)


def _plain_defaults(model: type[SQLModel]) -> list[tuple[str, Any]]:
    """The columns a row may leave out and the value they then take: None, or the column's
    constant default. Columns whose default is computed or kept by the database are left to it."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    out: list[tuple[str, Any]] = []
    for column in table.columns:
        default = column.default
        if column.server_default is not None or column.primary_key:
            continue
        if default is None:
            out.append((column.name, None))
        elif default.is_scalar:
            out.append((column.name, default.arg))  # type: ignore[attr-defined]
    return out


def _insert_logged_columns(
    session: Session,
    ctx: WriteContext,
    model: type[SQLModel],
    rows: list[dict[str, Any]],
    now: datetime,
) -> bool:
    """`bulk_insert`'s rows and their change log on SQLite, column by column: each date is
    converted once (its ISO text goes into the log and, cut to SQLAlchemy's format, into the
    row), and the log's JSON is encoded without a callback per value. The same rows and the
    same log text as `insert_rows` + `_log_rows`, which remain for other databases and for
    rows whose keys come in different orders, and as an ORM flush: tests/store/changelog/
    test_bulk.py writes the same records all three ways and compares the bytes. Kept beside
    them for speed: building the 100,000-visit demo, bulk_insert spends 23-25 s of CPU this way
    against 30-31 s the generic way (BENCHMARKS.md). Returns False when it did not apply."""
    conn = session.connection()
    keys = list(rows[0])
    if conn.dialect.name != "sqlite" or any(list(row) != keys for row in rows):
        return False
    table: Table = model.__table__  # type: ignore[attr-defined]
    missing = [c for c in table.columns if c.name not in keys and c.default is not None]
    if any(not c.default.is_scalar for c in missing):  # type: ignore[union-attr]
        return False
    get = itemgetter(*keys)
    columns = list(zip(*map(get, rows), strict=True)) if len(keys) > 1 else [tuple(map(get, rows))]
    as_json = list(columns)
    # The types each column of JSON values holds, found once (a scan of a column costs about a
    # microsecond a row over a table's columns; the lean encoding asks twice more).
    json_kinds: list[set[type]] = []
    # A row's times are often one object (created_at, updated_at, at): each converted once.
    converted: dict[int, tuple[str, str]] = {}
    for i, column in enumerate(columns):
        kinds = set(map(type, column))
        json_kinds.append(kinds)
        if kinds <= _PLAIN:
            continue
        if kinds <= _UTC_KINDS and all(v is None or v.tzinfo is UTC for v in column):
            iso: list[str | None] = []
            stored: list[str | None] = []
            for value in column:
                if value is None:
                    iso.append(None)
                    stored.append(None)
                    continue
                both = converted.get(id(value))
                if both is None:
                    text = value.isoformat()
                    both = converted[id(value)] = (text, _utc_iso_to_sqlite(text))
                iso.append(both[0])
                stored.append(both[1])
            as_json[i], columns[i] = tuple(iso), tuple(stored)
        elif kinds <= _DATE_KINDS:  # dates: the same ISO text in the log and in the row
            as_json[i] = columns[i] = tuple(None if v is None else v.isoformat() for v in column)
        else:
            as_json[i] = tuple(map(_json_value, column))
            columns[i] = tuple(map(_sqlite_value, column))
            json_kinds[i] = {type(v) for v in as_json[i]}
            continue
        json_kinds[i] = set(_TEXT_KINDS) if type(None) in kinds else {str}  # ISO text
    fill = {c.name: c.default.arg for c in missing}  # type: ignore[union-attr]
    names = keys + list(fill)
    for value in fill.values():
        columns.append((_sqlite_value(value),) * len(rows))
    conn.exec_driver_sql(_insert_sql(table.name, names), list(zip(*columns, strict=True)))

    key = "key" if model is Setting else "id"
    device, deputy, name = ctx.actor.device_id, ctx.actor.deputy_id, table_name(model)
    row_ids = columns[keys.index(key)]
    fields, layouts = _lean_texts(keys, as_json, row_ids, device, json_kinds)
    lean.ensure_layouts(conn, set(layouts), session.info.setdefault("layouts", set()))
    count = len(rows)
    stamps = _stamps(session, ctx, count)
    at = _sqlite_value(now)
    op = ChangeOp.insert.value
    # Sealed here, a hash per entry (store.changelog.chain), in one loop; a resident's entry
    # hashes its personal fields apart, from the values rather than its JSON decoded again.
    values = None
    if name in PERSONAL_FIELDS:
        values = [dict(zip(keys, row, strict=True)) for row in zip(*as_json, strict=True)]
    head, chains, seals = chain_inserts(
        _head(session),
        stamps=stamps,
        device_id=device,
        deputy_id=deputy,
        table_name=name,
        op=op,
        row_ids=row_ids,
        fields=fields,
        at=at,
        values=values,
        layouts=layouts,
    )
    _set_head(session, head)
    log_columns = [
        stamps,
        (device,) * count,
        (deputy,) * count,
        (name,) * count,
        row_ids,
        (op,) * count,
        fields,
        (at,) * count,
        chains,
        seals,
        [layout.id for layout in layouts],
    ]
    conn.exec_driver_sql(
        _insert_sql("change_log", _LOG_COLUMNS), list(zip(*log_columns, strict=True))
    )
    return True


_LOG_COLUMNS = [
    "hlc", "device_id", "deputy_id", "table_name", "row_id", "op", "fields", "at", "chain", "seal",
    "layout",
]  # fmt: skip
_UTC_KINDS = {datetime, type(None)}
_TEXT_KINDS: frozenset[type] = frozenset({str, type(None)})
_DATE_KINDS = {date, type(None)}


def _insert_sql(table: str, names: list[str]) -> str:
    return (
        f'INSERT INTO "{table}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
        f"VALUES ({', '.join('?' for _ in names)})"
    )


def _lean_texts(
    keys: list[str],
    columns: list[tuple[Any, ...]],
    row_ids: Sequence[str],
    device: str,
    kinds: list[set[type]] | None = None,
) -> tuple[list[str], list[lean.Layout]]:
    """Each row's `fields` and layout (store.changelog.lean) from its columns of JSON values:
    the same as `lean.encode` of the row's dict (the rule of `lean.specs_of`), each value
    encoded once by column, what each row repeats found by column too (`_sources`), and the
    rows of each layout put together by one format string (a dict and an encoder call per row
    cost three times more). `kinds`: the types each column holds, if known."""
    kinds = kinds or [set(map(type, column)) for column in columns]
    encoded = [_json_column(column, k) for column, k in zip(columns, kinds, strict=True)]
    repeats = _sources(keys, columns, row_ids, device, kinds)
    count = len(row_ids)
    groups: dict[tuple[str | None, ...], list[int]] = {}
    if repeats:
        for n, signature in enumerate(zip(*repeats.values(), strict=True)):
            groups.setdefault(signature, []).append(n)
    else:
        groups[()] = list(range(count))
    texts: list[str] = [""] * count
    layouts: list[lean.Layout | None] = [None] * count
    for signature, rows in groups.items():
        layout, kept, template = _lean_form(keys, list(repeats), signature)
        if len(rows) == count:  # one layout for every row: the common case
            made = (
                [template % row for row in zip(*(encoded[i] for i in kept), strict=True)]
                if kept
                else []
            )
            return made or [template] * count, [layout] * count
        picked = [[encoded[i][n] for n in rows] for i in kept]
        made = (
            [template % row for row in zip(*picked, strict=True)]
            if kept
            else [template] * len(rows)
        )
        for n, made_text in zip(rows, made, strict=True):
            texts[n] = made_text
            layouts[n] = layout
    return texts, cast(list[lean.Layout], layouts)


def _sources(
    keys: list[str],
    columns: list[tuple[Any, ...]],
    row_ids: Sequence[str],
    device: str,
    column_kinds: list[set[type]],
) -> dict[int, list[str | None]]:
    """Of the columns that repeat something in some row, each row's source of the value (None:
    written; else the row id, the device, or the first column before it holding that string),
    by the rule of `lean.specs_of`. Two columns are compared row by row only when they share a
    long string at all (a set intersection): most pairs never do."""
    minimum = lean.REPEAT_MIN
    found: dict[int, list[str | None]] = {}
    earlier: list[tuple[str, tuple[Any, ...], set[str]]] = []
    ids = set(row_ids)
    for i, (column, kinds) in enumerate(zip(columns, column_kinds, strict=True)):
        if str not in kinds:
            continue
        if kinds == {str}:
            long = list(map(minimum.__le__, map(len, column)))
        else:
            long = [type(v) is str and len(v) >= minimum for v in column]
        if not any(long):
            continue
        values = set(column) if all(long) else {v for v, ok in zip(column, long) if ok}  # noqa: B905
        checks: list[tuple[str, list[bool]]] = []
        if not values.isdisjoint(ids):
            checks.append((lean.ROW, list(map(operator.eq, column, row_ids))))
        if device in values:
            checks.append((lean.DEVICE, [v == device for v in column]))
        for name, other, held in earlier:
            if not values.isdisjoint(held):
                checks.append((name, list(map(operator.eq, column, other))))
        earlier.append((keys[i], column, values))
        if not checks:
            continue
        if len(checks) == 1:
            source, equal = checks[0]
            sources = [source if e and ok else None for e, ok in zip(equal, long, strict=True)]
        else:
            sources = [
                next((c[0] for c, e in zip(checks, equal, strict=True) if e), None) if ok else None
                for ok, *equal in zip(long, *(c[1] for c in checks), strict=True)
            ]
        if any(sources):
            found[i] = sources
    return found


def _lean_form(
    keys: list[str], candidates: list[int], sources: tuple[str | None, ...]
) -> tuple[lean.Layout, list[int], str]:
    """For rows of these sources: their layout, the columns their array keeps, and the
    array's format string."""
    source_of = dict(zip(candidates, sources, strict=True))
    specs: list[str] = []
    kept: list[int] = []
    for i, key in enumerate(keys):
        source = source_of.get(i)
        if source is None:
            specs.append(key)
            kept.append(i)
        else:
            specs.append(f"{key}={source}")
    return lean.layout_of(tuple(specs)), kept, "[" + ",".join("%s" for _ in kept) + "]"


_JSON_STRING = json.encoder.encode_basestring
_JSON_FLAGS = {True: "true", False: "false", None: "null"}


def _json_column(column: tuple[Any, ...], kinds: set[type] | None = None) -> Any:
    """A column's values as JSON text, as the encoder writes each (ensure_ascii off). `kinds`:
    the types it holds, if known."""
    kinds = kinds if kinds is not None else set(map(type, column))
    if kinds == {str}:
        return list(map(_JSON_STRING, column))
    if kinds <= {str, type(None)}:
        return ["null" if v is None else _JSON_STRING(v) for v in column]
    if kinds <= {bool, type(None)}:  # apart from ints: True == 1 as a key
        return list(map(_JSON_FLAGS.__getitem__, column))
    if kinds <= {int, type(None)}:
        return ["null" if v is None else int.__repr__(v) for v in column]
    return [lean.encode_array(v) for v in column]


def _utc_iso_to_sqlite(iso: str) -> str:
    """`datetime.isoformat()` of a UTC instant as `_sqlite_value` stores it."""
    if len(iso) == 32:  # 2026-11-24T02:00:00.123456+00:00
        return f"{iso[:10]} {iso[11:26]}"
    return f"{iso[:10]} {iso[11:19]}.000000"  # no microseconds: 2026-11-24T02:00:00+00:00


def _json_value(value: Any) -> Any:
    """A value as the change log's JSON holds it (what `_json_default` makes of it)."""
    return value if type(value) in _PLAIN or isinstance(value, str) else to_json_value(value)


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows on the session's connection. On SQLite, one driver-level executemany with
    values in SQLAlchemy's own storage formats: SQLAlchemy Core spends most of a bulk load
    building and converting parameters (the ORM's bulk path costs three times more again)."""
    keys = list(rows[0])
    missing = [c for c in table.columns if c.name not in keys and c.default is not None]
    if conn.dialect.name != "sqlite" or any(not c.default.is_scalar for c in missing):  # type: ignore[union-attr]
        conn.execute(insert(table), rows)
        return
    fill = {c.name: c.default.arg for c in missing}  # type: ignore[union-attr]
    names = keys + list(fill)
    sql = (
        f'INSERT INTO "{table.name}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    # Column by column, so that Python only touches the values that need converting (dates,
    # enums, booleans); the rest moves through C (itemgetter, zip).
    get = itemgetter(*keys)
    columns = list(zip(*map(get, rows), strict=True)) if len(keys) > 1 else [tuple(map(get, rows))]
    for i, column in enumerate(columns):
        if not set(map(type, column)) <= _PLAIN:
            columns[i] = tuple(map(_sqlite_value, column))
    for value in fill.values():
        columns.append((_sqlite_value(value),) * len(rows))
    conn.exec_driver_sql(sql, list(zip(*columns, strict=True)))


_PLAIN = {str, int, float, type(None)}


def _sqlite_value(value: Any) -> Any:
    """A value as SQLAlchemy's SQLite types store it (UTC datetimes with microseconds)."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is float:
        return value  # the common case first: this runs for every value of a bulk load
    if isinstance(value, datetime):
        if value.tzinfo is UTC:  # most values: stored times are UTC already
            return value.isoformat(" ", "microseconds")[:26]
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return int(value)
    return value


def _log_rows(
    session: Session,
    ctx: WriteContext,
    model: type[SQLModel],
    rows: Iterable[dict[str, Any]],
    now: datetime,
) -> Iterable[dict[str, Any]]:
    key = "key" if model is Setting else "id"
    rows = list(rows)
    # Converted once, not once per row; other databases get the datetime (Core converts it).
    at = _sqlite_value(now) if session.connection().dialect.name == "sqlite" else now
    table = table_name(model)
    device, deputy, op = ctx.actor.device_id, ctx.actor.deputy_id, ChangeOp.insert.value
    for hlc, values in zip(_stamps(session, ctx, len(rows)), rows, strict=True):
        yield {
            "hlc": hlc,
            "device_id": device,
            "deputy_id": deputy,
            "table_name": table,
            "row_id": values[key],
            "op": op,
            "fields": values,
            "at": at,
        }


def data_generation(session: Session) -> int:
    """A number that changes whenever anything is written, by any process: the change log's
    last entry (every write appends to it). Screens compare it to know they are stale."""
    value = session.connection().exec_driver_sql("SELECT max(seq) FROM change_log").scalar()
    return int(value or 0)


def write_context(session: Session) -> WriteContext:
    """The actor and clock of a write session.

    Raises:
        ReadOnlySession: `session` was not opened with `write_session`.
    """
    ctx: WriteContext | None = session.info.get("write")
    if ctx is None:
        raise ReadOnlySession()
    return ctx
