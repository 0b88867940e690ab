"""Regrouping through the county hub (issue 18, part 3), on PostgreSQL and on a SQLite file: a
supervision note the county writes on an issue its station has merged meanwhile ends on the
survivor, on the hub (store.sync.regroup_rule runs in the hub's merge) and back at the station;
a withdrawal reaches the hub's figures apart; a resident told of a move stays told when the
county makes the same move later (the same notice queued again)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from small_station import NOW, TODAY, VILLAGE, Refs
from sqlmodel import col, select
from stats_fixture import TZ

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import (
    Issue,
    IssueStatus,
    MoveReason,
    Notice,
    NoticeEvent,
    NoticeWay,
    Progress,
    ProgressCreate,
    Tier,
    Visit,
)
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import add_progress
from store.desk.moves import move_issue
from store.desk.notices import list_notices, record_told
from store.desk.regroup import merge_issues, withdraw_visit
from store.desk.visits import VisitRow, list_issue_visits
from store.reports.stats import Period, PeriodKind, period_figures
from store.station import StationInfo, load_station
from store.sync.conflicts import count_conflicts
from store.sync.hub import init_hub, open_hub, pull_from_hub, push_to_hub


@pytest.fixture(params=["sqlite", "postgresql"])
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, StationInfo]]:
    target: Path | str = tmp_path / "hub.db"
    if request.param == "postgresql":
        make: Callable[[], str] = request.getfixturevalue("pg_url_factory")
        target = make()
    clock = FrozenClock(NOW, tz="Asia/Shanghai")
    init_hub(target=target, county="临溪县", clock=clock)
    opened, info = open_hub(target, clock=clock)
    yield opened, info
    opened.dispose()


def _notes(store: Store, note: str) -> list[str]:
    with store.read() as session:
        return list(session.exec(select(Progress.issue_id).where(Progress.note == note)).all())


def test_a_note_the_county_writes_on_an_issue_merged_meanwhile_ends_on_the_survivor(
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    hub: tuple[Store, StationInfo],
) -> None:
    county, county_info = hub
    a = make_issue()
    b = make_issue(name="李秀英", phone="13955556666", text="路灯也不亮")
    push_to_hub(station=store, hub=county)
    with store.write(actor) as session:
        merge_issues(session=session, issue_id=a.id, into_id=b.id)
    with county.write(county_info.actor()) as session:
        add_progress(
            session=session,
            issue_id=a.id,
            progress_in=ProgressCreate(status=IssueStatus.supervising, note="县里督办：月底前修好"),
        )

    push_to_hub(station=store, hub=county)
    assert _notes(county, "县里督办：月底前修好") == [b.id]
    pull_from_hub(station=store, hub=county)
    assert _notes(store, "县里督办：月底前修好") == [b.id]
    for place in (store, county):
        with place.read() as session:
            visits = session.exec(select(Visit.issue_id).where(col(Visit.deleted_at).is_(None)))
            assert list(visits) == [b.id, b.id]
            merged = session.get(Issue, a.id)
            assert merged is not None and merged.merged_into == b.id


def test_a_withdrawal_reaches_the_hubs_figures_apart(
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
    hub: tuple[Store, StationInfo],
) -> None:
    county, _info = hub
    issue = make_issue()
    waiting = make_visit(name="李秀英", phone="13955556666", text="路灯也不亮")
    with store.write(actor) as session:
        (visit,) = list_issue_visits(session=session, issue_id=issue.id)
        withdraw_visit(session=session, visit_id=visit.id, reason="不用了")
        withdraw_visit(session=session, visit_id=waiting.id, reason="打错了")
    push_to_hub(station=store, hub=county)
    month = Period.of(PeriodKind.month, TODAY)
    station_id = load_station(store).id
    with county.read() as session:
        figures = period_figures(
            session=session, period=month, today=TODAY, tz=TZ, station_id=station_id
        )
    assert (figures.visits, figures.opened, figures.withdrawn_visits, figures.withdrawn) == (
        0,
        0,
        2,
        1,
    )


def _escalate(place: Store, actor: Actor, issue_id: str, unit_id: str) -> None:
    with place.write(actor) as session:
        move_issue(
            session=session,
            issue_id=issue_id,
            tier=Tier.township,
            unit_id=unit_id,
            reason=MoveReason.beyond_capacity,
        )


def test_a_telling_stands_when_the_county_moves_the_issue_the_same_way_later(
    store: Store,
    actor: Actor,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
    hub: tuple[Store, StationInfo],
) -> None:
    county, county_info = hub
    issue = make_issue()
    push_to_hub(station=store, hub=county)
    unit_id = refs.unit_for(Tier.township, VILLAGE)
    _escalate(store, actor, issue.id, unit_id)
    with store.write(actor) as session:
        waiting = list_notices(session=session, today=TODAY).items
        (moved,) = [n for n in waiting if n.event == NoticeEvent.moved]
        record_told(session=session, notice_id=moved.id, way=NoticeWay.phone)
    # The county escalates it too, later, not having heard: the same notice, queued again.
    assert isinstance(county.clock, FrozenClock)
    county.clock.advance(timedelta(minutes=10))
    _escalate(county, county_info.actor(), issue.id, unit_id)

    push_to_hub(station=store, hub=county)
    pull_from_hub(station=store, hub=county)
    for place in (store, county):
        with place.read() as session:
            notice = session.get(Notice, moved.id)
            assert notice is not None and notice.way == NoticeWay.phone
            assert notice.told_at is not None
            assert count_conflicts(session=session) == 0
