"""The sync bundle file: compressed, encrypted and authenticated in one sealed box.

    magic (8 bytes) · header length (4 bytes, big-endian) · header (JSON) · AES-256-GCM ciphertext

The header is in clear (it says which station, which device, how the key is derived, and how many
bytes follow it, so that a file of another size is refused before it is read) and is
authenticated with the payload, so changing any byte of the file, cutting it short or sealing it
with another key makes `open_bundle` refuse it. The key comes from the station's key (every device
of a station holds it), from a passphrase stretched with Argon2id, or from both. A `check` value in
the header tells a wrong passphrase or a foreign key from a damaged file, without revealing the key.

A signed bundle (format 2, every bundle a device exports since device keys: store.sync.device_keys)
has the same layout, then the sender's Ed25519 signature of everything before it (64 bytes). Its
header also says which station key seals it (`epoch`: the station replaces its key when it retires
a laptop) and carries that key wrapped for each current device's X25519 key (`wraps`), so that a
device that has not had it yet can open the bundle and a retired one cannot. The joining bundle
and bundles written before device keys are format 1.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.core.errors import SyncRefused

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

MAGIC = b"LDSYNC\x00\x01"
FORMAT = 1
SIGNED_FORMAT = 2
SIGNATURE_BYTES = 64
_NONCE_BYTES = 12
_SALT_BYTES = 16
_HEADER_MAX = 4096
# AES-GCM's tag, at the end of the ciphertext.
_TAG_BYTES = 16

# Argon2id for the passphrase: RFC 9106's second recommended option (64 MiB, 3 passes). A bundle
# is opened once; a stick found in a car park is attacked many times.
_ARGON2 = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4, "hash_len": 32}


@dataclass(frozen=True)
class Header:
    station_id: str
    device_id: str
    # "station", "passphrase" (a joining bundle: the laptop has no station key yet) or "both".
    kdf: str
    salt: bytes
    nonce: bytes
    check: bytes
    # A signed bundle's (SIGNED_FORMAT): the station key's epoch, the sender's one-off X25519
    # public key and the station key wrapped for each recipient (key id, wrapped key).
    format: int = FORMAT
    epoch: int = 0
    eph: bytes = b""
    wraps: tuple[tuple[str, bytes], ...] = ()
    # The bytes after the header (the ciphertext, its tag, a signed bundle's signature); None in
    # a bundle sealed before the header said it.
    length: int | None = None

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": self.format,
                "station": self.station_id,
                "device": self.device_id,
                "kdf": self.kdf,
                "salt": _b64(self.salt),
                "nonce": _b64(self.nonce),
                "check": _b64(self.check),
            }
            | _signed_fields(self)
            | ({} if self.length is None else {"length": self.length}),
            sort_keys=True,
        ).encode()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def new_station_key() -> bytes:
    return os.urandom(32)


def _stretch(passphrase: str, salt: bytes) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(passphrase.encode(), salt, type=Type.ID, **_ARGON2)


def _key(kdf: str, salt: bytes, station_key: bytes | None, passphrase: str | None) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    material = b""
    if kdf in ("station", "both"):
        if station_key is None:
            raise SyncRefused("sync.no_key")
        material += station_key
    if kdf in ("passphrase", "both"):
        if not passphrase:
            raise SyncRefused("sync.need_passphrase")
        material += _stretch(passphrase, salt)
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"liaison sync bundle")
    return hkdf.derive(material)


def _check(key: bytes) -> bytes:
    # A keyed digest of a constant: equal only under the same key, and says nothing of it.
    return hmac.new(key, b"liaison sync key check", hashlib.sha256).digest()[:8]


def seal_bundle(
    payload: dict[str, Any],
    *,
    station_id: str,
    device_id: str,
    station_key: bytes | None,
    passphrase: str | None,
    blob: bytes = b"",
) -> bytes:
    """The bundle file's bytes for `payload` (plain JSON data) and `blob` (raw bytes after it:
    a joining bundle's database).

    With a passphrase and no station key, only the passphrase opens it (a joining bundle);
    with both, both are needed; with only the station key, any device of the station opens it.
    """
    kdf = "both" if station_key and passphrase else "passphrase" if passphrase else "station"
    salt, nonce = os.urandom(_SALT_BYTES), os.urandom(_NONCE_BYTES)
    key = _key(kdf, salt, station_key, passphrase)
    data = json.dumps(payload, ensure_ascii=False).encode()
    body = zlib.compress(len(data).to_bytes(8, "big") + data + blob, 6)
    # GCM's ciphertext is as long as what it seals, and its tag.
    length = len(body) + _TAG_BYTES
    header = Header(station_id, device_id, kdf, salt, nonce, _check(key), length=length).to_json()
    prefix = MAGIC + len(header).to_bytes(4, "big") + header
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return prefix + AESGCM(key).encrypt(nonce, body, prefix)


def peek_header(path: Path) -> Header:
    """The header of the bundle file at `path`, read without the rest of the file: a file that
    holds more or less than its header says is refused from its size, before anything reads it
    into memory (a huge file behind a valid header, or a bundle cut short).

    Raises:
        SyncRefused: not a bundle, damaged, or not of the size its header says.
        OSError: the file cannot be read.
    """
    with path.open("rb") as fh:
        head = fh.read(len(MAGIC) + 4 + _HEADER_MAX)
        size = os.fstat(fh.fileno()).st_size
    header, prefix, _ = read_header(head, whole=False)
    if header.length is not None and size != len(prefix) + header.length:
        raise SyncRefused("sync.damaged")
    return header


def read_bundle_file(path: Path) -> bytes:
    """The bytes of the bundle file at `path`, once its header says the file is of its size
    (`peek_header`).

    Raises:
        SyncRefused, OSError: as `peek_header`.
    """
    peek_header(path)
    return path.read_bytes()


def read_header(data: bytes, *, whole: bool = True) -> tuple[Header, bytes, bytes]:
    """The header of a bundle file, its authenticated prefix, and what follows it.

    Args:
        whole: `data` is the whole file (else its beginning): its length is checked against
            the header's.
    Raises:
        SyncRefused: not a bundle, cut short inside its header, or (whole) not of the length
            its header says.
    """
    if len(data) < len(MAGIC) + 4 or not data.startswith(MAGIC):
        raise SyncRefused("sync.not_bundle")
    size = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "big")
    end = len(MAGIC) + 4 + size
    if size > _HEADER_MAX or len(data) < end:
        raise SyncRefused("sync.damaged")
    try:
        raw = json.loads(data[len(MAGIC) + 4 : end])
        header = Header(
            station_id=str(raw["station"]),
            device_id=str(raw["device"]),
            kdf=str(raw["kdf"]),
            salt=base64.b64decode(raw["salt"]),
            nonce=base64.b64decode(raw["nonce"]),
            check=base64.b64decode(raw["check"]),
            length=None if raw.get("length") is None else int(raw["length"]),
        )
        if raw.get("format") == SIGNED_FORMAT:
            header = _signed_header(header, raw)
    except (ValueError, KeyError, TypeError, RecursionError):
        # RecursionError: JSON nested deeper than the parser goes still fits in 4 KiB.
        raise SyncRefused("sync.damaged") from None
    if (
        raw.get("format") not in (FORMAT, SIGNED_FORMAT)
        or header.kdf not in ("station", "passphrase", "both")
        # Every bundle is sealed with these lengths; another would pass the key check and then
        # make AES-GCM (nonce) or Argon2 (salt) raise ValueError instead of refusing the file.
        or len(header.nonce) != _NONCE_BYTES
        or len(header.salt) != _SALT_BYTES
        or (header.length is not None and header.length < _TAG_BYTES)
        or (whole and header.length is not None and len(data) - end != header.length)
    ):
        raise SyncRefused("sync.damaged")
    return header, data[:end], data[end:]


def open_bundle(
    data: bytes, *, station_key: bytes | None, passphrase: str | None
) -> tuple[Header, dict[str, Any], bytes]:
    """Verify and decrypt a bundle file's bytes: its header, payload and blob.

    Raises:
        SyncRefused: not a bundle; a passphrase needed and not given, or wrong; sealed with
            another station's key; or altered or cut short anywhere.
    """
    header, prefix, ciphertext = read_header(data)
    ciphertext = _without_signature(header, ciphertext)
    key = _key(header.kdf, header.salt, station_key, passphrase)
    if not hmac.compare_digest(_check(key), header.check):
        if header.kdf != "station":
            raise SyncRefused("sync.wrong_passphrase")
        raise SyncRefused("sync.wrong_key")
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        body = AESGCM(key).decrypt(header.nonce, ciphertext, prefix)
    except InvalidTag:
        raise SyncRefused("sync.damaged") from None
    try:
        body = zlib.decompress(body)
        size = int.from_bytes(body[:8], "big")
        payload = json.loads(body[8 : 8 + size])
    except (zlib.error, ValueError):
        raise SyncRefused("sync.damaged") from None
    if not isinstance(payload, dict):
        raise SyncRefused("sync.damaged")
    return header, payload, body[8 + size :]


# -- signed bundles (format 2) --------------------------------------------------------------------


def seal_signed_bundle(
    payload: dict[str, Any],
    *,
    station_id: str,
    device_id: str,
    station_key: bytes,
    epoch: int,
    passphrase: str | None,
    recipients: Sequence[bytes],
    signing_key: bytes,
) -> bytes:
    """A bundle file sealed with the station key of `epoch` (and the passphrase, if any), that key
    wrapped for each of `recipients` (X25519 public keys; none needed under the first key, which
    every device had when it joined), signed with `signing_key` (Ed25519, raw private bytes).

    Raises:
        SyncRefused: too many recipients for a header (`sync.too_many_devices`).
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kdf = "both" if passphrase else "station"
    salt, nonce = os.urandom(_SALT_BYTES), os.urandom(_NONCE_BYTES)
    key = _key(kdf, salt, station_key, passphrase)
    eph, wraps = _wrap(station_key, recipients, station_id=station_id, epoch=epoch, salt=salt)
    data = json.dumps(payload, ensure_ascii=False).encode()
    body = zlib.compress(len(data).to_bytes(8, "big") + data, 6)
    header = Header(
        station_id,
        device_id,
        kdf,
        salt,
        nonce,
        _check(key),
        format=SIGNED_FORMAT,
        epoch=epoch,
        eph=eph,
        wraps=wraps,
        length=len(body) + _TAG_BYTES + SIGNATURE_BYTES,
    ).to_json()
    if len(header) > _HEADER_MAX:
        raise SyncRefused("sync.too_many_devices", count=len(recipients))
    prefix = MAGIC + len(header).to_bytes(4, "big") + header
    sealed = prefix + AESGCM(key).encrypt(nonce, body, prefix)
    return sealed + Ed25519PrivateKey.from_private_bytes(signing_key).sign(sealed)


def signature_valid(data: bytes, public_key: bytes) -> bool:
    """Whether a signed bundle file's signature is that of `public_key` (Ed25519, raw) over all
    that comes before it."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if len(data) <= SIGNATURE_BYTES or len(public_key) != 32:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            data[-SIGNATURE_BYTES:], data[:-SIGNATURE_BYTES]
        )
    except InvalidSignature:
        return False
    return True


def unwrap_station_key(header: Header, box_key: bytes) -> bytes | None:
    """The station key a signed bundle carries for the holder of `box_key` (X25519, raw private
    bytes), or None if it carries none for it (a device retired, or not known to the sender)."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap

    if header.format != SIGNED_FORMAT or len(header.eph) != 32:
        return None
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    private = X25519PrivateKey.from_private_bytes(box_key)
    mine = _raw_public(private)
    for kid, wrapped in header.wraps:
        if kid != key_id(mine):
            continue
        shared = private.exchange(X25519PublicKey.from_public_bytes(header.eph))
        kek = _kek(
            shared,
            eph=header.eph,
            recipient=mine,
            station_id=header.station_id,
            epoch=header.epoch,
            salt=header.salt,
        )
        try:
            return aes_key_unwrap(kek, wrapped)
        except (InvalidUnwrap, ValueError):
            return None
    return None


def key_id(public_key: bytes) -> str:
    """A short name for an X25519 public key in a header's wraps."""
    return _b64(hashlib.sha256(public_key).digest()[:6])


def _wrap(
    station_key: bytes, recipients: Sequence[bytes], *, station_id: str, epoch: int, salt: bytes
) -> tuple[bytes, tuple[tuple[str, bytes], ...]]:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.keywrap import aes_key_wrap

    if not recipients:
        return b"", ()
    private = X25519PrivateKey.generate()
    eph = _raw_public(private)
    wraps = []
    for public in recipients:
        shared = private.exchange(X25519PublicKey.from_public_bytes(public))
        kek = _kek(shared, eph=eph, recipient=public, station_id=station_id, epoch=epoch, salt=salt)
        wraps.append((key_id(public), aes_key_wrap(kek, station_key)))
    return eph, tuple(wraps)


def _kek(
    shared: bytes, *, eph: bytes, recipient: bytes, station_id: str, epoch: int, salt: bytes
) -> bytes:
    """The key that wraps the station key for one recipient: bound to this bundle's one-off key,
    the recipient's, the station and the epoch."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    info = b"liaison station key wrap|%s|%d|" % (station_id.encode(), epoch)
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info + eph + recipient)
    return hkdf.derive(shared)


def _raw_public(private: X25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _signed_fields(header: Header) -> dict[str, Any]:
    if header.format != SIGNED_FORMAT:
        return {}
    return {
        "epoch": header.epoch,
        "eph": _b64(header.eph),
        "wraps": [[kid, _b64(wrapped)] for kid, wrapped in header.wraps],
    }


def _signed_header(header: Header, raw: dict[str, Any]) -> Header:
    """`header` with a signed bundle's fields from `raw`.

    Raises:
        ValueError, KeyError, TypeError: not of their shape.
    """
    epoch, eph, wraps = raw["epoch"], base64.b64decode(raw["eph"]), raw["wraps"]
    if (
        type(epoch) is not int
        or epoch < 0
        or len(eph) not in (0, 32)
        or not isinstance(wraps, list)
    ):
        raise ValueError("signed header")
    pairs = []
    for pair in wraps:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
            raise ValueError("wraps")
        pairs.append((pair[0], base64.b64decode(pair[1])))
    return replace(header, format=SIGNED_FORMAT, epoch=epoch, eph=eph, wraps=tuple(pairs))


def _without_signature(header: Header, rest: bytes) -> bytes:
    """What follows a header, less a signed bundle's signature."""
    if header.format != SIGNED_FORMAT:
        return rest
    if len(rest) <= SIGNATURE_BYTES:
        raise SyncRefused("sync.damaged")
    return rest[:-SIGNATURE_BYTES]
