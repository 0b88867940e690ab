"""A key per laptop, revocable (issue 15, part 5; spec §9: each laptop signs its bundles with a key
of its own; the station can retire a laptop, after which its bundles are refused).

What was seen: every laptop held the station's key for ever. A lost laptop whose passphrase was
known could read every bundle, forge bundles in the name of any device, and there was no way to
retire it. Here, one test per step of that: a bundle forged with the station's key in another
laptop's name is refused; a retired laptop's next bundle is refused with one line while what it
sent before stays; the station's next bundle cannot be read with the retired laptop's file; and
the other laptops learn of the retirement and refuse it too."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from small_station import NOW, SMALL_STATION
from sqlmodel import select
from sync_helpers import (
    PASSPHRASE,
    Device,
    close_trio,
    exchange,
    later,
    log_on,
    make_trio,
    open_trio,
    settle,
)

from store.core.errors import SyncRefused
from store.core.models import Device as DeviceRow
from store.core.models import Visit
from store.station import load_station, open_store
from store.sync.bundle import open_bundle, seal_bundle, seal_signed_bundle
from store.sync.device_keys import (
    OwnKeys,
    StationKeys,
    certify,
    key_statement,
    load_trust,
    own_keys,
    retire_statement,
    station_key,
    station_keys,
)
from store.sync.exchange import export_join_bundle, join_station
from store.sync.identity import restore_as_new_device
from store.sync.merge import CHANGE_COLUMNS
from store.trust.backup import backup_to, connect_file


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
    # Nor does the station write one for it.
    with pytest.raises(SyncRefused) as refused:
        station.export(tmp_path / "for-lost.bundle", to="laptop1")
    assert refused.value.key == "sync.to_retired"


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


# -- how it holds -----------------------------------------------------------------------------


def _own(device: Device) -> OwnKeys:
    with device.store.read() as session:
        keys = own_keys(session)
    assert keys is not None
    return keys


def _reseal(
    device: Device, bundle: Path, out: Path, edit: Callable[[dict[str, Any]], None]
) -> Path:
    """`device`'s own bundle, its payload edited, sealed and signed again with its own keys: what
    a device in the wrong hands can write."""
    header, payload, _ = open_bundle(
        bundle.read_bytes(), station_key=_key_of(device), passphrase=None
    )
    edit(payload)
    with device.store.read() as session:
        keys = station_keys(session)
    out.write_bytes(
        seal_signed_bundle(
            payload,
            station_id=header.station_id,
            device_id=header.device_id,
            station_key=_key_of(device),
            epoch=keys.epoch,
            passphrase=None,
            recipients=[],
            signing_key=_own(device).sign_private,
        )
    )
    return out


def _device_change(author: str, row_id: str, fields: dict[str, Any]) -> list[Any]:
    values = {
        "hlc": "001900000000000.00000",
        "clamped_hlc": None,
        "device_id": author,
        "deputy_id": None,
        "table_name": "device",
        "row_id": row_id,
        "op": "update",
        "fields": json.dumps(fields),
        "at": NOW.isoformat(),
        "base": None,
    }
    return [values[c] for c in CHANGE_COLUMNS]


def test_a_laptop_cannot_put_another_key_on_another_device_nor_retire_one(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    """Laptop1 in the wrong hands, before anyone knows: it signs its own bundles, and its changes
    claim laptop2's key is its own, or that laptop2 is retired."""
    station, thief, victim = trio["station"], trio["laptop1"], trio["laptop2"]
    settle(trio, tmp_path)
    own = tmp_path / "own.bundle"
    thief.export(own, to=station.info.device_id, full=True)
    keys = _own(thief)
    station_id, victim_id = station.info.id, victim.info.device_id
    borrowed = {
        "sign_key": keys.sign,
        "box_key": keys.box,
        "key_cert": certify(
            keys.sign_private, victim_id, key_statement(station_id, victim_id, keys.sign, keys.box)
        ),
    }
    retirement = {
        "retired_at": NOW.isoformat(),
        "retire_cert": certify(
            keys.sign_private, thief.info.device_id, retire_statement(station_id, victim_id)
        ),
    }
    in_station_name = {
        "retired_at": NOW.isoformat(),
        "retire_cert": f"{station.info.device_id} {base64.b64encode(bytes(64)).decode()}",
    }
    pins = _pins(station)
    for n, fields in enumerate((borrowed, retirement, in_station_name)):
        forged = _reseal(
            thief,
            own,
            tmp_path / f"forged{n}.bundle",
            lambda p, f=fields: p["changes"].append(  # type: ignore[misc]
                _device_change(thief.info.device_id, victim_id, f)
            ),
        )
        if fields is borrowed:
            # Merged like any change, and never believed: a pinned key does not change.
            station.take(forged)
            assert _pins(station) == pins
            continue
        with pytest.raises(SyncRefused) as refused:
            station.take(forged)
        assert refused.value.key == "sync.bad_key"
    # The victim's own bundles are still believed.
    log_on(victim.store, victim.info, "二号笔记本照常记的")
    exchange(victim, station, tmp_path)
    assert "二号笔记本照常记的" in _texts(station)


def test_a_bundle_signed_with_another_devices_key_is_refused(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, thief, victim = trio["station"], trio["laptop1"], trio["laptop2"]
    settle(trio, tmp_path)
    own = tmp_path / "own.bundle"
    thief.export(own, to=station.info.device_id)
    header, payload, _ = open_bundle(own.read_bytes(), station_key=_key_of(thief), passphrase=None)
    keys = station_keys_of(thief)
    forged = tmp_path / "forged.bundle"
    forged.write_bytes(
        seal_signed_bundle(
            payload,
            station_id=header.station_id,
            device_id=victim.info.device_id,
            station_key=_key_of(thief),
            epoch=keys.epoch,
            passphrase=None,
            recipients=[],
            signing_key=_own(thief).sign_private,
        )
    )
    with pytest.raises(SyncRefused) as refused:
        station.take(forged)
    assert refused.value.key == "sync.bad_signature"


def station_keys_of(device: Device) -> StationKeys:
    with device.store.read() as session:
        return station_keys(session)


def test_the_lost_laptop_restored_from_its_own_backup_is_refused_too(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    """Its backups (the daily copies in its data folder) hold its keys: a copy put back goes on
    under a new id vouched for by the retired one, and is refused with it."""
    station, lost = trio["station"], trio["laptop1"]
    settle(trio, tmp_path)
    path = Path(str(lost.store.engine.url.database))
    backup = backup_to(path, tmp_path / "lost-backup.db")
    _retire(station, "laptop1")
    lost.store.dispose()
    restore_as_new_device(backup=backup, target=path, clock=lost.clock)
    lost.store = open_store(path, clock=lost.clock)
    lost.info = load_station(lost.store)
    log_on(lost.store, lost.info, "恢复备份以后记的")
    out = tmp_path / "restored.bundle"
    lost.export(out, to=station.info.device_id)
    with pytest.raises(SyncRefused) as refused:
        station.take(out)
    assert refused.value.key == "sync.retired"


def test_a_laptop_restored_from_its_backup_goes_on_under_its_key(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = trio["station"], trio["laptop2"]
    settle(trio, tmp_path)
    path = Path(str(laptop.store.engine.url.database))
    backup = backup_to(path, tmp_path / "backup.db")
    old_id = laptop.info.device_id
    laptop.store.dispose()
    restore_as_new_device(backup=backup, target=path, clock=laptop.clock)
    laptop.store = open_store(path, clock=laptop.clock)
    laptop.info = load_station(laptop.store)
    assert laptop.info.device_id != old_id
    log_on(laptop.store, laptop.info, "恢复以后照常记的")
    exchange(laptop, station, tmp_path)
    assert "恢复以后照常记的" in _texts(station)
    with station.store.read() as session:
        trust = load_trust(session, station.info.id)
    assert trust.pins[laptop.info.device_id].voucher == old_id


def test_the_other_laptops_get_the_new_station_key_and_use_it(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    """A laptop that has not heard of the retirement writes with the old key (still read at the
    station); the station's next bundle gives it the new one, and it writes with that."""
    station, kept = trio["station"], trio["laptop2"]
    settle(trio, tmp_path)
    _retire(station, "laptop1")
    log_on(kept.store, kept.info, "还没听说停用时记的")
    exchange(kept, station, tmp_path)
    assert "还没听说停用时记的" in _texts(station)
    exchange(station, kept, tmp_path)
    assert station_keys_of(kept).epoch == station_keys_of(station).epoch > 0
    assert _key_of(kept) == _key_of(station)
    later(kept)
    log_on(kept.store, kept.info, "拿到新密钥以后记的")
    out = tmp_path / "kept.bundle"
    kept.export(out, to=station.info.device_id)
    header, _, _ = open_bundle(out.read_bytes(), station_key=_key_of(station), passphrase=None)
    assert header.epoch == station_keys_of(station).epoch
    station.take(out)
    assert "拿到新密钥以后记的" in _texts(station)


def test_a_laptop_joins_after_a_retirement_and_an_older_joining_bundle_no_longer_makes_one(
    trio_template: Path, trio: dict[str, Device], tmp_path: Path
) -> None:
    station = trio["station"]
    settle(trio, tmp_path)
    _retire(station, "laptop1")
    fresh = tmp_path / "fresh-join.bundle"
    export_join_bundle(
        store=station.store,
        db_path=Path(str(station.store.engine.url.database)),
        out=fresh,
        passphrase=PASSPHRASE,
    )
    for name, bundle, refusal in (
        ("laptop3", fresh, None),
        # Written before the retirement, with the key the lost laptop holds too.
        ("laptop4", trio_template / "join.bundle", "sync.untrusted_key"),
    ):
        join_station(
            bundle=bundle,
            db_path=tmp_path / f"{name}.db",
            passphrase=PASSPHRASE,
            device_name=name,
            clock=station.clock,
        )
        store = open_store(tmp_path / f"{name}.db", clock=station.clock)
        newcomer = Device(name, store, load_station(store), station.clock)
        try:
            log_on(store, newcomer.info, f"{name} 记的")
            if refusal is None:
                exchange(newcomer, station, tmp_path)
                exchange(station, newcomer, tmp_path)
                assert f"{name} 记的" in _texts(station)
            else:
                with pytest.raises(SyncRefused) as refused:
                    exchange(newcomer, station, tmp_path)
                assert refused.value.key == refusal
        finally:
            store.dispose()


def test_the_joining_bundle_leaves_the_stations_secrets_at_home(
    trio_template: Path, tmp_path: Path
) -> None:
    """The copy of the station's database inside carries none of its private keys, old station
    keys or what it witnessed: only which station and device it is."""
    header, payload, blob = open_bundle(
        (trio_template / "join.bundle").read_bytes(), station_key=None, passphrase=PASSPHRASE
    )
    assert payload["pins"][header.device_id].startswith("station ")
    copy = tmp_path / "copy.db"
    copy.write_bytes(blob)
    conn = connect_file(copy, key=PASSPHRASE)
    try:
        keys = {row[0] for row in conn.execute("SELECT key FROM local_meta")}
    finally:
        conn.close()
    assert keys == {"station_id", "device_id"}
    station = open_store(trio_template / "station.db")
    try:
        with station.read() as session:
            private = _own_of(session).sign_private
    finally:
        station.dispose()
    assert private not in blob


def _own_of(session: Any) -> OwnKeys:
    keys = own_keys(session)
    assert keys is not None
    return keys


def test_a_station_put_back_before_a_retirement_learns_it_again_from_its_laptops(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    station, lost, kept = trio["station"], trio["laptop1"], trio["laptop2"]
    settle(trio, tmp_path)
    path = Path(str(station.store.engine.url.database))
    backup = backup_to(path, tmp_path / "station-backup.db")
    _retire(station, "laptop1")
    exchange(station, kept, tmp_path)
    station.store.dispose()
    restore_as_new_device(backup=backup, target=path, clock=station.clock)
    station.store = open_store(path, clock=station.clock)
    station.info = load_station(station.store)
    later(station)
    exchange(station, kept, tmp_path)  # the laptop hears of the station's new id
    later(kept)
    exchange(kept, station, tmp_path)  # and tells it what it lost: the retirement, the key
    assert station_keys_of(station).epoch == station_keys_of(kept).epoch > 0
    later(lost)
    log_on(lost.store, lost.info, "丢了以后有人记的")
    out = tmp_path / "lost.bundle"
    lost.export(out, to=station.info.device_id)
    with pytest.raises(SyncRefused) as refused:
        station.take(out)
    assert refused.value.key == "sync.retired"


# -- the upgrade: devices made before device keys ---------------------------------------------


@pytest.fixture(scope="module")
def old_trio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A station and two laptops as an earlier version made them: no device keys anywhere."""
    from store.sync import exchange as module

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "ensure_own_keys", lambda store, info: None)
        patch.setattr(module, "pins_for_joining", lambda session, info, own: {})
        patch.setattr(module, "_give_new_keys", lambda session, device: None)
        return make_trio(tmp_path_factory.mktemp("trio-old"), SMALL_STATION, NOW)


@pytest.fixture
def old_trio(old_trio_template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(old_trio_template, tmp_path / "db", NOW)
    yield devices
    close_trio(devices)


def _old_export(device: Device, out: Path, to: Device) -> None:
    """A bundle as an earlier version wrote it: unsigned (format 1)."""
    from store.sync import exchange as module

    def unsigned(payload: dict[str, Any], **kw: Any) -> bytes:
        return seal_bundle(
            payload,
            station_id=kw["station_id"],
            device_id=kw["device_id"],
            station_key=kw["station_key"],
            passphrase=kw["passphrase"],
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            module, "ensure_own_keys", lambda store, info: SimpleNamespace(sign_private=b"")
        )
        patch.setattr(module, "signer_of", lambda own, session, info: None)
        patch.setattr(module, "seal_signed_bundle", unsigned)
        device.export(out, to=to.info.device_id)


def _pins(device: Device) -> dict[str, Any]:
    with device.store.read() as session:
        return load_trust(session, device.info.id).pins


def test_a_laptop_that_joined_before_gets_its_key_at_its_next_exchange(
    old_trio: dict[str, Device], tmp_path: Path
) -> None:
    station, laptop = old_trio["station"], old_trio["laptop1"]
    assert not _pins(station) and not _pins(laptop)
    log_on(laptop.store, laptop.info, "升级以后第一次记的")
    exchange(laptop, station, tmp_path)
    assert "升级以后第一次记的" in _texts(station)
    with station.store.read() as session:
        row = session.get(DeviceRow, laptop.info.device_id)
        assert row is not None and row.sign_key == _own(laptop).sign
    assert _pins(station)[laptop.info.device_id].sign == _own(laptop).sign
    # And the laptop the station's, as its station.
    exchange(station, laptop, tmp_path)
    assert _pins(laptop)[station.info.device_id].kind == "station"


def test_an_old_unsigned_bundle_is_taken_once_until_its_laptop_signs(
    old_trio: dict[str, Device], tmp_path: Path
) -> None:
    """The upgrade path: a bundle written by the earlier version, before its laptop was upgraded,
    is still taken in; once the laptop has signed a bundle, an unsigned one in its name is not."""
    station, laptop = old_trio["station"], old_trio["laptop2"]
    log_on(laptop.store, laptop.info, "旧版本记的")
    old = tmp_path / "old.bundle"
    _old_export(laptop, old, station)
    station.take(old)
    assert "旧版本记的" in _texts(station)
    later(laptop)
    exchange(laptop, station, tmp_path)  # upgraded: signed, its key pinned
    later(laptop)
    log_on(laptop.store, laptop.info, "冒充旧版本记的")
    again = tmp_path / "again.bundle"
    _old_export(laptop, again, station)
    with pytest.raises(SyncRefused) as refused:
        station.take(again)
    assert refused.value.key == "sync.unsigned"


def test_after_a_retirement_no_key_is_taken_on_trust_under_the_old_station_key(
    old_trio: dict[str, Device], tmp_path: Path
) -> None:
    """The lost laptop holds the old station key: after its retirement, neither an unsigned
    bundle nor a first key sealed with that key is believed. A laptop that had not yet sent a
    signed bundle must join again, and the retirement says so."""
    station, lost, late = old_trio["station"], old_trio["laptop1"], old_trio["laptop2"]
    exchange(lost, station, tmp_path)
    first = tmp_path / "first.bundle"
    _old_export(late, first, station)  # still the earlier version: the station knows it, no key
    station.take(first)
    later(late)
    from store.sync.device_keys import retire_device

    done = retire_device(store=station.store, name="laptop1")
    assert done.keyless == ("laptop2",)
    log_on(late.store, late.info, "停用以后才升级的笔记本记的")
    old = tmp_path / "old.bundle"
    _old_export(late, old, station)
    with pytest.raises(SyncRefused) as refused:
        station.take(old)
    assert refused.value.key == "sync.unsigned_after_retire"
    signed = tmp_path / "signed.bundle"
    late.export(signed, to=station.info.device_id)
    with pytest.raises(SyncRefused) as refused:
        station.take(signed)
    assert refused.value.key == "sync.untrusted_key"


def test_a_laptop_put_back_to_a_copy_from_before_its_key_goes_on_under_a_new_one(
    old_trio: dict[str, Device], tmp_path: Path
) -> None:
    """Its file copied back from before the upgrade makes a new key under its old id, which the
    station does not believe; once the station's bundle tells it it was put back, it goes on
    under a new id, whose first key is taken on first use."""
    station, laptop = old_trio["station"], old_trio["laptop1"]
    old_id = laptop.info.device_id
    path = Path(str(laptop.store.engine.url.database))
    backup = backup_to(path, tmp_path / "before-keys.db")
    log_on(laptop.store, laptop.info, "升级以后记的")
    exchange(laptop, station, tmp_path)
    laptop.store.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, path)
    laptop.store = open_store(path, clock=laptop.clock)
    later(laptop)
    log_on(laptop.store, laptop.info, "拷回去以后记的")
    out = tmp_path / "copied.bundle"
    laptop.export(out, to=station.info.device_id)
    with pytest.raises(SyncRefused) as refused:
        station.take(out)
    assert refused.value.key == "sync.bad_signature"
    later(station)
    exchange(station, laptop, tmp_path)
    assert laptop.info.device_id != old_id  # told it was put back: a new id
    later(laptop)
    exchange(laptop, station, tmp_path)
    assert {"升级以后记的", "拷回去以后记的"} <= _texts(station)
