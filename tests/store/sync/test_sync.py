"""Sync between a station and its laptops (docs/rules/sync.md, issue 6): joining, bundles, merge,
conflicts, and every way a bundle is refused with nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from small_station import NOW, SMALL_STATION, TODAY
from sqlmodel import col, select
from sync_helpers import (
    PASSPHRASE,
    Device,
    close_trio,
    exchange,
    later,
    ledger,
    log_on,
    make_trio,
    open_trio,
    settle,
)

from store.core.clock import FrozenClock
from store.core.errors import HubRefused, SyncRefused
from store.core.models import (
    ChangeLog,
    ConflictResolution,
    DeviceKind,
    EvaluationCreate,
    Issue,
    IssueStatus,
    ProgressCreate,
    Resolution,
    Satisfaction,
    Shift,
    Tier,
    Visit,
)
from store.core.models import Device as DeviceRow
from store.desk.issues import add_progress, change_unit, close_issue
from store.duty.roster import assign_shift, clear_shift
from store.reference.lists import list_units
from store.search.query import search_visits
from store.station import StationIn, init_station, open_store
from store.sync.bundle import MAGIC
from store.sync.conflicts import count_conflicts, keep_current, list_conflicts, restore_lost
from store.sync.exchange import export_join_bundle, join_station, sync_status
from store.sync.hub import init_hub, open_hub, push_to_hub


@pytest.fixture(scope="session")
def trio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trio(tmp_path_factory.mktemp("trio"), SMALL_STATION, NOW)


@pytest.fixture
def trio(trio_template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(trio_template, tmp_path / "db", NOW)
    yield devices
    close_trio(devices)


def _issues(device: Device) -> list[Issue]:
    with device.store.read() as session:
        return list(session.exec(select(Issue).order_by(col(Issue.opened_on), col(Issue.id))).all())


def _township_units(device: Device) -> list[str]:
    with device.store.read() as session:
        return [u.id for u in list_units(session=session) if u.tier == Tier.township]


def _hand_to(device: Device, issue_id: str, unit_id: str) -> None:
    with device.store.write(device.info.actor()) as session:
        change_unit(session=session, issue_id=issue_id, unit_id=unit_id)


def _unit_of(device: Device, issue_id: str) -> str:
    with device.store.read() as session:
        issue = session.get(Issue, issue_id)
        assert issue is not None
        return issue.unit_id


def _handed_to_two_units_apart(trio: dict[str, Device], tmp_path: Path) -> tuple[Issue, list[str]]:
    """The station hands an issue to units[1]; the laptop, not knowing, a minute later to
    units[2] (the later edit wins); then everyone exchanges bundles."""
    station, laptop = trio["station"], trio["laptop1"]
    issue = _issues(station)[0]
    units = _township_units(station)
    _hand_to(station, issue.id, units[1])
    later(laptop)
    _hand_to(laptop, issue.id, units[2])
    settle(trio, tmp_path)
    return issue, units


# -- joining ----------------------------------------------------------------------------------


def test_a_laptop_joins_with_the_stations_records_and_a_device_id_of_its_own(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    assert laptop.info.id == station.info.id
    assert laptop.info.device_id != station.info.device_id
    assert len(_issues(laptop)) == len(_issues(station)) == 3
    with laptop.store.read() as session:
        me = session.get(DeviceRow, laptop.info.device_id)
        assert me is not None and me.kind == DeviceKind.laptop and me.name == "laptop1"
    # The station hears of the laptop with its first bundle.
    exchange(laptop, station, tmp_path)
    with station.store.read() as session:
        status = sync_status(session=session, info=station.info)
    assert {p.name for p in status.peers} == {"laptop1"}
    assert status.peers[0].heard_from


def test_a_joining_bundle_needs_its_passphrase_and_makes_no_file_without_it(
    trio_template: Path, tmp_path: Path
) -> None:
    with pytest.raises(SyncRefused) as refused:
        join_station(
            bundle=trio_template / "join.bundle",
            db_path=tmp_path / "l.db",
            passphrase="not the passphrase",
            device_name="x",
            clock=_clock(),
        )
    assert refused.value.key == "sync.wrong_passphrase"
    assert not (tmp_path / "l.db").exists()


def test_only_the_station_makes_joining_bundles_and_only_under_a_long_passphrase(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    with pytest.raises(SyncRefused) as refused:
        export_join_bundle(
            store=laptop.store,
            db_path=tmp_path / "db" / "laptop1.db",
            out=tmp_path / "j",
            passphrase=PASSPHRASE,
        )
    assert refused.value.key == "sync.join_from_station"
    with pytest.raises(SyncRefused) as refused:
        export_join_bundle(
            store=station.store,
            db_path=tmp_path / "db" / "station.db",
            out=tmp_path / "j",
            passphrase="short",
        )
    assert refused.value.key == "sync.short_passphrase"
    assert not (tmp_path / "j").exists()


# -- the round trip ---------------------------------------------------------------------------


def test_visits_logged_on_a_laptop_reach_the_station_and_a_closure_comes_back(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    first = log_on(laptop.store, laptop.info, "桥头的垃圾桶满了没人清", phone="13911112222")
    second = log_on(laptop.store, laptop.info, "村口水渠堵塞", phone="13911113333")
    summary = exchange(laptop, station, tmp_path)
    assert summary.sender == "laptop1"
    assert summary.merge.by_table["visit"] == 2
    with station.store.read() as session:
        assert session.get(Visit, first.id) is not None
        assert session.get(Visit, second.id)
        # Derived data follows: the station's search finds the laptop's words.
        hits = search_visits(session=session, text="水渠", today=TODAY)
        assert [h.id for h in hits.items] == [second.id]
    issue = _issues(station)[0]
    with station.store.write(station.info.actor()) as session:
        close_issue(
            session=session,
            issue_id=issue.id,
            evaluation_in=EvaluationCreate(
                resolution=Resolution.resolved, satisfaction=Satisfaction.satisfied
            ),
        )
    back = exchange(station, laptop, tmp_path)
    assert back.merge.updated >= 1 and back.merge.by_table["evaluation"] == 1
    with laptop.store.read() as session:
        closed = session.get(Issue, issue.id)
        assert closed is not None and closed.status == IssueStatus.closed
    assert ledger(station.store) == ledger(laptop.store)


def test_the_same_bundle_twice_changes_nothing(trio: dict[str, Device], tmp_path: Path) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    log_on(laptop.store, laptop.info, "路灯不亮")
    bundle = tmp_path / "l.bundle"
    laptop.export(bundle)
    assert station.take(bundle).merge.new > 0
    before = ledger(station.store)
    again = station.take(bundle)
    assert again.merge.new == 0 and again.merge.known > 0
    assert ledger(station.store) == before


def test_a_bundle_carries_only_what_the_other_side_has_not_acknowledged(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    log_on(laptop.store, laptop.info, "一")
    first = laptop.export(tmp_path / "1.bundle")
    # Not yet acknowledged (the station's answer never came back): it goes again.
    log_on(laptop.store, laptop.info, "二")
    assert laptop.export(tmp_path / "2.bundle").changes > first.changes
    station.take(tmp_path / "2.bundle")
    exchange(station, laptop, tmp_path)
    log_on(laptop.store, laptop.info, "三")
    third = laptop.export(tmp_path / "3.bundle")
    assert third.changes == 1  # the third visit (its resident came before): nothing older
    assert laptop.export(tmp_path / "4.bundle", full=True).changes > 20


# -- concurrent edits -------------------------------------------------------------------------


def test_concurrent_edits_of_a_field_resolve_the_same_everywhere_and_keep_the_loser(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    issue, units = _handed_to_two_units_apart(trio, tmp_path)
    for device in trio.values():
        assert _unit_of(device, issue.id) == units[2]
        with device.store.read() as session:
            page = list_conflicts(session=session)
        assert [(c.field, c.lost_value, c.lost_device) for c in page.items] == [
            ("unit_id", units[1], "值班台")
        ]
    assert ledger(station.store) == ledger(trio["laptop2"].store) == ledger(laptop.store)


def test_a_knowing_overwrite_is_no_conflict(trio: dict[str, Device], tmp_path: Path) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    issue = _issues(station)[0]
    units = _township_units(station)
    _hand_to(station, issue.id, units[1])
    exchange(station, laptop, tmp_path)
    later(laptop)
    _hand_to(laptop, issue.id, units[2])  # the laptop saw the station's edit first
    settle(trio, tmp_path)
    for device in trio.values():
        assert _unit_of(device, issue.id) == units[2]
        with device.store.read() as session:
            assert count_conflicts(session=session) == 0


def test_a_conflict_answered_on_one_device_is_answered_on_all(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    issue, units = _handed_to_two_units_apart(trio, tmp_path)
    with station.store.read() as session:
        conflict = list_conflicts(session=session).items[0]
    later(station, 5)
    with station.store.write(station.info.actor()) as session:
        restore_lost(session=session, conflict_id=conflict.id)
    settle(trio, tmp_path)
    for device in trio.values():
        assert _unit_of(device, issue.id) == units[1]
        with device.store.read() as session:
            assert count_conflicts(session=session) == 0
    assert ledger(station.store) == ledger(laptop.store) == ledger(trio["laptop2"].store)


def test_keeping_the_winner_answers_the_conflict(trio: dict[str, Device], tmp_path: Path) -> None:
    laptop = trio["laptop1"]
    issue, units = _handed_to_two_units_apart(trio, tmp_path)
    with laptop.store.read() as session:
        conflict = list_conflicts(session=session).items[0]
    with laptop.store.write(laptop.info.actor()) as session:
        keep_current(session=session, conflict_id=conflict.id)
    settle(trio, tmp_path)
    for device in trio.values():
        assert _unit_of(device, issue.id) == units[2]
        with device.store.read() as session:
            assert count_conflicts(session=session) == 0


def test_an_answered_conflict_is_not_counted_again_by_a_later_import(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    """Issue 15: the import's summary (what `liaison sync import` prints) counted a conflict
    already answered as one to review, whenever a later change touched its record again."""
    from tui.sync_summary import import_summary_lines

    station, laptop = trio["station"], trio["laptop1"]
    issue, units = _handed_to_two_units_apart(trio, tmp_path)
    with station.store.read() as session:
        conflict = list_conflicts(session=session).items[0]
    with station.store.write(station.info.actor()) as session:
        keep_current(session=session, conflict_id=conflict.id)
    settle(trio, tmp_path)
    later(laptop, 5)
    _hand_to(laptop, issue.id, units[0])  # knowingly: the laptop has seen both edits
    summary = exchange(laptop, station, tmp_path)
    assert summary.merge.conflicts == 0
    assert [line.kind for line in import_summary_lines(summary)].count("conflicts") == 0
    with station.store.read() as session:
        assert count_conflicts(session=session) == 0


def test_an_edit_concurrent_with_a_deletion_leaves_it_deleted_and_the_edit_listed(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    day = TODAY + timedelta(days=3)
    with station.store.read() as session:
        from store.reference.lists import list_deputies

        deputies = [d.id for d in list_deputies(session=session)]
    with station.store.write(station.info.actor()) as session:
        shift_id = assign_shift(session=session, day=day, deputy_id=deputies[0])
    exchange(station, laptop, tmp_path)
    with station.store.write(station.info.actor()) as session:
        assert clear_shift(session=session, day=day) == 1
    later(laptop)
    with laptop.store.write(laptop.info.actor()) as session:
        shift = session.get(Shift, shift_id)
        assert shift is not None
        shift.handover_note = "路灯的事已交给城建办"
    settle(trio, tmp_path)
    for device in trio.values():
        with device.store.read() as session:
            shift = session.get(Shift, shift_id)
            assert shift is not None and shift.deleted_at is not None
            page = list_conflicts(session=session)
        assert [(c.field, c.deleted) for c in page.items] == [("handover_note", True)]


def test_appends_on_both_sides_never_conflict(trio: dict[str, Device], tmp_path: Path) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    issue = _issues(station)[0]
    for device in (station, laptop):
        with device.store.write(device.info.actor()) as session:
            add_progress(
                session=session,
                issue_id=issue.id,
                progress_in=ProgressCreate(
                    status=IssueStatus.handling, note=f"{device.name} 已电话联系"
                ),
            )
        log_on(device.store, device.info, f"{device.name} 记的来访")
    settle(trio, tmp_path)
    with station.store.read() as session:
        assert count_conflicts(session=session) == 0
    assert ledger(station.store) == ledger(laptop.store) == ledger(trio["laptop2"].store)


def test_calls_nobody_answered_on_two_devices_count_both_and_give_up(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    """Tries are appends: the station's and a laptop's, made apart, both count, and the station
    gives up at its third, whoever made the first two (issue 17, part 7)."""
    from store.desk.follow_up import list_unreachable, record_no_answer

    station, laptop = trio["station"], trio["laptop1"]
    issue = _issues(station)[0]
    with station.store.write(station.info.actor()) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    settle(trio, tmp_path)
    for device in (station, laptop):
        with device.store.write(device.info.actor()) as session:
            record_no_answer(session=session, issue_id=issue.id)
    settle(trio, tmp_path)
    with station.store.write(station.info.actor()) as session:
        assert record_no_answer(session=session, issue_id=issue.id).gave_up
    settle(trio, tmp_path)
    for device in trio.values():
        with device.store.read() as session:
            (row,) = list_unreachable(session=session, today=TODAY).items
            assert count_conflicts(session=session) == 0
        assert (row.issue_id, row.tries) == (issue.id, 3)
    assert ledger(station.store) == ledger(laptop.store) == ledger(trio["laptop2"].store)


def test_visits_linked_to_one_issue_on_two_devices_count_both(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    from store.desk.triage import link_visit

    station, laptop = trio["station"], trio["laptop1"]
    issue = _issues(station)[0]
    for device in (station, laptop):
        visit = log_on(device.store, device.info, "同一件事又来问", phone="13812345678")
        with device.store.write(device.info.actor()) as session:
            link_visit(session=session, visit_id=visit.id, issue_id=issue.id)
    settle(trio, tmp_path)
    for device in trio.values():
        with device.store.read() as session:
            merged = session.get(Issue, issue.id)
            assert merged is not None and merged.visit_count == 3


# -- clocks -----------------------------------------------------------------------------------


def test_a_laptop_clock_days_ahead_is_clamped_and_cannot_win_over_later_edits(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    issue = _issues(station)[0]
    units = _township_units(station)
    laptop.clock.advance(timedelta(days=3))  # its clock is wrong
    _hand_to(laptop, issue.id, units[2])
    summary = exchange(laptop, station, tmp_path)
    assert summary.clock_ahead == ("laptop1",)
    assert _unit_of(station, issue.id) == units[2]
    # The station's next edit, an hour later, wins: the laptop's stamp was clamped to the
    # station's clock instead of pinning the field for three days.
    later(station, 60)
    _hand_to(station, issue.id, units[1])
    with station.store.read() as session:
        newest = session.exec(
            select(ChangeLog)
            .where(ChangeLog.device_id == station.info.device_id)
            .order_by(col(ChangeLog.hlc).desc())
        ).first()
    assert (
        newest is not None and int(newest.hlc[:15]) < (NOW + timedelta(days=1)).timestamp() * 1000
    )
    settle(trio, tmp_path)
    for device in trio.values():
        assert _unit_of(device, issue.id) == units[1]
    assert ledger(station.store) == ledger(laptop.store) == ledger(trio["laptop2"].store)


def test_once_the_clock_is_set_right_imports_stop_saying_it_is_ahead(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    """Issue 15: after a fast-clock episode every import kept saying the laptop's clock was
    ahead. Its stamps stay ahead after the clock is set right (a device's stamps never go back,
    store.changelog.changes.latest_hlc), so the station still orders them by its own clock; but
    what the laptop writes with a right clock is not reported as a clock ahead."""
    station, laptop = trio["station"], trio["laptop1"]
    issue = _issues(station)[0]
    units = _township_units(station)
    laptop.clock.advance(timedelta(days=3))
    _hand_to(laptop, issue.id, units[2])
    assert exchange(laptop, station, tmp_path).clock_ahead == ("laptop1",)
    laptop.clock.advance(timedelta(days=-3))  # set right
    later(laptop, 60)
    _hand_to(laptop, issue.id, units[0])
    summary = exchange(laptop, station, tmp_path)
    assert summary.clock_ahead == ()
    # Its new stamp follows its earlier ones, three days ahead: still ordered by the station's.
    assert summary.merge.clamped_devices == (laptop.info.device_id,)
    assert _unit_of(station, issue.id) == units[0]
    settle(trio, tmp_path)
    assert ledger(station.store) == ledger(laptop.store) == ledger(trio["laptop2"].store)


# -- refusals ---------------------------------------------------------------------------------


@pytest.fixture
def bundle(trio: dict[str, Device], tmp_path: Path) -> Path:
    laptop = trio["laptop1"]
    log_on(laptop.store, laptop.info, "要带回联络站的来访")
    out = tmp_path / "laptop.bundle"
    laptop.export(out)
    return out


def _refused(device: Device, path: Path, key: str, **options: object) -> None:
    before = ledger(device.store)
    with pytest.raises(SyncRefused) as refused:
        device.take(path, **options)
    assert refused.value.key == key
    assert ledger(device.store) == before


@pytest.mark.parametrize("where", [0.3, 0.6, 0.99])
def test_an_altered_byte_is_refused(
    trio: dict[str, Device], bundle: Path, tmp_path: Path, where: float
) -> None:
    data = bytearray(bundle.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    altered = tmp_path / "altered.bundle"
    altered.write_bytes(bytes(data))
    _refused(trio["station"], altered, "sync.damaged")


def test_an_altered_header_is_refused(
    trio: dict[str, Device], bundle: Path, tmp_path: Path
) -> None:
    data = bundle.read_bytes()
    altered = tmp_path / "altered.bundle"
    altered.write_bytes(data.replace(b'"kdf": "station"', b'"kdf": "stationX"', 1))
    _refused(trio["station"], altered, "sync.damaged")


@pytest.mark.parametrize("keep", [0.5, 0.9, 20])
def test_a_truncated_bundle_is_refused(
    trio: dict[str, Device], bundle: Path, tmp_path: Path, keep: float
) -> None:
    data = bundle.read_bytes()
    cut = tmp_path / "cut.bundle"
    cut.write_bytes(data[: int(keep if keep > 1 else len(data) * keep)])
    _refused(trio["station"], cut, "sync.damaged")


def test_a_file_that_is_no_bundle_is_refused(trio: dict[str, Device], tmp_path: Path) -> None:
    other = tmp_path / "photo.jpg"
    other.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 100)
    _refused(trio["station"], other, "sync.not_bundle")
    assert MAGIC not in other.read_bytes()


def test_a_bundle_from_another_station_is_refused(trio: dict[str, Device], tmp_path: Path) -> None:
    other = StationIn(name="东塘镇联络站", township="东塘镇", county="临溪县")
    path = tmp_path / "other.db"
    init_station(engine_path=path, station=other, clock=_clock())
    store = open_store(path, clock=_clock())
    try:
        from store.sync.exchange import export_bundle

        export_bundle(store=store, out=tmp_path / "other.bundle")
    finally:
        store.dispose()
    _refused(trio["station"], tmp_path / "other.bundle", "sync.other_station")


def test_a_foreign_bundle_claiming_this_station_is_refused(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    """Another station's bundle with this station's id written into its header: its key gives
    it away."""
    other = StationIn(name="东塘镇联络站", township="东塘镇", county="临溪县")
    path = tmp_path / "other.db"
    init_station(engine_path=path, station=other, clock=_clock())
    store = open_store(path, clock=_clock())
    try:
        from store.station import load_station
        from store.sync.exchange import export_bundle

        foreign_id = load_station(store).id
        export_bundle(store=store, out=tmp_path / "other.bundle")
    finally:
        store.dispose()
    data = (tmp_path / "other.bundle").read_bytes()
    forged = data.replace(foreign_id.encode(), trio["station"].info.id.encode(), 1)
    (tmp_path / "forged.bundle").write_bytes(forged)
    _refused(trio["station"], tmp_path / "forged.bundle", "sync.wrong_key")


def test_a_wrong_or_missing_passphrase_is_refused(trio: dict[str, Device], tmp_path: Path) -> None:
    laptop, station = trio["laptop1"], trio["station"]
    log_on(laptop.store, laptop.info, "口令保护的来访")
    out = tmp_path / "locked.bundle"
    laptop.export(out, passphrase="村里的口令 2026")
    _refused(station, out, "sync.wrong_passphrase", passphrase="别的口令 2026")
    _refused(station, out, "sync.need_passphrase")
    assert station.take(out, passphrase="村里的口令 2026").merge.by_table["visit"] == 1


def test_a_bundle_leaks_no_resident_data(
    trio: dict[str, Device], trio_template: Path, tmp_path: Path
) -> None:
    laptop = trio["laptop1"]
    log_on(laptop.store, laptop.info, "张家的违建挡住了消防通道", phone="13966667777")
    out = tmp_path / "l.bundle"
    laptop.export(out, full=True)
    joining = (trio_template / "join.bundle").read_bytes()
    for data in (out.read_bytes(), joining):
        for secret in ("13966667777", "13800000000", "消防通道", "路灯不亮", "王阿姨"):
            assert secret.encode() not in data


def _clock() -> FrozenClock:
    return FrozenClock(NOW)


def test_own_bundle_is_refused(trio: dict[str, Device], bundle: Path) -> None:
    _refused(trio["laptop1"], bundle, "sync.own_bundle")


def test_status_counts_what_each_peer_lacks(trio: dict[str, Device], tmp_path: Path) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    exchange(laptop, station, tmp_path)
    exchange(station, laptop, tmp_path)
    log_on(station.store, station.info, "新来访")
    with station.store.read() as session:
        status = sync_status(session=session, info=station.info)
    assert [(p.name, p.pending) for p in status.peers] == [("laptop1", 2)]


def test_a_county_hub_shows_a_stations_conflict_and_answers_none(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    """The station's conflict reaches the hub with its push; answered there (nobody on duty),
    the answer would come back to the station with `sync pull`: the hub's store refuses both
    answers and writes nothing."""
    station = trio["station"]
    _handed_to_two_units_apart(trio, tmp_path)
    clock = FrozenClock(NOW, tz="Asia/Shanghai")
    init_hub(target=tmp_path / "hub.db", county="临溪县", clock=clock)
    hub, info = open_hub(tmp_path / "hub.db", clock=clock)
    try:
        push_to_hub(station=station.store, hub=hub)
        with hub.read() as session:
            conflict = list_conflicts(session=session).items[0]
        for answer in (keep_current, restore_lost):
            with pytest.raises(HubRefused) as refused, hub.write(info.actor()) as session:
                answer(session=session, conflict_id=conflict.id)
            assert refused.value.key == "error.hub_no_conflicts"
        with hub.read() as session:
            assert count_conflicts(session=session) == 1
            assert session.exec(select(ConflictResolution)).all() == []
    finally:
        hub.dispose()
