"""Moves between tiers (升级/降级, store.desk.moves) travel like any write (docs/rules/sync.md): a
laptop that synced in between holds the same moves, issue, timeline and figures as its station;
two devices moving one issue apart converge on the later move, keep both records and list the
losing values as conflicts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from small_station import NOW, SMALL_STATION, STATION_TZ, TODAY
from sqlmodel import col, select
from sync_helpers import Device, close_trio, exchange, later, ledger, make_trio, open_trio, settle

from store.changelog.changes import Actor
from store.core.models import Issue, IssueMove, MoveReason, Tier
from store.db import Store
from store.desk.issue_page import get_issue
from store.desk.moves import list_moves, move_issue
from store.reference.lists import list_units
from store.reports.stats import (
    Breakdown,
    FigureRow,
    Figures,
    Period,
    breakdown_figures,
    period_figures,
)
from store.sync.conflicts import list_conflicts

Q4 = Period.parse_quarter("2026Q4")
TZ = STATION_TZ


@pytest.fixture(scope="session")
def trio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trio(tmp_path_factory.mktemp("trio-moves"), SMALL_STATION, NOW)


@pytest.fixture
def trio(trio_template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(trio_template, tmp_path / "db", NOW)
    yield devices
    close_trio(devices)


def _unit(store: Store, name: str) -> str:
    with store.read() as session:
        return next(u.id for u in list_units(session=session) if u.name == name)


def _first_issue(store: Store) -> Issue:
    with store.read() as session:
        found = session.exec(select(Issue).order_by(col(Issue.opened_on), col(Issue.id))).first()
    assert found is not None
    return found


def _move(
    store: Store, actor: Actor, issue_id: str, tier: Tier, unit: str, reason: MoveReason
) -> None:
    with store.write(actor) as session:
        move_issue(
            session=session,
            issue_id=issue_id,
            tier=tier,
            unit_id=_unit(store, unit),
            reason=reason,
            note="经联席会议商定",
        )


@dataclass(frozen=True)
class Seen:
    """What a deputy sees of the issue on a device: its tier, unit and due date, every move, its
    timeline's kinds of entry, and the quarter's figures, in total and by tier."""

    tier: Tier
    unit: str
    due_on: date
    moves: list[tuple[Any, ...]]
    timeline: list[str]
    totals: Figures
    tiers: tuple[FigureRow, ...]


def _seen(device: Device, issue_id: str) -> Seen:
    today = device.clock.now().astimezone(TZ).date()
    with device.store.read() as session:
        detail = get_issue(session=session, issue_id=issue_id, today=today)
        moves = list_moves(session=session, issue_id=issue_id)
        totals = period_figures(session=session, period=Q4, today=TODAY, tz=TZ)
        tiers = breakdown_figures(
            session=session, period=Q4, today=TODAY, tz=TZ, breakdown=Breakdown.tier
        ).rows
    return Seen(
        detail.row.tier,
        detail.row.unit,
        detail.row.due_on,
        [(m.id, m.from_tier, m.to_tier, m.to_unit, m.reason, m.note, m.deputy) for m in moves],
        [e.kind for e in detail.timeline],
        totals,
        tiers,
    )


def test_a_laptop_that_synced_in_between_shows_the_same(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    issue = _first_issue(station.store)
    assert issue.tier == Tier.township
    # The station escalates the township issue to the county; the laptop syncs.
    later(station, 60)
    _move(
        station.store,
        station.info.actor(),
        issue.id,
        Tier.county,
        "临溪县住建局",
        MoveReason.coordination,
    )
    exchange(station, laptop, tmp_path)
    assert _seen(laptop, issue.id) == _seen(station, issue.id)
    # The laptop, out in the village, sends it back down; the station takes its bundle.
    later(laptop, 120)
    _move(
        laptop.store,
        laptop.info.actor(),
        issue.id,
        Tier.township,
        "青石镇城建办",
        MoveReason.sent_back,
    )
    summary = exchange(laptop, station, tmp_path)
    assert summary.merge.by_table["issue_move"] == 1
    seen = _seen(station, issue.id)
    assert seen == _seen(laptop, issue.id)
    assert (seen.tier, seen.unit) == (Tier.township, "青石镇城建办")
    assert [(m[1], m[2], m[4]) for m in seen.moves] == [
        (Tier.township, Tier.county, MoveReason.coordination),
        (Tier.county, Tier.township, MoveReason.sent_back),
    ]
    assert seen.timeline.count("move") == 2
    assert (seen.totals.escalated, seen.totals.de_escalated) == (1, 1)
    # Everyone holds the same records, the moves and the issue's fields included.
    settle(trio, tmp_path)
    assert ledger(station.store) == ledger(laptop.store) == ledger(trio["laptop2"].store)


def test_moves_made_apart_converge_on_the_later_and_keep_both(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    issue = _first_issue(station.store)
    # Apart: the station escalates to the county's 住建局; the laptop, a minute later and not
    # knowing, sends the same issue down to a village committee.
    _move(
        station.store,
        station.info.actor(),
        issue.id,
        Tier.county,
        "临溪县住建局",
        MoveReason.coordination,
    )
    later(laptop)
    _move(
        laptop.store,
        laptop.info.actor(),
        issue.id,
        Tier.village,
        "青石村村委会",
        MoveReason.local_matter,
    )
    settle(trio, tmp_path)
    for device in trio.values():
        with device.store.read() as session:
            moved = session.get(Issue, issue.id)
            records = session.exec(select(IssueMove).where(IssueMove.issue_id == issue.id)).all()
            conflicts = list_conflicts(session=session).items
        assert moved is not None and moved.tier == Tier.village  # the later move's
        assert moved.due_on == TODAY + timedelta(days=15)
        # Both moves are on record (appends never conflict).
        assert sorted(r.to_tier for r in records) == [Tier.county, Tier.village]
        # The station's values lost, field by field, and are listed for a deputy to review.
        lost = {c.field: c.lost_value for c in conflicts if c.row_id == issue.id}
        assert lost["tier"] == Tier.county
        assert lost["unit_id"] == _unit(device.store, "临溪县住建局")
        assert "due_on" in lost
    assert ledger(station.store) == ledger(laptop.store) == ledger(trio["laptop2"].store)
