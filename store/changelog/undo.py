"""Undoing a write: what one write transaction changed, noted as it is flushed (each field's value
before and after, each record it made), and the compensating write that puts it back.

An undo is a new write like any other: logged, stamped, chained and synced, and it shows in the
audit trail; the change log is never shortened. A record changed again since the write (by another
terminal, a sync) is left as it is now: the later change stands."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from store.changelog.changes import to_json_value, write_context
from store.core.models import Record, Setting

# Columns the write session itself sets on every write (store.changelog.changes): an undo is a
# write too, so they take the undo's own values.
_BOOKKEEPING = frozenset({"created_at", "updated_at", "device_id"})
_RECORDER = "undo_recorder"


@dataclass(frozen=True)
class RowChange:
    """One record as a write left it: the fields it changed, before and after; or, with `before`
    None, a record the write made."""

    model: type[SQLModel]
    row_id: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any]


@dataclass(frozen=True)
class Undo:
    """What one write changed, in the order it changed it; empty when it changed nothing."""

    changes: tuple[RowChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True)
class UndoResult:
    restored: int
    """Records put back as they were."""
    kept: int
    """Records left as they are: written again since the write undone."""


@dataclass
class ChangeRecorder:
    """Collects the changes of the flushes of one write session (`record_changes`)."""

    _rows: dict[tuple[type[SQLModel], str], RowChange] = field(default_factory=dict)

    def undo(self) -> Undo:
        return Undo(tuple(self._rows.values()))

    def _created(self, obj: SQLModel) -> None:
        row_id = _row_id(obj)
        self._rows.setdefault((type(obj), row_id), RowChange(type(obj), row_id, None, {}))

    def _changed(self, obj: SQLModel, before: dict[str, Any], after: dict[str, Any]) -> None:
        key = (type(obj), _row_id(obj))
        known = self._rows.get(key)
        if known is not None and known.before is None:
            return  # made by this write: undone by deleting it, whatever else it did
        if known is not None:
            # Changed again in a later flush of the same write: the first value before it counts.
            before = {**before, **known.before} if known.before is not None else before
            after = {**known.after, **after}
        self._rows[key] = RowChange(type(obj), key[1], before, after)


@contextmanager
def record_changes(session: Session) -> Iterator[ChangeRecorder]:
    """Note what the writes made in this block change, for `revert_changes`.

    Args:
        session: a write session (store.db.Store.write).
    Yields:
        The recorder; its `undo()` is complete once the block has ended.
    """
    write_context(session)
    recorder = ChangeRecorder()
    session.info[_RECORDER] = recorder
    try:
        yield recorder
        session.flush()
    finally:
        session.info.pop(_RECORDER, None)


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _flush_context: Any, _instances: Any) -> None:
    recorder: ChangeRecorder | None = session.info.get(_RECORDER)
    if recorder is None:
        return
    for obj in session.new:
        if isinstance(obj, Record | Setting):
            recorder._created(obj)
    for obj in session.dirty:
        if not isinstance(obj, Record | Setting) or not session.is_modified(obj):
            continue
        state = inspect(obj)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for attr in state.mapper.column_attrs:
            if attr.key in _BOOKKEEPING:
                continue
            history = state.attrs[attr.key].history
            if not history.has_changes():
                continue
            before[attr.key] = (
                history.deleted[0] if history.deleted else _stored_value(session, obj, attr.key)
            )
            after[attr.key] = history.added[0] if history.added else None
        if before:
            recorder._changed(obj, before, after)


def _stored_value(session: Session, obj: SQLModel, key: str) -> Any:
    """A field's value in the database, before this flush writes it: the one an attribute set
    without being loaded first (after `expire`) has no other record of."""
    mapper = inspect(type(obj))
    table = mapper.local_table
    (primary,) = mapper.primary_key
    query = select(table.c[key]).where(primary == _row_id(obj))
    return session.connection().execute(query).scalar()


def revert_changes(*, session: Session, undo: Undo) -> UndoResult:
    """The compensating write of `undo`: each record the write changed gets the values it had
    before, unless one of them was changed again since; each record the write made is deleted
    (soft, as every deletion), unless deleted since.

    Args:
        session: a write session.
        undo: what the write changed (`record_changes`).
    Returns:
        How many records were put back, and how many were left as later writes left them.
    """
    ctx = write_context(session)
    restored = kept = 0
    for change in reversed(undo.changes):
        row = session.get(change.model, change.row_id)
        if row is None:
            kept += 1
            continue
        if change.before is None:
            # A setting is never made by a station's write (they are seeded), and has no deletion.
            if isinstance(row, Record) and row.deleted_at is None:
                row.deleted_at = ctx.clock.now()
                restored += 1
            else:
                kept += 1
            continue
        # A record written again since keeps what that later write made of it, all of it: its
        # fields go together (an issue's due and warning dates), half of each would be neither.
        if not all(_same(getattr(row, key), value) for key, value in change.after.items()):
            kept += 1
            continue
        for key, value in change.before.items():
            setattr(row, key, value)
        restored += 1
    session.flush()
    return UndoResult(restored=restored, kept=kept)


def _same(current: Any, written: Any) -> bool:
    # A value read back may be another type than the one written (a str for an enum member).
    return bool(current == written) or to_json_value(current) == to_json_value(written)


def _row_id(obj: SQLModel) -> str:
    return obj.key if isinstance(obj, Setting) else obj.id  # type: ignore[attr-defined]
