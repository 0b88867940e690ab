"""A laptop put back to an earlier state loses nothing (issue 15, part 1; spec §9: a device never
issues a stamp it issued before).

What was seen: back up a laptop, log visit V1, sync both ways, restore the backup, log V2: V1
never came back to the laptop (only `--full` brought it), and when the laptop's clock had run
ahead V2 took V1's very stamp, `sync export` wrote 0 changes and V2 never reached the station.
Here: restored by `liaison restore` and by copying the file back, with a correct clock and with
one that had run ahead, syncing laptop first or station first: V1 and V2 end on both devices,
and the check passes on both."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from small_station import NOW, SMALL_STATION
from sqlmodel import select
from sync_helpers import Device, close_trio, exchange, log_on, make_trio, open_trio

from store.core.models import ChangeLog, Visit
from store.station import load_station, open_store
from store.sync.identity import restore_as_new_device
from store.trust.backup import backup_to
from store.trust.check import check_database


@pytest.fixture(scope="module")
def trio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trio(tmp_path_factory.mktemp("trio"), SMALL_STATION, NOW)


@pytest.fixture
def trio(trio_template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(trio_template, tmp_path / "db", NOW)
    yield devices
    close_trio(devices)


def _texts(device: Device) -> set[str]:
    with device.store.read() as session:
        return {v.text for v in session.exec(select(Visit)).all()}


def _sync(a: Device, b: Device, directory: Path) -> None:
    exchange(a, b, directory)
    b.info = load_station(b.store)
    exchange(b, a, directory)
    a.info = load_station(a.store)


def _reopen(device: Device, path: Path) -> None:
    device.store = open_store(path, clock=device.clock)
    device.info = load_station(device.store)


def _put_back(device: Device, backup: Path, how: str) -> None:
    path = Path(str(device.store.engine.url.database))
    device.store.dispose()
    if how == "restore":
        restore_as_new_device(backup=backup, target=path, clock=device.clock)
    else:  # a copy of the old file put in place by hand (cp)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copy(backup, path)
    _reopen(device, path)


@pytest.mark.parametrize("how", ["restore", "cp"])
@pytest.mark.parametrize("clock", ["correct", "ahead"])
@pytest.mark.parametrize("first", ["laptop", "station"])
def test_a_laptop_put_back_in_time_loses_nothing(
    trio: dict[str, Device], tmp_path: Path, how: str, clock: str, first: str
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    out = tmp_path / "bundles"
    if clock == "ahead":
        # The laptop's clock runs two days ahead: what it writes is stamped in the future.
        laptop.clock.advance(timedelta(days=2))
        log_on(laptop.store, laptop.info, "钟快时记的一条")
    _sync(laptop, station, out)
    backup = backup_to(Path(str(laptop.store.engine.url.database)), tmp_path / "laptop-backup.db")

    log_on(laptop.store, laptop.info, "V1 备份之后记的来访")
    _sync(laptop, station, out)
    assert "V1 备份之后记的来访" in _texts(station)

    _put_back(laptop, backup, how)
    if clock == "correct":
        laptop.clock.advance(timedelta(hours=1))
    log_on(laptop.store, laptop.info, "V2 恢复之后记的来访")

    for _ in range(2):
        if first == "laptop":
            _sync(laptop, station, out)
        else:
            _sync(station, laptop, out)

    for device in (station, laptop):
        texts = _texts(device)
        assert "V1 备份之后记的来访" in texts, device.name
        assert "V2 恢复之后记的来访" in texts, device.name
        report = check_database(engine=device.store.engine)
        assert report.ok, (device.name, report.findings)


def test_liaison_restore_continues_under_a_new_device_id(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    laptop = trio["laptop1"]
    old_id = laptop.info.device_id
    backup = backup_to(Path(str(laptop.store.engine.url.database)), tmp_path / "backup.db")
    _put_back(laptop, backup, "restore")
    assert laptop.info.device_id != old_id
    row = log_on(laptop.store, laptop.info, "恢复后的第一条")
    with laptop.store.read() as session:
        stamps = session.exec(select(ChangeLog.device_id).where(ChangeLog.row_id == row.id)).all()
    assert set(stamps) == {laptop.info.device_id}


def test_a_copy_put_back_takes_a_new_id_when_it_meets_its_station(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    out = tmp_path / "bundles"
    backup = backup_to(Path(str(laptop.store.engine.url.database)), tmp_path / "backup.db")
    log_on(laptop.store, laptop.info, "备份之后")
    _sync(laptop, station, out)
    old_id = laptop.info.device_id
    _put_back(laptop, backup, "cp")
    assert laptop.info.device_id == old_id  # a copy cannot be told from the original yet
    exchange(station, laptop, out)
    summary = exchange(station, laptop, out)
    assert load_station(laptop.store).device_id != old_id
    assert summary is not None


def test_a_restored_station_gets_back_what_its_laptops_hold(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    out = tmp_path / "bundles"
    path = Path(str(station.store.engine.url.database))
    backup = backup_to(path, tmp_path / "station-backup.db")
    log_on(station.store, station.info, "站里备份之后记的")
    _sync(station, laptop, out)
    _put_back(station, backup, "restore")
    log_on(station.store, station.info, "站里恢复之后记的")
    for _ in range(2):
        _sync(laptop, station, out)
    for device in (station, laptop):
        assert {"站里备份之后记的", "站里恢复之后记的"} <= _texts(device), device.name
