"""Figures per tier when issues move between tiers (升级/降级), on SQLite and PostgreSQL: the
hand-made station of tests/helpers/moves_fixture.py, whose figures were worked out by hand (its
docstring shows the working). Escalations are counted by the tier and unit left; "on time" is
judged at each tier from the day the issue came to it; the two-month rate counts from the
opening day whatever the moves."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from moves_fixture import (
    COUNTY_WATER,
    COUNTY_WORKS,
    TOWNSHIP,
    TOWNSHIP_WORKS,
    TZ,
    VILLAGE_D,
    VILLAGE_Q,
    build_moves,
)
from small_station import TODAY, Refs
from sqlmodel import select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Station
from store.db import Store
from store.desk.board import list_board
from store.reports.quarterly_report import build_report, render_html, write_report
from store.reports.stats import Breakdown, Figures, Period, breakdown_figures, drill_filter
from store.reports.stats import period_figures as totals_of
from tui.i18n import label, t

pytestmark = pytest.mark.both_backends

Q2 = Period.parse_quarter("2026Q2")
Q3 = Period.parse_quarter("2026Q3")


@pytest.fixture
def moved(store: Store, clock: FrozenClock, actor: Actor, refs: Refs) -> dict[str, str]:
    return build_moves(store=store, clock=clock, actor=actor, refs=refs)


def _fig(**values: int) -> dict[str, int]:
    return asdict(Figures(**values))


def _rows(store: Store, breakdown: Breakdown, period: Period = Q3) -> dict[str, Figures]:
    with store.read() as session:
        rows = breakdown_figures(
            session=session, period=period, today=TODAY, tz=TZ, breakdown=breakdown
        ).rows
    return {row.name: row.figures for row in rows}


def test_q3_totals(store: Store, moved: dict[str, str]) -> None:
    with store.read() as session:
        totals = totals_of(session=session, period=Q3, today=TODAY, tz=TZ)
    assert asdict(totals) == _fig(
        visits=4, direct_visits=4, opened=4, open=1, overdue=1, closed=3, decided=4, done=2,
        evaluated=4, satisfied=4, escalated=5, de_escalated=1, timed=9, on_time=6,
    )  # fmt: skip
    # Two clocks: 2 of 4 done within two months of opening, 6 of 9 tiers on time.
    assert str(totals.two_month) == "50.0% (2/4)"
    assert str(totals.in_window) == "66.7% (6/9)"


def test_q3_per_tier(store: Store, moved: dict[str, str]) -> None:
    tiers = {name: asdict(f) for name, f in _rows(store, Breakdown.tier).items()}
    assert tiers == {
        # R is the village's; P, Q and O (a Q2 issue evaluated in Q3) the township's now.
        "village": _fig(
            visits=1, direct_visits=1, opened=1, closed=1, decided=1, done=1, evaluated=1,
            satisfied=1, escalated=3, timed=3, on_time=2,
        ),
        "township": _fig(
            visits=2, direct_visits=2, opened=2, closed=2, decided=2, done=1, evaluated=3,
            satisfied=3, escalated=2, timed=4, on_time=3,
        ),
        "county": _fig(
            visits=1, direct_visits=1, opened=1, open=1, overdue=1, decided=1, de_escalated=1,
            timed=2, on_time=1,
        ),
    }  # fmt: skip
    rows = _rows(store, Breakdown.tier)
    assert {name: (str(f.two_month), str(f.in_window)) for name, f in rows.items()} == {
        "village": ("100.0% (1/1)", "66.7% (2/3)"),
        "township": ("50.0% (1/2)", "75.0% (3/4)"),
        "county": ("0.0% (0/1)", "50.0% (1/2)"),
    }


def test_q3_per_unit_and_category(store: Store, moved: dict[str, str]) -> None:
    units = {
        name: (f.escalated, f.de_escalated, f.on_time, f.timed)
        for name, f in _rows(store, Breakdown.unit).items()
    }
    assert units == {
        VILLAGE_Q: (1, 0, 2, 2),  # P left in time; R closed in time
        VILLAGE_D: (2, 0, 0, 1),  # O (a Q2 issue) and Q left it; Q late
        TOWNSHIP: (2, 0, 3, 3),  # Q and S left it in time; P closed in time
        TOWNSHIP_WORKS: (0, 0, 0, 1),  # Q closed late
        COUNTY_WORKS: (0, 1, 1, 1),  # Q sent back down in time
        COUNTY_WATER: (0, 0, 0, 1),  # S open past its due date
    }
    categories = {
        name: (f.escalated, f.de_escalated, f.on_time, f.timed)
        for name, f in _rows(store, Breakdown.category).items()
    }
    assert categories == {
        "道路交通": (3, 1, 5, 7),
        "环境卫生": (1, 0, 0, 0),
        "供水供电供气": (1, 0, 1, 2),
    }


def test_q2_judges_its_own_issue_and_counts_no_move(store: Store, moved: dict[str, str]) -> None:
    with store.read() as session:
        q2 = totals_of(session=session, period=Q2, today=TODAY, tz=TZ)
    assert (q2.opened, q2.escalated, q2.timed, q2.on_time) == (1, 0, 2, 2)
    assert (q2.decided, q2.done) == (1, 1)


@pytest.mark.parametrize(
    ("figure", "breakdown", "key", "letters"),
    [
        ("escalated", None, None, "OPQS"),
        ("escalated", Breakdown.tier, "village", "OPQ"),
        ("escalated", Breakdown.tier, "township", "QS"),
        ("de_escalated", Breakdown.tier, "county", "Q"),
        ("on_time", Breakdown.tier, "village", "PR"),
        ("on_time", Breakdown.tier, "county", "Q"),
        ("timed", Breakdown.tier, "county", "QS"),
        ("on_time", None, None, "PQRS"),
    ],
)
def test_drill_down_lists_the_issues_behind_a_figure(
    store: Store,
    moved: dict[str, str],
    figure: str,
    breakdown: Breakdown | None,
    key: str | None,
    letters: str,
) -> None:
    filters = drill_filter(period=Q3, tz=TZ, figure=figure, breakdown=breakdown, key=key)
    with store.read() as session:
        page = list_board(session=session, today=TODAY, filters=filters)
    names = {v: k for k, v in moved.items()}
    assert sorted(names[row.id] for row in page.items) == list(letters)


def test_the_quarterly_report_shows_the_moves_per_tier_unit_and_category(
    store: Store, moved: dict[str, str], tmp_path: Path
) -> None:
    with store.read() as session:
        report = build_report(session=session, period=Q3, today=TODAY, tz=TZ)
    html = render_html(report, text=t, name=label)
    # The section and its three tables: by tier, by unit, by category.
    assert t("report.moves") in html
    for row in (
        "<tr><td>村级</td><td>3</td><td>0</td><td>66.7% (2/3)</td></tr>",
        "<tr><td>乡级</td><td>2</td><td>0</td><td>75.0% (3/4)</td></tr>",
        "<tr><td>县级</td><td>0</td><td>1</td><td>50.0% (1/2)</td></tr>",
        '<tr class="total"><td>合计</td><td>5</td><td>1</td><td>66.7% (6/9)</td></tr>',
        f"<tr><td>{VILLAGE_D}（村级）</td><td>2</td><td>0</td><td>0.0% (0/1)</td></tr>",
        "<tr><td>道路交通</td><td>3</td><td>1</td><td>71.4% (5/7)</td></tr>",
    ):
        assert row in html, row
    out = tmp_path / "report.xlsx"
    write_report(report, out, text=t, name=label)
    rows = _sheet_rows(out, t("report.moves"))
    assert rows[:5] == [
        ["分组", "名称", "升级", "降级", "按期", "按期·分子", "按期·分母"],
        ["层级", "村级", 3, 0, pytest.approx(2 / 3), 2, 3],
        ["层级", "乡级", 2, 0, 0.75, 3, 4],
        ["层级", "县级", 0, 1, 0.5, 1, 2],
        ["层级", "合计", 5, 1, pytest.approx(6 / 9), 6, 9],
    ]
    assert ["分类", "环境卫生", 1, 0, None, 0, 0] in rows


def _sheet_rows(path: Path, title: str) -> list[list[Any]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return [list(row) for row in book[title].iter_rows(values_only=True)]
    finally:
        book.close()


def test_one_stations_figures_count_its_own_moves(store: Store, moved: dict[str, str]) -> None:
    """The per-station filter reaches the moves (a county hub's report of one station)."""
    with store.read() as session:
        station = session.exec(select(Station.id)).one()
        mine = totals_of(session=session, period=Q3, today=TODAY, tz=TZ, station_id=station)
        none = totals_of(session=session, period=Q3, today=TODAY, tz=TZ, station_id="elsewhere")
    assert (mine.escalated, mine.timed) == (5, 9)
    assert (none.escalated, none.de_escalated, none.timed) == (0, 0, 0)
