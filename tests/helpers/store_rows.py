"""A row read back by its id in a test: `must_get(session, Issue, row.id)` is `session.get`,
typed as the row, failing where it is read if the row is not there; `live_rows`, the station's
data as a whole, to compare before and after."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from store.core.models import SYNCED_TABLES

M = TypeVar("M", bound=SQLModel)


def must_get(session: Session, model: type[M], row_id: object) -> M:
    row = session.get(model, row_id)
    assert row is not None, f"no {model.__name__} {row_id}"
    return row


# Columns every write sets on the records it touches (store.changelog.changes): an undo is a
# write, so they differ from before the write it undoes, by design.
BOOKKEEPING = frozenset({"created_at", "updated_at", "device_id"})


def live_rows(session: Session) -> dict[str, dict[str, dict[str, object]]]:
    """Every live record of every synced table (settings included), by table and id, without
    the columns each write sets: what the station's data is, whoever wrote it last."""
    out: dict[str, dict[str, dict[str, object]]] = {}
    for model in SYNCED_TABLES:
        table = model.__table__  # type: ignore[attr-defined]
        columns = [c for c in table.columns if c.name not in BOOKKEEPING]
        query = select(*columns)
        if "deleted_at" in table.columns:
            query = query.where(table.c.deleted_at.is_(None))
        key = "key" if "key" in table.columns else "id"
        rows = session.connection().execute(query)
        out[table.name] = {str(row._mapping[key]): dict(row._mapping) for row in rows}
    return out
