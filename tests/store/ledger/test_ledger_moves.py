"""Moves between tiers in the ledger (层级变动, store.ledger.life.Moved): an exported ledger of the
hand-made station of tests/helpers/moves_fixture.py imports into a fresh station with the same
moves and every figure per tier (escalations, on time, the two-month rate) of every period; a
clerk's own line reads as a move; a move line that does not add up is refused with its row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from ledger_helpers import FULL_HEADER, GOOD, write_csv
from moves_fixture import SENT_BACK_NOTE, TZ, build_moves
from small_station import NOW, SMALL_STATION, TODAY, Refs
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Issue, IssueMove, MoveReason, Tier
from store.db import Store
from store.desk.moves import list_moves
from store.ledger import LedgerInvalid, export_ledger, import_ledger
from store.reports.stats import Breakdown, Period, PeriodKind, breakdown_figures, period_figures
from store.station import init_station, load_station, open_store

PERIODS = [
    Period.parse_quarter("2026Q2"),
    Period.parse_quarter("2026Q3"),
    Period.parse_quarter("2026Q4"),
    Period.of(PeriodKind.year, TODAY),
    *(Period.of(PeriodKind.month, TODAY.replace(month=m, day=1)) for m in range(6, 12)),
]


def _figures(store: Store) -> dict[str, Any]:
    """Every figure of every period, groups by name (ids differ between stations)."""
    out: dict[str, Any] = {}
    with store.read() as session:
        for period in PERIODS:
            code = f"{period.kind}:{period.start}"
            totals = period_figures(session=session, period=period, today=TODAY, tz=TZ)
            out[code] = replace(totals, leader_visits=0, leader_issues=0, leader_issues_closed=0)
            for breakdown in Breakdown:
                rows = breakdown_figures(
                    session=session, period=period, today=TODAY, tz=TZ, breakdown=breakdown
                ).rows
                out[f"{code} {breakdown}"] = {row.name: row.figures for row in rows}
    return out


def _moves(store: Store) -> list[tuple[Any, ...]]:
    """Every move as a deputy reads it (no ids), with its issue's title."""
    with store.read() as session:
        issues = session.exec(select(Issue).order_by(col(Issue.title))).all()
        return [
            (
                issue.title,
                m.at,
                m.from_tier,
                m.to_tier,
                m.from_unit,
                m.to_unit,
                m.reason,
                m.note,
                m.deputy,
                m.from_due_on,
                m.from_on_time,
                m.to_due_on,
            )
            for issue in issues
            for m in list_moves(session=session, issue_id=issue.id)
        ]


def _issues(store: Store) -> list[tuple[Any, ...]]:
    with store.read() as session:
        return [
            (i.title, i.tier, i.opened_on, i.tier_since, i.window_days, i.due_on, i.warn_on)
            for i in session.exec(select(Issue).order_by(col(Issue.title))).all()
        ]


@pytest.fixture
def twin(tmp_path: Path) -> Iterator[Store]:
    """A fresh station with the small station's own names (its villages and units too)."""
    path = tmp_path / "twin.db"
    init_station(engine_path=path, station=SMALL_STATION, clock=FrozenClock(NOW))
    store = open_store(path, clock=FrozenClock(NOW))
    yield store
    store.dispose()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_every_move_and_figure_survives_the_ledger(
    suffix: str,
    store: Store,
    clock: FrozenClock,
    actor: Actor,
    refs: Refs,
    twin: Store,
    tmp_path: Path,
) -> None:
    build_moves(store=store, clock=clock, actor=actor, refs=refs)
    before = _figures(store)
    assert before["quarter:2026-07-01"].escalated == 5  # the fixture is not trivial
    ledger = tmp_path / f"ledger{suffix}"
    with store.read() as session:
        export_ledger(session=session, out=ledger, today=TODAY, reveal=True)
    summary = import_ledger(store=twin, actor=load_station(twin).actor(), path=ledger)
    assert not summary.errors and summary.issues_created == 5
    assert _moves(twin) == _moves(store)
    assert _issues(twin) == _issues(store)
    after = _figures(twin)
    differing = [key for key in before if before[key] != after[key]]
    assert differing == [], {key: (before[key], after[key]) for key in differing[:3]}
    # Imported again: nothing doubles.
    again = import_ledger(store=twin, actor=load_station(twin).actor(), path=ledger)
    assert again.visits_added == 0
    with twin.read() as session:
        assert len(session.exec(select(IssueMove)).all()) == 6
    assert SENT_BACK_NOTE in {m[7] for m in _moves(twin)}


HEADER = [*FULL_HEADER, "受理日期", "层级变动"]


def _row(tier: str, unit: str, opened: str, moves: str) -> list[str]:
    return ["2026-07-01 09:30", *GOOD[1:], tier, unit, "办事", "", "沈国强", "M-1", opened, moves]


def test_a_clerks_move_lines(store: Store, actor: Actor, tmp_path: Path) -> None:
    moves = (
        "2026-07-05 09:00 | 村级→乡级 | 青石村村委会→青石镇人民政府 | 本级无力解决 | "
        "2026-07-16→2026-08-04\n"
        "2026-07-20 14:30|乡→县|青石镇人民政府→县交通运输局|需多部门协调|2026-08-04→2026-09-18|"
        "王德明|涉及县道"
    )
    path = write_csv(
        tmp_path / "l.csv", [HEADER, _row("县级", "县交通运输局", "2026-07-01", moves)]
    )
    summary = import_ledger(store=store, actor=actor, path=path)
    assert summary.issues_created == 1 and summary.deputies_added == ("王德明",)
    with store.read() as session:
        issue = session.exec(select(Issue)).one()
        moved = list_moves(session=session, issue_id=issue.id)
    assert [(m.from_tier, m.to_tier, m.reason) for m in moved] == [
        (Tier.village, Tier.township, MoveReason.beyond_capacity),
        (Tier.township, Tier.county, MoveReason.coordination),
    ]
    assert moved[1].to_unit == "临溪县交通运输局" and moved[1].note == "涉及县道"
    assert [m.from_on_time for m in moved] == [True, True]
    # Its window counts from its last move: 60 days from 07-20.
    assert issue.tier_since is not None and issue.tier_since.isoformat() == "2026-07-20"
    assert issue.due_on.isoformat() == "2026-09-18"


ROAD = "青石村村委会→青石镇人民政府"
DUES = "2026-07-16→2026-08-04"


@pytest.mark.parametrize(
    ("moves", "rule"),
    [
        (f"2026-07-05 09:00 | 村级→乡级 | 青石村村委会 | 本级无力解决 | {DUES}", "ledger.moves"),
        (f"2026-07-05 | 村级→村级 | 青石村村委会→青石村村委会 | 其他 | {DUES}", "ledger.moves"),
        (f"2026-07-05 | 村级→乡级 | {ROAD} | 说不清 | {DUES}", "ledger.moves"),
        # The last move must reach the row's own tier and unit.
        (
            f"2026-07-05 | 村级→乡级 | 青石村村委会→青石镇党政办 | 其他 | {DUES}",
            "ledger.moves_chain",
        ),
        (f"2027-07-05 | 村级→乡级 | {ROAD} | 其他 | 2027-07-16→2027-08-04", "ledger.date_future"),
    ],
)
def test_a_move_line_that_does_not_add_up_is_refused(
    store: Store, actor: Actor, tmp_path: Path, moves: str, rule: str
) -> None:
    path = write_csv(
        tmp_path / "l.csv", [HEADER, _row("乡级", "青石镇人民政府", "2026-07-01", moves)]
    )
    with pytest.raises(LedgerInvalid) as refused:
        import_ledger(store=store, actor=actor, path=path)
    assert [(e.row, e.column, e.key) for e in refused.value.errors] == [(2, "层级变动", rule)]
