"""The change log made tamper-evident (issue 7): each entry's hash is chained to the one before.

On every device, entries are sealed in the order they were written here (`seq`), at the end of
the transaction that wrote them (store.db.write_session): `chain` = SHA-256 of the previous
entry's `chain` and this entry's content. Editing, inserting or deleting an entry in the middle
breaks every link after it; `liaison check` recomputes the chain and names the first entry that
does not match. The chain is local: entries that came by sync are sealed as they arrive.

Purging a resident's personal data (store.trust.purge) must rewrite old entries, which hold the name
and phone. So the personal fields of an entry enter its hash only through `personal digest` =
SHA-256(salt ‖ those fields), where the salt is random and kept in the entry's `seal` ("s:…").
A purge replaces the values, keeps their digest in the seal ("p:…") and forgets the salt: the
chain still verifies, everything but the removed values is still covered, and the digest cannot
be turned back into a phone number by trying all of them (the salt is gone)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from store.core.dialect import execute_driver

# Fields that are a resident's personal data, per table: hashed apart, and removable by a purge.
# name_pinyin and name_initials are derived from the name, so they go with it.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "constituent": ("name", "phone", "id_number", "name_pinyin", "name_initials"),
}

_COLUMNS = "seq, hlc, device_id, deputy_id, table_name, row_id, op, fields, at, base, seal"
_FIRST_UNSEALED = "SELECT min(seq) FROM change_log WHERE chain IS NULL"
_FROM = f"SELECT {_COLUMNS} FROM change_log WHERE seq > ? ORDER BY seq LIMIT 20000"
_BEFORE = "SELECT chain FROM change_log WHERE seq < ? ORDER BY seq DESC LIMIT 1"
_RELINK = "UPDATE change_log SET chain = ?, seal = ? WHERE seq = ?"
_ROW_ENTRIES = (
    "SELECT seq, fields, seal FROM change_log"
    " WHERE table_name = ? AND row_id = ? AND coalesce(clamped_hlc, hlc) < ? ORDER BY seq"
)
_REDACT = "UPDATE change_log SET fields = ?, seal = ? WHERE seq = ?"
_LAST_LINK = "SELECT chain FROM change_log WHERE chain IS NOT NULL ORDER BY seq DESC LIMIT 1"
_SALT_BYTES = 16
_SEP = "\x1f"


@dataclass(frozen=True)
class BrokenLink:
    """The first entry whose hash does not follow from the entries before it."""

    seq: int
    table_name: str
    row_id: str
    device_id: str
    at: str


@dataclass(frozen=True)
class ChainVerdict:
    entries: int
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def chain_head(conn: Connection) -> str:
    """The last entry's link: where the next entry's chain starts."""
    return conn.exec_driver_sql(_LAST_LINK).scalar() or ""


def chain_rows(head: str, rows: list[dict[str, Any]]) -> str:
    """Seal change-log rows about to be inserted, in the order given (their `seq` order to be),
    after `head`: sets each row's `chain` and `seal`. Returns the new head. Sealing as rows are
    written costs a hash each; sealing them afterwards would write every entry twice."""
    for row in rows:
        seal = row.get("seal")
        if seal is None and row["table_name"] in PERSONAL_FIELDS:
            seal = new_seal()
        row["seal"] = seal
        head = row["chain"] = link(
            head,
            row["hlc"],
            row["device_id"],
            row["deputy_id"],
            row["table_name"],
            row["row_id"],
            row["op"],
            row["fields"],
            row["at"],
            row.get("base"),
            seal,
        )
    return head


def chain_inserts(
    head: str,
    *,
    stamps: list[str],
    device_id: str,
    deputy_id: str | None,
    table_name: str,
    op: str,
    row_ids: Sequence[str],
    fields: list[str],
    at: str,
    values: Sequence[dict[str, Any]] | None = None,
) -> tuple[str, list[str], list[str | None]]:
    """Seal a bulk load's insert entries (one table, one author, one time, no base): the same
    links as `link` gives each, in one loop over what differs between them (a bulk load seals
    650,000 entries). `values` are the entries' values as their `fields` hold them, needed for
    a table with personal fields (so that their JSON is not decoded again).
    Returns the new head, the links and the seals."""
    personal = PERSONAL_FIELDS.get(table_name)
    if personal is not None and values is None:
        values = [json.loads(text) for text in fields]
    # The text `link` hashes, cut where the entries differ.
    after_stamp = _SEP + _SEP.join((device_id, deputy_id or "", table_name)) + _SEP
    after_row = _SEP + op + _SEP
    after_fields = _SEP + at + _SEP + _SEP
    sha256 = hashlib.sha256
    chains: list[str] = []
    seals: list[str | None] = []
    if personal is None:
        for stamp, row_id, text in zip(stamps, row_ids, fields, strict=True):
            head = sha256(
                f"{head}{_SEP}{stamp}{after_stamp}{row_id}{after_row}{text}{after_fields}".encode()
            ).hexdigest()
            chains.append(head)
        return head, chains, [None] * len(chains)
    assert values is not None
    for stamp, row_id, row in zip(stamps, row_ids, values, strict=True):
        seal = new_seal()
        rest, tail = _split_personal(personal, row, seal)
        head = sha256(
            f"{head}{_SEP}{stamp}{after_stamp}{row_id}{after_row}{rest}{after_fields}{tail}".encode()
        ).hexdigest()
        chains.append(head)
        seals.append(seal)
    return head, chains, seals


def new_seal() -> str:
    """The salt an entry's personal fields are hashed with (see the module's note)."""
    return "s:" + os.urandom(_SALT_BYTES).hex()


def seal_new_entries(conn: Connection) -> int:
    """Chain any entry written without its seal, and every entry after it, in `seq` order:
    the writing transaction's last step (store.db.write_session), so the entries and their
    links commit together. Entries are normally sealed as they are written (`chain_rows`);
    this finds nothing then, through a partial index. Returns how many it sealed."""
    first = conn.exec_driver_sql(_FIRST_UNSEALED).scalar()
    if first is None:
        return 0
    previous = execute_driver(conn, _BEFORE, (first,)).scalar() or ""
    after, count = first - 1, 0
    while True:
        # In batches: a bulk load written around `chain_rows` would seal 100,000s of entries.
        rows = execute_driver(conn, _FROM, (after,)).all()
        if not rows:
            return count
        updates = []
        for row in rows:
            seal = row.seal
            if row.table_name in PERSONAL_FIELDS and seal is None:
                seal = new_seal()
            previous = _row_link(previous, row, seal)
            updates.append((previous, seal, row.seq))
        execute_driver(conn, _RELINK, updates)
        after, count = rows[-1].seq, count + len(rows)


def verify_chain(
    conn: Connection, *, progress: Callable[[int], None] | None = None
) -> ChainVerdict:
    """Recompute the whole chain. An unsealed entry outside a transaction that is writing it
    (one written around the store) counts as broken too."""
    previous = ""
    count = 0
    result = conn.execution_options(stream_results=True, yield_per=5000).exec_driver_sql(
        f"SELECT {_COLUMNS}, chain FROM change_log ORDER BY seq"
    )
    for row in result:
        count += 1
        try:
            expected = _row_link(previous, row, row.seal)
        except (ValueError, TypeError):
            expected = None
        if row.chain is None or row.chain != expected:
            return ChainVerdict(count, _broken(row))
        previous = row.chain
        if progress is not None and count % 50_000 == 0:
            progress(count)
    return ChainVerdict(count, None)


def redact_entries(
    conn: Connection, *, table_name: str, row_id: str, values: dict[str, Any], before_stamp: str
) -> int:
    """Replace the personal fields of `row_id`'s entries ordered before `before_stamp` (by their
    clamped stamp if any, as sync orders them) with `values`, what the purge left in the
    record, keeping the chain verifiable. Returns how many entries changed."""
    personal = PERSONAL_FIELDS[table_name]
    rows = execute_driver(conn, _ROW_ENTRIES, (table_name, row_id, before_stamp)).all()
    updates = []
    for seq, fields_text, seal in rows:
        fields = json.loads(fields_text)
        held = {k: fields[k] for k in personal if k in fields}
        if not held or all(fields[k] == values.get(k) for k in held):
            continue
        if seal is not None and seal.startswith("s:"):
            seal = "p:" + _personal_digest(seal, fields)
        for key in held:
            fields[key] = values.get(key)
        updates.append((json.dumps(fields, ensure_ascii=False), seal, seq))
    if updates:
        execute_driver(conn, _REDACT, updates)
    return len(updates)


def _row_link(previous: str, row: Any, seal: str | None) -> str:
    return link(
        previous,
        row.hlc,
        row.device_id,
        row.deputy_id,
        row.table_name,
        row.row_id,
        row.op,
        row.fields,
        row.at,
        row.base,
        seal,
    )


def link(
    previous: str,
    hlc: str,
    device_id: str,
    deputy_id: str | None,
    table_name: str,
    row_id: str,
    op: str,
    fields: str,
    at: Any,
    base: str | None,
    seal: str | None,
) -> str:
    """An entry's link: the hash of the previous link and the entry's content."""
    personal = PERSONAL_FIELDS.get(table_name)
    tail = ""
    if personal is not None:
        fields, tail = _split_personal(personal, json.loads(fields), seal)
    text = _SEP.join(
        (
            previous,
            hlc,
            device_id,
            deputy_id or "",
            table_name,
            row_id,
            op,
            fields,
            at if type(at) is str else _at_text(at),
            base or "",
            tail,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _split_personal(personal: Any, values: dict[str, Any], seal: str | None) -> tuple[str, str]:
    """What an entry with personal fields links: its other fields (canonical JSON), and the
    digest its seal makes of the personal ones (none without a seal)."""
    rest = _canonical({k: v for k, v in values.items() if k not in personal})
    return rest, _personal_digest(seal, values) if seal else ""


def _personal_digest(seal: str, values: dict[str, Any]) -> str:
    kind, _, value = seal.partition(":")
    if kind == "p":
        return value
    if kind != "s":
        raise ValueError("seal")
    personal = PERSONAL_FIELDS["constituent"]
    held = _canonical({k: values[k] for k in personal if k in values})
    return hashlib.sha256(bytes.fromhex(value) + held.encode()).hexdigest()


def _canonical(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _at_text(at: Any) -> str:
    # SQLite hands back the stored text; PostgreSQL a datetime (sessions are in UTC): both read
    # as SQLite stores it.
    if isinstance(at, datetime):
        naive = at if at.tzinfo is None else at.astimezone(UTC).replace(tzinfo=None)
        return naive.isoformat(" ", "microseconds")
    return str(at)


def _broken(row: Any) -> BrokenLink:
    return BrokenLink(
        seq=int(row.seq),
        table_name=str(row.table_name),
        row_id=str(row.row_id),
        device_id=str(row.device_id),
        at=_at_text(row.at)[:19],
    )


__all__ = [
    "PERSONAL_FIELDS",
    "BrokenLink",
    "ChainVerdict",
    "chain_head",
    "chain_inserts",
    "chain_rows",
    "link",
    "new_seal",
    "redact_entries",
    "seal_new_entries",
    "verify_chain",
]
