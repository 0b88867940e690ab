"""The hash chain anchored outside the device (issue 15, part 2; spec §9): a device that
rewrites its whole log, every link computed again, passes its own check, but the devices that
witnessed its chain name it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from small_station import NOW, SMALL_STATION
from sqlalchemy import text
from sync_helpers import Device, close_trio, exchange, log_on, make_trio, open_trio

from store.changelog.chain import seal_new_entries
from store.db import Store
from store.trust.check import check_database


@pytest.fixture(scope="module")
def trio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trio(tmp_path_factory.mktemp("trio"), SMALL_STATION, NOW)


@pytest.fixture
def trio(trio_template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(trio_template, tmp_path / "db", NOW)
    yield devices
    close_trio(devices)


def rewrite_whole_log(store: Store) -> None:
    """What a forger with the sqlite3 tool and the chain's code would do: edit an old entry,
    then compute every link again, so that the device's own check passes."""
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE change_log SET fields = replace(fields, '路灯', '水管')"
                " WHERE seq = (SELECT min(seq) FROM change_log WHERE fields LIKE '%路灯%')"
            )
        )
        conn.execute(text("UPDATE change_log SET chain = NULL"))
        seal_new_entries(conn, 0)


def _keys(store: Store) -> set[str]:
    return {f.key for f in check_database(engine=store.engine).findings}


def test_exchanges_between_honest_devices_leave_nothing_to_report(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    for n in range(3):
        log_on(laptop.store, laptop.info, f"第{n}次下村记的")
        assert not exchange(laptop, station, tmp_path).chain_rewritten
        assert not exchange(station, laptop, tmp_path).chain_rewritten
    assert check_database(engine=station.store.engine).ok
    assert check_database(engine=laptop.store.engine).ok


def test_a_laptop_that_rewrote_its_whole_log_is_named_by_its_station(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    log_on(laptop.store, laptop.info, "村口路灯坏了")
    exchange(laptop, station, tmp_path)  # the station witnesses the laptop's head
    exchange(station, laptop, tmp_path)  # and tells it which head it holds
    rewrite_whole_log(laptop.store)
    assert "check.chain_broken" not in _keys(laptop.store)  # its own chain is consistent
    summary = exchange(laptop, station, tmp_path)
    assert summary.chain_rewritten
    findings = check_database(engine=station.store.engine).findings
    named = [f for f in findings if f.key == "check.chain_witness"]
    assert [f.params["device"] for f in named] == ["laptop1"]


def test_a_station_that_rewrote_its_whole_log_is_named_by_the_hub(
    trio: dict[str, Device], tmp_path: Path, pg_url_factory: Callable[[], str]
) -> None:
    from store.core.clock import FrozenClock
    from store.station import open_store
    from store.sync.hub import init_hub, push_to_hub

    station = trio["station"]
    url = pg_url_factory()
    init_hub(target=url, county="临溪县", clock=FrozenClock(NOW))
    hub = open_store(url, clock=FrozenClock(NOW))
    try:
        push_to_hub(station=station.store, hub=hub)
        log_on(station.store, station.info, "站里又记一条路灯")
        push_to_hub(station=station.store, hub=hub)
        assert "check.chain_witness" not in _keys(hub)
        rewrite_whole_log(station.store)
        push_to_hub(station=station.store, hub=hub)
        assert "check.chain_witness" in _keys(hub)
    finally:
        hub.dispose()
