"""A device's identity when its database goes back in time: restored from a backup or copied.

A device names every change it makes by its id and its stamp, and its version vector says "of my
own changes, I hold all up to this stamp". A database put back to an earlier state breaks both:
the changes made after the backup are gone from it, the other devices still believe it holds
them (so they never send them back), and with a clock that had run ahead its next change can
take the very stamp of a lost one. So a rewound database continues under a new device id
(spec §9), and its next exchanges repair what the old id left behind:

- the other devices know nothing yet of the new id, so what they send it follows what it
  really holds (`liaison restore` needs nothing more);
- a copy found out late may have made changes under the old id after the rewind: it asks again
  for the old id's changes after the last point its peer had acknowledged (`refetch`: its vector
  says it holds no more of them), until a bundle has come that carried them, and it sends its
  own again from that point (`resend`), whatever the peer's vector says, until the peer has
  acknowledged the new id;
- two different changes that carry the same device and stamp (made on both sides of the
  rewind) are both kept everywhere: sync tells changes apart by their content's digest
  (`change_digest`), not by the stamp alone.

`liaison restore` takes a new id at once. A file copied back by other means cannot be told from
the original until it meets a device that knows more of its past: a bundle says what the sender
believes each of its peers holds of its own changes (`acks`), and a device that does not hold
that change takes a new id before it takes the bundle in."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, delete, select, tuple_
from sqlalchemy.orm import Session
from sqlmodel import col

from store.changelog.chain import PERSONAL_FIELDS
from store.changelog.changes import Actor
from store.changelog.field_clock import chunks
from store.changelog.lean import entry_values
from store.core.clock import Clock
from store.core.models import ChangeLog, Device, LocalMeta, new_id
from store.db import Store
from store.station import StationInfo, load_station
from store.sync.device_keys import give_successor_keys

REFETCH = "refetch:"
RESEND = "resend:"
# A peer found to lack a change of its own (sent from its old files): "<stamp> <digest>".
LOST = "lost:"


def change_digest(change: dict[str, Any]) -> str:
    """What names a change on every device besides its device and stamp: a digest of what it
    says, the same wherever it is held. Personal values are left out (a purge removes them from
    old entries, differently on each device); their fields' names stay in."""
    fields = json.loads(change["fields"]) if isinstance(change["fields"], str) else change["fields"]
    personal = PERSONAL_FIELDS.get(change["table_name"], ())
    kept = {k: (None if k in personal else v) for k, v in (fields or {}).items()}
    base = change.get("base")
    if isinstance(base, str):
        base = json.loads(base) if base else None
    text = json.dumps(
        [
            change["hlc"],
            change["device_id"],
            change.get("deputy_id"),
            change["table_name"],
            change["row_id"],
            change["op"],
            kept,
            base or None,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


_COLUMNS = (
    "hlc", "device_id", "deputy_id", "table_name", "row_id", "op", "fields", "base", "layout"
)  # fmt: skip


def held_digests(
    conn: Connection, names: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], set[str]]:
    """The digests of the changes held here under each (device id, stamp) asked for."""
    log: Table = ChangeLog.__table__  # type: ignore[attr-defined]
    found: dict[tuple[str, str], set[str]] = {}
    for part in chunks(sorted(set(names))):
        rows = conn.execute(
            select(*(log.c[c] for c in _COLUMNS)).where(
                tuple_(log.c.device_id, log.c.hlc).in_(part)
            )
        ).mappings()
        for row in rows:
            digest = change_digest(_held(conn, row))
            found.setdefault((row["device_id"], row["hlc"]), set()).add(digest)
    return found


def _held(conn: Connection, row: Any) -> dict[str, Any]:
    """A change as this log holds it, its fields read whichever way they were written."""
    change = dict(row)
    change["fields"] = entry_values(
        conn, row["fields"], row["layout"], row["row_id"], row["device_id"]
    )
    return change


# -- what this device must repair after a rewind found out late --------------------------------


@dataclass(frozen=True)
class Repairs:
    """Old ids of this device whose changes after a stamp it asks for again (`refetch`) and
    sends again (`resend`)."""

    refetch: dict[str, str]
    resend: dict[str, str]


def repairs(session: Session) -> Repairs:
    rows = session.execute(select(col(LocalMeta.key), col(LocalMeta.value))).all()
    refetch = {k.removeprefix(REFETCH): v for k, v in rows if k.startswith(REFETCH)}
    resend = {k.removeprefix(RESEND): v for k, v in rows if k.startswith(RESEND)}
    return Repairs(refetch=refetch, resend=resend)


def outgoing_vector(vector: dict[str, str], fixes: Repairs) -> dict[str, str]:
    """The vector a bundle carries: what this device holds, except that of an old id it asks
    for again it claims no more than the last acknowledged point."""
    out = dict(vector)
    for origin, start in fixes.refetch.items():
        if origin in out:
            out[origin] = min(out[origin], start)
    return out


def resend_since(since: dict[str, str], fixes: Repairs) -> dict[str, str]:
    """Where each origin's changes start going out, the old ids' sent again from their mark."""
    out = dict(since)
    for origin, start in fixes.resend.items():
        out[origin] = min(out.get(origin, ""), start)
    return out


def settle_repairs(session: Session, fixes: Repairs, *, since: Any, acked: bool) -> None:
    """After taking in a bundle: the old ids it carried all of (its `since` no later than the
    mark) are no longer asked for; once a peer has acknowledged the new id, nothing is sent
    again."""
    done = []
    for origin, start in fixes.refetch.items():
        sent_from = since.get(origin, "") if isinstance(since, dict) else None
        if isinstance(sent_from, str) and sent_from <= start:
            done.append(REFETCH + origin)
    if acked:
        done += [RESEND + origin for origin in fixes.resend]
    if done:
        # Local bookkeeping (never logged): removed in SQL, not through the logged ORM.
        meta: Table = LocalMeta.__table__  # type: ignore[attr-defined]
        session.connection().execute(delete(meta).where(meta.c.key.in_(done)))


# -- acknowledgements: how a copy put back finds out -------------------------------------------


def acks_for(session: Session, peer_vectors: dict[str, dict[str, str]]) -> dict[str, list[Any]]:
    """For each peer (by its recorded vector), a change of its own it must hold: the latest it
    is known to hold, or one it was found to lack (`note_lost`); with the digests of what is
    held here under that stamp."""
    lost = {
        key.removeprefix(LOST): value.split(" ")
        for key, value in session.execute(select(col(LocalMeta.key), col(LocalMeta.value)))
        if key.startswith(LOST)
    }
    wanted = {p: v.get(p, "") for p, v in peer_vectors.items()}
    wanted = {p: h for p, h in wanted.items() if h}
    digests = held_digests(session.connection(), wanted.items())
    acks = {p: [h, sorted(digests[(p, h)])] for p, h in wanted.items() if (p, h) in digests}
    for peer in peer_vectors:
        if peer in lost and len(lost[peer]) == 2:
            acks[peer] = [lost[peer][0], [lost[peer][1]]]
    return acks


def note_lost(session: Session, sender: str, since: Any, changes: list[dict[str, Any]]) -> bool:
    """A bundle carries every change of its sender's own after `since`: a change of the
    sender's held here in that range and missing from the bundle was lost by the sender (its
    files were put back in time). Noted, so that the next bundle to it says so (`acks_for`).

    Returns:
        Whether the sender was found to have lost some."""
    start = since.get(sender, "") if isinstance(since, dict) else None
    own = [c for c in changes if c["device_id"] == sender]
    if not isinstance(start, str) or not own:
        return False
    top = max(c["hlc"] for c in own)
    log: Table = ChangeLog.__table__  # type: ignore[attr-defined]
    held = (
        session.connection()
        .execute(
            select(*(log.c[c] for c in _COLUMNS)).where(
                log.c.device_id == sender, log.c.hlc > start, log.c.hlc <= top
            )
        )
        .mappings()
    )
    sent = {(c["hlc"], change_digest(c)) for c in own}
    for row in held:
        digest = change_digest(_held(session.connection(), row))
        if (row["hlc"], digest) not in sent:
            meta = session.get(LocalMeta, LOST + sender)
            value = f"{row['hlc']} {digest}"
            if meta is None:
                session.add(LocalMeta(key=LOST + sender, value=value))
            elif value < meta.value:
                meta.value = value
            return True
    return False


def rewound(conn: Connection, device_id: str, acks: Any) -> bool:
    """Whether this device lacks a change of its own that a peer knows it made (a bundle's
    `acks` for it): the database was put back to an earlier state."""
    mine = acks.get(device_id) if isinstance(acks, dict) else None
    if not (isinstance(mine, list) and len(mine) == 2 and isinstance(mine[0], str)):
        return False
    stamp = mine[0]
    digests = {d for d in mine[1] if isinstance(d, str)} if isinstance(mine[1], list) else set()
    held = held_digests(conn, [(device_id, stamp)]).get((device_id, stamp), set())
    return not (held & digests)


# -- a new identity ----------------------------------------------------------------------------


def continue_as_new_device(
    store: Store, info: StationInfo, *, repair_from: str | None
) -> StationInfo:
    """Give this database a new device id, with the name and kind it had; the old id's device
    record is retired (so peers stop waiting for it). `repair_from`: for a rewind found out late,
    the stamp after which the old id's changes are asked for and sent again (None after
    `liaison restore`, which needs no repair). One transaction.

    Returns:
        The station info under the new device id.
    """
    device_id = new_id()
    actor = Actor(station_id=info.id, device_id=device_id)
    with store.write(actor) as session:
        meta = session.get(LocalMeta, "device_id")
        old = session.get(Device, info.device_id)
        assert meta is not None and old is not None
        meta.value = device_id
        new = Device(id=device_id, station_id=old.station_id, name=old.name, kind=old.kind)
        # The same keys under the new id, vouched for by the old one (store.sync.device_keys).
        give_successor_keys(session, info.id, old.id, new)
        session.add(new)
        old.deleted_at = store.clock.now()
        if repair_from is not None:
            session.add(LocalMeta(key=REFETCH + info.device_id, value=repair_from))
            session.add(LocalMeta(key=RESEND + info.device_id, value=repair_from))
    return load_station(store)


def restore_as_new_device(
    *, backup: Path, target: Path, clock: Clock, key: str | None = None
) -> tuple[Path | None, StationInfo]:
    """`liaison restore`: put a backup in place (store.trust.backup.restore_database), then go on
    under a new device id, so that no stamp the device issued after the backup is issued again,
    and the next exchange brings back what the backup lacks (its peers know nothing of the new
    id yet, so they send it what it really holds).

    Returns:
        The safety copy of what was replaced (None if nothing was), and the station info under
        the new device id.
    """
    from store.station import open_store
    from store.trust.backup import restore_database

    safety = restore_database(backup=backup, target=target, key=key)
    store = open_store(target, clock=clock, key=key)
    try:
        info = load_station(store)
        if info.hub:
            return safety, info
        return safety, continue_as_new_device(store, info, repair_from=None)
    finally:
        store.dispose()
