"""Headline figures (store.reports.stats) against the hand-worked quarter of
tests/helpers/stats_fixture.py, and drill-downs that list exactly the issues a figure counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date

import pytest
from record_fixture import build_record
from small_station import Refs
from stats_fixture import TODAY, TZ, build_quarter, expected_totals

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.errors import FieldInvalid
from store.core.models import Colour, Tier
from store.core.settings import parse_settings
from store.db import Store
from store.desk.board import BoardFilter, board_counts, list_board
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.projects.leader_visits import link_issues
from store.reports.figure_sql import add_months, two_month_cutoff
from store.reports.stats import (
    Breakdown,
    FigureRow,
    Figures,
    Floors,
    Period,
    PeriodKind,
    below_floors,
    breakdown_figures,
    colour_mix,
    drill_filter,
    list_breakdown,
    period_figures,
    two_month_trend,
    visits_per_week,
)
from store.station import StationInfo

# Every test that uses `store` runs on SQLite and on PostgreSQL (tests/conftest.py).
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
    return build_quarter(
        store=store, clock=clock, actor=actor, make_visit=make_visit, make_issue=make_issue
    )


def _fig(**values: int) -> dict[str, int]:
    return asdict(Figures(**values))


def test_periods() -> None:
    assert Q3 == Period(PeriodKind.quarter, date(2026, 7, 1), date(2026, 10, 1))
    assert Q3.code == "2026Q3" and Q3.shift(1).code == "2026Q4" and Q3.shift(-3).code == "2025Q4"
    assert Period.of(PeriodKind.month, TODAY).code == "2026-11"
    assert Period.of(PeriodKind.month, date(2026, 12, 31)).end == date(2027, 1, 1)
    assert Period.of(PeriodKind.year, TODAY) == Period(
        PeriodKind.year, date(2026, 1, 1), date(2027, 1, 1)
    )
    assert Period.parse_quarter(" 2026q1 ").start == date(2026, 1, 1)


@pytest.mark.parametrize("bad", ["2026Q5", "2026Q0", "26Q3", "2026-3", "", "２０２６Q3", "2026Q3x"])
def test_bad_quarters_are_refused(bad: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        Period.parse_quarter(bad)
    assert caught.value.key == "stats.bad_quarter"


def test_two_calendar_months() -> None:
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 31), 2) == date(2026, 3, 31)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert two_month_cutoff(TODAY) == date(2026, 9, 24)
    assert two_month_cutoff(date(2027, 3, 1)) == date(2027, 1, 1)


def test_quarter_totals_match_the_hand_count(store: Store, quarter: dict[str, str]) -> None:
    with store.read() as session:
        totals = period_figures(session=session, period=Q3, today=TODAY, tz=TZ)
    assert asdict(totals) == expected_totals()
    assert totals.two_month_rate == pytest.approx(0.6)
    assert totals.satisfaction_rate == pytest.approx(0.8)
    assert totals.direct_share == pytest.approx(0.75)


def _rows(store: Store, breakdown: Breakdown) -> dict[str, dict[str, int]]:
    with store.read() as session:
        rows = breakdown_figures(
            session=session, period=Q3, today=TODAY, tz=TZ, breakdown=breakdown
        ).rows
    return {row.name: asdict(row.figures) for row in rows}


def test_by_tier(store: Store, quarter: dict[str, str]) -> None:
    assert _rows(store, Breakdown.tier) == {
        "village": _fig(
            visits=4, direct_visits=3, opened=3, open=1, overdue=1, closed=2, decided=3, done=2,
            evaluated=4, satisfied=3, timed=3,
        ),
        "township": _fig(
            visits=1, opened=1, closed=1, decided=1, done=1, evaluated=1, satisfied=1, timed=1
        ),
        "county": _fig(
            visits=2, direct_visits=2, opened=2, open=2, overdue=1, decided=1, timed=1
        ),
    }  # fmt: skip


def test_by_village_and_channel(store: Store, quarter: dict[str, str]) -> None:
    villages = _rows(store, Breakdown.village)
    assert list(villages) == ["青石村", "东塘村"]
    assert villages["青石村"] == _fig(
        visits=6, direct_visits=6, opened=4, open=2, overdue=1, closed=2, decided=3, done=2,
        evaluated=4, satisfied=3, timed=3,
    )  # fmt: skip
    assert villages["东塘村"]["opened"] == 2 and villages["东塘村"]["visits"] == 2
    channels = _rows(store, Breakdown.channel)
    assert list(channels) == [
        "walk_in",
        "deputy_code",
        "phone",
        "observer",
        "online",
        "leader_visit",
    ]
    assert channels["walk_in"] == _fig(
        visits=2, direct_visits=2, opened=2, open=1, closed=1, decided=1, done=1, evaluated=2,
        satisfied=2, timed=1,
    )  # fmt: skip
    assert channels["deputy_code"] == _fig(visits=1, direct_visits=1)
    assert channels["observer"]["direct_visits"] == 0
    # Every breakdown adds up to the totals (untriaged visits aside for tier and unit).
    for breakdown in Breakdown:
        rows = _rows(store, breakdown)
        for name in ("opened", "decided", "done", "evaluated", "satisfied", "timed"):
            assert sum(r[name] for r in rows.values()) == expected_totals()[name], breakdown


def test_a_page_of_units(store: Store, quarter: dict[str, str]) -> None:
    with store.read() as session:
        page = list_breakdown(
            session=session, period=Q3, today=TODAY, tz=TZ, breakdown=Breakdown.unit, limit=2
        )
        rest = list_breakdown(
            session=session, period=Q3, today=TODAY, tz=TZ, breakdown=Breakdown.unit, offset=2
        )
    assert page.total == 4 and len(page.items) == 2 and len(rest.items) == 2
    names = [r.name for r in page.items + rest.items]
    assert len(set(names)) == 4


@pytest.mark.parametrize(
    ("figure", "letters"),
    [
        ("opened", "ABCDEG"),
        ("open", "CDE"),
        ("overdue", "CD"),
        ("closed", "ABG"),
        ("decided", "ABCDG"),
        ("done", "ABG"),
        ("evaluated", "ABFG"),
        ("satisfied", "ABFG"),
    ],
)
def test_drill_down_lists_exactly_the_counted_issues(
    store: Store, quarter: dict[str, str], figure: str, letters: str
) -> None:
    filters = drill_filter(period=Q3, tz=TZ, figure=figure)
    with store.read() as session:
        page = list_board(session=session, today=TODAY, filters=filters)
    names = {v: k for k, v in quarter.items()}
    assert sorted(names[row.id] for row in page.items) == list(letters)
    assert page.total == len(letters)


def test_drill_down_of_one_group(store: Store, quarter: dict[str, str], refs: Refs) -> None:
    names = {v: k for k, v in quarter.items()}
    with store.read() as session:
        village = list_board(
            session=session,
            today=TODAY,
            filters=drill_filter(
                period=Q3, tz=TZ, figure="done", breakdown=Breakdown.tier, key="village"
            ),
        )
        walk_in = list_board(
            session=session,
            today=TODAY,
            filters=drill_filter(
                period=Q3, tz=TZ, figure="opened", breakdown=Breakdown.channel, key="walk_in"
            ),
        )
        east = drill_filter(
            period=Q3, tz=TZ, figure="opened", breakdown=Breakdown.village,
            key=refs.villages["东塘村"],
        )  # fmt: skip
        east_rows = list_board(session=session, today=TODAY, filters=east)
        counts = board_counts(session=session, today=TODAY, filters=east)
    assert sorted(names[r.id] for r in village.items) == ["A", "G"]
    assert sorted(names[r.id] for r in walk_in.items) == ["A", "E"]
    assert sorted(names[r.id] for r in east_rows.items) == ["B", "D"]
    # The drill-down's counts line counts its own issues, closed ones included.
    assert counts[Tier.township][Colour.green] == 1 and counts[Tier.village][Colour.red] == 1


def test_the_board_itself_is_unchanged(store: Store, quarter: dict[str, str]) -> None:
    with store.read() as session:
        board = list_board(session=session, today=TODAY, filters=BoardFilter())
    names = {v: k for k, v in quarter.items()}
    assert sorted(names[r.id] for r in board.items) == ["C", "D", "E", "H"]


def test_charts(store: Store, quarter: dict[str, str]) -> None:
    with store.read() as session:
        weeks = visits_per_week(session=session, period=Q3, tz=TZ)
        mix = colour_mix(session=session, period=Q3, today=TODAY)
        by_unit = colour_mix(session=session, period=Q3, today=TODAY, by_unit=True)
        trend = two_month_trend(session=session, period=Q3, today=TODAY)
    # 2026-07-01 is a Wednesday: the first week is clipped to the quarter's first day.
    assert weeks[0] == (date(2026, 7, 1), 0) and weeks[1][0] == date(2026, 7, 6)
    assert weeks[-1][0] == date(2026, 9, 28)
    assert sum(n for _, n in weeks) == 8
    assert dict(weeks)[date(2026, 7, 27)] == 2  # B on 07-31, A's second visit on 08-01
    g, y, r = Colour.green, Colour.yellow, Colour.red
    assert mix == {
        "village": {g: 2, y: 0, r: 1},
        "township": {g: 1, y: 0, r: 0},
        "county": {g: 0, y: 1, r: 1},
    }
    assert sum(sum(c.values()) for c in by_unit.values()) == 6
    assert len(trend) == 12 and trend[0][0] == date(2025, 10, 1)
    assert trend[-3:] == [
        (date(2026, 7, 1), 3, 3),
        (date(2026, 8, 1), 1, 0),
        (date(2026, 9, 1), 1, 0),
    ]


def test_units_below_the_floors() -> None:
    good = FigureRow("a", "好单位", Figures(decided=10, done=9, evaluated=10, satisfied=10))
    slow = FigureRow("b", "慢单位", Figures(decided=10, done=7, evaluated=10, satisfied=10))
    unloved = FigureRow("c", "差评单位", Figures(decided=10, done=10, evaluated=10, satisfied=8))
    empty = FigureRow("d", "没事单位", Figures(visits=3))
    assert below_floors([good, slow, unloved, empty], Floors(0.8, 0.9)) == [slow, unloved]


def test_floors_are_settings_with_range_checks() -> None:
    settings = parse_settings({})
    assert settings.floor_two_month_rate == 0.8 and settings.floor_satisfaction_rate == 0.9
    for bad in ("1.5", "-0.1", "nan", "x"):
        with pytest.raises(ValueError):
            parse_settings({"floor.two_month_rate": bad})


# ---------------------------------------------------------------------------------------------
# Leader visits (领导干部进站) in the headline figures: tests/helpers/record_fixture.py's quarter.


def test_counted_in_the_statistics(
    store: Store,
    clock: FrozenClock,
    station_info: StationInfo,
    refs: Refs,
) -> None:
    ids = build_record(store=store, clock=clock, station=station_info, refs=refs)
    actor = station_info.actor(refs.deputies["沈国强"])
    with store.write(actor) as session:
        link_issues(session=session, leader_visit_id=ids["LV1"], issue_ids=[ids["C"], ids["B"]])
        link_issues(session=session, leader_visit_id=ids["LV2"], issue_ids=[ids["B"], ids["F"]])
        link_issues(session=session, leader_visit_id=ids["LV0"], issue_ids=[ids["E"]])
    with store.read() as session:
        q4 = period_figures(
            session=session, period=Period.parse_quarter("2026Q4"), today=TODAY, tz=TZ
        )
        q3 = period_figures(
            session=session, period=Period.parse_quarter("2026Q3"), today=TODAY, tz=TZ
        )
    # Q4: LV1 and LV2; issues C, B, F (B raised twice counts once); C closed.
    assert (q4.leader_visits, q4.leader_issues, q4.leader_issues_closed) == (2, 3, 1)
    assert q4.leader_issues_open == 2
    assert (q3.leader_visits, q3.leader_issues, q3.leader_issues_closed) == (1, 1, 0)
