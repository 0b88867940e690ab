"""Telling residents (告知) across a station and its laptops: a notice made on a laptop reaches
the station as the same notice (never a second one), a telling recorded on either side shows on
both, and the same change made on two devices while apart queues one notice, in no conflict,
whose telling on one of them stands."""

from __future__ import annotations

from pathlib import Path

from small_station import TODAY
from sqlmodel import col, select
from sync_helpers import Device, exchange, later, ledger, log_on

from store.core.models import MoveReason, Notice, NoticeEvent, NoticeWay, Tier
from store.desk.issue_page import get_issue
from store.desk.issues import close_issue
from store.desk.moves import move_issue
from store.desk.notices import NoticeRow, list_notices, record_told
from store.desk.triage import open_issue
from store.reference.lists import list_units
from store.sync.conflicts import count_conflicts


def _listed(device: Device) -> list[NoticeRow]:
    with device.store.read() as session:
        return list(list_notices(session=session, today=TODAY).items)


def _tell(device: Device, row: NoticeRow, way: NoticeWay) -> None:
    with device.store.write(device.info.actor()) as session:
        record_told(session=session, notice_id=row.id, way=way)


def _close(device: Device, issue_id: str) -> None:
    with device.store.write(device.info.actor()) as session:
        close_issue(session=session, issue_id=issue_id, evaluation_in=None)


def _told(device: Device, issue_id: str) -> list[tuple[object, ...]]:
    with device.store.read() as session:
        timeline = get_issue(session=session, issue_id=issue_id, today=TODAY).timeline
    return [(e.at, e.resident, e.event, e.way) for e in timeline if e.kind == "told"]


def _triaged_on(device: Device, phone: str) -> str:
    row = log_on(device.store, device.info, "村口路灯坏了", phone=phone)
    with device.store.write(device.info.actor()) as session:
        unit = next(u for u in list_units(session=session) if u.tier == Tier.township)
        return open_issue(session=session, visit_id=row.id, unit_id=unit.id).id


def test_a_laptops_notice_is_the_stations_and_both_see_each_telling(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    issue_id = _triaged_on(laptop, "13812341234")
    [queued] = _listed(laptop)
    exchange(laptop, station, tmp_path)
    # The same notice, once, at the station.
    assert _listed(station) == [queued]
    later(station)
    _tell(station, queued, NoticeWay.phone)
    later(station)
    _close(station, issue_id)
    exchange(station, laptop, tmp_path)
    # The laptop hears it was told, and has the closure to tell.
    [closure] = _listed(laptop)
    assert closure.event == NoticeEvent.closed
    # Told after the station's telling, by the laptop's clock too (each device has its own: at
    # one minute each, the two tellings had the same instant and their order was the ids').
    later(laptop, 5)
    _tell(laptop, closure, NoticeWay.sms)
    exchange(laptop, station, tmp_path)
    assert _listed(station) == _listed(laptop) == []
    assert _told(station, issue_id) == _told(laptop, issue_id)
    assert [(e[2], e[3]) for e in _told(station, issue_id)] == [
        (NoticeEvent.triaged, NoticeWay.phone),
        (NoticeEvent.closed, NoticeWay.sms),
    ]
    with station.store.read() as session:
        assert len(session.exec(select(Notice)).all()) == 2
    assert ledger(station.store)["notice"] == ledger(laptop.store)["notice"]


def test_a_closure_made_on_two_devices_apart_queues_one_notice(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    issue_id = _triaged_on(station, "13812341234")
    exchange(station, laptop, tmp_path)
    later(station)
    _close(station, issue_id)
    later(laptop, 2)
    _close(laptop, issue_id)
    exchange(laptop, station, tmp_path)
    exchange(station, laptop, tmp_path)
    for device in (station, laptop):
        with device.store.read() as session:
            occasions = session.exec(select(Notice.occasion).order_by(col(Notice.occasion))).all()
            assert occasions == ["closed/1", "triaged"]
            # The two closures' notices are one record, with nothing of it in conflict.
            assert count_conflicts(session=session) == 0
    assert [r.event for r in _listed(station)] == [NoticeEvent.closed]
    assert _listed(station) == _listed(laptop)


def _move_up(device: Device, issue_id: str) -> None:
    with device.store.write(device.info.actor()) as session:
        unit = next(u for u in list_units(session=session) if u.tier == Tier.county)
        move_issue(
            session=session,
            issue_id=issue_id,
            tier=Tier.county,
            unit_id=unit.id,
            reason=MoveReason.beyond_capacity,
        )


def test_a_telling_stands_when_the_same_notice_is_queued_later_elsewhere(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    issue_id = _triaged_on(station, "13812341234")
    _tell(station, _listed(station)[0], NoticeWay.phone)
    exchange(station, laptop, tmp_path)
    later(station)
    _move_up(station, issue_id)
    [moved] = _listed(station)
    later(station)
    _tell(station, moved, NoticeWay.sms)
    # The laptop escalates it too, apart, after the station's telling: the same notice.
    later(laptop, 5)
    _move_up(laptop, issue_id)
    exchange(laptop, station, tmp_path)
    exchange(station, laptop, tmp_path)
    # The telling stands (it had gone back on the list: the laptop's creation of the notice,
    # stamped later, wrote "not told" over it), and nothing is in conflict.
    assert _listed(station) == _listed(laptop) == []
    for device in (station, laptop):
        told = [(e[2], e[3]) for e in _told(device, issue_id)]
        assert told == [(NoticeEvent.triaged, NoticeWay.phone), (NoticeEvent.moved, NoticeWay.sms)]
        with device.store.read() as session:
            assert count_conflicts(session=session) == 0
    assert ledger(station.store)["notice"] == ledger(laptop.store)["notice"]
