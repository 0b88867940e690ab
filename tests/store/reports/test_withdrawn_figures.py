"""Withdrawn and merged issues in the headline figures (issue 18, part 3; docs/rules/figures.md):
a withdrawn visit (撤回) and an issue closed because its residents withdrew are in no rate and
counted apart; an issue merged into another is counted once, as the survivor.

On the hand-counted third quarter of tests/helpers/stats_fixture.py, at 2026-11-24: U (the
untriaged visit) is withdrawn; D (open, overdue, its one visit by a leader visit) is withdrawn,
which closes it as withdrawn; E (open, county) is merged into C (county, reopened, red).

Q3 by hand, then: 6 visits (A, A2, G, B, C, E: U and D's withdrawn), 5 direct (all but B); 4
issues (A B C G: D withdrawn, E merged), 1 open (C), 1 overdue (C), 3 closed (A B G); two-month
rate 3/4 (C decided, not done); evaluations unchanged (5, 4 satisfied); withdrawn apart: 2
visits, 1 issue (D, of the village tier)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

import pytest
from stats_fixture import TODAY, TZ, build_quarter, expected_totals

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.desk.board import list_board
from store.desk.issue_rows import IssueRow
from store.desk.regroup import merge_issues, withdraw_visit
from store.desk.visits import VisitRow, list_issue_visits
from store.reports.quarterly_report import build_report, headline_rows
from store.reports.stats import (
    Breakdown,
    Period,
    breakdown_figures,
    colour_mix,
    drill_filter,
    period_figures,
)

pytestmark = pytest.mark.both_backends

Q3 = Period.parse_quarter("2026Q3")


@pytest.fixture
def quarter(
    store: Store,
    clock: FrozenClock,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
) -> dict[str, str]:
    ids = build_quarter(
        store=store, clock=clock, actor=actor, make_visit=make_visit, make_issue=make_issue
    )
    with store.write(actor) as session:
        withdraw_visit(session=session, visit_id=ids["U"], reason="群众已自行解决")
        (d_visit,) = list_issue_visits(session=session, issue_id=ids["D"])
        done = withdraw_visit(session=session, visit_id=d_visit.id, reason="河道已由水利站清淤")
        assert done.issue_withdrawn
        merge_issues(session=session, issue_id=ids["E"], into_id=ids["C"])
    return ids


def test_withdrawn_and_merged_issues_leave_the_rates_and_are_counted_apart(
    store: Store, quarter: dict[str, str]
) -> None:
    with store.read() as session:
        totals = period_figures(session=session, period=Q3, today=TODAY, tz=TZ)
    assert asdict(totals) == {
        **expected_totals(),
        "visits": 6,
        "direct_visits": 5,
        "opened": 4,
        "open": 1,
        "overdue": 1,
        "decided": 4,
        # 按期: A, G, B and C judged late; D, closed as withdrawn, is judged at no tier (E was
        # not judged yet, and is C's now).
        "timed": 4,
        "withdrawn_visits": 2,
        "withdrawn": 1,
    }
    assert str(totals.two_month) == "75.0% (3/4)"


def test_by_tier_the_withdrawn_count_where_their_issue_was(
    store: Store, quarter: dict[str, str]
) -> None:
    with store.read() as session:
        rows = breakdown_figures(
            session=session, period=Q3, today=TODAY, tz=TZ, breakdown=Breakdown.tier
        ).rows
        colours = colour_mix(session=session, period=Q3, today=TODAY)
    by_tier = {row.key: row.figures for row in rows}
    village, county = by_tier["village"], by_tier["county"]
    assert (village.opened, village.withdrawn, village.withdrawn_visits) == (2, 1, 1)
    assert village.decided == 2 and village.overdue == 0
    # E's visit is counted on C now: both visits of the county tier, one issue.
    assert (county.visits, county.opened, county.open) == (2, 1, 1)
    # D is in no colour of the period's issues.
    assert sum(colours["village"].values()) == 2


def test_the_withdrawn_drill_down_lists_them_and_no_other_does(
    store: Store, quarter: dict[str, str]
) -> None:
    names = {v: k for k, v in quarter.items()}
    with store.read() as session:
        withdrawn = list_board(
            session=session,
            today=TODAY,
            filters=drill_filter(period=Q3, tz=TZ, figure="withdrawn"),
        )
        opened = list_board(
            session=session, today=TODAY, filters=drill_filter(period=Q3, tz=TZ, figure="opened")
        )
        board = list_board(session=session, today=TODAY)
    assert [names[r.id] for r in withdrawn.items] == ["D"]
    assert sorted(names[r.id] for r in opened.items) == ["A", "B", "C", "G"]
    assert sorted(names[r.id] for r in board.items) == ["C", "H"]


def test_the_quarterly_report_shows_the_withdrawn_beside_the_figures(
    store: Store, quarter: dict[str, str]
) -> None:
    with store.read() as session:
        report = build_report(session=session, period=Q3, today=TODAY, tz=TZ)
    rows = dict(headline_rows(report, lambda key, **_: key))
    assert rows["stats.col.withdrawn_visits"] == 2 and rows["stats.col.withdrawn"] == 1
    assert rows["stats.col.opened"] == 4
