"""Residents found through indexes on SQLite (store.search.index): the characters of their
names, kept by triggers through every insert, rename and delete; their phones' last four digits;
their pinyin. The hits are the ones a plain scan finds, `liaison check` notices an index that no
longer matches the names, and the queries read the indexes, not every resident."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from store.core.models import Constituent
from store.db import Store
from store.desk.visits import VisitRow
from store.search.index import drop_search_index, install_search_index, search_index_faults
from store.search.query import _resident_ids, search_residents
from store.search.terms import parse_query
from store.trust.check import check_database

PEOPLE = (
    ("张晓明", "13812341234"),
    ("欧阳晓明", "13955551234"),
    ("阿Q", "13700005678"),
    ("单丽", "0571-88881234"),
    ("王芳芳", "13600002222"),
)
QUERIES = ("晓明", "晓", "欧阳", "明", "阿Q", "阿q", "丽", "芳芳", "1234", "81234", "5678")


@pytest.fixture
def people(make_visit: Callable[..., VisitRow]) -> None:
    for name, phone in PEOPLE:
        make_visit(name=name, phone=phone, text="来反映情况。")


def _names(store: Store, query: str) -> list[str]:
    with store.read() as session:
        return [hit.name for hit in search_residents(session=session, text=query).items]


def _faults(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return search_index_faults(conn)


def test_the_index_finds_what_a_scan_finds(store: Store, people: None) -> None:
    indexed = {q: _names(store, q) for q in QUERIES}
    assert indexed["晓明"] == ["欧阳晓明", "张晓明"]
    assert indexed["阿q"] == indexed["阿Q"] == ["阿Q"]  # ASCII letters in any case, as LIKE
    assert indexed["81234"] == ["单丽"]
    with store.engine.begin() as conn:
        drop_search_index(conn)
    store.engine.dispose()  # connections remember that the index was there
    assert {q: _names(store, q) for q in QUERIES} == indexed


def test_names_follow_renames_and_deletes(store: Store, people: None) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE constituent SET name = '张小明' WHERE name = '张晓明'"))
        conn.execute(text("DELETE FROM visit WHERE constituent_id IN"
                          " (SELECT id FROM constituent WHERE name = '单丽')"))  # fmt: skip
        conn.execute(text("DELETE FROM constituent WHERE name = '单丽'"))
    assert _names(store, "晓明") == ["欧阳晓明"]
    assert _names(store, "小明") == ["张小明"]
    assert _names(store, "丽") == []
    assert _names(store, "1234") == ["欧阳晓明", "张小明"]
    assert _faults(store) == []
    with store.engine.connect() as conn:
        chars = conn.execute(text("SELECT count(*) FROM constituent_name_char")).scalar_one()
        expected = conn.execute(text("SELECT name FROM constituent")).scalars().all()
    assert chars == sum(len({c.lower() for c in name}) for name in expected)


def test_check_notices_a_damaged_index_and_repairs_it(store: Store, people: None) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM constituent_name_char WHERE ch = '晓'"))
    assert _faults(store) == ["constituent_name_char"]
    assert _names(store, "晓明") == []  # what a damaged index costs: why check looks
    report = check_database(engine=store.engine)
    assert not report.ok
    with store.engine.begin() as conn:
        install_search_index(conn)
    assert _faults(store) == []
    assert _names(store, "晓明") == ["欧阳晓明", "张晓明"]


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("晓明", "constituent_name_char"),
        ("1234", "ix_constituent_phone_tail"),
        ("zhangx", "ix_constituent_name_pinyin"),
        ("zxm", "ix_constituent_name_initials"),
    ],
)
def test_resident_searches_read_an_index(
    store: Store, people: None, query: str, index: str
) -> None:
    statement = _resident_ids(parse_query(query), indexed=True)
    with store.read() as session:
        compiled = statement.compile(session.get_bind())
        sql = str(compiled)
        params = tuple(compiled.params[name] for name in compiled.positiontup or ())
        plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
    steps = " | ".join(row[-1] for row in plan)
    assert index in steps
    assert "SCAN constituent" not in steps
    # And the statement finds the people it should.
    with store.read() as session:
        found = session.exec(statement).all()
        names = session.exec(select(Constituent.name).where(col(Constituent.id).in_(found))).all()
    assert names
