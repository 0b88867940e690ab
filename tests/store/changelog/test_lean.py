"""The change log's lean encoding (issue 19, part 5; store.changelog.lean): an entry keeps its
values, not their keys; what it repeats (its row id, its device, another of its values) it does
not write again; an edit of one field writes that field. What it sends is still the JSON object
an earlier version writes and reads."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import text

from store.changelog import lean
from store.changelog.chain import verify_chain
from store.changelog.changes import Actor, _encode_fields
from store.core.models import Channel, Issue, IssueStatus, Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.sync.stream import changes_since, version_vector
from store.trust.check import check_database

pytestmark = pytest.mark.both_backends

_ENTRIES = (
    "SELECT seq, table_name, row_id, device_id, op, fields, layout FROM change_log"
    " WHERE seq > :after ORDER BY seq"
)


def _entries(store: Store, after: int = 0) -> list[Any]:
    with store.engine.connect() as conn:
        return list(conn.execute(text(_ENTRIES), {"after": after}))


def _last_seq(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT max(seq) FROM change_log")).scalar_one())


def test_an_edit_of_one_field_writes_that_field_and_no_key(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(tier=Tier.village, text="村口的路灯坏了")
    before = _last_seq(store)
    with store.write(actor) as session:
        row = session.get(Issue, issue.id)
        assert row is not None
        row.title = "路灯修好前先放警示牌"
    (entry,) = _entries(store, before)
    assert (entry.table_name, entry.row_id, entry.op) == ("issue", issue.id, "update")
    with store.engine.connect() as conn:
        layout = lean.layout(conn, entry.layout)
        values = lean.logged_values(conn, entry)
    # The field, when it was written and by which device: the device is the entry's own.
    assert layout.keys == ("title", "updated_at", "device_id")
    assert layout.sources == (None, None, lean.DEVICE)
    assert json.loads(entry.fields) == ["路灯修好前先放警示牌", values["updated_at"]]
    assert values["device_id"] == actor.device_id


def test_entries_write_no_key_and_nothing_twice(
    store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    before = _last_seq(store)
    make_issue(tier=Tier.village, text="桥头的水管漏水", name="周阿姨", phone="13900002222")
    entries = _entries(store, before)
    assert {e.table_name for e in entries} >= {"constituent", "visit", "issue"}
    with store.engine.connect() as conn:
        for entry in entries:
            layout = lean.layout(conn, entry.layout)
            values = lean.logged_values(conn, entry)
            array = json.loads(entry.fields)
            # No key in the stored text, nor the entry's own row id and device.
            assert not any(f'"{key}"' in entry.fields for key in layout.keys if len(key) > 3)
            assert entry.row_id not in entry.fields and entry.device_id not in entry.fields
            # Each long string once: the visit's summary is its text, updated_at its created_at.
            long = [v for v in array if isinstance(v, str) and len(v) >= lean.REPEAT_MIN]
            assert len(long) == len(set(long))
            assert set(values) == set(layout.keys)
        assert verify_chain(conn).ok
    assert check_database(engine=store.engine).ok


def test_what_travels_is_the_json_object_an_earlier_version_writes(
    store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue(tier=Tier.village, text="垃圾桶满了没人收", channel=Channel.phone)
    with store.engine.connect() as conn:
        stored = {
            (r.device_id, r.row_id, r.op): lean.logged_values(conn, r)
            for r in conn.execute(text(_ENTRIES), {"after": 0})
            if r.table_name != "change_log"
        }
        sent = list(changes_since(conn, dict.fromkeys(version_vector(conn), "")))
    assert sent
    for row in sent:
        hlc, _clamped, device, _deputy, _table, row_id, op, fields, *_ = row
        values = json.loads(fields)
        assert isinstance(values, dict)
        # Byte for byte what the JSON encoder of an earlier version makes of the values.
        assert fields == _encode_fields(values)
        assert values == stored[(device, row_id, op)]


_AWKWARD: tuple[Any, ...] = (
    '张"引号" \\ 换\n行\t',
    "\x1f分隔\x1e" * 3,
    "emoji😀👨‍👩‍👧 long enough",
    "",
    None,
    True,
    False,
    0,
    -1,
    2**53 + 1,
    1.5,
    -0.0,
    1e16,
    IssueStatus.closed,
    datetime(2026, 11, 24, 2, 0, 0, 123456, tzinfo=UTC),
    date(2026, 11, 24),
)


def test_any_values_read_back_as_written() -> None:
    row_id, device = "row-00000000-0001", "device-0000-0001"
    values: dict[str, Any] = {"id": row_id, "device_id": device}
    for n, value in enumerate(_AWKWARD):
        values[f"k{n}"] = value
        values[f"again{n}"] = value  # a repeat of every one of them
    layout, array = lean.encode(values, row_id, device)
    decoded = layout.decode(json.loads(array), row_id, device)
    expected = json.loads(_encode_fields(values))
    assert decoded == expected
    assert _encode_fields(decoded) == _encode_fields(values)
    assert layout.sources[:2] == (lean.ROW, lean.DEVICE)
    assert layout.id == lean.layout_id(layout.spec)
