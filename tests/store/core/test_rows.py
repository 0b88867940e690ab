"""store.core.rows: the soft-delete filter keeps the partial indexes usable; a record by id."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.errors import IssueNotFound, VisitNotFound
from store.core.models import Issue, Visit
from store.core.rows import find_live, get_live, live
from store.db import Store
from store.desk.visits import VisitRow


def test_live_is_the_spelling_the_partial_indexes_are_declared_with() -> None:
    assert str(live(Issue)) == "issue.deleted_at IS NULL"
    assert str(live(Visit.__table__)) == "visit.deleted_at IS NULL"  # type: ignore[attr-defined]
    other = aliased(Visit)
    assert str(select(other.id).where(live(other))).endswith("WHERE visit_1.deleted_at IS NULL")


def test_the_open_issues_count_uses_the_partial_index(store: Store) -> None:
    query = (
        select(func.count())
        .select_from(Issue)
        .where(col(Issue.status) != "closed", live(Issue), col(Issue.tier) == "village")
    )
    with store.read() as session:
        sql = str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(
            str(row[-1])
            for row in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
        )
    assert "ix_issue_open_urgency" in plan


def test_get_live_raises_the_given_error_for_a_missing_or_deleted_record(
    store: Store, actor: Actor, clock: FrozenClock, make_visit: Callable[..., VisitRow]
) -> None:
    kept, gone = make_visit(), make_visit(phone="13900001111")
    with store.write(actor) as session:
        visit = session.get(Visit, gone.id)
        assert visit is not None
        visit.deleted_at = clock.now()
    with store.read() as session:
        assert get_live(session, Visit, kept.id, VisitNotFound).id == kept.id
        assert find_live(session, Visit, gone.id) is None
        with pytest.raises(VisitNotFound):
            get_live(session, Visit, gone.id, VisitNotFound)
        with pytest.raises(IssueNotFound):
            get_live(session, Issue, "no-such-id", IssueNotFound)
