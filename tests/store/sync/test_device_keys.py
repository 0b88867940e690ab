"""A key per laptop, revocable (issue 15, part 5; spec §9: each laptop signs its bundles with a key
of its own; the station can retire a laptop, after which its bundles are refused).

What was seen: every laptop held the station's key for ever. A lost laptop whose passphrase was
known could read every bundle, forge bundles in the name of any device, and there was no way to
retire it. Here, one test per step of that: a bundle forged with the station's key in another
laptop's name is refused; a retired laptop's next bundle is refused with one line while what it
sent before stays; the station's next bundle cannot be read with the retired laptop's file; and
the other laptops learn of the retirement and refuse it too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from small_station import NOW, SMALL_STATION
from sqlmodel import select
from sync_helpers import Device, close_trio, exchange, later, log_on, make_trio, open_trio, settle

from store.core.errors import SyncRefused
from store.core.models import Visit
from store.sync.bundle import open_bundle, seal_bundle
from store.sync.exchange import station_key

pytestmark = pytest.mark.xfail(strict=True, reason="issue 15 part 5: device keys not built yet")


@pytest.fixture(scope="module")
def trio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trio(tmp_path_factory.mktemp("trio-keys"), SMALL_STATION, NOW)


@pytest.fixture
def trio(trio_template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(trio_template, tmp_path / "db", NOW)
    yield devices
    close_trio(devices)


def _texts(device: Device) -> set[str]:
    with device.store.read() as session:
        return {v.text for v in session.exec(select(Visit)).all()}


def _key_of(device: Device) -> bytes:
    with device.store.read() as session:
        key = station_key(session=session)
    assert key is not None
    return key


def _retire(station: Device, name: str) -> None:
    from store.sync.device_keys import retire_device

    retire_device(store=station.store, name=name)


def test_a_bundle_forged_with_the_station_key_in_another_laptops_name_is_refused(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    """The thief of laptop1 holds the station's key: it reseals laptop1's bundle as laptop2's."""
    station, thief, victim = trio["station"], trio["laptop1"], trio["laptop2"]
    settle(trio, tmp_path)  # the station has heard from both laptops
    log_on(thief.store, thief.info, "冒充二号笔记本记的一件事")
    own = tmp_path / "thief.bundle"
    thief.export(own, to=station.info.device_id)
    header, payload, _ = open_bundle(own.read_bytes(), station_key=_key_of(thief), passphrase=None)
    forged = tmp_path / "forged.bundle"
    forged.write_bytes(
        seal_bundle(
            payload,
            station_id=header.station_id,
            device_id=victim.info.device_id,
            station_key=_key_of(thief),
            passphrase=None,
        )
    )
    with pytest.raises(SyncRefused):
        station.take(forged)
    assert "冒充二号笔记本记的一件事" not in _texts(station)


def test_a_retired_laptops_next_bundle_is_refused_and_what_it_sent_before_stays(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, lost = trio["station"], trio["laptop1"]
    log_on(lost.store, lost.info, "丢之前记的")
    exchange(lost, station, tmp_path)
    _retire(station, "laptop1")
    later(lost)
    log_on(lost.store, lost.info, "丢了以后有人记的")
    out = tmp_path / "after.bundle"
    lost.export(out, to=station.info.device_id)
    with pytest.raises(SyncRefused) as refused:
        station.take(out)
    assert refused.value.key == "sync.retired"
    assert "丢之前记的" in _texts(station)
    assert "丢了以后有人记的" not in _texts(station)


def test_the_stations_next_bundle_cannot_be_read_with_the_retired_laptops_file(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, lost, kept = trio["station"], trio["laptop1"], trio["laptop2"]
    settle(trio, tmp_path)
    _retire(station, "laptop1")
    log_on(station.store, station.info, "停用以后站里记的")
    out = tmp_path / "station.bundle"
    station.export(out)
    # With every key the lost laptop's file holds, as the desk reads it and as a thief would.
    with pytest.raises(SyncRefused):
        lost.take(out)
    with pytest.raises(SyncRefused):
        open_bundle(out.read_bytes(), station_key=_key_of(lost), passphrase=None)
    assert "停用以后站里记的" not in _texts(lost)
    kept.take(out)
    assert "停用以后站里记的" in _texts(kept)


def test_the_retirement_reaches_the_other_laptops_which_refuse_it_too(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, lost, kept = trio["station"], trio["laptop1"], trio["laptop2"]
    settle(trio, tmp_path)
    _retire(station, "laptop1")
    exchange(station, kept, tmp_path)
    later(lost)
    log_on(lost.store, lost.info, "直接拷给二号笔记本的")
    out = tmp_path / "lost-to-kept.bundle"
    lost.export(out, to=kept.info.device_id)
    with pytest.raises(SyncRefused) as refused:
        kept.take(out)
    assert refused.value.key == "sync.retired"
