"""Two stations of one county, with records, for the county hub's tests (store.sync.hub).

Station A is the small station (tests/helpers/small_station.py); station B another township's, with
the same village names (ids of its own). Each gets the third quarter of
tests/helpers/stats_fixture.py, a leader visit in it, and B a few more records today, so that the
two are not mirror images. A module of its own (not conftest.py), importable by name from every
test (tests/helpers is on the path)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from small_station import NOW, SMALL_STATION, STATION_TZ
from stats_fixture import build_quarter

from store.changelog.changes import Actor
from store.core.clock import FrozenClock, from_local
from store.core.models import Channel, Tier, VisitCreate, VisitKind
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.triage import open_issue
from store.desk.visits import VisitRow, log_visit
from store.projects.leader_visits import LeaderVisitCreate, log_leader_visit
from store.reference.lists import list_categories, list_deputies, list_units, list_villages
from store.station import StationIn, init_station, load_station, open_store

STATION_A = SMALL_STATION
STATION_B: StationIn = replace(SMALL_STATION, name="东塘镇人大代表联络站", township="东塘镇")
COUNTY = SMALL_STATION.county


@dataclass(frozen=True)
class Made:
    """What a station was given: its issues by letter (stats_fixture's) and its leader visit."""

    issues: dict[str, str]
    leader_visit: str


def build_station(path: Path, spec: StationIn, *, extra: bool) -> Made:
    """A station database at `path` with the quarter's records (and, with `extra`, a few more)."""
    clock = FrozenClock(NOW, tz="Asia/Shanghai")
    init_station(engine_path=path, station=spec, clock=clock)
    store = open_store(path, clock=clock)
    try:
        return _fill(store, clock, extra=extra)
    finally:
        store.dispose()


def _fill(store: Store, clock: FrozenClock, *, extra: bool) -> Made:
    info = load_station(store)
    with store.read() as session:
        villages = {c.name: c.id for c in list_villages(session=session)}
        categories = {c.name: c.id for c in list_categories(session=session)}
        units = list_units(session=session)
        deputies = {c.name: c.id for c in list_deputies(session=session)}
    actor = info.actor(next(iter(deputies.values())))

    def make_visit(
        *,
        phone: str = "13812341234",
        village: str = "青石村",
        text: str = "村口的路灯坏了",
        channel: Channel = Channel.walk_in,
    ) -> VisitRow:
        form = VisitCreate(
            phone=phone,
            name="王阿姨",
            village_id=villages[village],
            category_id=categories["道路交通"],
            channel=channel,
            kind=VisitKind.request,
            text=text,
        )
        with store.write(actor) as session:
            return log_visit(session=session, visit_in=form)

    def make_issue(*, tier: Tier = Tier.village, village: str = "青石村", **visit: Any) -> IssueRow:
        row = make_visit(village=village, **visit)
        unit = next(
            u
            for u in units
            if u.tier == tier and (tier != Tier.village or u.village_id == villages[village])
        )
        with store.write(actor) as session:
            return open_issue(session=session, visit_id=row.id, tier=tier, unit_id=unit.id)

    ids = build_quarter(
        store=store, clock=clock, actor=actor, make_visit=make_visit, make_issue=make_issue
    )
    leader = _leader_visit(store, actor, list(deputies.values())[:1], [ids["D"]])
    if extra:
        make_issue(tier=Tier.township, village="东塘村", text="今天的新事项", phone="13900000009")
        make_visit(text="今天还没分办的来访", phone="13900000010")
    return Made(issues=ids, leader_visit=leader)


def _leader_visit(store: Store, actor: Actor, deputies: list[str], issues: list[str]) -> str:
    """A leader visit of the third quarter (09-15) at which issue D was raised."""
    visit_in = LeaderVisitCreate(
        at=from_local(datetime(2026, 9, 15, 15), STATION_TZ),
        leader="王副县长",
        position="副县长",
        topic="河道整治",
        deputy_ids=deputies,
        issue_ids=issues,
    )
    with store.write(actor) as session:
        return log_leader_visit(session=session, visit_in=visit_in, tz=STATION_TZ).id


def with_store(path: Path | str, fn: Callable[[Store], Any]) -> Any:
    """`fn` of the database at `path`, opened on the frozen clock and closed again."""
    store = open_store(path, clock=FrozenClock(NOW, tz="Asia/Shanghai"))
    try:
        return fn(store)
    finally:
        store.dispose()
