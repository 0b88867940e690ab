"""The hash chain anchored outside the device that holds it (spec §9): each device witnesses the
others' chains.

A device's chain (store.changelog.chain) proves its log was not edited in place, but not that the
whole log was not rewritten with every link computed again. So every bundle and every push
carries its sender's chain head (the last entry's seq and link), and the receiver keeps the last
head it saw of each device (`witness:<device>`). It tells the sender which of its heads it holds
(`witnessed`, in its own bundles back); the sender's next bundle carries its link at that seq
(`proof`); a link that differs means the sender's log before that point was rewritten, and the
witness keeps that finding (`forged:<device>`), which `liaison check` reports there. A device put
back in time goes on under a new id (store.sync.identity) and owes no proof for its old one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, delete, insert
from sqlalchemy.orm import Session

from store.changelog.chain import head_entry
from store.core.models import LocalMeta

WITNESS = "witness:"  # a device's last head seen here: "<seq> <link>"
WITNESSED = "witnessed:"  # the seq of this device's head that a peer holds
FORGED = "forged:"  # a device whose proof did not match: "<seq> <when>"


def chain_head_at(conn: Connection) -> list[Any] | None:
    """This device's chain head: [seq, link] of its last entry; None for an empty log."""
    head = head_entry(conn)
    return list(head) if head is not None else None


def link_at(conn: Connection, seq: int) -> str | None:
    row = conn.exec_driver_sql(f"SELECT chain FROM change_log WHERE seq = {int(seq)}").first()
    return None if row is None or row[0] is None else str(row[0])


def _meta(session: Session) -> dict[str, str]:
    rows = session.execute(
        LocalMeta.__table__.select()  # type: ignore[attr-defined]
    ).all()
    return {str(r.key): str(r.value) for r in rows}


def _put(session: Session, key: str, value: str) -> None:
    meta: Table = LocalMeta.__table__  # type: ignore[attr-defined]
    conn = session.connection()
    conn.execute(delete(meta).where(meta.c.key == key))
    conn.execute(insert(meta).values(key=key, value=value[:200]))


def outgoing(session: Session, peers: list[str]) -> dict[str, Any]:
    """What a bundle says of chains: this device's head, the heads of each peer it holds (so
    that each can prove them next time), and its proofs of the heads peers hold of it."""
    conn = session.connection()
    meta = _meta(session)
    witnessed = {}
    for peer in peers:
        held = meta.get(WITNESS + peer)
        if held:
            witnessed[peer] = int(held.split(" ")[0])
    proofs = {}
    for key, value in meta.items():
        if key.startswith(WITNESSED):
            seq = int(value)
            proofs[key.removeprefix(WITNESSED)] = [seq, link_at(conn, seq)]
    return {"head": chain_head_at(conn), "witnessed": witnessed, "proofs": proofs}


def take_in(session: Session, *, sender: str, me: str, chains: Any, when: str) -> bool:
    """Keep what a bundle (or a push) says of chains. Returns False when the sender's proof of a
    head witnessed here does not match (the finding is kept: `findings`)."""
    if not isinstance(chains, dict):
        return True
    meta = _meta(session)
    sound = True
    proof = (chains.get("proofs") or {}).get(me)
    held = meta.get(WITNESS + sender)
    if isinstance(proof, list) and len(proof) == 2 and held:
        seq, link = held.split(" ", 1)
        if int(proof[0]) == int(seq) and proof[1] != link:
            sound = False
            _put(session, FORGED + sender, f"{seq} {when}")
    head = chains.get("head")
    if isinstance(head, list) and len(head) == 2 and sound:
        _put(session, WITNESS + sender, f"{int(head[0])} {head[1]}")
    mine = (chains.get("witnessed") or {}).get(me)
    if isinstance(mine, int):
        _put(session, WITNESSED + sender, str(mine))
    return sound


def findings(conn: Connection) -> list[tuple[str, str, str]]:
    """(device id, seq, when) of each device whose chain no longer extended a head witnessed
    here."""
    rows = conn.exec_driver_sql(
        "SELECT key, value FROM local_meta WHERE key LIKE 'forged:%%'"
        if conn.dialect.name == "postgresql"
        else "SELECT key, value FROM local_meta WHERE key LIKE 'forged:%'"
    ).all()
    out = []
    for key, value in rows:
        seq, _, when = str(value).partition(" ")
        out.append((str(key).removeprefix(FORGED), seq, when))
    return out
