"""The sync bundle reader fed random bytes and damaged real bundles (issue 7, part 6): always
`SyncRefused` with a `sync.` catalogue key, never another exception, and the station unchanged.

One station and one laptop are made per module (a joining bundle costs an Argon2 stretch); the
laptop's bundle for the station is the seed every mutation starts from. Refusals change
nothing, so the station's database is shared by every example."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fuzz_strategies import fuzz_settings, in_catalogue
from hypothesis import assume, example, given
from hypothesis import strategies as st
from small_station import NOW, SMALL_STATION
from sqlalchemy import func
from sqlmodel import select

from store.core.clock import FrozenClock
from store.core.errors import SyncRefused
from store.core.models import ChangeLog, Channel, SyncPeer, Visit, VisitCreate, VisitKind
from store.db import Store
from store.desk.visits import log_visit
from store.reference.lists import list_categories, list_villages
from store.station import init_station, load_station, open_store
from store.sync.bundle import MAGIC, open_bundle, read_header
from store.sync.exchange import export_bundle, export_join_bundle, import_bundle, join_station

PASSPHRASE = "青石村 correct horse"


@dataclass(frozen=True)
class Pair:
    station: Store
    station_key: bytes
    bundle: bytes  # the laptop's changes, sealed for the station
    directory: Path


def _log(store: Store, words: str) -> None:
    info = load_station(store)
    with store.read() as session:
        village = list_villages(session=session)[0]
        category = list_categories(session=session)[0]
    with store.write(info.actor()) as session:
        log_visit(
            session=session,
            visit_in=VisitCreate(
                phone="13900001111",
                name="王阿姨",
                village_id=village.id,
                category_id=category.id,
                channel=Channel.walk_in,
                kind=VisitKind.request,
                text=words,
            ),
        )


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    directory = tmp_path_factory.mktemp("bundle-fuzz")
    clock = FrozenClock(NOW)
    init_station(engine_path=directory / "station.db", station=SMALL_STATION, clock=clock)
    station = open_store(directory / "station.db", clock=clock)
    export_join_bundle(
        store=station,
        db_path=directory / "station.db",
        out=directory / "join.bundle",
        passphrase=PASSPHRASE,
    )
    join_station(
        bundle=directory / "join.bundle",
        db_path=directory / "laptop.db",
        passphrase=PASSPHRASE,
        device_name="laptop",
        clock=clock,
    )
    laptop = open_store(directory / "laptop.db", clock=clock)
    try:
        _log(laptop, "笔记本上记的：路灯坏了")
        export_bundle(store=laptop, out=directory / "laptop.bundle")
    finally:
        laptop.dispose()
    from store.sync.device_keys import station_key

    with station.read() as session:
        key = station_key(session=session)
    assert key is not None
    yield Pair(station, key, (directory / "laptop.bundle").read_bytes(), directory)
    station.dispose()


def _state(store: Store) -> tuple[int, int, int]:
    with store.read() as session:
        return (
            session.exec(select(func.count()).select_from(ChangeLog)).one(),
            session.exec(select(func.count()).select_from(Visit)).one(),
            session.exec(select(func.count()).select_from(SyncPeer)).one(),
        )


def _refused(pair: Pair, data: bytes) -> None:
    """`data` is refused by every reader with a `sync.` key, and the station is unchanged."""
    assume(data != pair.bundle)  # a mutation that changed nothing is the real bundle
    for read in (
        lambda: read_header(data),
        lambda: open_bundle(data, station_key=pair.station_key, passphrase=None),
    ):
        try:
            read()
        except SyncRefused as exc:
            assert exc.key.startswith("sync.") and in_catalogue(exc.key), exc.key
    before = _state(pair.station)
    path = pair.directory / "fuzz.bundle"
    path.write_bytes(data)
    with pytest.raises(SyncRefused) as caught:
        import_bundle(store=pair.station, path=path)
    assert caught.value.key.startswith("sync.") and in_catalogue(caught.value.key)
    assert _state(pair.station) == before


def _split(bundle: bytes) -> tuple[dict[str, Any], bytes]:
    size = int.from_bytes(bundle[len(MAGIC) : len(MAGIC) + 4], "big")
    start = len(MAGIC) + 4
    return json.loads(bundle[start : start + size]), bundle[start + size :]


def _join(header: bytes, ciphertext: bytes) -> bytes:
    return MAGIC + len(header).to_bytes(4, "big") + header + ciphertext


def test_the_seed_bundle_is_taken_in(pair: Pair, tmp_path: Path) -> None:
    """The mutations start from a bundle the station accepts: the refusals are the fuzz's."""
    from store.trust.backup import backup_to

    copy = open_store(backup_to(pair.directory / "station.db", tmp_path / "s.db"))
    try:
        path = tmp_path / "ok.bundle"
        path.write_bytes(pair.bundle)
        assert import_bundle(store=copy, path=path).merge is not None
    finally:
        copy.dispose()


@fuzz_settings(0.5)
@given(data=st.one_of(st.binary(max_size=300), st.binary(max_size=300).map(lambda b: MAGIC + b)))
@example(data=b"")
@example(data=MAGIC + b"\xff\xff\xff\xff")
def test_random_bytes_are_refused(pair: Pair, data: bytes) -> None:
    _refused(pair, data)


@fuzz_settings(0.5)
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["flip", "cut", "insert", "delete"]),
            st.floats(0, 1, exclude_max=True),
            st.binary(min_size=1, max_size=8),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_damaged_bundles_are_refused(pair: Pair, edits: list[tuple[str, float, bytes]]) -> None:
    data = bytearray(pair.bundle)
    for op, where, some in edits:
        at = int(where * len(data)) if data else 0
        if op == "flip" and data:
            data[at] ^= some[0] or 1
        elif op == "cut":
            del data[at:]
        elif op == "insert":
            data[at:at] = some
        elif op == "delete" and data:
            del data[at : at + len(some)]
    _refused(pair, bytes(data))


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=20),
        st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode()),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
HEADER_KEYS = ["format", "station", "device", "kdf", "salt", "nonce", "check", "extra"]
# Well-formed base64 of the wrong length is the likeliest damage to get past the JSON checks.
b64_values = st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode())


@fuzz_settings(0.5)
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(HEADER_KEYS), st.one_of(st.just(None), b64_values, json_values)),
        min_size=1,
        max_size=3,
    ),
    whole=st.one_of(st.none(), json_values),
)
# Crashes this test found (fixed in read_header): a nonce of the wrong length passed the key
# check and made AES-GCM raise ValueError; a header nested deeper than the JSON parser's
# recursion limit raised RecursionError (found while writing it); a short salt would have made
# Argon2 raise for a passphrase bundle.
@example(changes=[("nonce", "")], whole=None)
@example(changes=[("nonce", "QQ==")], whole=None)
@example(changes=[("station", [[[[]]]])], whole="deep")
@example(changes=[("salt", "QQ=="), ("kdf", "both")], whole=None)
def test_altered_headers_are_refused(
    pair: Pair, changes: list[tuple[str, Any]], whole: Any
) -> None:
    header, ciphertext = _split(pair.bundle)
    for key, value in changes:
        if value is None:
            header.pop(key, None)
        else:
            header[key] = value
    if whole == "deep":
        raw = b'{"station":' + b"[" * 2000 + b"]" * 2000 + b"}"
    elif whole is not None:
        raw = json.dumps(whole).encode()  # not even an object
    else:
        raw = json.dumps(header).encode()
    _refused(pair, _join(raw, ciphertext))
