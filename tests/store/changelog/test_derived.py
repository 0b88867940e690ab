"""Derived data kept current on every write path: residents' pinyin, the visits' trigram index."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from small_station import Refs
from sqlalchemy import text
from sqlmodel import select

from store.changelog.changes import Actor, bulk_insert
from store.changelog.lean import logged_values
from store.core.models import Constituent
from store.core.pinyin import name_keys
from store.db import Store
from store.desk.visits import VisitRow
from store.search.index import search_index_faults, search_index_suspended
from store.trust.check import check_database


def _fts_hits(store: Store, query: str) -> set[str]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT v.id FROM visit_fts JOIN visit v ON v.rowid = visit_fts.rowid"
                " WHERE visit_fts MATCH :q"
            ),
            {"q": f'"{query}"'},
        )
        return {row[0] for row in rows}


def test_names_in_pinyin_with_surname_readings() -> None:
    assert name_keys("张晓明") == {"name_pinyin": "zhangxiaoming", "name_initials": "zxm"}
    assert name_keys("单丽")["name_initials"] == "sl"  # 单 as a surname is shàn
    assert name_keys("曾国强")["name_pinyin"] == "zengguoqiang"
    assert name_keys("  ") == {"name_pinyin": "", "name_initials": ""}


def test_a_logged_visit_gives_its_resident_pinyin(
    store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(name="张晓明", phone="13900001111")
    with store.engine.connect() as conn:
        row = conn.execute(
            text("SELECT name_pinyin, name_initials FROM constituent WHERE phone = '13900001111'")
        ).one()
    assert tuple(row) == ("zhangxiaoming", "zxm")


def test_renaming_a_resident_updates_the_pinyin(
    store: Store, actor: Actor, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(name="张晓明", phone="13900001111")
    with store.write(actor) as session:
        person = session.exec(select(Constituent).where(Constituent.phone == "13900001111")).one()
        person.name = "李华"
    with store.engine.connect() as conn:
        initials = conn.execute(
            text("SELECT name_initials FROM constituent WHERE phone = '13900001111'")
        ).scalar()
        entry = conn.execute(
            text(
                "SELECT fields, layout, row_id, device_id FROM change_log"
                " WHERE table_name = 'constituent' ORDER BY seq DESC"
            )
        ).first()
        assert entry is not None
        logged = logged_values(conn, entry)
    assert initials == "lh"
    assert logged["name_initials"] == "lh"


def test_bulk_inserted_residents_get_pinyin(store: Store, actor: Actor, refs: Refs) -> None:
    village = next(iter(refs.villages.values()))
    with store.write(actor) as session:
        bulk_insert(
            session,
            Constituent,
            [
                {
                    "id": "c-1",
                    "station_id": actor.station_id,
                    "name": "曾小红",
                    "phone": "13900002222",
                    "village_id": village,
                }
            ],
        )
    with store.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT name_initials FROM constituent WHERE id = 'c-1'")).scalar()
            == "zxh"
        )


def test_visit_texts_are_in_the_trigram_index(
    store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    row = make_visit(text="楼道里有人飞线充电，很危险")
    other = make_visit(text="村口路灯坏了")
    assert _fts_hits(store, "飞线充电") == {row.id}
    assert _fts_hits(store, "路灯坏") == {other.id}


def test_a_suspended_index_is_rebuilt_after_a_bulk_load(
    store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    with store.engine.begin() as conn:
        with search_index_suspended(conn):
            assert search_index_faults(conn) != []  # triggers are off during the load
    row = make_visit(text="流动摊贩占道经营")
    assert _fts_hits(store, "流动摊贩") == {row.id}
    with store.engine.connect() as conn:
        assert search_index_faults(conn) == []


def test_check_reports_a_missing_trigger(
    store: Store, station_path: Path, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit()
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER visit_fts_insert")
    report = check_database(engine=store.engine)
    assert [f.key for f in report.findings] == ["check.search_index"]
    assert "visit_fts_insert" in report.findings[0].params["missing"]


def test_check_finds_words_out_of_step_and_repair_rebuilds_them(
    store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    from store.trust.check import repair_derived_data

    kept = make_visit(text="楼道里有人飞线充电")
    lost = make_visit(text="村口路灯坏了")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM word_visit WHERE visit_id = ?", (lost.id,))
        conn.exec_driver_sql("UPDATE word_day SET n = n + 5")
        conn.exec_driver_sql("DROP TRIGGER visit_fts_update")
    report = check_database(engine=store.engine)
    assert sorted(f.key for f in report.findings) == ["check.search_index", "check.words"]
    words = next(f for f in report.findings if f.key == "check.words")
    assert "word_visit −1" in words.params["what"] and "word_day" in words.params["what"]
    before: dict[str, str] = {}
    with store.engine.connect() as conn:
        before = dict(conn.exec_driver_sql("SELECT id, text FROM visit").all())
    assert repair_derived_data(engine=store.engine) == 2
    assert check_database(engine=store.engine).ok
    assert _fts_hits(store, "飞线充电") == {kept.id}
    with store.engine.connect() as conn:
        assert dict(conn.exec_driver_sql("SELECT id, text FROM visit").all()) == before
