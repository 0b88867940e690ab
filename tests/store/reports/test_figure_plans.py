"""A county hub's statistics read its daily and monthly sums and, for what depends on today, the
open issues' partial index of schema 0025 (issue 19, part 3), and its colours chart the closed
issues not evaluated too; the follow-up calls and the deputies' list read the indexes of schema
0027: on a hub big enough for the planner to choose, none of them reads the county's issues
whole."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, inspect, text
from sqlmodel import Session
from stats_fixture import TODAY, TZ, build_quarter

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Tier
from store.db import Store
from store.desk.board import board_counts, list_board
from store.desk.follow_up import list_follow_ups
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.reports.deputy_record import list_deputy_records
from store.reports.figure_days import rebuild_figure_days
from store.reports.stats import (
    Breakdown,
    Figures,
    Period,
    PeriodKind,
    breakdown_figures,
    colour_mix,
    drill_filter,
    period_figures,
)
from store.sync.hub import init_hub, open_hub, push_to_hub

COPIES = 6000
YEAR = Period.of(PeriodKind.year, TODAY)


@pytest.fixture
def hub(
    store: Store,
    clock: FrozenClock,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
    pg_url_factory: Callable[[], str],
) -> Iterator[Store]:
    """The hand-worked quarter pushed to a hub, its issues copied by the thousand over eight
    years (one in five open), in no order on disk, VACUUMed, the sums counted again."""
    build_quarter(
        store=store, clock=clock, actor=actor, make_visit=make_visit, make_issue=make_issue
    )
    url = pg_url_factory()
    init_hub(target=url, county="临溪县", clock=clock)
    county, _info = open_hub(url, clock=clock)
    push_to_hub(station=store, hub=county)
    with county.engine.begin() as conn:
        columns = [c["name"] for c in inspect(conn).get_columns("issue")]
        made = {
            "id": "gen_random_uuid()::text",
            "opened_on": "opened_on - g * 4",
            "status": "CASE WHEN g % 5 = 0 THEN 'handling' ELSE 'closed' END",
            "closed_on": "CASE WHEN g % 5 <> 0 THEN COALESCE(closed_on, opened_on + 3) - g * 4 END",
            # One closed copy in twenty still awaiting its verdict, as on a real hub.
            "satisfaction": (
                "CASE WHEN g % 5 = 0 THEN NULL WHEN g % 20 = 1 THEN satisfaction"
                " ELSE COALESCE(satisfaction, 'satisfied') END"
            ),
        }
        values = ", ".join(made.get(c, c) for c in columns)
        conn.execute(
            text(
                f"INSERT INTO issue ({', '.join(columns)}) SELECT {values} FROM issue,"
                f" generate_series(1, {COPIES // 8}) AS g ORDER BY random()"
            )
        )
        rebuild_figure_days(conn)
    with county.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # Twice: the test server commits asynchronously, and VACUUM marks a page all-visible
        # (what index-only scans need) only once its rows' commits are hinted on it.
        conn.exec_driver_sql("VACUUM issue")
        conn.exec_driver_sql("VACUUM ANALYZE")
    yield county
    county.dispose()


def _plans(hub: Store, read: Callable[[Session], Any]) -> tuple[Any, list[str]]:
    """What `read` returned, and the plan of each SELECT it ran."""
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, params: Any, *_args: Any) -> None:
        if statement.lstrip().startswith("SELECT"):
            statements.append((statement, params))

    event.listen(hub.engine, "before_cursor_execute", seen)
    try:
        with hub.read() as session:
            got = read(session)
    finally:
        event.remove(hub.engine, "before_cursor_execute", seen)
    plans = []
    with hub.engine.connect() as conn:
        cursor = conn.connection.cursor()
        for statement, params in statements:
            cursor.execute(f"EXPLAIN {statement}", params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
        conn.rollback()
    return got, plans


def test_a_year_of_statistics_reads_the_sums_and_the_open_issues_index(hub: Store) -> None:
    def read(session: Session) -> tuple[Figures, dict[Any, dict[Any, int]]]:
        figures = period_figures(session=session, period=YEAR, today=TODAY, tz=TZ)
        for by in (Breakdown.tier, Breakdown.channel):
            breakdown_figures(session=session, period=YEAR, today=TODAY, tz=TZ, breakdown=by)
        # The colours chart: the sums, the open issues and the closed ones not evaluated.
        return figures, colour_mix(session=session, period=YEAR, today=TODAY)

    (figures, colours), plans = _plans(hub, read)
    assert figures.opened > COPIES // 20 and figures.overdue > COPIES // 100
    assert sum(sum(mix.values()) for mix in colours.values()) == figures.opened
    read_all = "\n".join(plans)
    for relation in ("figure_month", "figure_day", "ix_issue_open_opened"):
        assert relation in read_all, read_all
    # The closed issues not evaluated: by either of their partial indexes (0025's by the day
    # opened, 0027's by the day closed), whichever the planner finds cheaper.
    assert "ix_issue_unevaluated_figures" in read_all or "ix_issue_awaiting_verdict" in read_all
    # (The first visit of each overdue issue, its channel, is read from its visits: few here.)
    whole = [p for p in plans if "Seq Scan on issue " in p or "Seq Scan on evaluation " in p]
    assert not whole, whole


def test_the_follow_up_calls_and_the_deputies_list_read_a_page_not_every_issue(
    hub: Store,
) -> None:
    """The follow-up calls' page is read in the order of the index of the issues awaiting a
    verdict (schema 0027), and counted from it; the deputies' list finds its deputies' issues
    by theirs: at 600,000 visits each read every issue (477 and 237 ms of SQL)."""
    now = datetime(2026, 11, 24, 2, tzinfo=UTC)
    quarter = Period.of(PeriodKind.quarter, TODAY)

    def read(session: Session) -> tuple[int, int]:
        calls = list_follow_ups(session=session, today=TODAY, now=now)
        deputies = list_deputy_records(session=session, period=quarter, today=TODAY, tz=TZ)
        return calls.total, sum(d.issues for d in deputies.items)

    (calls, led), plans = _plans(hub, read)
    assert calls > COPIES // 200 and led > 0
    # (The deputies' issues: by their index, or from the quarter's few evaluations by id.)
    assert "ix_issue_awaiting_verdict" in "\n".join(plans)
    whole = [p for p in plans if "Seq Scan on issue " in p]
    assert not whole, whole


def test_a_figures_issues_are_counted_and_sorted_from_their_index(hub: Store) -> None:
    """A figure's issues (the year's, then one tier's): their number, their colours and the
    page's ids come from the index of the issues by the day opened with what their colour and
    order read (schema 0027); at 600,000 visits each read the year's issues from the table
    (590 ms of SQL for the two)."""

    def read(session: Session) -> list[int]:
        totals = []
        for key in (None, Tier.village.value):
            filters = drill_filter(
                period=YEAR,
                tz=TZ,
                figure="opened",
                breakdown=Breakdown.tier if key else None,
                key=key,
            )
            page = list_board(session=session, today=TODAY, filters=filters)
            counts = board_counts(session=session, today=TODAY, filters=filters)
            assert sum(sum(c.values()) for c in counts.values()) == page.total
            totals.append(page.total)
        return totals

    (year, village), plans = _plans(hub, read)
    assert year > village > 0
    # Each drill's count, colours and page (index-only where the pages are all-visible).
    assert len([p for p in plans if "ix_issue_opened_colour" in p]) == 6, plans
    whole = [p for p in plans if "Seq Scan on issue " in p]
    assert not whole, whole
