"""The conflict list (docs/rules/sync.md): values that lost to a concurrent edit, for a deputy to
review.

Each entry is answered once, on any device, and the answer travels: `keep_current` leaves the
winner; `restore_lost` writes the losing value back (a new edit, which then wins everywhere)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.changelog.changes import parse_hlc, write_context
from store.core.errors import N_, NotFound
from store.core.hub_mark import refuse_on_hub
from store.core.models import ConflictResolution, Device, SyncConflict
from store.core.paging import PAGE_SIZE, Page
from store.core.validation import mask_id_number, mask_phone
from store.sync.merge import key_column, synced_tables, value_converters

# Fields holding personal numbers: masked wherever a conflict is shown.
_PHONES = frozenset({"phone"})
_ID_NUMBERS = frozenset({"id_number"})


class Answer:
    kept = "kept"
    restored = "restored"


@dataclass(frozen=True)
class ConflictRow:
    id: str
    table_name: str
    row_id: str
    field: str
    lost_value: str
    current_value: str
    lost_device: str
    lost_at: datetime
    won_device: str
    # The record was deleted meanwhile: restoring brings it back with the value.
    deleted: bool


def _shown(field: str, value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if field in _PHONES:
        return mask_phone(text)
    if field in _ID_NUMBERS:
        return mask_id_number(text)
    return text


def _open() -> Any:
    return (
        select(SyncConflict)
        .outerjoin(ConflictResolution, col(ConflictResolution.id) == col(SyncConflict.id))
        .where(col(ConflictResolution.id).is_(None))
    )


def count_conflicts(*, session: Session) -> int:
    """How many conflicts wait for an answer."""
    query = _open().with_only_columns(func.count())
    return int(session.exec(query).one())


def list_conflicts(
    *, session: Session, offset: int = 0, limit: int = PAGE_SIZE
) -> Page[ConflictRow]:
    """The unanswered conflicts, newest lost edit first, a page at a time."""
    total = count_conflicts(session=session)
    rows = session.exec(
        _open()
        .order_by(col(SyncConflict.lost_hlc).desc(), col(SyncConflict.id))
        .offset(offset)
        .limit(limit)
    ).all()
    names = {d.id: d.name for d in session.exec(select(Device)).all()}
    items = tuple(_row(session, conflict, names) for conflict in rows)
    return Page(items=items, total=total, offset=offset, limit=limit)


def _row(session: Session, conflict: SyncConflict, names: dict[str, str]) -> ConflictRow:
    record = _record(session, conflict)
    current = getattr(record, conflict.field, None) if record is not None else None
    if hasattr(current, "isoformat"):
        current = current.isoformat()  # type: ignore[union-attr]
    wall_ms, _ = parse_hlc(conflict.lost_hlc)
    return ConflictRow(
        id=conflict.id,
        table_name=conflict.table_name,
        row_id=conflict.row_id,
        field=conflict.field,
        lost_value=_shown(conflict.field, json.loads(conflict.value)),
        current_value=_shown(conflict.field, current),
        lost_device=names.get(conflict.lost_device_id, conflict.lost_device_id[:8]),
        lost_at=datetime.fromtimestamp(wall_ms / 1000, UTC),
        won_device=names.get(conflict.won_device_id, conflict.won_device_id[:8]),
        deleted=conflict.deleted,
    )


def _record(session: Session, conflict: SyncConflict) -> Any:
    model = synced_tables().get(conflict.table_name)
    return session.get(model, conflict.row_id) if model is not None else None


def _conflict(session: Session, conflict_id: str) -> SyncConflict:
    # A conflict is answered where it was made, by a deputy on duty: an answer written on the
    # county's hub (nobody on duty) would reach the station with `sync pull`.
    refuse_on_hub(session, N_("error.hub_no_conflicts"))
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None or session.get(ConflictResolution, conflict_id) is not None:
        raise NotFound("error.conflict_not_found")
    return conflict


def _answer(session: Session, conflict_id: str, action: str) -> None:
    ctx = write_context(session)
    session.add(ConflictResolution(id=conflict_id, action=action, deputy_id=ctx.actor.deputy_id))


def keep_current(*, session: Session, conflict_id: str) -> None:
    """Answer a conflict by keeping the value that won.

    Raises:
        NotFound: no such unanswered conflict.
    """
    _conflict(session, conflict_id)
    _answer(session, conflict_id, Answer.kept)


def restore_lost(*, session: Session, conflict_id: str) -> None:
    """Answer a conflict by writing the losing value back (and undeleting its record if it was
    deleted meanwhile).

    Raises:
        NotFound: no such unanswered conflict, or its record is gone.
    """
    conflict = _conflict(session, conflict_id)
    model = synced_tables()[conflict.table_name]
    record = _record(session, conflict)
    if record is None or key_column(model) not in type(record).model_fields:
        raise NotFound("error.conflict_not_found")
    value = json.loads(conflict.value)
    convert = value_converters(model).get(conflict.field)
    setattr(record, conflict.field, convert(value) if convert and value is not None else value)
    if conflict.deleted and getattr(record, "deleted_at", None) is not None:
        record.deleted_at = None
    session.add(record)
    _answer(session, conflict_id, Answer.restored)
