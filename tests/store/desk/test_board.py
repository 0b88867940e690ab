"""The colour boards (三色榜): SQL counts and lists agree with the Python colour rule, in order,
filtered and paged."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import (
    Colour,
    EvaluationCreate,
    Issue,
    IssueStatus,
    Resolution,
    Satisfaction,
    Tier,
)
from store.core.rules import open_colour
from store.core.settings import load_settings
from store.db import Store
from store.desk.board import (
    BoardFilter,
    BoardOrder,
    Scope,
    board_counts,
    list_board,
    list_overdue,
)
from store.desk.issue_rows import IssueRow, issue_colour
from store.desk.issues import close_issue
from store.desk.urgency import IssueFacts, issue_urgency
from store.station import open_store

# Every test that uses `store` runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 24)
D = timedelta(days=1)
TIER_ORDER = {Tier.village: 0, Tier.township: 1, Tier.county: 2}


@pytest.fixture
def demo(demo_path: Path, clock: FrozenClock) -> Iterator[Store]:
    """The session's demo station, opened for reading."""
    opened = open_store(demo_path, clock=clock)
    yield opened
    opened.dispose()


def _open_issues(store: Store) -> list[Issue]:
    with store.read() as session:
        return list(
            session.exec(
                select(Issue).where(
                    Issue.status != IssueStatus.closed, col(Issue.deleted_at).is_(None)
                )
            ).all()
        )


def _whole_board(
    store: Store, today: date, filters: BoardFilter | None = None, limit: int = 37
) -> list[IssueRow]:
    filters = filters or BoardFilter()
    rows: list[IssueRow] = []
    with store.read() as session:
        offset = 0
        while True:
            page = list_board(
                session=session, today=today, filters=filters, limit=limit, offset=offset
            )
            rows.extend(page.items)
            if not page.has_next:
                return rows
            offset += limit


def _expected_counts(issues: list[Issue], today: date, store: Store) -> dict[Tier, Counter[Colour]]:
    with store.read() as session:
        settings = load_settings(session=session)
    counts: dict[Tier, Counter[Colour]] = {tier: Counter() for tier in Tier}
    for issue in issues:
        counts[Tier(issue.tier)][issue_colour(issue, today, settings)] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# One issue on a small station, looked at on the days around its boundaries.


BOUNDARIES = [
    ("day-before-warn", lambda due, warn: warn - D, Colour.green),
    ("warn", lambda due, warn: warn, Colour.yellow),
    ("due", lambda due, warn: due, Colour.yellow),
    ("day-after-due", lambda due, warn: due + D, Colour.red),
]
CASES = [(tier, label, pick, colour) for tier in Tier for label, pick, colour in BOUNDARIES]


@pytest.mark.parametrize(
    ("tier", "label", "pick", "colour"),
    CASES,
    ids=[f"{tier}-{label}" for tier, label, _, _ in CASES],
)
def test_sql_and_python_agree_at_the_boundaries(
    store: Store,
    make_issue: Callable[..., IssueRow],
    tier: Tier,
    label: str,
    pick: Callable[[date, date], date],
    colour: Colour,
) -> None:
    opened = make_issue(tier=tier)
    issue = _open_issues(store)[0]
    day = pick(issue.due_on, issue.warn_on)
    assert (
        open_colour(today=day, due_on=issue.due_on, warn_on=issue.warn_on, resupervision=False)
        == colour
    )
    with store.read() as session:
        counts = board_counts(session=session, today=day)
        board = list_board(session=session, today=day)
        overdue = list_overdue(session=session, today=day)
    expected = {t: dict.fromkeys(Colour, 0) for t in Tier}
    expected[tier][colour] = 1
    assert counts == expected
    assert [(r.id, r.colour) for r in board.items] == [(opened.id, colour)]
    assert board.items[0].days_left == (issue.due_on - day).days
    assert overdue.total == (1 if colour == Colour.red else 0)


def test_closed_and_deleted_issues_leave_the_board(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: Callable[..., IssueRow]
) -> None:
    kept = make_issue(tier=Tier.township, phone="13900000001", name="甲")
    closed = make_issue(tier=Tier.township, phone="13900000002", name="乙")
    deleted = make_issue(tier=Tier.township, phone="13900000003", name="丙")
    with store.write(actor) as session:
        close_issue(session=session, issue_id=closed.id, evaluation_in=None)
        issue = session.get(Issue, deleted.id)
        assert issue is not None
        issue.deleted_at = clock.now()
    with store.read() as session:
        counts = board_counts(session=session, today=TODAY)
        board = list_board(session=session, today=TODAY)
    assert counts[Tier.township] == {Colour.green: 1, Colour.yellow: 0, Colour.red: 0}
    assert [r.id for r in board.items] == [kept.id]
    assert board.total == 1


def test_reopened_issue_counts_red(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(tier=Tier.county)
    with store.write(actor) as session:
        close_issue(
            session=session,
            issue_id=issue.id,
            evaluation_in=EvaluationCreate(
                resolution=Resolution.unresolved, satisfaction=Satisfaction.fairly
            ),
        )
    with store.read() as session:
        counts = board_counts(session=session, today=TODAY)
        board = list_board(session=session, today=TODAY)
    assert counts[Tier.county][Colour.red] == 1
    assert [r.colour for r in board.items] == [Colour.red]


# ---------------------------------------------------------------------------------------------
# The demo station: hundreds of issues in every status and colour.


@pytest.mark.parametrize("days_later", [0, 5, 20])
def test_board_counts_agree_with_issue_colour(demo: Store, days_later: int) -> None:
    today = TODAY + days_later * D
    issues = _open_issues(demo)
    expected = _expected_counts(issues, today, demo)
    with demo.read() as session:
        counts = board_counts(session=session, today=today)
    assert {t: dict(c) for t, c in counts.items()} == {
        t: {colour: expected[t][colour] for colour in Colour} for t in Tier
    }
    assert sum(sum(c.values()) for c in counts.values()) == len(issues)


@pytest.mark.parametrize("days_later", [0, 5])
def test_list_board_agrees_with_issue_colour(demo: Store, days_later: int) -> None:
    today = TODAY + days_later * D
    issues = {i.id: i for i in _open_issues(demo)}
    with demo.read() as session:
        settings = load_settings(session=session)
    rows = _whole_board(demo, today)
    assert sorted(r.id for r in rows) == sorted(issues)
    for row in rows:
        issue = issues[row.id]
        assert row.colour == issue_colour(issue, today, settings), row.id
        assert row.status == IssueStatus(issue.status)
        assert row.due_on == issue.due_on
        assert row.days_left == (issue.due_on - today).days


def test_list_board_order(demo: Store) -> None:
    rows = _whole_board(demo, TODAY)
    keys = [(TIER_ORDER[r.tier], -r.colour.severity, r.due_on, r.id) for r in rows]
    assert keys == sorted(keys)
    # All three tiers and all three colours are on the board, so the order is really tested.
    assert {r.tier for r in rows} == set(Tier)
    assert {r.colour for r in rows} == set(Colour)


def test_list_overdue_is_the_red_by_date_issues(demo: Store) -> None:
    issues = _open_issues(demo)
    late = sorted((i.due_on, i.id) for i in issues if i.due_on < TODAY)
    with demo.read() as session:
        page = list_overdue(session=session, today=TODAY, limit=len(late) + 5)
    assert page.total == len(late)
    assert [(r.due_on, r.id) for r in page.items] == late
    assert all(r.colour == Colour.red and r.days_left < 0 for r in page.items)


def _most_common(issues: list[Issue], attr: str) -> Any:
    value, _ = Counter(getattr(i, attr) for i in issues).most_common(1)[0]
    return value


@pytest.mark.parametrize(
    ("field", "attr"),
    [
        ("tier", "tier"),
        ("unit_id", "unit_id"),
        ("village_id", "village_id"),
        ("category_id", "category_id"),
        ("status", "status"),
    ],
)
def test_filters_narrow_the_board(demo: Store, field: str, attr: str) -> None:
    issues = _open_issues(demo)
    value = _most_common(issues, attr)
    if field == "tier":
        value = Tier(value)
    elif field == "status":
        value = IssueStatus(value)
    filters = BoardFilter(**{field: value})
    assert filters.active
    matching = [i for i in issues if getattr(i, attr) == value]
    assert 0 < len(matching) < len(issues)

    rows = _whole_board(demo, TODAY, filters)
    assert sorted(r.id for r in rows) == sorted(i.id for i in matching)
    expected = _expected_counts(matching, TODAY, demo)
    with demo.read() as session:
        counts = board_counts(session=session, today=TODAY, filters=filters)
        page = list_board(session=session, today=TODAY, filters=filters, limit=5)
    assert page.total == len(matching)
    for tier in Tier:
        for colour in Colour:
            assert counts[tier][colour] == expected[tier][colour]


def test_filters_combine(demo: Store) -> None:
    issues = _open_issues(demo)
    tier = Tier(_most_common(issues, "tier"))
    of_tier = [i for i in issues if i.tier == tier]
    village = _most_common(of_tier, "village_id")
    filters = BoardFilter(tier=tier, village_id=village)
    rows = _whole_board(demo, TODAY, filters)
    assert sorted(r.id for r in rows) == sorted(i.id for i in of_tier if i.village_id == village)


def test_a_filter_nothing_matches(demo: Store) -> None:
    filters = BoardFilter(unit_id="no-such-unit")
    with demo.read() as session:
        page = list_board(session=session, today=TODAY, filters=filters)
        counts = board_counts(session=session, today=TODAY, filters=filters)
    assert (page.items, page.total, page.has_next, page.count) == ((), 0, False, 1)
    assert all(n == 0 for c in counts.values() for n in c.values())
    assert not BoardFilter().active


def test_paging(demo: Store) -> None:
    everything = _whole_board(demo, TODAY, limit=1000)
    total = len(everything)
    assert total > 25
    limit = 10
    with demo.read() as session:
        first = list_board(session=session, today=TODAY, limit=limit, offset=0)
        second = list_board(session=session, today=TODAY, limit=limit, offset=limit)
        last_offset = (total - 1) // limit * limit
        last = list_board(session=session, today=TODAY, limit=limit, offset=last_offset)
        beyond = list_board(session=session, today=TODAY, limit=limit, offset=total)
    assert (first.total, first.limit, first.offset, first.number) == (total, 10, 0, 1)
    assert first.has_next and not first.has_previous
    assert first.count == -(-total // limit)
    assert [r.id for r in first.items] == [r.id for r in everything[:10]]
    assert [r.id for r in second.items] == [r.id for r in everything[10:20]]
    assert second.number == 2 and second.has_previous
    assert [r.id for r in last.items] == [r.id for r in everything[last_offset:]]
    assert not last.has_next
    assert last.number == last.count
    assert beyond.items == () and not beyond.has_next and beyond.total == total


def test_paged_board_has_no_gaps_or_repeats(demo: Store) -> None:
    for limit in (7, 50):
        rows = _whole_board(demo, TODAY, limit=limit)
        ids = [r.id for r in rows]
        assert len(ids) == len(set(ids)) == len(_open_issues(demo))


# ---------------------------------------------------------------------------------------------
# One colour only (the filter's 颜色), and each row's urgency (issue 17, part 7).


def _dated(store: Store, actor: Actor, issue_id: str, due_on: date, warn_on: date) -> None:
    with store.write(actor) as session:
        issue = session.get(Issue, issue_id)
        assert issue is not None
        issue.due_on, issue.warn_on = due_on, warn_on


def test_the_colour_filter_keeps_one_colour_open_or_closed(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    red, yellow, green, done = (
        make_issue(phone=f"1390000000{n}", name=name) for n, name in enumerate("甲乙丙丁")
    )
    _dated(store, actor, red.id, TODAY - D, TODAY - 5 * D)
    _dated(store, actor, yellow.id, TODAY + D, TODAY - D)
    with store.write(actor) as session:
        close_issue(
            session=session,
            issue_id=done.id,
            evaluation_in=EvaluationCreate(
                resolution=Resolution.resolved, satisfaction=Satisfaction.satisfied
            ),
        )
    wanted = {Colour.red: [red.id], Colour.yellow: [yellow.id], Colour.green: [green.id]}
    for colour, ids in wanted.items():
        filters = BoardFilter(colour=colour)
        assert filters.active
        with store.read() as session:
            page = list_board(session=session, today=TODAY, filters=filters)
            counts = board_counts(session=session, today=TODAY, filters=filters)
        assert [r.id for r in page.items] == ids and page.total == 1
        assert {c: n for c, n in counts[Tier.village].items() if n} == {colour: 1}
    # A figure's drill-down lists closed issues too, by their closed colour.
    opened_green = BoardFilter(scope=Scope.opened, colour=Colour.green)
    with store.read() as session:
        page = list_board(session=session, today=TODAY, filters=opened_green)
    assert sorted(r.id for r in page.items) == sorted([green.id, done.id])


@pytest.mark.parametrize("colour", list(Colour))
def test_the_colour_filter_on_the_demo(demo: Store, colour: Colour) -> None:
    with demo.read() as session:
        settings = load_settings(session=session)
    issues = [i for i in _open_issues(demo) if issue_colour(i, TODAY, settings) == colour]
    assert issues
    rows = _whole_board(demo, TODAY, BoardFilter(colour=colour))
    assert sorted(r.id for r in rows) == sorted(i.id for i in issues)
    assert {r.colour for r in rows} == {colour}


def test_each_row_carries_its_urgency_and_why(demo: Store) -> None:
    issues = {i.id: i for i in _open_issues(demo)}
    rows = _whole_board(demo, TODAY)
    for row in rows:
        assert row.urgency == issue_urgency(IssueFacts.of(issues[row.id]), TODAY), row.id
    assert len({r.urgency.score for r in rows}) > 5  # the scores really differ
    with demo.read() as session:
        urgent = list_board(session=session, today=TODAY, order=BoardOrder.urgency, limit=20)
    scores = [r.urgency.score for r in urgent.items]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "filters",
    [
        BoardFilter(),
        BoardFilter(colour=Colour.red),
        BoardFilter(tier=Tier.township),
        BoardFilter(scope=Scope.opened, opened_from=date(2026, 10, 1), opened_to=TODAY),
        BoardFilter(scope=Scope.opened, colour=Colour.yellow),
        BoardFilter(scope=Scope.closed, tier=Tier.county),
        BoardFilter(scope=Scope.overdue),
        BoardFilter(scope=Scope.withdrawn),
    ],
    ids=["board", "red", "township", "quarter", "yellow drill", "closed", "overdue", "withdrawn"],
)
def test_the_counts_by_colour_sum_to_what_the_board_lists(
    demo: Store, filters: BoardFilter
) -> None:
    """The board passes its counts (screens.board) instead of counting its issues again: their
    sum is what the list counts itself, open board or drill-down, and every page read from the
    tiers and colours they place it in is the page the whole list gives, across the groups'
    edges, to one page beyond the end."""
    with demo.read() as session:
        counts = board_counts(session=session, today=TODAY, filters=filters)
        summed = sum(sum(c.values()) for c in counts.values())
        for limit in (4, 7, 50):
            for offset in range(0, summed + limit, limit):
                counted = list_board(
                    session=session, today=TODAY, filters=filters, limit=limit, offset=offset
                )
                given = list_board(
                    session=session,
                    today=TODAY,
                    filters=filters,
                    limit=limit,
                    offset=offset,
                    counts=counts,
                )
                assert summed == counted.total
                assert (given.total, given.offset, given.items) == (
                    counted.total,
                    counted.offset,
                    counted.items,
                ), (limit, offset)
    assert summed > 0 or filters.scope == Scope.withdrawn  # the demo withdraws none
