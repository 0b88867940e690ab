"""Fixtures for the headless screen tests: the desk on the small station or on a demo copy.

The app runs on the same real SQLite file the test reads back; nothing is mocked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from county_desk import county_hub, county_stations  # noqa: F401 (the hub's desk: fixtures)
from small_station import Refs

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.duty.dashboard import start_duty
from store.station import load_station, open_store
from tui.app import LiaisonApp, make_app

DEPUTY = "沈国强"


@pytest.fixture
def rostered(store: Store, actor: Actor, refs: Refs) -> str:
    """沈国强 is rostered for today, so the app puts him on duty without asking."""
    deputy_id: str = refs.deputies[DEPUTY]
    with store.write(actor) as session:
        start_duty(session=session, deputy_id=deputy_id)
    return deputy_id


@pytest.fixture
def desk(store: Store, rostered: str) -> LiaisonApp:
    """The app on the small station with one deputy rostered today."""
    return make_app(store, load_station(store))


@pytest.fixture
def demo_store(demo_copy_path: Path, clock: FrozenClock) -> Iterator[Store]:
    """A private copy of the session's demo station (600 visits) on the frozen clock."""
    opened = open_store(demo_copy_path, clock=clock)
    yield opened
    opened.dispose()


@pytest.fixture
def demo_desk(demo_store: Store) -> LiaisonApp:
    """The app on the demo copy; the demo roster has one deputy on duty every day."""
    return make_app(demo_store, load_station(demo_store))


@pytest.fixture
def prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The station's prints/ folder (slips, records), beside its database `station.db`; the
    user's data dir under the test's tmp dir."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))
    return tmp_path / "station.db.files" / "prints"
