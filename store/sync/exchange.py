"""Bundles between a station and its laptops: what goes out, what comes in, a laptop's making.

A bundle carries every change this device holds that the other side has not acknowledged, and
what this device holds (its version vector: for each device, the greatest stamp of that device's
changes here — a device's changes travel in stamp order, so that says all). The receiver keeps the
sender's vector (`sync_peer`): its next bundle back leaves out what the sender already has. A lost
bundle costs nothing: what it carried goes again until the other side says it has it."""

from __future__ import annotations

import base64
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, func
from sqlmodel import Session, col, select

from store.changelog.chain import LOG_TABLE
from store.changelog.changes import Actor
from store.core.clock import Clock
from store.core.errors import SyncRefused
from store.core.files import SQLITE_HEADER, private_dir, write_private
from store.core.models import ChangeLog, Device, DeviceKind, LocalMeta, SyncPeer, new_id
from store.core.rows import live
from store.db import Store, make_engine, read_session, sqlite_url, write_session
from store.station import StationInfo, load_station, station_info
from store.sync import witness
from store.sync.bundle import (
    Header,
    new_station_key,
    open_bundle,
    peek_header,
    read_bundle_file,
    seal_bundle,
    seal_signed_bundle,
)
from store.sync.device_keys import (
    EPOCH,
    STATION_KEY,
    certify,
    check_bundle,
    ensure_own_keys,
    key_for,
    key_statement,
    load_trust,
    new_key_pairs,
    note_heard,
    pins_for_joining,
    public_keys,
    recipients,
    save_verdict,
    signer_of,
    station_key,
    station_keys,
    store_own_keys,
    take_joining_trust,
)
from store.sync.identity import (
    acks_for,
    continue_as_new_device,
    note_lost,
    outgoing_vector,
    repairs,
    resend_since,
    rewound,
    settle_repairs,
)
from store.sync.merge import CHANGE_COLUMNS, MergeResult, clamps_held, merge_changes
from store.sync.stream import changes_since, version_vector
from store.trust.backup import backup_to, connect_file, export_database, remove_database_files
from store.trust.migrate import ensure_schema

# A joining bundle carries the station's key under the passphrase alone.
PASSPHRASE_MIN = 8


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    changes: int
    # The devices it is meant for (names); none: every device of the station.
    peers: tuple[str, ...]
    full: bool


@dataclass(frozen=True)
class ImportSummary:
    sender: str
    merge: MergeResult
    # Names of the devices whose clocks ran more than a day ahead (their stamps were clamped).
    clock_ahead: tuple[str, ...]
    # This database had been put back to an earlier state: it goes on under a new device id.
    renamed: bool = False
    # The sender's change log was rewritten since a head of it witnessed here (see `check`).
    chain_rewritten: bool = False


# -- keys and vectors -----------------------------------------------------------------------------


def _ensure_station_key(store: Store, info: StationInfo) -> bytes:
    """The station's key; made by the station's own device the first time it is needed."""
    with write_session(store.engine, actor=info.actor(), clock=store.clock) as session:
        key = station_key(session=session)
        if key is not None:
            return key
        if _device_kind(session, info.device_id) != DeviceKind.station:
            raise SyncRefused("sync.no_key")
        key = new_station_key()
        session.add(LocalMeta(key=STATION_KEY, value=base64.b64encode(key).decode()))
        return key


def _device_kind(session: Session, device_id: str) -> str | None:
    device = session.get(Device, device_id)
    return device.kind if device else None


def _peer_vector(session: Session, peer_id: str) -> dict[str, str]:
    rows = session.exec(select(SyncPeer).where(col(SyncPeer.peer_id) == peer_id)).all()
    return {row.origin_id: row.hlc for row in rows}


def _record_peer(session: Session, peer_id: str, vector: dict[str, str]) -> None:
    """Remember what `peer_id` holds (only ever more: an older bundle arriving late says less)."""
    for origin, hlc in vector.items():
        row = session.get(SyncPeer, (peer_id, origin))
        if row is None:
            session.add(SyncPeer(peer_id=peer_id, origin_id=origin, hlc=hlc))
        elif hlc > row.hlc:
            row.hlc = hlc


def _peers(session: Session, info: StationInfo, to: str | None) -> list[Device]:
    """The devices a bundle is for: the one named; else a laptop's station; else the station's
    laptops."""
    retired = load_trust(session, info.id).retired
    every = session.exec(
        select(Device).where(
            col(Device.station_id) == info.id,
            live(Device),
            col(Device.id) != info.device_id,
        )
    ).all()
    devices = [d for d in every if d.id not in retired]
    if to is not None:
        named = [d for d in devices if to in (d.id, d.name)]
        if named:
            return named
        gone = [d for d in every if to in (d.id, d.name)]
        if gone:
            raise SyncRefused("sync.to_retired", device=gone[0].name)
        if _is_uuid(to) and to != info.device_id:
            # A device of the station not heard from yet (a laptop just made): it holds what
            # it was made from at most, so it gets everything.
            if to in retired:
                raise SyncRefused("sync.to_retired", device=to[:8])
            return [Device(id=to, station_id=info.id, name=to[:8], kind=DeviceKind.laptop)]
        raise SyncRefused("sync.no_such_device")
    if _device_kind(session, info.device_id) == DeviceKind.laptop:
        return [d for d in devices if d.kind == DeviceKind.station]
    return [d for d in devices if d.kind == DeviceKind.laptop]


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _acknowledged(session: Session, peers: list[Device]) -> dict[str, str]:
    """Of each device's changes, what every one of `peers` holds (nothing if no peers)."""
    if not peers:
        return {}
    vectors = [_peer_vector(session, peer.id) for peer in peers]
    origins = set().union(*vectors)
    return {o: min(v.get(o, "") for v in vectors) for o in origins if all(o in v for v in vectors)}


# -- where things stand ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerStatus:
    id: str
    name: str
    kind: str
    # This device's changes (its own and those it passed on) the peer is not known to hold.
    pending: int
    # The peer has sent a bundle here at least once.
    heard_from: bool


@dataclass(frozen=True)
class SyncStatus:
    device_name: str
    device_kind: str
    peers: tuple[PeerStatus, ...]
    conflicts: int


def sync_status(*, session: Session, info: StationInfo) -> SyncStatus:
    """This device, the devices it exchanges bundles with and what each still lacks."""
    from store.sync.conflicts import count_conflicts

    conn = session.connection()
    mine = version_vector(conn)
    me = session.get(Device, info.device_id)
    peers = []
    for device in _peers(session, info, None):
        vector = _peer_vector(session, device.id)
        pending = sum(
            _count_since(conn, origin, vector.get(origin, ""))
            for origin, top in mine.items()
            if top > vector.get(origin, "")
        )
        peers.append(
            PeerStatus(
                id=device.id,
                name=device.name,
                kind=device.kind,
                pending=pending,
                heard_from=bool(vector),
            )
        )
    return SyncStatus(
        device_name=me.name if me else info.device_id[:8],
        device_kind=me.kind if me else DeviceKind.station,
        peers=tuple(peers),
        conflicts=count_conflicts(session=session),
    )


def _count_since(conn: Connection, origin: str, start: str) -> int:
    log: Table = ChangeLog.__table__  # type: ignore[attr-defined]
    query = select(func.count()).where(
        log.c.device_id == origin, log.c.hlc > start, log.c.table_name != LOG_TABLE
    )
    return int(conn.execute(query).scalar() or 0)


# -- out ------------------------------------------------------------------------------------------


def export_bundle(
    *,
    store: Store,
    out: Path,
    passphrase: str | None = None,
    to: str | None = None,
    full: bool = False,
) -> ExportSummary:
    """Write a bundle of what the other side lacks to `out` (atomically).

    Args:
        to: a device (id or name) the bundle is for; by default a laptop's station, or all of a
            station's laptops (what one of them lacks goes).
        full: every change, whatever the other side has said it holds.
        passphrase: needed as well as the station's key to open it.
    Raises:
        SyncRefused: no such device, or one retired; this laptop has no station key, or has been
            retired.
    """
    info = load_station(store)
    _ensure_station_key(store, info)
    own = ensure_own_keys(store, info)
    with read_session(store.engine) as session:
        if info.device_id in load_trust(session, info.id).retired:
            raise SyncRefused("sync.this_device_retired")
        keys = station_keys(session)
        # Under a key that replaced the first one, it goes wrapped for every current device
        # (store.sync.device_keys): those that have not had it yet open the bundle with it.
        wrapped_for = recipients(session, info) if keys.epoch > 0 else []
        signer = signer_of(own, session, info)
        peers = _peers(session, info, to)
        fixes = repairs(session)
        since = resend_since({} if full else _acknowledged(session, peers), fixes)
        conn = session.connection()
        mine = version_vector(conn)
        changes = _changes_since(conn, mine, since)
        clamps = clamps_held(conn)
        acks = acks_for(session, {peer.id: _peer_vector(session, peer.id) for peer in peers})
        chains = witness.outgoing(session, [peer.id for peer in peers])
    payload = {
        "kind": "changes",
        "vector": outgoing_vector(mine, fixes),
        # Where each origin's changes start (all of those after it are in): a device that asked
        # for an old id's changes again knows when they have come (store.sync.identity).
        "since": since,
        # What this device believes each peer holds of its own changes: a peer put back in
        # time finds out from it (store.sync.identity).
        "acks": acks,
        # This device's chain head, and what it holds of its peers' (store.sync.witness).
        "chains": chains,
        "changes": changes,
        "clamps": clamps,
        "sent_at": store.clock.now().isoformat(),
        # Its signer's keys and who vouches for them (store.sync.device_keys).
        "signer": signer,
    }
    assert keys.current is not None
    data = seal_signed_bundle(
        payload,
        station_id=info.id,
        device_id=info.device_id,
        station_key=keys.current,
        epoch=keys.epoch,
        passphrase=passphrase or None,
        recipients=wrapped_for,
        signing_key=own.sign_private,
    )
    _write_atomically(out, data)
    return ExportSummary(
        path=out,
        changes=len(changes),
        peers=tuple(p.name for p in peers) if to or peers else (),
        full=full or not since,
    )


def _changes_since(
    conn: Connection, mine: dict[str, str], since: dict[str, str]
) -> list[list[Any]]:
    """Every change held here after `since` (a bundle is one sealed file: all of it at once)."""
    after = {o: since.get(o, "") for o, top in mine.items() if top > since.get(o, "")}
    return list(changes_since(conn, after))


def _write_atomically(out: Path, data: bytes) -> None:
    """The whole file or none of it: a stick pulled out mid-write leaves no half bundle."""
    private_dir(out.parent)
    fd, tmp = tempfile.mkstemp(prefix=".liaison-", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- in -------------------------------------------------------------------------------------------


def _read(path: Path) -> bytes:
    """A bundle file's bytes, once its size is what its header says (store.sync.bundle)."""
    try:
        return read_bundle_file(path)
    except OSError:
        raise SyncRefused("sync.unreadable") from None


def _peek(path: Path) -> Header:
    try:
        return peek_header(path)
    except OSError:
        raise SyncRefused("sync.unreadable") from None


def import_bundle(*, store: Store, path: Path, passphrase: str | None = None) -> ImportSummary:
    """Verify the bundle at `path`, then take in its changes in one transaction.

    Raises:
        SyncRefused: unreadable, not a bundle, from another station or from this device,
            altered or cut short, a wrong or missing passphrase, a joining bundle; from a
            retired device, not signed by its sender, or sealed with a station key this device
            was not given (store.sync.device_keys); nothing is changed then.
    """
    # Whose it is, from its header alone: another station's file is not read any further.
    header = _peek(path)
    info = load_station(store)
    if header.station_id != info.id:
        raise SyncRefused("sync.other_station")
    if header.device_id == info.device_id:
        raise SyncRefused("sync.own_bundle")
    data = _read(path)
    with read_session(store.engine) as session:
        known = session.get(Device, header.device_id)
        name = known.name if known else header.device_id[:8]
        if header.device_id in load_trust(session, info.id).retired:
            raise SyncRefused("sync.retired", device=name)
        key = key_for(session, header)
        if (
            key is None
            and header.kdf != "passphrase"
            and _device_kind(session, info.device_id) == DeviceKind.station
        ):
            # The station's own terminal makes the key with its first laptop: one without it was
            # restored from a copy older than that (a laptop's advice, "make this device again
            # from a new-laptop bundle", would be wrong here).
            raise SyncRefused("sync.station_without_key")
    header, payload, _ = open_bundle(data, station_key=key, passphrase=passphrase or None)
    if payload.get("kind") == "join":
        raise SyncRefused("sync.join_bundle")
    changes, clamps, vector = _parts(payload)
    with read_session(store.engine) as session:
        # Who wrote it, believed or refused before anything is written.
        verdict = check_bundle(
            session, info=info, header=header, payload=payload, data=data, name=name, key=key
        )
    renamed = False
    with read_session(store.engine) as session:
        if rewound(session.connection(), info.device_id, payload.get("acks")):
            # This file was put back to an earlier state and has made changes since, under an
            # id the sender knows more of: go on under a new one before taking anything in.
            start = _peer_vector(session, header.device_id).get(info.device_id, "")
            renamed = True
    if renamed:
        info = continue_as_new_device(store, info, repair_from=start)
    with write_session(store.engine, actor=info.actor(), clock=store.clock) as session:
        fixes = repairs(session)
        incoming = [dict(zip(CHANGE_COLUMNS, row, strict=True)) for row in changes]
        note_lost(session, header.device_id, payload.get("since"), incoming)
        merged = merge_changes(session=session, changes=changes, clamps=clamps)
        _record_peer(session, header.device_id, vector)
        settle_repairs(
            session,
            fixes,
            since=payload.get("since"),
            acked=info.device_id in (payload.get("acks") or {}),
        )
        chain_sound = witness.take_in(
            session,
            sender=header.device_id,
            me=info.device_id,
            chains=payload.get("chains"),
            when=store.clock.now().isoformat(),
        )
        save_verdict(session, verdict)
        note_heard(session, header.device_id, store.clock.now())
        sender = session.get(Device, header.device_id)
        ahead = [session.get(Device, d) for d in merged.clock_ahead]
    return ImportSummary(
        sender=sender.name if sender else header.device_id[:8],
        merge=merged,
        clock_ahead=tuple(d.name for d in ahead if d is not None),
        renamed=renamed,
        chain_rewritten=not chain_sound,
    )


def _parts(payload: dict[str, Any]) -> tuple[list[list[Any]], list[list[str]], dict[str, str]]:
    """A payload's changes, clamps and vector, each checked for shape."""
    changes, clamps, vector = payload.get("changes"), payload.get("clamps"), payload.get("vector")
    width = len(CHANGE_COLUMNS)
    if (
        payload.get("kind") != "changes"
        or not isinstance(changes, list)
        or not isinstance(clamps, list)
        or not isinstance(vector, dict)
        or any(not isinstance(c, list) or len(c) != width for c in changes)
        or any(not isinstance(c, list) or len(c) != 3 for c in clamps)
        or any(not isinstance(k, str) or not isinstance(v, str) for k, v in vector.items())
    ):
        raise SyncRefused("sync.damaged")
    return changes, clamps, vector


# -- a new laptop ---------------------------------------------------------------------------------


def export_join_bundle(*, store: Store, db_path: Path, out: Path, passphrase: str) -> ExportSummary:
    """A bundle that makes a new laptop of this station (`join_station`): a copy of the whole
    database and the station's key, sealed by the passphrase alone (the laptop has no key yet).

    The copy inside is itself encrypted with the passphrase (SQLCipher), whether or not the
    station's file is: so the laptop never writes its station's data in plain to its disk, and
    an encrypted station's key never leaves it.

    The laptop believes the device keys the station believes (store.sync.device_keys): the
    station's own, and those of its laptops. The station's private keys stay out of the copy.

    Raises:
        SyncRefused: not the station's own device; the passphrase is missing or too short.
    """
    if len(passphrase or "") < PASSPHRASE_MIN:
        raise SyncRefused("sync.short_passphrase", min=PASSPHRASE_MIN)
    info = load_station(store)
    with read_session(store.engine) as session:
        if _device_kind(session, info.device_id) != DeviceKind.station:
            raise SyncRefused("sync.join_from_station")
    key = _ensure_station_key(store, info)
    own = ensure_own_keys(store, info)
    with read_session(store.engine) as session:
        pins = pins_for_joining(session, info, own)
        retired = sorted(load_trust(session, info.id).retired)
        epoch = station_keys(session).epoch
    with tempfile.TemporaryDirectory(prefix="liaison-join-") as tmp:
        copy = _keyed_copy(db_path, Path(tmp), source_key=store.key, key=passphrase)
        conn = connect_file(copy, key=passphrase)
        try:
            _keep_secrets_home(conn)
            changes = conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
        finally:
            conn.close()
        blob = copy.read_bytes()
    payload = {
        "kind": "join",
        "station_key": base64.b64encode(key).decode(),
        "epoch": epoch,
        "pins": pins,
        "retired": retired,
    }
    data = seal_bundle(
        payload,
        station_id=info.id,
        device_id=info.device_id,
        station_key=None,
        passphrase=passphrase,
        blob=blob,
    )
    _write_atomically(out, data)
    return ExportSummary(path=out, changes=changes, peers=(), full=True)


def _give_new_keys(session: Session, device: Device) -> None:
    """Key pairs of its own for a device made here: private halves in this file, public halves
    on its record, vouched for by itself."""
    sign_private, box_private = new_key_pairs()
    store_own_keys(session, sign_private, box_private)
    device.sign_key, device.box_key = public_keys(sign_private, box_private)
    statement = key_statement(device.station_id, device.id, device.sign_key, device.box_key)
    device.key_cert = certify(sign_private, device.id, statement)


def _keep_secrets_home(conn: Any) -> None:
    """Out of a joining copy: the station's own facts about its file (its device keys, its
    station keys old and new, what it witnessed), zeroed where they were, not only unlinked."""
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("DELETE FROM local_meta WHERE key NOT IN ('station_id', 'device_id')")


def _keyed_copy(db_path: Path, tmp: Path, *, source_key: str | None, key: str) -> Path:
    """A snapshot of the live database at `db_path`, encrypted with `key`, in the directory
    `tmp`. SQLite's backup API copies between two encrypted files (re-keying each page) but not
    from a plain one: that is first copied plain into `tmp` (the station's own disk, where it is
    plain already), then exported."""
    copy = tmp / "station.db"
    if source_key is None:
        plain = backup_to(db_path, tmp / "plain.db")
        return export_database(source=plain, source_key=None, target=copy, target_key=key)
    src = connect_file(db_path, key=source_key)
    try:
        dst = connect_file(copy, key=key)
        try:
            src.backup(dst)
            # One self-contained file: the blob is its bytes alone.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    return copy


def join_station(
    *,
    bundle: Path,
    db_path: Path,
    passphrase: str,
    device_name: str,
    clock: Clock,
    key: str | None = None,
) -> StationInfo:
    """Make a laptop database of the station a joining bundle came from, with its own device id.

    Args:
        passphrase: the joining bundle's.
        key: a passphrase to encrypt the laptop's database with (docs/rules/sync.md), or None for a
        plain
            file. The copy in the bundle is encrypted with `passphrase`; it is written to the
            laptop's disk only so, then exported under `key`.

    Raises:
        SyncRefused: not a joining bundle; wrong passphrase; altered or cut short.
        FileExistsError: a database is already at `db_path`.
    """
    if db_path.exists() and db_path.stat().st_size > 0:
        raise FileExistsError(str(db_path))
    header, payload, blob = open_bundle(_read(bundle), station_key=None, passphrase=passphrase)
    epoch = payload.get("epoch", 0)
    if (
        payload.get("kind") != "join"
        or not isinstance(payload.get("station_key"), str)
        or type(epoch) is not int
        or epoch < 0
    ):
        raise SyncRefused("sync.not_join_bundle")
    private_dir(db_path.parent)
    tmp = write_private(db_path.with_name(f".{db_path.name}.joining"), blob)
    # A bundle from an earlier version carries a plain copy.
    tmp_key = None if blob.startswith(SQLITE_HEADER) else passphrase
    engine = make_engine(sqlite_url(tmp), key=tmp_key)
    try:
        ensure_schema(engine, None)
        device_id = new_id()
        with read_session(engine) as session:
            station = station_info(session=session)
            held = version_vector(session.connection())
        actor = Actor(station_id=station.id, device_id=device_id)
        with write_session(engine, actor=actor, clock=clock) as session:
            # The station's own facts about its file (its device id, PIN tries, peers) stay there.
            session.connection().exec_driver_sql("DELETE FROM local_meta")
            session.connection().exec_driver_sql("DELETE FROM sync_peer")
            session.add(LocalMeta(key="station_id", value=station.id))
            session.add(LocalMeta(key="device_id", value=device_id))
            session.add(LocalMeta(key=STATION_KEY, value=payload["station_key"]))
            session.add(LocalMeta(key=EPOCH, value=str(epoch)))
            _record_peer(session, header.device_id, held)
            # The station's keys and its laptops' as the station holds them (a joining bundle
            # from before device keys carries none: first use then), and its own, made here.
            take_joining_trust(session, payload.get("pins"), payload.get("retired"))
            laptop = Device(
                id=device_id, station_id=station.id, name=device_name, kind=DeviceKind.laptop
            )
            _give_new_keys(session, laptop)
            session.add(laptop)
        with read_session(engine) as session:
            info = station_info(session=session)
        engine.dispose()
        if tmp_key != key:
            keyed = db_path.with_name(f".{db_path.name}.keyed")
            remove_database_files(keyed)
            export_database(source=tmp, source_key=tmp_key, target=keyed, target_key=key)
            remove_database_files(tmp)
            tmp = keyed
    except BaseException:
        engine.dispose()
        remove_database_files(tmp)
        remove_database_files(db_path.with_name(f".{db_path.name}.keyed"))
        raise
    os.replace(tmp, db_path)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    return info
