"""The bulk path (`bulk_insert` on SQLite: store.changelog.changes._insert_logged_columns): the same
log text and the same chain as any other write, however the values look."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from store.changelog.chain import chain_inserts, link, verify_chain
from store.changelog.changes import Actor, _encode_fields, bulk_insert
from store.core.models import Constituent
from store.db import Store
from store.trust.check import check_database

ODD_NAMES = ['张"引号"', "百分%s号", "换\n行", "斜杠\\", "emoji😀", "Ascii"]


def _residents(actor: Actor, refs: Any) -> list[dict[str, Any]]:
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


def test_bulk_log_text_is_what_the_encoder_writes(store: Store, actor: Actor, refs: Any) -> None:
    rows = _residents(actor, refs)
    with store.write(actor) as session:
        bulk_insert(session, Constituent, rows)
    with store.engine.connect() as conn:
        logged = conn.execute(
            text("SELECT row_id, fields FROM change_log WHERE table_name = 'constituent'")
        ).all()
        verdict = verify_chain(conn)
    by_id = dict(tuple(r) for r in logged)
    for row in rows:
        fields = by_id[row["id"]]
        values = json.loads(fields)
        assert fields == _encode_fields(values)
        assert values["name"] == row["name"] and values["vulnerable"] is row["vulnerable"]
        assert values["created_at"] == row["created_at"].isoformat()
        assert values["name_pinyin"] is not None  # derived before it was logged
    assert verdict.ok
    assert check_database(engine=store.engine).ok


def test_chain_inserts_links_as_link_does() -> None:
    stamps = ["000001764000000000.00000", "000001764000000000.00001"]
    rows = [{"id": "a", "name": "张三", "phone": "1"}, {"id": "b", "name": "李四", "phone": None}]
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
