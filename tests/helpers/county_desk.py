"""The desk opened on a county hub (a SQLite file: store.sync.hub makes one for trials) that the
two stations of hub_fixture pushed to: the county's dashboard's screen tests and snapshot. The
stations are built once a session and copied for each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hub_fixture import COUNTY, STATION_A, STATION_B, build_station
from small_station import NOW

from store.core.clock import FrozenClock
from store.db import Store
from store.station import StationInfo, load_station, open_store
from store.sync.hub import init_hub, open_hub, push_to_hub
from store.trust.backup import backup_to


@dataclass(frozen=True)
class Hub:
    store: Store
    info: StationInfo
    a: StationInfo
    b: StationInfo


@pytest.fixture(scope="session")
def county_stations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("county-desk")
    build_station(directory / "a.db", STATION_A, extra=False)
    build_station(directory / "b.db", STATION_B, extra=True)
    return directory


def make_hub(
    county_stations: Path, tmp_path: Path, before_push: Callable[[Store], None] | None = None
) -> Hub:
    """A hub file that copies of the two stations pushed to, open on the frozen clock; each
    copy first goes through `before_push` (what a test has its station do)."""
    clock = FrozenClock(NOW, tz="Asia/Shanghai")
    init_hub(target=tmp_path / "hub.db", county=COUNTY, clock=clock)
    hub, info = open_hub(tmp_path / "hub.db", clock=clock)
    stations = []
    for name in ("a.db", "b.db"):
        station = open_store(backup_to(county_stations / name, tmp_path / name), clock=clock)
        try:
            if before_push is not None:
                before_push(station)
            push_to_hub(station=station, hub=hub)
            stations.append(load_station(station))
        finally:
            station.dispose()
    return Hub(hub, info, *stations)


@pytest.fixture
def county_hub(county_stations: Path, tmp_path: Path) -> Iterator[Hub]:
    """A hub file the two stations pushed to, open on the frozen clock."""
    hub = make_hub(county_stations, tmp_path)
    yield hub
    hub.store.dispose()
