"""A key per device, revocable (spec §9; docs/rules/sync.md, "Device keys").

Keys. Each device of a station, its terminal and each laptop, has two key pairs of its own: Ed25519,
which signs every bundle it writes, and X25519, with which a new station key is given to it. A
laptop makes them when it joins; a device made before device keys, when it next exports a bundle
(its first signed bundle carries them). The private halves stay in its own file (`local_meta`),
never synced and never in a joining bundle; the public halves are on its device record, which
syncs, with `key_cert`: the device that vouches for them, itself for a first key, or the device
it continues after a restore (store.sync.identity), and its signature.

The station key (store.sync.bundle) still seals every bundle, and has an epoch. Retiring a laptop
replaces it; a bundle sealed with a replaced key carries it wrapped for each current device's X25519
key, so the retired laptop never has it. The keys replaced are kept, to read bundles written
before their writer heard of the new one.

Trust is what each device has accepted, kept in its own file and never lowered by a change that
comes in (a change could carry a stamp from the future): `pin:<device>`, the kind and public keys
accepted for a device, and `retired:<device>`. The rules:

- a bundle from a device with a pinned key must be signed with that key; a pinned key never
  changes;
- a device's first key is pinned from its station's joining bundle (which carries the station's
  pins), from a certificate signed by a pinned key (a device that continues another), or on
  first use: from its own signed bundle sealed with the current station key;
- an unsigned bundle (written before device keys) is taken only from a device with no pinned
  key, and only while the station has never retired a laptop: the upgrade path, once;
- a retirement is signed with the station's own key (a laptop cannot forge one); a retired
  device's bundles are refused, and so are those signed with its key or by a device it vouched
  for. What it sent before stays.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert
from sqlmodel import Session, col, select

from store.changelog.changes import parse_hlc
from store.core.errors import SyncRefused
from store.core.models import Device, DeviceKind, LocalMeta
from store.db import Store, read_session, write_session
from store.station import StationInfo
from store.sync.bundle import SIGNED_FORMAT, Header, new_station_key, signature_valid

STATION_KEY = "station_key"
EPOCH = "station_key.epoch"
OLD_STATION_KEY = "station_key."  # + the epoch of a key replaced
SIGN_KEY = "device_sign_key"
BOX_KEY = "device_box_key"
PIN = "pin:"
RETIRED = "retired:"
HEARD = "heard:"  # when a bundle of that device was last taken in here

KEY_FIELDS = ("sign_key", "box_key", "key_cert")


@dataclass(frozen=True)
class Pin:
    """A device's public keys as this device accepted them, its kind then, and the device whose
    key vouched for them (itself for a first key)."""

    kind: str
    sign: str
    box: str
    voucher: str

    def text(self) -> str:
        return f"{self.kind} {self.sign} {self.box} {self.voucher}"


@dataclass(frozen=True)
class OwnKeys:
    """This device's key pairs (raw private bytes) and the public halves as its record has them."""

    sign_private: bytes
    box_private: bytes
    sign: str
    box: str


@dataclass(frozen=True)
class StationKeys:
    epoch: int
    # Every station key held here, by epoch (the current one included).
    by_epoch: dict[int, bytes]

    @property
    def current(self) -> bytes | None:
        return self.by_epoch.get(self.epoch)


@dataclass
class Trust:
    """What this device believes of the others: pins and retirements."""

    pins: dict[str, Pin]
    retired: set[str]

    def retired_keys(self) -> set[str]:
        return {self.pins[d].sign for d in self.retired if d in self.pins}


@dataclass
class Verdict:
    """What taking a bundle in adds to this device's trust (written with its changes)."""

    pins: dict[str, Pin] = field(default_factory=dict)
    retired: set[str] = field(default_factory=set)
    # A station key this device did not hold, given to it in the bundle: (epoch, key).
    station_key: tuple[int, bytes] | None = None


# -- local_meta -----------------------------------------------------------------------------------


def _meta(session: Session, prefix: str) -> dict[str, str]:
    rows = session.execute(
        select(col(LocalMeta.key), col(LocalMeta.value)).where(
            col(LocalMeta.key).startswith(prefix)
        )
    ).all()
    return {str(k).removeprefix(prefix): str(v) for k, v in rows}


def _get(session: Session, key: str) -> str | None:
    row = session.get(LocalMeta, key)
    return row.value if row else None


def _put(session: Session, key: str, value: str) -> None:
    """Local bookkeeping (never logged): written in SQL, not through the logged ORM."""
    meta: Table = LocalMeta.__table__  # type: ignore[attr-defined]
    conn = session.connection()
    conn.execute(delete(meta).where(meta.c.key == key))
    conn.execute(insert(meta).values(key=key, value=value))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _raw(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


# -- this device's keys ---------------------------------------------------------------------------


def new_key_pairs() -> tuple[bytes, bytes]:
    """Raw private bytes of a new Ed25519 (signing) and X25519 (key agreement) key."""
    return os.urandom(32), os.urandom(32)


def public_keys(sign_private: bytes, box_private: bytes) -> tuple[str, str]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    sign = Ed25519PrivateKey.from_private_bytes(sign_private).public_key()
    box = X25519PrivateKey.from_private_bytes(box_private).public_key()
    return (
        _b64(sign.public_bytes(Encoding.Raw, PublicFormat.Raw)),
        _b64(box.public_bytes(Encoding.Raw, PublicFormat.Raw)),
    )


def own_keys(session: Session) -> OwnKeys | None:
    sign, box = _get(session, SIGN_KEY), _get(session, BOX_KEY)
    if sign is None or box is None:
        return None
    sign_private, box_private = _raw(sign), _raw(box)
    return OwnKeys(sign_private, box_private, *public_keys(sign_private, box_private))


def store_own_keys(session: Session, sign_private: bytes, box_private: bytes) -> None:
    _put(session, SIGN_KEY, _b64(sign_private))
    _put(session, BOX_KEY, _b64(box_private))


def key_statement(station_id: str, device_id: str, sign: str, box: str) -> bytes:
    """What a key certificate signs: these public keys are device `device_id`'s."""
    return f"liaison device key\n{station_id}\n{device_id}\n{sign}\n{box}".encode()


def retire_statement(station_id: str, device_id: str) -> bytes:
    return f"liaison retire\n{station_id}\n{device_id}".encode()


def certify(sign_private: bytes, certifier: str, statement: bytes) -> str:
    """`"<certifier> <signature>"`: `certifier` (a device id) vouches for `statement`."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    signature = Ed25519PrivateKey.from_private_bytes(sign_private).sign(statement)
    return f"{certifier} {_b64(signature)}"


def _cert_parts(cert: Any) -> tuple[str, bytes] | None:
    if not isinstance(cert, str) or cert.count(" ") != 1:
        return None
    certifier, signature = cert.split(" ")
    try:
        return certifier, _raw(signature)
    except ValueError:
        return None


def _verifies(public: str, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(_raw(public)).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def ensure_own_keys(store: Store, info: StationInfo) -> OwnKeys:
    """This device's keys; made, and put on its record (a logged change, so its next bundle
    carries them), the first time they are needed.

    Raises:
        SyncRefused: the record has keys this file no longer holds (`sync.own_key_missing`).
    """
    with read_session(store.engine) as session:
        keys = own_keys(session)
    if keys is not None:
        return keys
    with write_session(store.engine, actor=info.actor(), clock=store.clock) as session:
        me = session.get(Device, info.device_id)
        if me is not None and me.sign_key:
            raise SyncRefused("sync.own_key_missing")
        sign_private, box_private = new_key_pairs()
        store_own_keys(session, sign_private, box_private)
        keys = OwnKeys(sign_private, box_private, *public_keys(sign_private, box_private))
        if me is not None:
            me.sign_key, me.box_key = keys.sign, keys.box
            statement = key_statement(info.id, info.device_id, keys.sign, keys.box)
            me.key_cert = certify(sign_private, info.device_id, statement)
    return keys


def give_successor_keys(session: Session, station_id: str, old_id: str, new: Device) -> None:
    """The key fields of `new`, a device that continues `old_id` (a restore): the same keys,
    vouched for by the old id. Left empty if this file has no keys yet."""
    keys = own_keys(session)
    if keys is None:
        return
    new.sign_key, new.box_key = keys.sign, keys.box
    statement = key_statement(station_id, new.id, keys.sign, keys.box)
    new.key_cert = certify(keys.sign_private, old_id, statement)


# -- the station key and its epochs ---------------------------------------------------------------


def station_key(*, session: Session) -> bytes | None:
    """The station key bundles are sealed with now."""
    value = _get(session, STATION_KEY)
    return base64.b64decode(value) if value else None


def station_keys(session: Session) -> StationKeys:
    epoch = int(_get(session, EPOCH) or 0)
    held = {
        int(e): base64.b64decode(v)
        for e, v in _meta(session, OLD_STATION_KEY).items()
        if e.isdigit()
    }
    current = station_key(session=session)
    if current is not None:
        held[epoch] = current
    return StationKeys(epoch, held)


def set_station_key(session: Session, key: bytes, epoch: int) -> None:
    """Make `key` the station key of `epoch`: the current one if newer, the one before kept."""
    keys = station_keys(session)
    if epoch > keys.epoch or keys.current is None:
        if keys.current is not None:
            _put(session, f"{OLD_STATION_KEY}{keys.epoch}", _b64(keys.current))
        _put(session, STATION_KEY, _b64(key))
        _put(session, EPOCH, str(epoch))
    elif epoch not in keys.by_epoch:
        _put(session, f"{OLD_STATION_KEY}{epoch}", _b64(key))


def key_for(session: Session, header: Header) -> bytes | None:
    """The station key a bundle is sealed with, from those held here or from the bundle.

    Raises:
        SyncRefused: sealed with a newer key than this device holds, and not given to it
            (`sync.left_out`: retired, or not known to the sender).
    """
    from store.sync.bundle import unwrap_station_key

    keys = station_keys(session)
    epoch = header.epoch if header.format == SIGNED_FORMAT else 0
    if epoch in keys.by_epoch:
        return keys.by_epoch[epoch]
    own = own_keys(session)
    key = unwrap_station_key(header, own.box_private) if own else None
    if key is not None:
        return key
    if epoch > keys.epoch:
        raise SyncRefused("sync.left_out")
    return keys.current


# -- trust -----------------------------------------------------------------------------------------


def _pin(text: str) -> Pin | None:
    parts = text.split(" ")
    if len(parts) != 4 or not (_is_key(parts[1]) and _is_key(parts[2])):
        return None
    return Pin(*parts)


def _is_key(text: Any) -> bool:
    """Whether `text` is a public key as records and bundles carry them: 32 bytes, base64."""
    if not isinstance(text, str):
        return False
    try:
        return len(_raw(text)) == 32
    except ValueError:
        return False


def load_trust(session: Session, station_id: str) -> Trust:
    """Pins and retirements held here, with the retirements on records that verify now and
    every device retired with them (the same key, or vouched for by a retired device)."""
    pins = {d: p for d, text in _meta(session, PIN).items() if (p := _pin(text)) is not None}
    own = own_keys(session)
    if own is not None:
        # This device's own key, under each id it has had (a station put back in time goes on
        # under a new id, and still believes the retirements it signed before).
        for device in session.exec(select(Device).where(col(Device.sign_key) == own.sign)):
            pins.setdefault(device.id, Pin(device.kind, own.sign, own.box, device.id))
    trust = Trust(pins, set(_meta(session, RETIRED)))
    for device in session.exec(select(Device).where(col(Device.retire_cert).is_not(None))):
        if device.id not in trust.retired and _retirement_holds(trust, station_id, device):
            trust.retired.add(device.id)
    _retire_lineage(trust)
    return trust


def _retirement_holds(trust: Trust, station_id: str, device: Device) -> bool:
    parts = _cert_parts(device.retire_cert)
    if parts is None:
        return False
    certifier, signature = parts
    pin = trust.pins.get(certifier)
    return (
        pin is not None
        and pin.kind == DeviceKind.station
        and _verifies(pin.sign, signature, retire_statement(station_id, device.id))
    )


def _retire_lineage(trust: Trust) -> None:
    """Devices retired with those retired: vouched for by one, or holding the same key (a
    device that continues another after a restore keeps its keys), as pinned here."""
    while True:
        keys = trust.retired_keys()
        more = {
            d
            for d, pin in trust.pins.items()
            if d not in trust.retired and (pin.voucher in trust.retired or pin.sign in keys)
        }
        if not more:
            return
        trust.retired |= more


def save_verdict(session: Session, verdict: Verdict) -> None:
    for device_id, pin in verdict.pins.items():
        if _get(session, PIN + device_id) is None:
            _put(session, PIN + device_id, pin.text())
    for device_id in verdict.retired:
        _put(session, RETIRED + device_id, "1")
    if verdict.station_key is not None:
        epoch, key = verdict.station_key
        set_station_key(session, key, epoch)


def _new_kind(session: Session, device_id: str, vouching: Pin | None, me: str) -> str:
    """The kind a first pin gets: its voucher's; else a station only for a laptop that already
    held that device as its station (its joining copy said so), never from what comes in."""
    if vouching is not None:
        return vouching.kind
    mine, known = session.get(Device, me), session.get(Device, device_id)
    if (
        mine is not None
        and mine.kind == DeviceKind.laptop
        and known is not None
        and known.kind == DeviceKind.station
    ):
        return DeviceKind.station
    return DeviceKind.laptop


@dataclass(frozen=True)
class _Signer:
    sign: str
    box: str
    cert: str


def signer_of(keys: OwnKeys, session: Session, info: StationInfo) -> dict[str, str]:
    """What a signed bundle says of its signer: its keys and their certificate, as on its record."""
    me = session.get(Device, info.device_id)
    cert = me.key_cert if me is not None and me.key_cert else None
    if cert is None:
        statement = key_statement(info.id, info.device_id, keys.sign, keys.box)
        cert = certify(keys.sign_private, info.device_id, statement)
    return {"sign": keys.sign, "box": keys.box, "cert": cert}


def _signer(payload: dict[str, Any]) -> _Signer:
    raw = payload.get("signer")
    if (
        not isinstance(raw, dict)
        or not (_is_key(raw.get("sign")) and _is_key(raw.get("box")))
        or not isinstance(raw.get("cert"), str)
    ):
        raise SyncRefused("sync.damaged")
    return _Signer(raw["sign"], raw["box"], raw["cert"])


def check_bundle(
    session: Session,
    *,
    info: StationInfo,
    header: Header,
    payload: dict[str, Any],
    data: bytes,
    name: str,
    key: bytes | None,
) -> Verdict:
    """Whether a bundle's sender is believed (the rules above), and what it adds to what is.

    Raises:
        SyncRefused: a retired sender; an unsigned bundle from a device that signs, or after a
            retirement; a signature that is not the sender's; a first key sealed with a replaced
            station key; a retirement in its changes that does not verify.
    """
    trust = load_trust(session, info.id)
    keys = station_keys(session)
    sender = header.device_id
    if sender in trust.retired:
        raise SyncRefused("sync.retired", device=name)
    verdict = Verdict()
    if header.format != SIGNED_FORMAT:
        if sender in trust.pins:
            raise SyncRefused("sync.unsigned", device=name)
        if keys.epoch > 0:
            raise SyncRefused("sync.unsigned_after_retire", device=name)
        return verdict
    signer = _signer(payload)
    if signer.sign in trust.retired_keys():
        raise SyncRefused("sync.retired", device=name)
    pin = trust.pins.get(sender)
    if pin is None:
        pin = _first_pin(session, info, trust, keys, header, signer, name)
        verdict.pins[sender] = pin
    if signer.sign != pin.sign:
        raise SyncRefused("sync.bad_signature", device=name)
    if not signature_valid(data, _raw(signer.sign)):
        # Signed by the key it names, and not over these bytes: altered on the way.
        raise SyncRefused("sync.damaged")
    _check_changes(session, info, trust, verdict, payload.get("changes"))
    if header.epoch not in keys.by_epoch and key is not None:
        # Given to this device in the bundle: the station replaced its key (a retirement).
        verdict.station_key = (header.epoch, key)
    return verdict


def _first_pin(
    session: Session,
    info: StationInfo,
    trust: Trust,
    keys: StationKeys,
    header: Header,
    signer: _Signer,
    name: str,
) -> Pin:
    """The pin of a sender seen signing for the first time, if its key may be believed: vouched
    for by a pinned key (a device that continues another), else on first use."""
    sender = header.device_id
    certifier, signature = _cert_parts(signer.cert) or (sender, b"")
    if certifier in trust.retired:
        raise SyncRefused("sync.retired", device=name)
    statement = key_statement(info.id, sender, signer.sign, signer.box)
    vouching = trust.pins.get(certifier) if certifier != sender else None
    if vouching is None or not _verifies(vouching.sign, signature, statement):
        # Trust on first use (the bundle's own signature shows it holds the key): only from a
        # bundle sealed with the station key of now, which a laptop retired before lacks.
        vouching = None
        if header.epoch != keys.epoch:
            raise SyncRefused("sync.untrusted_key", device=name)
    _refuse_borrowed_key(trust, sender, signer.sign, vouching, name=name)
    kind = _new_kind(session, sender, vouching, info.device_id)
    return Pin(kind, signer.sign, signer.box, certifier if vouching is not None else sender)


def _refuse_borrowed_key(
    trust: Trust, device_id: str, sign: str, vouching: Pin | None, *, name: str
) -> None:
    """A key pinned for another device may be pinned again only for the device that continues
    it, vouched for with that very key: no device can lend another's key to a third."""
    if _borrowed(trust, device_id, sign, vouching):
        raise SyncRefused("sync.bad_signature", device=name)


def _borrowed(trust: Trust, device_id: str, sign: str, vouching: Pin | None) -> bool:
    held = any(p.sign == sign for d, p in trust.pins.items() if d != device_id)
    return held and (vouching is None or vouching.sign != sign)


def _check_changes(
    session: Session, info: StationInfo, trust: Trust, verdict: Verdict, changes: Any
) -> None:
    """Keys and retirements in a bundle's changes to device records. A key is pinned if it
    verifies and none is held; a retirement must be signed by a station pinned here (a forged
    one refuses the bundle), or is checked again once that station is known (load_trust)."""
    from store.sync.merge import CHANGE_COLUMNS

    if not isinstance(changes, list):
        return
    table_at, row_at, fields_at = (
        CHANGE_COLUMNS.index("table_name"),
        CHANGE_COLUMNS.index("row_id"),
        CHANGE_COLUMNS.index("fields"),
    )
    for change in changes:
        if not isinstance(change, list) or len(change) != len(CHANGE_COLUMNS):
            continue  # refused as damaged by the merge
        if change[table_at] != "device" or not isinstance(change[row_at], str):
            continue
        fields = change[fields_at]
        try:
            fields = json.loads(fields) if isinstance(fields, str) else fields
        except ValueError:
            continue
        if not isinstance(fields, dict):
            continue
        device_id = change[row_at]
        _check_key_change(session, info, trust, verdict, device_id, fields)
        _check_retire_change(info, trust, verdict, device_id, fields)


def _check_key_change(
    session: Session,
    info: StationInfo,
    trust: Trust,
    verdict: Verdict,
    device_id: str,
    fields: dict[str, Any],
) -> None:
    """A device's keys that came in on its record: pinned if they verify (vouched for by the
    device itself or by a pinned key) and no pin is held; otherwise merged and never believed
    (a pin is never changed by what comes in)."""
    sign, box, cert = (fields.get(k) for k in KEY_FIELDS)
    if not (_is_key(sign) and _is_key(box) and isinstance(cert, str)):
        return
    if (
        device_id in verdict.pins
        or device_id in trust.pins
        or device_id in trust.retired
        or device_id == info.device_id
    ):
        return
    parts = _cert_parts(cert)
    if parts is None or parts[0] in trust.retired:
        return
    certifier, signature = parts
    statement = key_statement(info.id, device_id, str(sign), str(box))
    vouching = None if certifier == device_id else trust.pins.get(certifier)
    public = str(sign) if certifier == device_id else vouching.sign if vouching else None
    if public is None or not _verifies(public, signature, statement):
        return
    if _borrowed(trust, device_id, str(sign), vouching):
        return
    kind = _new_kind(session, device_id, vouching, info.device_id)
    voucher = certifier if vouching is not None else device_id
    verdict.pins[device_id] = Pin(kind, str(sign), str(box), voucher)


def _check_retire_change(
    info: StationInfo, trust: Trust, verdict: Verdict, device_id: str, fields: dict[str, Any]
) -> None:
    cert = fields.get("retire_cert")
    if cert is None:
        return
    parts = _cert_parts(cert)
    if parts is None:
        raise SyncRefused("sync.bad_key")
    certifier, signature = parts
    pin = verdict.pins.get(certifier) or trust.pins.get(certifier)
    if pin is None:
        return  # checked again when the station's key is known here (load_trust)
    if pin.kind != DeviceKind.station or not _verifies(
        pin.sign, signature, retire_statement(info.id, device_id)
    ):
        raise SyncRefused("sync.bad_key")
    verdict.retired.add(device_id)


def recipients(session: Session, info: StationInfo) -> list[bytes]:
    """The X25519 keys a new station key is wrapped for: every device pinned here and not
    retired, but this one."""
    trust = load_trust(session, info.id)
    return [
        _raw(pin.box)
        for device_id, pin in sorted(trust.pins.items())
        if device_id not in trust.retired and device_id != info.device_id
    ]


def note_heard(session: Session, device_id: str, when: datetime) -> None:
    _put(session, HEARD + device_id, when.isoformat())


def pins_for_joining(session: Session, info: StationInfo, keys: OwnKeys) -> dict[str, str]:
    """The pins a joining bundle carries: the station's own, and those it holds."""
    trust = load_trust(session, info.id)
    pins = {d: p.text() for d, p in trust.pins.items()}
    pins[info.device_id] = Pin(DeviceKind.station, keys.sign, keys.box, info.device_id).text()
    return pins


def take_joining_trust(session: Session, pins: Any, retired: Any) -> None:
    """A new laptop believes what its station believed when it wrote the joining bundle."""
    if isinstance(pins, dict):
        for device_id, text in pins.items():
            if isinstance(device_id, str) and isinstance(text, str) and _pin(text) is not None:
                _put(session, PIN + device_id, text)
    if isinstance(retired, list):
        for device_id in retired:
            if isinstance(device_id, str):
                _put(session, RETIRED + device_id, "1")


# -- retiring a laptop ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Retirement:
    name: str
    # Every device id retired with it (its earlier ids, after restores).
    devices: tuple[str, ...]
    epoch: int
    # Laptops whose key the station does not hold yet: they cannot be given the new station
    # key and must join again.
    keyless: tuple[str, ...]


def find_device(session: Session, info: StationInfo, name: str) -> Device:
    """The device of this station named `name` (or whose id starts with it).

    Raises:
        SyncRefused: none, or more than one.
    """
    devices = session.exec(
        select(Device).where(col(Device.station_id) == info.id, col(Device.deleted_at).is_(None))
    ).all()
    named = [d for d in devices if d.name == name]
    if not named and len(name) >= 4:
        named = [d for d in devices if d.id.startswith(name)]
    if not named:
        raise SyncRefused("sync.no_such_device")
    if len(named) > 1:
        raise SyncRefused("devices.ambiguous", name=name)
    return named[0]


def retire_device(*, store: Store, name: str) -> Retirement:
    """Retire a laptop (spec §9), in one transaction: its record (and those of its earlier ids)
    marked retired with the station's signature, so that every device refuses its bundles from
    its next exchange with the station; and a new station key, given to the other devices
    wrapped with their own keys by the next bundles, so that it reads none of them.

    Raises:
        SyncRefused: not on the station; no such laptop, or a station; already retired.
    """
    from store.station import load_station

    info = load_station(store)
    keys = ensure_own_keys(store, info)
    with write_session(store.engine, actor=info.actor(), clock=store.clock) as session:
        me = session.get(Device, info.device_id)
        if me is None or me.kind != DeviceKind.station:
            raise SyncRefused("devices.station_only")
        target = find_device(session, info, name)
        if target.kind != DeviceKind.laptop:
            raise SyncRefused("devices.not_a_laptop", device=target.name)
        trust = load_trust(session, info.id)
        if target.id in trust.retired:
            raise SyncRefused("devices.already_retired", device=target.name)
        devices = session.exec(select(Device).where(col(Device.station_id) == info.id)).all()
        lineage = Trust(trust.pins, {target.id} | _earlier_ids(trust, devices, target.id))
        _retire_lineage(lineage)
        now = store.clock.now()
        for device in devices:
            if device.id in lineage.retired and device.retire_cert is None:
                device.retired_at = now
                device.retire_cert = certify(
                    keys.sign_private, info.device_id, retire_statement(info.id, device.id)
                )
            if device.id in lineage.retired:
                _put(session, RETIRED + device.id, "1")
        # Epochs are numbered by the clock (milliseconds), never reused: a station put back to
        # a backup from before a retirement and retiring again makes a key of another epoch.
        epoch = max(station_keys(session).epoch + 1, int(now.timestamp() * 1000))
        set_station_key(session, new_station_key(), epoch)
        keyless = tuple(
            sorted(
                d.name
                for d in devices
                if d.kind == DeviceKind.laptop
                and d.deleted_at is None
                and d.id not in lineage.retired
                and d.id not in trust.pins
            )
        )
    return Retirement(target.name, tuple(sorted(lineage.retired)), epoch, keyless)


def _earlier_ids(trust: Trust, devices: Iterable[Device], device_id: str) -> set[str]:
    """The ids a laptop had before (restored from a backup): the laptops that vouched for its
    key, and for theirs, as pinned here."""
    laptops = {d.id for d in devices if d.kind == DeviceKind.laptop}
    earlier: set[str] = set()
    pin = trust.pins.get(device_id)
    while pin is not None and pin.voucher in laptops and pin.voucher not in earlier | {device_id}:
        earlier.add(pin.voucher)
        pin = trust.pins.get(pin.voucher)
    return earlier


# -- the list -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceLine:
    id: str
    name: str
    kind: str
    this_device: bool
    # The stamp of its latest change held here, as a time; None if none.
    last_seen: datetime | None
    # When a bundle of its was last taken in here.
    last_bundle: datetime | None
    retired: bool
    retired_at: datetime | None
    # Gone on under another id (restored from a backup).
    replaced: bool
    # Its key is held here (this device's own, or pinned).
    keyed: bool


def list_devices(*, session: Session, info: StationInfo) -> list[DeviceLine]:
    """The station's devices, this one first, then by kind and name."""
    from datetime import UTC

    from store.sync.stream import version_vector

    trust = load_trust(session, info.id)
    vector = version_vector(session.connection())
    heard = _meta(session, HEARD)
    devices = session.exec(select(Device).where(col(Device.station_id) == info.id)).all()
    lines = []
    for d in devices:
        stamp = vector.get(d.id)
        seen = datetime.fromtimestamp(parse_hlc(stamp)[0] / 1000, UTC) if stamp else None
        lines.append(
            DeviceLine(
                id=d.id,
                name=d.name,
                kind=d.kind,
                this_device=d.id == info.device_id,
                last_seen=seen,
                last_bundle=datetime.fromisoformat(heard[d.id]) if d.id in heard else None,
                retired=d.id in trust.retired,
                retired_at=d.retired_at,
                replaced=d.deleted_at is not None and d.id not in trust.retired,
                keyed=d.id in trust.pins or (d.id == info.device_id and bool(d.sign_key)),
            )
        )
    order: dict[str, int] = {DeviceKind.station: 0, DeviceKind.laptop: 1}
    lines.sort(key=lambda x: (not x.this_device, x.replaced, order.get(x.kind, 2), x.name, x.id))
    return lines
