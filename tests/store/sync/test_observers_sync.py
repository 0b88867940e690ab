"""Observers and points across devices: an observer, a trade point and a visit through them made
on a laptop reach the station and the county hub (SQLite and PostgreSQL), where the visit is
counted; an observer purged at the station loses name and phone on the laptop and the hub too,
their change logs redacted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from small_station import NOW, SMALL_STATION, STATION_TZ
from sqlalchemy import text
from sync_helpers import Device, close_trio, exchange, log_on, open_trio

from store.core.clock import FrozenClock
from store.core.models import Channel, ObserverGroup, PointKind
from store.db import Store
from store.observers.figures import observer_figures
from store.observers.observers import ObserverForm, add_observer, retire_observer
from store.observers.points import PointForm, add_point
from store.observers.retention import purge_observers
from store.reference.lists import list_deputies
from store.reports.stats import Period
from store.sync.hub import init_hub, open_hub, push_to_hub

PHONE, GONE_PHONE = "13911110000", "13922220000"


@pytest.fixture
def trio(trio_template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(trio_template, tmp_path / "db", NOW)
    yield devices
    close_trio(devices)


def _holds(store: Store, secret: str) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM change_log WHERE fields LIKE :s"), {"s": f"%{secret}%"}
            ).scalar_one()
        )


def _counted(store: Store, station_id: str | None = None) -> list[tuple[str, int]]:
    with store.read() as session:
        figures = observer_figures(
            session=session,
            period=Period.parse_quarter("2026Q4"),
            tz=STATION_TZ,
            station_id=station_id,
        )
    return [(o.name, o.visits) for o in figures.observers] + [
        (p.name, p.visits) for p in figures.points
    ]


@pytest.mark.parametrize("hub_kind", ["sqlite", "postgresql"])
def test_observers_travel_and_their_purge_follows(
    trio: dict[str, Device], tmp_path: Path, request: pytest.FixtureRequest, hub_kind: str
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    with laptop.store.write(laptop.info.actor()) as session:
        deputy = list_deputies(session=session)[0].id
        point = add_point(
            session=session, form=PointForm("快递驿站", "镇北路3号", kind=PointKind.courier)
        )
        observer = add_observer(
            session=session,
            form=ObserverForm(
                "钱师傅",
                phone=PHONE,
                group=ObserverGroup.new_employment,
                deputy_id=deputy,
                point_id=point.id,
            ),
        )
        gone = add_observer(
            session=session,
            form=ObserverForm("冯老伯", phone=GONE_PHONE, appointed_on=date(2020, 1, 1)),
        )
        retire_observer(session=session, observer_id=gone.id, day=date(2020, 6, 1))
    log_on(
        laptop.store,
        laptop.info,
        "快递小哥反映园区门口路灯不亮",
        channel=Channel.observer,
        observer_id=observer.id,
        point_id=point.id,
    )
    exchange(laptop, station, tmp_path)
    assert ("钱师傅", 1) in _counted(station.store) and ("快递驿站", 1) in _counted(station.store)

    # 冯老伯 left in 2020 with nothing through him: purged at the station five years on.
    with station.store.write(station.info.actor()) as session:
        assert purge_observers(session=session, today=date(2026, 11, 24)) == (1, 1)
    exchange(station, laptop, tmp_path)
    for device in (station, laptop):
        assert _holds(device.store, GONE_PHONE) == 0 and _holds(device.store, "冯老伯") == 0
        assert _holds(device.store, PHONE) == 1

    if hub_kind == "sqlite":
        target: Path | str = tmp_path / "hub.db"
    else:
        make: Callable[[], str] = request.getfixturevalue("pg_url_factory")
        target = make()
    init_hub(target=target, county=SMALL_STATION.county, clock=FrozenClock(NOW))
    hub, _info = open_hub(target, clock=FrozenClock(NOW))
    try:
        push_to_hub(station=station.store, hub=hub)
        assert ("钱师傅", 1) in _counted(hub, station.info.id)
        assert _holds(hub, GONE_PHONE) == 0
        with hub.engine.connect() as conn:
            assert conn.execute(
                text("SELECT name, phone FROM observer WHERE id = :id"), {"id": gone.id}
            ).one() == ("", "")
    finally:
        hub.dispose()
