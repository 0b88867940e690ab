"""Live rows: the soft-delete filter, and fetching one record by id or raising its NotFound.

Records are never removed, only marked `deleted_at` (so a deletion travels to other devices):
every query and every fetch by id has to leave the marked ones out, and does it through here.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Table
from sqlmodel import Session, col

from store.core.errors import NotFound
from store.core.models import Record

R = TypeVar("R", bound=Record)


def live(model: type[Record] | Table) -> ColumnElement[bool]:
    """The clause that keeps a table's live rows: `<table>.deleted_at IS NULL`.

    The partial indexes (the open issues', the untriaged visits') are declared `WHERE …
    deleted_at IS NULL`, and the planner uses one only when the query repeats that condition in
    the same form: this is that form, for a model, an alias of one, or a Core table.
    """
    column: Any = model.c.deleted_at if isinstance(model, Table) else col(model.deleted_at)
    clause: ColumnElement[bool] = column.is_(None)
    return clause


def find_live(session: Session, model: type[R], row_id: str) -> R | None:
    """The record of this id, or None when there is none or it was deleted."""
    row = session.get(model, row_id)
    return row if row is not None and row.deleted_at is None else None


def get_live(session: Session, model: type[R], row_id: str, missing: type[NotFound]) -> R:
    """The record of this id.

    Raises:
        missing: there is no such record, or it was deleted.
    """
    row = find_live(session, model, row_id)
    if row is None:
        raise missing()
    return row
