"""Every record equals what its log says of it: the check that notices a record edited with
another tool (`sqlite3`, `psql`) instead of through the desk.

Each field of a synced record holds the value of the latest change that wrote it
(store.changelog.field_clock), on every device: so the record can be computed again from its
log entries and compared, field by field. Left out of the comparison, because they are kept
from other records rather than logged: the counts and facts an issue keeps of its visits
(`AGGREGATES`), a name's pinyin (`DERIVED`), and the bookkeeping columns every write sets
(`META_FIELDS`). A record a migration seeded (categories, settings, the 2026 calendar) without
a log entry is compared only from its first logged change on."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, text

from store.changelog.conflict_list import AGGREGATES, DERIVED
from store.changelog.field_clock import META_FIELDS, chunks, field_winners, row_changes
from store.core.models import SYNCED_TABLES, Setting

# Rows read and folded at a time.
BATCH = 2000


@dataclass(frozen=True)
class Mismatch:
    """A record that differs from its log: the table, the record's id and the first field."""

    table: str
    row_id: str
    field: str


def _key(model: Any) -> str:
    return "key" if model is Setting else "id"


def _plain(value: Any) -> Any:
    """A value as the log and either database can hold it, in one form: records are read as
    stored (a file edited with another tool may hold anything in any column), log values as
    JSON; instants in UTC, booleans as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) >= 19 and value[10:11] in (" ", "T"):
        try:
            return _instant(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def _instant(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def _skipped(table: str) -> frozenset[str]:
    return META_FIELDS | AGGREGATES.get(table, frozenset()) | DERIVED.get(table, frozenset())


def record_mismatches(
    conn: Connection, *, only: Mapping[str, Collection[str]] | None = None, limit: int = 20
) -> list[Mismatch]:
    """The records that differ from the fold of their log (at most `limit`).

    Args:
        only: table name -> the row ids to compare (`check --quick`: those changed since the
            last full check); None compares every record.
    """
    found: list[Mismatch] = []
    for model in SYNCED_TABLES:
        table: Table = model.__table__  # type: ignore[attr-defined]
        name = str(model.__tablename__)
        if only is not None and not only.get(name):
            continue
        key = table.c[_key(model)]
        ids = sorted(only[name]) if only is not None else None
        for rows in _batches(conn, table, key, ids):
            found += _compare(conn, model, name, key.name, rows)
            if len(found) >= limit:
                return found[:limit]
    return found


def _batches(
    conn: Connection, table: Table, key: Any, ids: list[str] | None
) -> Iterator[list[dict[str, Any]]]:
    # As stored, with no column type's reading: what another tool wrote may not parse.
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    base = f'SELECT {columns} FROM "{table.name}"'
    if ids is not None:
        for part in chunks(ids, BATCH):
            query = text(f'{base} WHERE "{key.name}" IN :ids').bindparams(
                bindparam("ids", expanding=True)
            )
            yield [dict(r) for r in conn.execute(query, {"ids": list(part)}).mappings()]
        return
    after = ""
    while True:
        query = text(f'{base} WHERE "{key.name}" > :after ORDER BY "{key.name}" LIMIT {BATCH}')
        rows = [dict(r) for r in conn.execute(query, {"after": after}).mappings()]
        if not rows:
            return
        yield rows
        after = rows[-1][key.name]


def _compare(
    conn: Connection, model: Any, name: str, key: str, rows: Iterable[dict[str, Any]]
) -> list[Mismatch]:
    rows = list(rows)
    logged = row_changes(conn, name, [r[key] for r in rows])
    skip = _skipped(name)
    found = []
    for row in rows:
        changes = logged.get(row[key])
        if not changes:
            continue  # seeded without a log entry (store.trust.check: check.row_unlogged)
        for field, change in field_winners(changes).items():
            if field in skip or field not in row:
                continue
            stored, logged_value = row[field], change.fields[field]
            # Most fields are equal as read (a text, a number): only the others are put in one
            # form (instants, booleans), which took a quarter of a full check's time.
            if stored != logged_value and _plain(stored) != _plain(logged_value):
                found.append(Mismatch(name, str(row[key]), field))
                break
    return found


def touched_rows(conn: Connection, after_seq: int) -> dict[str, set[str]]:
    """The records changed by log entries after `after_seq`, by table."""
    touched: dict[str, set[str]] = {}
    for table, row_id in conn.execute(
        text("SELECT DISTINCT table_name, row_id FROM change_log WHERE seq > :after"),
        {"after": after_seq},
    ):
        touched.setdefault(table, set()).add(row_id)
    return touched
