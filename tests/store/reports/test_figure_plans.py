"""The statistics read the covering indexes of schema 0022 on PostgreSQL (issue 19, part 3): on
a hub big enough for the planner to choose, each of the period's GROUP BY queries (visits and
their issues' tiers, issues, evaluations, the withdrawn ones, issues by their first visit's
channel) reads its `*_figures` index."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event, inspect, text
from stats_fixture import TODAY, TZ, build_quarter

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.reports.stats import Breakdown, Period, PeriodKind, breakdown_figures, period_figures

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

COPIES = 1500
YEAR = Period.of(PeriodKind.year, TODAY)

# Each index and a part of the statistics that reads it.
READS = {
    "ix_visit_received_figures": "visits of the period, and by tier through their issues",
    "ix_issue_id_figures": "the issues of the period's visits and evaluations, by tier",
    "ix_issue_opened_figures": "the issues of the period",
    "ix_evaluation_at_figures": "the evaluations of the period",
    "ix_visit_withdrawn_figures": "the visits withdrawn in the period",
    "ix_issue_withdrawn_figures": "the issues of the period closed as withdrawn",
    "ix_visit_first_figures": "issues by the channel of their first visit",
}


def _copy(conn: Any, table: str, shifted: str, step: str) -> None:
    """COPIES copies of each of the table's rows with new ids, spread over three years before
    the period's end (`shifted` moved back by `step`, of the copy's number g): a hub keeps
    years, and a year is a third of them. In no order on disk, as stations' pushes interleave."""
    columns = [c["name"] for c in inspect(conn).get_columns(table)]
    made = {"id": "gen_random_uuid()::text", shifted: f"{shifted} - {step}"}
    values = ", ".join(made.get(c, c) for c in columns)
    conn.execute(
        text(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values}"
            f" FROM {table}, generate_series(1, {COPIES}) AS g ORDER BY random()"
        )
    )


@pytest.fixture
def hub(
    store: Store,
    clock: FrozenClock,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
) -> Iterator[Store]:
    """The hand-worked quarter's records, copied by the thousand over three years, VACUUMed."""
    build_quarter(
        store=store, clock=clock, actor=actor, make_visit=make_visit, make_issue=make_issue
    )
    with store.engine.begin() as conn:
        _copy(conn, "visit", "received_at", "g * interval '18 hours'")
        _copy(conn, "issue", "opened_on", "(g * 3) / 4")
        _copy(conn, "evaluation", "at", "g * interval '18 hours'")
        # A few withdrawn, as on a hub: the withdrawn ones are read through their own indexes.
        conn.execute(text("UPDATE visit SET withdrawn_at = received_at WHERE random() < 0.01"))
        conn.execute(text("UPDATE issue SET withdrawn_at = now() WHERE random() < 0.01"))
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # Twice: the test server commits asynchronously, and VACUUM marks a page all-visible
        # (what index-only scans need) only once its rows' commits are hinted on it.
        conn.exec_driver_sql("VACUUM visit, issue, evaluation")
        conn.exec_driver_sql("VACUUM ANALYZE visit, issue, evaluation")
    yield store


def test_the_statistics_read_the_covering_indexes(hub: Store) -> None:
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, params: Any, *_args: Any) -> None:
        if statement.lstrip().startswith("SELECT"):
            statements.append((statement, params))

    event.listen(hub.engine, "before_cursor_execute", seen)
    try:
        with hub.read() as session:
            figures = period_figures(session=session, period=YEAR, today=TODAY, tz=TZ)
            for by in (Breakdown.tier, Breakdown.channel):
                breakdown_figures(session=session, period=YEAR, today=TODAY, tz=TZ, breakdown=by)
    finally:
        event.remove(hub.engine, "before_cursor_execute", seen)
    assert min(figures.visits, figures.opened, figures.evaluated) > COPIES
    plans = []
    with hub.engine.connect() as conn:
        cursor = conn.connection.cursor()
        for statement, params in statements:
            cursor.execute(f"EXPLAIN {statement}", params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
        conn.rollback()
    read = "\n".join(plans)
    missing = {name: what for name, what in READS.items() if name not in read}
    assert not missing, (missing, read)
    # No statistics query of the period reads a whole table of the county.
    assert not [p for p in plans if "Seq Scan on visit" in p or "Seq Scan on issue " in p], plans
