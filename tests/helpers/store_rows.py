"""A row read back by its id in a test: `must_get(session, Issue, row.id)` is `session.get`,
typed as the row, failing where it is read if the row is not there."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel

M = TypeVar("M", bound=SQLModel)


def must_get(session: Session, model: type[M], row_id: object) -> M:
    row = session.get(model, row_id)
    assert row is not None, f"no {model.__name__} {row_id}"
    return row
