"""Search on PostgreSQL through the GIN indexes of the texts' characters and pairs of characters
(store.search.index, schema 0020): terms of 1, 2, 3 and 10 characters (Chinese, Latin, digits,
mixed, with `%`, `_`, quotes and backslashes) find exactly what a plain scan finds; the plans read
the indexes, one- and two-character terms included, on a table big enough for the planner to
prefer them; counts read the ids in no order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, inspect, text
from sqlmodel import Session

from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.search.index import drop_search_index
from store.search.query import (
    SearchKind,
    _ids_statement,
    count_hits,
    count_statement,
    search_issues,
    search_residents,
    search_visits,
)
from store.search.terms import parse_query

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

TODAY = date(2026, 11, 24)

TEXTS = (
    "小区里飞线充电的人很多，从楼上窗户吊根电线下来给电动车充电。",
    "楼下有人飞线，天天晚上拉电线。",
    "飞机场的线路改了，电线和线下的事没人管。",  # 飞 and 线, 电线 and 线下, apart
    "补贴只发了100%的一半_说是名单有误\\反斜杠。",
    '他说 "AND" 不算数，O\'Brien 的 Wi-Fi 密码 abc_123 写在告示上。',
    "WiFi坏了，ABCdef1234号楼的路灯也坏了",
    "路路通 road 7号 100元 it's '引号'",
    "楼道里堆满了杂物\n飞线的问题也有，消防通道堵死了。",  # pairs after a newline
    "长" * 3000 + "从楼上窗户吊根电线下" + "长" * 3000,  # a long text
)
TERMS = (
    # one character
    "路", "飞", "a", "7", "%", "_", "'", '"', "\\", "W",
    # two
    "飞线", "电线", "ab", "AB", "10", "0%", "c_", "''", "i-", "wi",
    # three
    "拉电线", "电线下", "abc", "100", "%的", "_说", "'s ", "o'b", "C_1",
    # ten
    "从楼上窗户吊根电线下", "ABCdef1234", "消防通道堵死了", "长长从楼上窗户吊根电",
    "补贴只发了100%的", "wi-fi 密码 a", "it's '引号'",
)  # fmt: skip
NAMES = (("张晓明", "13812341234"), ("欧阳晓明", "13955551234"), ("阿Q", "13700005678"),
         ("单丽", "0571-88881234"), ("王芳芳", "13600002222"))  # fmt: skip
NAME_TERMS = ("晓明", "晓", "欧阳", "明", "阿Q", "阿q", "丽", "芳芳", "张晓明", "1234", "81234")


@pytest.fixture
def texts(
    make_visit: Callable[..., VisitRow], make_issue: Callable[..., IssueRow]
) -> dict[str, str]:
    """Visits (half of them opening an issue, titled after its visit) and residents: id → text."""
    out = {}
    for n, words in enumerate(TEXTS):
        name, phone = NAMES[n % len(NAMES)]
        if n % 2:
            out[make_issue(name=name, phone=phone, text=words).id] = words
        else:
            out[make_visit(name=name, phone=phone, text=words).id] = words
    return out


def _all(store: Store, kind: SearchKind, term: str) -> list[str]:
    with store.read() as session:
        if kind == SearchKind.visits:
            page: Any = search_visits(session=session, text=term, today=TODAY, limit=500)
            return [hit.id for hit in page.items]
        if kind == SearchKind.issues:
            page = search_issues(session=session, text=term, today=TODAY, limit=500)
            return [hit.row.id for hit in page.items]
        page = search_residents(session=session, text=term, limit=500)
        return [hit.id for hit in page.items]


def _found(store: Store) -> dict[tuple[SearchKind, str], list[str]]:
    """Visits and residents for every term (issues are found by their visits' words only
    through an index: not comparable with a search without them)."""
    return {
        (kind, term): _all(store, kind, term)
        for kind in (SearchKind.visits, SearchKind.residents)
        for term in (*TERMS, *NAME_TERMS)
    }


def _has(words: str, term: str) -> bool:
    return term.lower() in words.lower()


def test_every_term_finds_what_a_plain_scan_finds(store: Store, texts: dict[str, str]) -> None:
    with store.read() as session:
        conn = session.connection()
        visits = conn.execute(text("SELECT id, text, issue_id FROM visit")).all()
        titles = {row[0]: row[1] for row in conn.execute(text("SELECT id, title FROM issue"))}
    for term in TERMS:
        expected = {vid for vid, words, _ in visits if _has(words, term)}
        assert set(_all(store, SearchKind.visits, term)) == expected, term
        # Issues: by their titles, and for terms of three characters and more by their visits.
        expected = {iid for iid, title in titles.items() if _has(title, term)}
        if len(term) >= 3:
            expected |= {iid for _, words, iid in visits if iid and _has(words, term)}
        assert set(_all(store, SearchKind.issues, term)) == expected, term
    assert len(_all(store, SearchKind.visits, "飞线")) == 3  # not 飞机场的线路
    assert len(_all(store, SearchKind.visits, "电线下")) == 2  # not 电线和线下
    assert _all(store, SearchKind.issues, "消防通道堵死了")  # by its visit: not in its title
    # The same hits in the same order as without the indexes.
    indexed = _found(store)
    with store.engine.begin() as conn:
        drop_search_index(conn)
    store.engine.dispose()  # connections remember that the index was there
    assert _found(store) == indexed
    assert indexed[(SearchKind.residents, "晓明")] and indexed[(SearchKind.residents, "81234")]


def test_counts_read_no_order_and_agree_with_the_hits(store: Store, texts: dict[str, str]) -> None:
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        with store.read() as session:
            for kind in SearchKind:
                for term in ("路", "飞线", "abc", "1234", "晓明"):
                    found = len(_all(store, kind, term))
                    statements.clear()
                    assert count_hits(session=session, text=term, kind=kind) == found
                    assert not any("ORDER BY" in s for s in statements), (kind, term)
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)


# -- the plans ------------------------------------------------------------------------------

FILLER = 4000


def _copy_rows(session: Session, table: str, column: str, template_id: str) -> None:
    """FILLER copies of one row with new ids and `column` made of its number."""
    columns = [c["name"] for c in inspect(session.connection()).get_columns(table)]
    made = {"id": "gen_random_uuid()::text", column: "'情况说明第' || g || '号'"}
    values = [made.get(c, c) for c in columns]
    session.connection().execute(
        text(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)}"
            f" FROM {table}, generate_series(1, {FILLER}) AS g WHERE id = :id"
        ),
        {"id": template_id},
    )


@pytest.fixture
def big(store: Store, texts: dict[str, str]) -> Iterator[Store]:
    """Thousands of rows that hold none of the searched terms, and fresh statistics."""
    with store.engine.begin() as conn:
        session = Session(conn)
        # Copies of a visit of an issue, as most visits on a hub are: were they all untriaged,
        # the few with an issue would be read through ix_visit_issue instead.
        visit, issue, person = (
            conn.execute(text(f"SELECT min(id) FROM {t}")).scalar_one()
            for t in ("visit WHERE issue_id IS NOT NULL", "issue", "constituent")
        )
        _copy_rows(session, "visit", "text", visit)
        _copy_rows(session, "issue", "title", issue)
        _copy_rows(session, "constituent", "name", person)
        conn.execute(
            text("UPDATE constituent SET phone = '139' || lpad((random() * 1e8)::int::text, 8, '0')"
                 " WHERE name LIKE '情况说明%'")
        )  # fmt: skip
    with store.engine.connect() as conn:
        # VACUUM: a manual ANALYZE leaves GIN's pending list, which the planner counts against the
        # index (autovacuum empties it on a real hub).
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    yield store


def _plan(session: Session, statement: Any) -> str:
    compiled = statement.compile(dialect=session.get_bind().dialect)
    rows = session.connection().exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).all()
    return "\n".join(row[0] for row in rows)


# Each search and the index its page and its count read (one filled hub for all: filling it
# and its statistics is most of the time).
CASES: list[tuple[SearchKind, str, str]] = [
    (SearchKind.visits, "路", "ix_visit_text_grams"),
    (SearchKind.visits, "飞线", "ix_visit_text_grams"),
    (SearchKind.visits, "拉电线", "ix_visit_text_grams"),
    (SearchKind.visits, "从楼上窗户吊根电线下", "ix_visit_text_grams"),
    (SearchKind.visits, "ab", "ix_visit_text_grams"),
    (SearchKind.issues, "飞线", "ix_issue_title_grams"),
    (SearchKind.issues, "路", "ix_issue_title_grams"),
    # Titles and visits' words, each through its index (not every issue's title under an OR).
    (SearchKind.issues, "拉电线", "ix_issue_title_grams"),
    (SearchKind.issues, "拉电线", "ix_visit_text_grams"),
    (SearchKind.residents, "晓明", "ix_constituent_name_grams"),
    (SearchKind.residents, "丽", "ix_constituent_name_grams"),
    (SearchKind.residents, "81234", "ix_constituent_phone_tail"),
]


def test_searches_and_counts_read_the_indexes(big: Store) -> None:
    with big.read() as session:
        for kind, term, index in CASES:
            query = parse_query(term)
            page = _ids_statement(session, query, kind, None).limit(21)
            counted = count_statement(session, term, kind)
            assert counted is not None, (kind, term)
            for plan in (_plan(session, page), _plan(session, counted)):
                assert index in plan, (kind, term, plan)
                assert "Seq Scan" not in plan, (kind, term, plan)
