"""A database holding two stations (as a county hub does): the boards and figures of all of
them are the sums of each station's, and `station_id` narrows every one of them to one station.

Both stations live through tests/helpers/stats_fixture.py's hand-worked quarter; the second also
opens one more issue in it (09-15, village tier: overdue by now, decided, not done), so that the two
differ."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import datetime

import pytest
from second_station import SECOND_NAME, SecondStation, add_second_station
from stats_fixture import TODAY, TZ, build_quarter, expected_totals

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Colour, LocalMeta, Tier
from store.db import Store
from store.desk.board import BoardFilter, board_counts, list_board
from store.desk.issue_rows import IssueRow
from store.desk.station_scope import list_stations
from store.desk.visits import VisitRow
from store.reports.quarterly_report import build_report
from store.reports.stats import (
    Breakdown,
    Figures,
    Period,
    breakdown_figures,
    colour_mix,
    drill_filter,
    period_figures,
    two_month_trend,
    visits_per_week,
)
from store.station import StationInfo

pytestmark = pytest.mark.both_backends

Q3 = Period.parse_quarter("2026Q3")


def _second_expected() -> Figures:
    mine = expected_totals()
    # Its own issue X, open past its due date: late already at its tier.
    extra = dict(visits=1, direct_visits=1, opened=1, open=1, overdue=1, decided=1, timed=1)
    return Figures(**{k: v + extra.get(k, 0) for k, v in mine.items()})


@pytest.fixture
def two(
    store: Store,
    clock: FrozenClock,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
) -> SecondStation:
    build_quarter(
        store=store, clock=clock, actor=actor, make_visit=make_visit, make_issue=make_issue
    )
    second = add_second_station(store=store, by=actor)
    build_quarter(
        store=store,
        clock=clock,
        actor=second.actor,
        make_visit=second.make_visit,
        make_issue=second.make_issue,
    )
    now = clock.now()
    clock.advance(datetime(2026, 9, 15, 10, tzinfo=TZ) - now)
    second.make_issue(tier=Tier.village, village="东塘村", text="X 东塘镇的桥")
    clock.advance(now - clock.now())
    return second


def _sum(a: Figures, b: Figures) -> Figures:
    return Figures(**{k: v + asdict(b)[k] for k, v in asdict(a).items()})


def test_the_stations_a_database_holds(
    store: Store, station_info: StationInfo, two: SecondStation
) -> None:
    with store.read() as session:
        stations = list_stations(session=session)
    assert {s.id for s in stations} == {station_info.id, two.id}
    assert SECOND_NAME in {s.name for s in stations}


def test_a_hub_leaves_its_own_county_row_out(
    store: Store, station_info: StationInfo, actor: Actor
) -> None:
    with store.read() as session:
        assert [s.id for s in list_stations(session=session)] == [station_info.id]
    with store.write(actor) as session:
        session.add(LocalMeta(key="hub", value="1"))
    second = add_second_station(store=store, by=actor)
    with store.read() as session:
        assert [s.id for s in list_stations(session=session)] == [second.id]


def test_figures_of_all_are_the_sums_of_each(
    store: Store, station_info: StationInfo, two: SecondStation
) -> None:
    first = Figures(**expected_totals())
    with store.read() as session:

        def figures(station_id: str | None) -> Figures:
            return period_figures(
                session=session, period=Q3, today=TODAY, tz=TZ, station_id=station_id
            )

        assert figures(station_info.id) == first
        assert figures(two.id) == _second_expected()
        assert figures(None) == _sum(first, _second_expected())

        def tiers(station_id: str | None) -> dict[str, Figures]:
            rows = breakdown_figures(
                session=session,
                period=Q3,
                today=TODAY,
                tz=TZ,
                breakdown=Breakdown.tier,
                station_id=station_id,
            ).rows
            return {row.key: row.figures for row in rows}

        mine, theirs, both = tiers(station_info.id), tiers(two.id), tiers(None)
        assert set(both) == set(mine) | set(theirs)
        for tier in both:
            assert both[tier] == _sum(mine.get(tier, Figures()), theirs.get(tier, Figures()))
        assert theirs[Tier.village.value].opened == mine[Tier.village.value].opened + 1

        # A village's figures are its own station's: the same name, another station's row.
        villages = breakdown_figures(
            session=session,
            period=Q3,
            today=TODAY,
            tz=TZ,
            breakdown=Breakdown.village,
            station_id=two.id,
        ).rows
        assert {row.key for row in villages} <= set(two.villages.values())


def test_charts_of_all_are_the_sums_of_each(
    store: Store, station_info: StationInfo, two: SecondStation
) -> None:
    with store.read() as session:
        weeks = {
            sid: visits_per_week(session=session, period=Q3, tz=TZ, station_id=sid)
            for sid in (station_info.id, two.id, None)
        }
        assert [n for _, n in weeks[None]] == [
            a + b for (_, a), (_, b) in zip(weeks[station_info.id], weeks[two.id], strict=True)
        ]
        mixes = {
            sid: colour_mix(session=session, period=Q3, today=TODAY, station_id=sid)
            for sid in (station_info.id, two.id, None)
        }
        for tier in Tier:
            for colour in Colour:
                assert mixes[None][tier.value][colour] == (
                    mixes[station_info.id][tier.value][colour] + mixes[two.id][tier.value][colour]
                )
        trends = {
            sid: two_month_trend(session=session, period=Q3, today=TODAY, station_id=sid)
            for sid in (station_info.id, two.id, None)
        }
        for (_, d, n), (_, d1, n1), (_, d2, n2) in zip(
            trends[None], trends[station_info.id], trends[two.id], strict=True
        ):
            assert (d, n) == (d1 + d2, n1 + n2)


def test_boards_of_all_are_the_sums_of_each(
    store: Store, station_info: StationInfo, two: SecondStation
) -> None:
    with store.read() as session:
        counts = {
            sid: board_counts(session=session, today=TODAY, filters=BoardFilter(station_id=sid))
            for sid in (station_info.id, two.id, None)
        }
        pages = {
            sid: list_board(session=session, today=TODAY, filters=BoardFilter(station_id=sid))
            for sid in (station_info.id, two.id, None)
        }
    for tier in Tier:
        for colour in Colour:
            assert counts[None][tier][colour] == (
                counts[station_info.id][tier][colour] + counts[two.id][tier][colour]
            )
    assert pages[None].total == pages[station_info.id].total + pages[two.id].total
    # C, D, E, H open at each station, and the second's extra one.
    assert (pages[station_info.id].total, pages[two.id].total) == (4, 5)
    assert {row.title for row in pages[two.id].items} >= {"X 东塘镇的桥"}
    assert "X 东塘镇的桥" not in {row.title for row in pages[station_info.id].items}


def test_a_drill_down_lists_what_its_station_counted(
    store: Store, station_info: StationInfo, two: SecondStation
) -> None:
    with store.read() as session:
        for sid, expected in ((two.id, _second_expected()), (None, None)):
            filters = drill_filter(period=Q3, tz=TZ, figure="overdue", station_id=sid)
            listed = list_board(session=session, today=TODAY, filters=filters).total
            counted = period_figures(
                session=session, period=Q3, today=TODAY, tz=TZ, station_id=sid
            ).overdue
            assert listed == counted
            if expected is not None:
                assert counted == expected.overdue
        everyone = drill_filter(period=Q3, tz=TZ, figure="overdue")
        assert replace(everyone, station_id=two.id) == drill_filter(
            period=Q3, tz=TZ, figure="overdue", station_id=two.id
        )


def test_one_stations_report(store: Store, station_info: StationInfo, two: SecondStation) -> None:
    with store.read() as session:
        theirs = build_report(session=session, period=Q3, today=TODAY, tz=TZ, station_id=two.id)
        everyone = build_report(session=session, period=Q3, today=TODAY, tz=TZ)
    assert theirs.station == SECOND_NAME
    assert theirs.totals == _second_expected()
    assert everyone.totals == _sum(Figures(**expected_totals()), _second_expected())
