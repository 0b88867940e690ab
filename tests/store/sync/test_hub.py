"""The county hub (store.sync.hub): two stations push to it, on PostgreSQL and on a SQLite file;
its figures are the sum of theirs; what the county writes on a station's records goes back to
that station alone, and one station's records never reach another."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import COUNTY, STATION_A, STATION_B, Made, build_station
from small_station import NOW, STATION_TZ, TODAY
from sqlalchemy import text
from stats_fixture import expected_totals
from sync_helpers import ledger

from store.core.clock import FrozenClock
from store.core.errors import SyncRefused
from store.core.models import (
    DayKind,
    Device,
    DeviceKind,
    IssueStatus,
    LocalMeta,
    MoveReason,
    Notice,
    NoticeWay,
    ProgressCreate,
    Tier,
)
from store.core.settings import load_settings, update_setting
from store.db import Store
from store.desk.board import board_counts
from store.desk.issues import add_progress, change_unit
from store.desk.moves import list_moves, move_issue
from store.desk.notices import list_notices, record_told
from store.duty.calendar import mark_day
from store.reference.lists import list_units
from store.reports.stats import Breakdown, Figures, Period, breakdown_figures, period_figures
from store.station import StationInfo, load_station, open_store
from store.sync.hub import (
    HubExchange,
    classified_tables,
    init_hub,
    open_hub,
    pull_from_hub,
    push_to_hub,
    stations_of,
)
from store.sync.merge import synced_tables
from store.trust.backup import backup_to

Q3 = Period.parse_quarter("2026Q3")
Q4 = Period.parse_quarter("2026Q4")


@dataclass(frozen=True)
class Template:
    directory: Path
    a: Made
    b: Made


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The two stations, built once for the module and copied for each test."""
    directory = tmp_path_factory.mktemp("county")
    a = build_station(directory / "a.db", STATION_A, extra=False)
    b = build_station(directory / "b.db", STATION_B, extra=True)
    return Template(directory, a, b)


@pytest.fixture(params=["sqlite", "postgresql"])
def hub_target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where the hub is made: a SQLite file, or a fresh PostgreSQL database (skipped without
    PostgreSQL unless LIAISON_REQUIRE_PG)."""
    if request.param == "sqlite":
        return tmp_path / "hub.db"
    make: Callable[[], str] = request.getfixturevalue("pg_url_factory")
    return make()


@dataclass
class County:
    a: Store
    b: Store
    hub: Store
    hub_info: StationInfo
    made_a: Made
    made_b: Made

    def push(self, station: Store) -> HubExchange:
        return push_to_hub(station=station, hub=self.hub)

    def pull(self, station: Store) -> HubExchange:
        return pull_from_hub(station=station, hub=self.hub)


@pytest.fixture
def county(template: Template, tmp_path: Path, hub_target: Path | str) -> Iterator[County]:
    clock = FrozenClock(NOW, tz="Asia/Shanghai")
    a = open_store(backup_to(template.directory / "a.db", tmp_path / "a.db"), clock=clock)
    b = open_store(backup_to(template.directory / "b.db", tmp_path / "b.db"), clock=clock)
    init_hub(target=hub_target, county=COUNTY, clock=clock)
    hub, hub_info = open_hub(hub_target, clock=clock)
    yield County(a, b, hub, hub_info, template.a, template.b)
    for store in (a, b, hub):
        store.dispose()


# -- helpers --------------------------------------------------------------------------------------


def figures(store: Store, period: Period) -> Figures:
    with store.read() as session:
        return period_figures(session=session, period=period, today=TODAY, tz=STATION_TZ)


def tier_figures(store: Store, period: Period) -> dict[str, Figures]:
    with store.read() as session:
        rows = breakdown_figures(
            session=session, period=period, today=TODAY, tz=STATION_TZ, breakdown=Breakdown.tier
        ).rows
    return {row.key: row.figures for row in rows}


def boards(store: Store) -> dict[Tier, dict[Any, int]]:
    with store.read() as session:
        return board_counts(session=session, today=TODAY)


def added(*many: Figures) -> Figures:
    names = [f.name for f in dataclasses.fields(Figures)]
    return Figures(**{name: sum(getattr(f, name) for f in many) for name in names})


def ids(store: Store, table: str) -> set[str]:
    with store.read() as session:
        rows = session.connection().execute(text(f'SELECT id FROM "{table}"'))
        return {row[0] for row in rows}


def log_size(store: Store) -> int:
    with store.read() as session:
        return int(
            session.connection().execute(text("SELECT count(*) FROM change_log")).scalar_one()
        )


def station_tables() -> list[str]:
    return [t for t in synced_tables() if t not in ("setting", "category", "calendar_day")]


# -- the hub itself -------------------------------------------------------------------------------


def test_every_synced_table_has_a_place() -> None:
    # A new synced table must say whose its rows are, or a pull could not tell.
    assert classified_tables() >= set(synced_tables())


def test_the_hub_is_a_county_view_with_a_hub_device(county: County) -> None:
    info = county.hub_info
    assert (info.name, info.township, info.county) == ("临溪县（全县）", "", COUNTY)
    with county.hub.read() as session:
        device = session.get(Device, info.device_id)
        mark = session.get(LocalMeta, "hub")
        assert device is not None and device.kind == DeviceKind.hub
        assert mark is not None and mark.value == "1"
    assert ids(county.hub, "unit") == ids(county.hub, "deputy") == set()


def test_a_station_database_is_not_a_hub(county: County, tmp_path: Path) -> None:
    with pytest.raises(SyncRefused) as refused:
        open_hub(tmp_path / "a.db")
    assert refused.value.key == "hub.not_a_hub"
    with pytest.raises(SyncRefused) as refused:
        open_hub(tmp_path / "nowhere.db")
    assert refused.value.key == "hub.unreachable"
    assert not (tmp_path / "nowhere.db").exists()


def test_a_second_init_on_the_same_database_is_refused(
    county: County, hub_target: Path | str
) -> None:
    with pytest.raises(FileExistsError):
        init_hub(target=hub_target, county=COUNTY, clock=FrozenClock(NOW))


# -- push -----------------------------------------------------------------------------------------


def test_two_stations_push_and_the_hub_figures_are_their_sums(county: County) -> None:
    first, second = county.push(county.a), county.push(county.b)
    assert first.merge.new > 0 and second.merge.new > 0
    assert first.merge.by_table["issue"] > 0 and second.merge.by_table["evaluation"] > 0
    assert (first.hub, first.station) == ("临溪县（全县）", STATION_A.name)

    for period in (Q3, Q4):
        a, b, hub = (
            figures(county.a, period),
            figures(county.b, period),
            figures(county.hub, period),
        )
        # Counts add; the rates' numerators and denominators with them.
        assert hub == added(a, b), period
    a, b, hub = figures(county.a, Q3), figures(county.b, Q3), figures(county.hub, Q3)
    assert hub.two_month_rate == (a.done + b.done) / (a.decided + b.decided)
    assert hub.satisfaction_rate == (a.satisfied + b.satisfied) / (a.evaluated + b.evaluated)
    # The quarter worked out by hand (stats_fixture), once per station, and its leader visit.
    by_hand = expected_totals() | {"leader_visits": 1, "leader_issues": 1}
    assert dataclasses.asdict(figures(county.hub, Q3)) == {k: 2 * v for k, v in by_hand.items()}
    assert figures(county.hub, Q4).opened == 2 * figures(county.a, Q4).opened + 1  # B's extra

    a_tiers, b_tiers = tier_figures(county.a, Q3), tier_figures(county.b, Q3)
    hub_tiers = tier_figures(county.hub, Q3)
    assert set(hub_tiers) == set(a_tiers) | set(b_tiers)
    for tier, got in hub_tiers.items():
        assert got == added(a_tiers.get(tier, Figures()), b_tiers.get(tier, Figures())), tier

    a_board, b_board, hub_board = boards(county.a), boards(county.b), boards(county.hub)
    for tier, colours in hub_board.items():
        for colour, n in colours.items():
            assert n == a_board[tier][colour] + b_board[tier][colour], (tier, colour)
    assert sum(sum(c.values()) for c in hub_board.values()) > 0


def test_pushing_twice_adds_nothing(county: County) -> None:
    county.push(county.a)
    county.push(county.b)
    size, rows = log_size(county.hub), ledger(county.hub)
    again = county.push(county.a)
    assert (again.merge.new, again.merge.known) == (0, 0)
    assert county.push(county.b).merge.new == 0
    assert log_size(county.hub) == size
    assert ledger(county.hub) == rows


def test_the_stations_devices_and_records_reach_the_hub(county: County) -> None:
    county.push(county.a)
    county.push(county.b)
    a_info, b_info = load_station(county.a), load_station(county.b)
    with county.hub.read() as session:
        for info in (a_info, b_info):
            device = session.get(Device, info.device_id)
            assert device is not None and device.station_id == info.id
            assert device.kind == DeviceKind.station
    for table in station_tables():
        assert ids(county.a, table) | ids(county.b, table) <= ids(county.hub, table), table


def test_settings_and_calendar_days_stay_at_their_station(county: County) -> None:
    info = load_station(county.a)
    with county.a.write(info.actor()) as session:
        update_setting(session=session, key="window_days.village", value="10")
        mark_day(session=session, day=date(2026, 12, 28), kind=DayKind.holiday, name="本站调休")
    county.push(county.a)
    with county.hub.read() as session:
        assert load_settings(session=session).window_days[Tier.village] == 15
        logged = session.connection().execute(
            text("SELECT count(*) FROM change_log WHERE table_name IN ('setting', 'calendar_day')")
        )
        assert logged.scalar() == 0


def test_a_hub_cannot_push_to_a_hub(county: County) -> None:
    with pytest.raises(SyncRefused) as refused:
        push_to_hub(station=county.hub, hub=county.hub)
    assert refused.value.key == "hub.station_only"


# -- pull -----------------------------------------------------------------------------------------


def _supervise(county: County, issue_id: str, note: str) -> None:
    """A county deputy's supervision note on the hub (督事), moving the issue on."""
    with county.hub.write(county.hub_info.actor()) as session:
        add_progress(
            session=session,
            issue_id=issue_id,
            progress_in=ProgressCreate(status=IssueStatus.supervising, note=note),
        )


def test_a_change_made_on_the_hub_goes_back_to_its_station_only(county: County) -> None:
    county.push(county.a)
    county.push(county.b)
    issue = county.made_a.issues["E"]  # open, county tier
    _supervise(county, issue, "县人大常委会督办：月底前答复")
    b_before = ledger(county.b)

    back = county.pull(county.a)
    assert back.merge.new == 2 and back.merge.by_table.get("progress") == 1
    with county.a.read() as session:
        status, notes = (
            session.connection()
            .execute(
                text(
                    "SELECT i.status, count(p.id) FROM issue i JOIN progress p ON p.issue_id = i.id"
                    " WHERE i.id = :id AND p.note LIKE '县人大%' GROUP BY i.status"
                ),
                {"id": issue},
            )
            .one()
        )
    assert (status, notes) == (IssueStatus.supervising, 1)

    nothing = county.pull(county.b)
    assert nothing.merge.new == 0
    assert ledger(county.b) == b_before
    # And A again: already there.
    assert county.pull(county.a).merge.new == 0


def test_a_county_issue_sent_back_down_on_the_hub_reaches_its_station_with_why(
    county: County,
) -> None:
    """升级 at a station reaches the county; the county sends another station's issue back
    down on the hub, and that station, pulling, holds the move and its reason; the hub's figures
    stay the sums of the stations'."""
    with county.a.read() as session:
        a_county = next(u.id for u in list_units(session=session) if u.name == "临溪县住建局")
    with county.a.write(load_station(county.a).actor()) as session:
        move_issue(
            session=session,
            issue_id=county.made_a.issues["D"],  # open, village tier, overdue
            tier=Tier.county,
            unit_id=a_county,
            reason=MoveReason.coordination,
        )
    county.push(county.a)
    county.push(county.b)
    assert figures(county.hub, Q4) == added(figures(county.a, Q4), figures(county.b, Q4))
    assert figures(county.hub, Q4).escalated == 1
    issue = county.made_b.issues["E"]  # open, county tier
    with county.b.read() as session:
        b_township = next(u.id for u in list_units(session=session) if u.name == "东塘镇城建办")
    with county.hub.write(county.hub_info.actor()) as session:
        move_issue(
            session=session,
            issue_id=issue,
            tier=Tier.township,
            unit_id=b_township,
            reason=MoveReason.sent_back,
            note="属镇级职权",
        )
    a_before = ledger(county.a)
    county.pull(county.a)
    county.pull(county.b)
    assert ledger(county.a) == a_before
    with county.b.read() as session:
        [move] = list_moves(session=session, issue_id=issue)
    assert (move.from_tier, move.to_tier, move.to_unit) == (
        Tier.county,
        Tier.township,
        "东塘镇城建办",
    )
    assert (move.reason, move.note) == (MoveReason.sent_back, "属镇级职权")
    assert figures(county.hub, Q4) == added(figures(county.a, Q4), figures(county.b, Q4))


def test_one_stations_records_never_reach_another(county: County) -> None:
    county.push(county.a)
    county.push(county.b)
    _supervise(county, county.made_a.issues["E"], "督办A")
    _supervise(county, county.made_b.issues["E"], "督办B")
    a_ids = {table: ids(county.a, table) for table in station_tables()}
    b_ids = {table: ids(county.b, table) for table in station_tables()}
    county.pull(county.a)
    county.pull(county.b)
    for table in station_tables():
        a_now, b_now = ids(county.a, table), ids(county.b, table)
        assert not a_now & b_ids[table], table
        assert not b_now & a_ids[table], table
    # Each station holds its own Station row alone: neither the hub's nor the other's.
    assert ids(county.a, "station") == {load_station(county.a).id}
    assert ids(county.b, "station") == {load_station(county.b).id}
    with county.a.read() as session:
        hub_made = session.connection().execute(
            text("SELECT count(*) FROM change_log WHERE device_id = :d"),
            {"d": county.hub_info.device_id},
        )
        assert hub_made.scalar() == 2  # A's own supervision: a progress note and its issue


def test_a_pushed_back_station_pushes_nothing_new(county: County) -> None:
    county.push(county.a)
    _supervise(county, county.made_a.issues["E"], "督办")
    county.pull(county.a)
    again = county.push(county.a)
    assert again.merge.new == 0


def test_a_pull_needing_records_the_station_lacks_writes_nothing(county: County) -> None:
    county.push(county.a)
    county.push(county.b)
    # On the hub, A's issue handed to one of B's units: A has no such unit.
    b_unit = _a_unit_of(county.b, Tier.county)
    with county.hub.write(county.hub_info.actor()) as session:
        change_unit(session=session, issue_id=county.made_a.issues["E"], unit_id=b_unit)
    before = ledger(county.a)
    with pytest.raises(SyncRefused) as refused:
        county.pull(county.a)
    assert refused.value.key == "hub.incomplete"
    assert ledger(county.a) == before


def _a_unit_of(store: Store, tier: Tier) -> str:
    with store.read() as session:
        row = session.connection().execute(
            text("SELECT id FROM unit WHERE tier = :tier ORDER BY name LIMIT 1"), {"tier": tier}
        )
        return str(row.scalar())


def test_whose_a_row_is_follows_parents_and_what_it_is_about(county: County) -> None:
    county.push(county.a)
    county.push(county.b)
    a_id, b_id = load_station(county.a).id, load_station(county.b).id
    with county.hub.read() as session:
        conn = session.connection()
        progress = conn.execute(text("SELECT id, issue_id FROM progress")).all()
        linked = conn.execute(text("SELECT id FROM leader_visit_issue")).all()
        owners = stations_of(
            conn,
            [("progress", p.id) for p in progress]
            + [("leader_visit_issue", row.id) for row in linked]
            + [("station", a_id), ("category", "x"), ("issue", "no-such-id")],
        )
    a_issues = set(county.made_a.issues.values())
    for p in progress:
        assert owners[("progress", p.id)] == (a_id if p.issue_id in a_issues else b_id)
    assert sorted(owners[("leader_visit_issue", row.id)] for row in linked) == sorted([a_id, b_id])
    assert owners[("station", a_id)] == a_id
    assert ("category", "x") not in owners and ("issue", "no-such-id") not in owners


def test_a_station_restored_from_an_older_copy_gets_its_own_changes_back(
    county: County, tmp_path: Path
) -> None:
    county.push(county.a)
    older = backup_to(tmp_path / "a.db", tmp_path / "older.db")
    info = load_station(county.a)
    with county.a.write(info.actor()) as session:
        add_progress(
            session=session,
            issue_id=county.made_a.issues["E"],
            progress_in=ProgressCreate(status=IssueStatus.handling, note="已联系交通运输局"),
        )
    county.push(county.a)
    restored = open_store(older, clock=FrozenClock(NOW, tz="Asia/Shanghai"))
    try:
        back = county.pull(restored)
        assert back.merge.new == 2
        # The copy found out it was put back in time: it goes on under a new device id (spec
        # §9), and apart from that device record holds what the station held.
        assert load_station(restored).device_id != info.device_id
        assert ledger(restored) | {"device": []} == ledger(county.a) | {"device": []}
    finally:
        restored.dispose()


def test_residents_to_tell_reach_the_hub_and_a_telling_there_comes_back(county: County) -> None:
    """告知 (issue 18): the notices queued at a station reach the hub (on PostgreSQL too); one
    told from the hub goes back to its station, and to no other."""
    county.push(county.a)
    county.push(county.b)
    with county.a.read() as session:
        waiting = list_notices(session=session, today=TODAY).items
    assert waiting
    assert {r.id for r in waiting} <= ids(county.hub, "notice")
    with county.hub.write(county.hub_info.actor()) as session:
        record_told(session=session, notice_id=waiting[0].id, way=NoticeWay.phone)
    b_before = ledger(county.b)
    assert county.pull(county.a).merge.updated == 1  # the notice, told
    assert county.pull(county.b).merge.new == 0 and ledger(county.b) == b_before
    with county.a.read() as session:
        told = session.get(Notice, waiting[0].id)
        assert told is not None and told.way == NoticeWay.phone and told.told_at is not None
        assert waiting[0].id not in {r.id for r in list_notices(session=session, today=TODAY).items}
