"""The sync bundle file: compressed, encrypted and authenticated in one sealed box.

    magic (8 bytes) · header length (4 bytes, big-endian) · header (JSON) · AES-256-GCM ciphertext

The header is in clear (it says which station, which device, how the key is derived) and is
authenticated with the payload, so changing any byte of the file, cutting it short or sealing it
with another key makes `open_bundle` refuse it. The key comes from the station's key (every device
of a station holds it), from a passphrase stretched with Argon2id, or from both. A `check` value in
the header tells a wrong passphrase or a foreign key from a damaged file, without revealing the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import zlib
from dataclasses import dataclass
from typing import Any

from store.core.errors import SyncRefused

MAGIC = b"LDSYNC\x00\x01"
FORMAT = 1
_NONCE_BYTES = 12
_SALT_BYTES = 16
_HEADER_MAX = 4096

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

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "station": self.station_id,
                "device": self.device_id,
                "kdf": self.kdf,
                "salt": _b64(self.salt),
                "nonce": _b64(self.nonce),
                "check": _b64(self.check),
            },
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
    header = Header(station_id, device_id, kdf, salt, nonce, _check(key)).to_json()
    prefix = MAGIC + len(header).to_bytes(4, "big") + header
    data = json.dumps(payload, ensure_ascii=False).encode()
    body = zlib.compress(len(data).to_bytes(8, "big") + data + blob, 6)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return prefix + AESGCM(key).encrypt(nonce, body, prefix)


def read_header(data: bytes) -> tuple[Header, bytes, bytes]:
    """The header of a bundle file, its authenticated prefix, and the ciphertext.

    Raises:
        SyncRefused: not a bundle, or cut short inside its header.
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
        )
    except (ValueError, KeyError, TypeError, RecursionError):
        # RecursionError: JSON nested deeper than the parser goes still fits in 4 KiB.
        raise SyncRefused("sync.damaged") from None
    if (
        raw.get("format") != FORMAT
        or header.kdf not in ("station", "passphrase", "both")
        # Every bundle is sealed with these lengths; another would pass the key check and then
        # make AES-GCM (nonce) or Argon2 (salt) raise ValueError instead of refusing the file.
        or len(header.nonce) != _NONCE_BYTES
        or len(header.salt) != _SALT_BYTES
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
