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
be turned back into a phone number by trying all of them (the salt is gone). The purge is itself
an entry of the chain (a redaction record, local to the device, never synced) naming the digests
it left: an entry sealed "p:…" that no later redaction record names, or whose personal fields
are not empty, is a break: so a seal cannot be swapped to rewrite a name or phone.

Only entries this transaction wrote are ever sealed (`seal_new_entries`): an entry whose link was
removed, or one written around the store, stays unsealed, and is a break."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, inspect

from store.changelog import lean
from store.changelog.lean import Layout, hashed_fields
from store.core.dialect import execute_driver

# Fields that are a person's personal data, per table: hashed apart, and removable by a purge.
# A resident's name_pinyin and name_initials are derived from the name, so they go with it. A
# legislative opinion typed at the desk names who gave it (store.legislation.opinions), and an
# observer (民情观察员) is under the residents' rules (store.observers.retention): purged by the
# same rule (store.trust.purge).
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "constituent": ("name", "phone", "id_number", "name_pinyin", "name_initials"),
    "legislative_opinion": ("who",),
    "observer": ("name", "phone"),
}

_COLUMNS = "seq, hlc, device_id, deputy_id, table_name, row_id, op, fields, at, base, seal, layout"
_FIRST_UNSEALED = "SELECT min(seq) FROM change_log WHERE chain IS NULL AND seq > ?"
# A redaction record's table and operation: an entry about the log itself, kept on this device
# (sync never sends it: store.sync.exchange, store.sync.hub).
LOG_TABLE = "change_log"
REDACT_OP = "redact"
_FROM = f"SELECT {_COLUMNS} FROM change_log WHERE seq > ? ORDER BY seq LIMIT 20000"
_BEFORE = "SELECT chain FROM change_log WHERE seq < ? ORDER BY seq DESC LIMIT 1"
_RELINK = "UPDATE change_log SET chain = ?, seal = ? WHERE seq = ?"
_ROW_ENTRIES = (
    "SELECT seq, hlc, device_id, fields, seal, layout FROM change_log"
    " WHERE table_name = ? AND row_id = ? AND coalesce(clamped_hlc, hlc) < ? ORDER BY seq"
)
_REDACT = "UPDATE change_log SET fields = ?, seal = ?, layout = ? WHERE seq = ?"
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


def head_entry(conn: Connection) -> tuple[int, str] | None:
    """The chain's head as others can witness it: the last sealed entry's seq and link."""
    row = conn.exec_driver_sql(
        "SELECT seq, chain FROM change_log WHERE chain IS NOT NULL ORDER BY seq DESC LIMIT 1"
    ).first()
    return (int(row[0]), str(row[1])) if row is not None else None


def chain_rows(head: str, rows: list[dict[str, Any]]) -> str:
    """Seal change-log rows about to be inserted, in the order given (their `seq` order to be),
    after `head`: sets each row's `chain` and `seal`. Returns the new head. Sealing as rows are
    written costs a hash each; sealing them afterwards would write every entry twice."""
    for row in rows:
        seal = row.get("seal")
        if seal is None and row["table_name"] in PERSONAL_FIELDS:
            seal = new_seal()
        row["seal"] = seal
        layout_id = row.get("layout")
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
            layout=None if layout_id is None else lean.cached_layout(layout_id),
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
    layouts: Sequence[Layout] | None = None,
) -> tuple[str, list[str], list[str | None]]:
    """Seal a bulk load's insert entries (one table, one author, one time, no base): the same
    links as `link` gives each, in one loop over what differs between them (a bulk load seals
    650,000 entries). `layouts`: each entry's (store.changelog.lean), if written so. `values`
    are the entries' values, needed for a table with personal fields (so that their fields are
    not decoded again). Returns the new head, the links and the seals."""
    personal = PERSONAL_FIELDS.get(table_name)
    if personal is not None and values is None:
        if layouts is None:
            values = [json.loads(text) for text in fields]
        else:
            values = [
                lay.decode(json.loads(text), row_id, device_id)
                for lay, text, row_id in zip(layouts, fields, row_ids, strict=True)
            ]
    if layouts is not None and personal is None:
        fields = [hashed_fields(lay, text) for lay, text in zip(layouts, fields, strict=True)]
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


def seal_new_entries(conn: Connection, after_seq: int = 0) -> int:
    """Chain any entry this transaction wrote without its seal (those after `after_seq`, the
    log's last entry when it began), and every entry after it, in `seq` order: the writing
    transaction's last step (store.db.write_session), so the entries and their links commit
    together. Entries are normally sealed as they are written (`chain_rows`); this finds nothing
    then, through a partial index. An older unsealed entry is never sealed here: it was written
    or unsealed around the store, and `verify_chain` names it. Returns how many it sealed."""
    first = execute_driver(conn, _FIRST_UNSEALED, (after_seq,)).scalar()
    if first is None:
        return 0
    previous = execute_driver(conn, _BEFORE, (first,)).scalar() or ""
    after, count = first - 1, 0
    # A migration before schema 0026 seals a log that has no layouts yet (0010_trust).
    select_from = _FROM if _has_layouts(conn) else _FROM.replace(", layout FROM", " FROM")
    while True:
        # In batches: a bulk load written around `chain_rows` would seal 100,000s of entries.
        rows = execute_driver(conn, select_from, (after,)).all()
        if not rows:
            return count
        updates = []
        for row in rows:
            seal = row.seal
            if row.table_name in PERSONAL_FIELDS and seal is None:
                seal = new_seal()
            previous = _row_link(conn, previous, row, seal)
            updates.append((previous, seal, row.seq))
        execute_driver(conn, _RELINK, updates)
        after, count = rows[-1].seq, count + len(rows)


def _has_layouts(conn: Connection) -> bool:
    return any(c["name"] == "layout" for c in inspect(conn).get_columns("change_log"))


def verify_chain(
    conn: Connection,
    *,
    progress: Callable[[int], None] | None = None,
    after: tuple[int, str] | None = None,
) -> ChainVerdict:
    """Recompute the whole chain (or, `after` = (seq, its link) as a full check found them,
    the part after that entry: `liaison check --quick`). An unsealed entry outside a
    transaction that is writing it (one written around the store) counts as broken too, and so
    does a purge's seal that no redaction record names."""
    start, previous = after if after is not None else (0, "")
    count = 0
    if after is not None:
        held = execute_driver(conn, "SELECT seq, chain FROM change_log WHERE seq = ?", (start,))
        row = held.first()
        if row is None or row.chain != previous:
            first = execute_driver(
                conn,
                f"SELECT {_COLUMNS}, chain FROM change_log WHERE seq <= ? ORDER BY seq DESC",
                (start,),
            ).first()
            if first is not None:
                return ChainVerdict(0, _broken(first))
    # Entries sealed "p:" by a purge, waiting for the redaction record that names them.
    redacted: dict[tuple[str, str, str], Any] = {}
    result = conn.execution_options(stream_results=True, yield_per=5000).exec_driver_sql(
        f"SELECT {_COLUMNS}, chain FROM change_log WHERE seq > {int(start)} ORDER BY seq"
    )
    for row in result:
        count += 1
        try:
            expected = _row_link(conn, previous, row, row.seal)
        except (ValueError, TypeError, KeyError):
            expected = None
        if row.chain is None or row.chain != expected:
            return ChainVerdict(count, _broken(row))
        if row.seal is not None and row.seal.startswith("p:"):
            if not _emptied(conn, row):
                return ChainVerdict(count, _broken(row))
            redacted[(row.hlc, row.device_id, row.seal[2:])] = row
        elif row.table_name == LOG_TABLE and row.op == REDACT_OP:
            for named in _named(row.fields):
                redacted.pop(named, None)
        previous = row.chain
        if progress is not None and count % 50_000 == 0:
            progress(count)
    if redacted:
        first = min(redacted.values(), key=lambda r: r.seq)
        return ChainVerdict(count, _broken(first))
    return ChainVerdict(count, None)


def redaction_record(redacted: list[list[str]]) -> dict[str, Any]:
    """The fields of a redaction record: which entries a purge sealed "p:" and with what digest
    ([stamp, device id, digest] each); never the values."""
    return {"entries": redacted}


def _named(fields: str) -> list[tuple[str, str, str]]:
    try:
        entries = json.loads(fields).get("entries", [])
        return [(str(e[0]), str(e[1]), str(e[2])) for e in entries if len(e) == 3]
    except (ValueError, TypeError, AttributeError, IndexError):
        return []


def _emptied(conn: Connection, row: Any) -> bool:
    """A purged entry holds no personal value any more (only what the purge left: nothing)."""
    try:
        fields = lean.entry_values(conn, row.fields, row.layout, row.row_id, row.device_id)
    except (ValueError, TypeError, KeyError):
        return False
    personal = PERSONAL_FIELDS.get(row.table_name, ())
    return all(not fields.get(name) for name in personal)


def redact_entries(
    conn: Connection, *, table_name: str, row_id: str, values: dict[str, Any], before_stamp: str
) -> list[list[str]]:
    """Replace the personal fields of `row_id`'s entries ordered before `before_stamp` (by their
    clamped stamp if any, as sync orders them) with `values`, what the purge left in the
    record, keeping the chain verifiable.

    Returns:
        The entries newly sealed "p:" ([stamp, device id, digest] each): what the redaction
        record that follows must name."""
    personal = PERSONAL_FIELDS[table_name]
    rows = execute_driver(conn, _ROW_ENTRIES, (table_name, row_id, before_stamp)).all()
    updates: list[tuple[str, str | None, int | None, int]] = []
    sealed: list[list[str]] = []
    used: list[Layout] = []
    for seq, hlc, device_id, fields_text, seal, layout_id in rows:
        fields = lean.entry_values(conn, fields_text, layout_id, row_id, device_id)
        held = {k: fields[k] for k in personal if k in fields}
        if not held or all(fields[k] == values.get(k) for k in held):
            continue
        if seal is not None and seal.startswith("s:"):
            seal = "p:" + _personal_digest(seal, fields, personal)
            sealed.append([hlc, device_id, seal[2:]])
        for key in held:
            fields[key] = values.get(key)
        # Written again the way it was written: a JSON object stays one, a lean entry lean (its
        # link hashes its values, not how they are written: `link`).
        if layout_id is None:
            updates.append((json.dumps(fields, ensure_ascii=False), seal, None, seq))
        else:
            lay, array = lean.encode(fields, row_id, device_id)
            used.append(lay)
            updates.append((array, seal, lay.id, seq))
    if used:
        lean.ensure_layouts(conn, used)
    if updates:
        execute_driver(conn, _REDACT, updates)
    return sealed


def _row_link(conn: Connection, previous: str, row: Any, seal: str | None) -> str:
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
        layout=None if getattr(row, "layout", None) is None else lean.layout(conn, row.layout),
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
    *,
    layout: Layout | None = None,
) -> str:
    """An entry's link: the hash of the previous link and the entry's content. An entry written
    lean (store.changelog.lean) links its layout's keys and its array; an entry with personal
    fields links its values, however written (a purge rewrites them)."""
    personal = PERSONAL_FIELDS.get(table_name)
    tail = ""
    if personal is not None:
        values = json.loads(fields)
        if layout is not None:
            values = layout.decode(values, row_id, device_id)
        elif not isinstance(values, dict):
            raise ValueError("fields")
        fields, tail = _split_personal(personal, values, seal)
    elif layout is not None:
        fields = hashed_fields(layout, fields)
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
    return rest, _personal_digest(seal, values, personal) if seal else ""


def _personal_digest(seal: str, values: dict[str, Any], personal: Sequence[str]) -> str:
    kind, _, value = seal.partition(":")
    if kind == "p":
        return value
    if kind != "s":
        raise ValueError("seal")
    held = _canonical({k: values[k] for k in personal if k in values})
    return hashlib.sha256(bytes.fromhex(value) + held.encode()).hexdigest()


# json.dumps with these options, its encoder built once (a bulk load links 20,000s of residents).
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _canonical(values: dict[str, Any]) -> str:
    return str(_CANONICAL(values))


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
    "head_entry",
    "chain_inserts",
    "chain_rows",
    "link",
    "new_seal",
    "redact_entries",
    "redaction_record",
    "LOG_TABLE",
    "REDACT_OP",
    "seal_new_entries",
    "verify_chain",
]
