"""The bulk path (`bulk_insert` on SQLite: store.changelog.changes._insert_logged_columns): the same
rows, log text and chain as any other write (an ORM flush, or bulk_insert's generic path), for
every table and however the values look."""

from __future__ import annotations

import itertools
import sqlite3
import sys
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from small_station import NOW, Refs
from sqlalchemy import Boolean, Date, Integer, text
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from store.changelog import chain as chain_module
from store.changelog import changes, lean
from store.changelog.chain import chain_inserts, link, verify_chain
from store.changelog.changes import Actor, _encode_fields, bulk_insert
from store.core.clock import FrozenClock
from store.core.models import (
    SYNCED_TABLES,
    Channel,
    Constituent,
    IssueStatus,
    metadata,
)
from store.db import Store, make_engine, sqlite_url
from store.station import load_station, open_store
from store.sync.merge import key_column
from store.trust.backup import backup_to
from store.trust.check import check_database

ODD_NAMES = ['张"引号"', "百分%s号", "换\n行", "斜杠\\", "emoji😀", "Ascii"]


def _residents(actor: Actor, refs: Refs) -> list[dict[str, Any]]:
    village = next(iter(refs.villages.values()))
    return [
        {
            "id": f"00000000-0000-4000-8000-0000000000{n:02d}",
            "station_id": actor.station_id,
            "name": name,
            "phone": f"1390000{n:04d}",
            "village_id": village,
            "group_name": None if n % 2 else "退役军人",
            "id_number": None,
            "vulnerable": n % 3 == 0,
            "created_at": datetime(2026, 11, 24, 2, 0, n, 500 * n, tzinfo=UTC),
        }
        for n, name in enumerate(ODD_NAMES)
    ]


def test_bulk_log_text_is_what_the_encoder_writes(store: Store, actor: Actor, refs: Refs) -> None:
    rows = _residents(actor, refs)
    with store.write(actor) as session:
        bulk_insert(session, Constituent, rows)
    with store.engine.connect() as conn:
        logged = conn.execute(
            text(
                "SELECT row_id, device_id, fields, layout FROM change_log"
                " WHERE table_name = 'constituent'"
            )
        ).all()
        verdict = verify_chain(conn)
        by_id = {r[0]: r for r in logged}
        for row in rows:
            row_id, device, fields, layout_id = by_id[row["id"]]
            values = lean.entry_values(conn, fields, layout_id, row_id, device)
            layout, array = lean.encode(values, row_id, device)
            assert (layout.id, array) == (layout_id, fields)
            assert values["name"] == row["name"] and values["vulnerable"] is row["vulnerable"]
            assert values["created_at"] == row["created_at"].isoformat()
            assert values["name_pinyin"] is not None  # derived before it was logged
    assert verdict.ok
    assert check_database(engine=store.engine).ok


def test_chain_inserts_links_as_link_does() -> None:
    stamps = ["000001764000000000.00000", "000001764000000000.00001"]
    rows: list[dict[str, Any]] = [
        {"id": "a", "name": "张三", "phone": "1"},
        {"id": "b", "name": "李四", "phone": None},
    ]
    fields = [_encode_fields(r) for r in rows]
    for table, values in (("visit", None), ("constituent", rows)):
        head, chains, seals = chain_inserts(
            "prev",
            stamps=stamps,
            device_id="dev",
            deputy_id=None,
            table_name=table,
            op="insert",
            row_ids=["a", "b"],
            fields=fields,
            at="2026-11-24 02:00:00.000000",
            values=values,
        )
        expected, previous = [], "prev"
        for stamp, row_id, text_, seal in zip(stamps, ["a", "b"], fields, seals, strict=True):
            previous = link(
                previous, stamp, "dev", None, table, row_id, "insert", text_,
                "2026-11-24 02:00:00.000000", None, seal,
            )  # fmt: skip
            expected.append(previous)
        assert chains == expected and head == expected[-1]
        assert (seals == [None, None]) == (table == "visit")


# -- the two insert paths write the same bytes -------------------------------------------------
#
# A record reaches the change log by one of two paths: an ORM flush (the `before_flush` hook,
# `insert_log_rows`), or `bulk_insert`, which on SQLite takes a column-by-column path of its own
# (`_insert_logged_columns`, kept for the speed of large loads) and elsewhere the generic one
# (`insert_rows` + `_log_rows` + `insert_log_rows`). Sync and the hash chain need every path to
# write the same entries: these tests write the same records all three ways, into copies of one
# station, and compare every table of the three databases byte for byte.

SHANGHAI = ZoneInfo("Asia/Shanghai")
_MOMENT = datetime(2026, 11, 24, 2, 0, 0, 123456, tzinfo=UTC)
STRINGS: tuple[Any, ...] = (
    '张"引号"',
    "百分%s号 %d {0}",
    "换\n行\t制表\r回车",
    "斜杠\\反",
    "emoji😀👨‍👩‍👧",
    "",
    "\x1f分隔符\x1e",
    "\u2028行分隔\u00a0",
    "'; DROP TABLE visit; --",
    "=1+2",
    Channel.walk_in,
    IssueStatus.closed,
    "Ascii",
)
NUMBERS: tuple[Any, ...] = (0, -1, 2**53 + 1, True, 1.5, -0.0, 1e16, 7)
DATES: tuple[Any, ...] = (date(2026, 11, 24), date(1, 1, 1), date(9999, 12, 31), None)
MOMENTS: tuple[Any, ...] = (
    _MOMENT,
    datetime(2026, 11, 24, 2, 0, tzinfo=UTC),  # no microseconds
    datetime(2026, 11, 24, 10, 0, 0, 1, tzinfo=SHANGHAI),
    datetime(2026, 11, 24, 2, 0, tzinfo=ZoneInfo("UTC")),  # UTC, but not datetime.UTC
    datetime(2026, 11, 23, 20, 30, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
    None,
)
ROWS_PER_TABLE = 7
_COLUMN_PATH = changes._insert_logged_columns
LOG_COLUMNS = (
    "seq, hlc, device_id, deputy_id, table_name, row_id, op, fields, at, base, chain, seal, layout"
)


def _synced_in_key_order() -> list[type[SQLModel]]:
    order = [t.name for t in metadata.sorted_tables]
    return sorted(SYNCED_TABLES, key=lambda m: order.index(str(m.__tablename__)))


def _pick(choices: tuple[Any, ...], n: int, nullable: bool) -> Any:
    value = choices[n % len(choices)]
    return choices[(n + 1) % len(choices)] if value is None and not nullable else value


def _records(conn: sqlite3.Connection) -> list[tuple[type[SQLModel], list[dict[str, Any]]]]:
    """ROWS_PER_TABLE records of every synced table, every column set, in the order the model
    declares them (as a flush logs them), with awkward values of each column's type; foreign
    keys point at the station's rows or at records made earlier in the list."""
    ids: dict[str, list[str]] = {}
    out = []
    for model in _synced_in_key_order():
        table = model.__table__  # type: ignore[attr-defined]
        rows = []
        for n in range(ROWS_PER_TABLE):
            row: dict[str, Any] = {}
            for j, column in enumerate(table.columns):
                name, k = column.name, n + j
                kind = column.type
                if column.primary_key:
                    value: object = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{table.name}/{n}"))
                elif name in ("updated_at", "device_id"):
                    value = None  # the write sets them
                elif name == "created_at":
                    value = _MOMENT if n % 2 else MOMENTS[n % (len(MOMENTS) - 1)]
                elif column.foreign_keys:
                    target = next(iter(column.foreign_keys)).column.table.name
                    if target not in ids:
                        ids[target] = [
                            r[0] for r in conn.execute(f'SELECT id FROM "{target}" ORDER BY id')
                        ]
                    value = None if column.nullable and n % 3 == 2 else ids[target][k % 2]
                elif isinstance(kind, Boolean):
                    value = None if column.nullable and n % 3 == 0 else bool(k % 2)
                elif isinstance(kind, Integer):
                    value = NUMBERS[k % len(NUMBERS)]
                elif isinstance(kind, Date):
                    value = _pick(DATES, k, column.nullable)
                elif isinstance(kind, UTCDateTime):
                    # Now and then the very object created_at holds (converted once, used twice).
                    value = row["created_at"] if n == 3 else _pick(MOMENTS, k, column.nullable)
                else:
                    value = _pick(STRINGS, k, column.nullable)
                row[name] = value
            rows.append(row)
        ids[table.name] = [row[key_column(model)] for row in rows]
        out.append((model, rows))
    return out


def _write(template: Path, path: Path, way: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Write every table's records one way into a copy of the station."""
    backup_to(template, path)
    with sqlite3.connect(path) as conn:
        records = _records(conn)
    seals = itertools.count()
    monkeypatch.setattr(chain_module, "new_seal", lambda: f"s:{next(seals):032x}")
    columns_taken = []

    def spy(*args: Any, **kwargs: Any) -> bool:
        taken = way == "columns" and _COLUMN_PATH(*args, **kwargs)
        columns_taken.append(taken)
        return taken

    monkeypatch.setattr(changes, "_insert_logged_columns", spy)
    store = open_store(path, clock=FrozenClock(NOW))
    try:
        actor = load_station(store).actor()
        for model, rows in records:
            with store.write(actor) as session:
                if way == "flush":
                    session.add_all([model(**row) for row in rows])
                else:
                    bulk_insert(session, model, rows)
    finally:
        store.dispose()
    assert all(columns_taken) if way == "columns" else not any(columns_taken)


def _contents(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, as SQLite holds them (values and their storage classes)."""
    with sqlite3.connect(path) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        contents = {}
        for name in tables:
            names = [r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')]
            typed = ", ".join(f'"{c}", typeof("{c}")' for c in names)
            contents[name] = sorted(
                conn.execute(f'SELECT {typed} FROM "{name}"').fetchall(), key=repr
            )
        contents["change_log"] = conn.execute(
            f"SELECT {LOG_COLUMNS} FROM change_log ORDER BY seq"
        ).fetchall()
    return contents


def test_flush_and_both_bulk_paths_write_the_same_bytes(
    station_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = {}
    for way in ("flush", "generic", "columns"):
        _write(station_template, tmp_path / f"{way}.db", way, monkeypatch)
        written[way] = _contents(tmp_path / f"{way}.db")
    flush = written["flush"]
    new = len(flush["change_log"]) - len(_contents(station_template)["change_log"])
    assert new == ROWS_PER_TABLE * len(SYNCED_TABLES)
    for way in ("generic", "columns"):
        assert written[way].keys() == flush.keys()
        for table, rows in flush.items():
            assert written[way][table] == rows, (way, table)
    with sqlite3.connect(tmp_path / "columns.db") as conn:
        seals = conn.execute("SELECT count(seal) FROM change_log WHERE table_name = 'constituent'")
        assert seals.fetchone()[0] >= ROWS_PER_TABLE  # the residents' entries were sealed
    engine = make_engine(sqlite_url(tmp_path / "columns.db"))
    try:
        with engine.connect() as conn:
            assert verify_chain(conn).ok
    finally:
        engine.dispose()


def test_both_bulk_paths_agree_on_partial_rows_in_any_key_order(
    station_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows that leave defaulted columns out, name their keys in another order than the model
    does, and hold naive times (taken as UTC)."""

    def trim(records: list[tuple[type[SQLModel], list[dict[str, Any]]]]) -> Any:
        for model, rows in records:
            table = model.__table__  # type: ignore[attr-defined]
            dropped = {
                c.name for c in table.columns if c.default is not None and c.default.is_scalar
            }
            dropped |= {"updated_at", "device_id", "deleted_at"}
            for n, row in enumerate(rows):
                kept = {k: v for k, v in reversed(row.items()) if k not in dropped}
                if n == 2 and isinstance(kept.get("created_at"), datetime):
                    kept["created_at"] = kept["created_at"].replace(tzinfo=None)
                row.clear()
                row.update(kept)
        return records

    monkeypatch.setattr(sys.modules[__name__], "_records", lambda conn: trim(_RECORDS(conn)))
    written = {}
    for way in ("generic", "columns"):
        _write(station_template, tmp_path / f"{way}.db", way, monkeypatch)
        written[way] = _contents(tmp_path / f"{way}.db")
    assert written["columns"] == written["generic"]


_RECORDS = _records
