"""Search (store.search.query) on a real SQLite station where we know which visits hold which words.

Chinese substrings of every length (1, 2, 3 and 10 characters) find exactly the visits that
contain them, two-character ones included (SQLite 3.40's trigram index returns nothing for
them: docs/performance.md); what a deputy types is never SQL or FTS5 syntax; residents are found
by name, pinyin initials, full pinyin and a phone's last digits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

import store.search.query as search_module
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.triage import link_visit
from store.desk.visits import VisitRow
from store.search.index import drop_search_index
from store.search.query import (
    SearchKind,
    count_hits,
    more_than_cap,
    narrows,
    search,
    search_issues,
    search_residents,
    search_visits,
)
from store.search.terms import ResidentMatch, find_spans, fts_string, parse_query

# Every test that uses `store` runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 24)

# The fixture's visits: name → (resident, phone, text). Received one minute apart, in this order.
TEXTS = {
    "flying": (
        "张晓明",
        "13812341234",
        "小区里飞线充电的人很多，从楼上窗户吊根电线下来给电动车充电。",
    ),
    "flying2": ("周新民", "13955551234", "楼下有人飞线，天天晚上拉电线。"),
    "road": ("朱小梅", "13700005678", "村口的路灯坏了一个多月，晚上走路看不见。"),
    "percent": ("王芳", "13600001111", "补贴只发了100%的一半_说是名单有误\\反斜杠。"),
    "syntax": ("王芳芳", "13600002222", '他说 "AND" 不算数，*号和-号都写在告示上 NEAR(楼道)。'),
    "stairs": ("单丽", "0571-88881234", "楼道里堆满了杂物\n飞线的问题也有，消防通道堵死了。"),
}


@pytest.fixture
def visits(make_visit: Callable[..., VisitRow], clock: FrozenClock) -> dict[str, VisitRow]:
    out = {}
    for key, (name, phone, text) in TEXTS.items():
        clock.advance(timedelta(minutes=1))
        out[key] = make_visit(name=name, phone=phone, text=text)
    return out


def _visit_ids(store: Store, text: str, **kw: Any) -> list[str]:
    with store.read() as session:
        page = search_visits(session=session, text=text, today=TODAY, **kw)
    return [hit.id for hit in page.items]


def _ids(visits: dict[str, VisitRow], *keys: str) -> list[str]:
    """The visits' ids, newest first (the order search returns them in)."""
    order = list(TEXTS)
    return [visits[k].id for k in sorted(keys, key=order.index, reverse=True)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("路", ["road"]),  # one character
        ("飞线", ["flying", "flying2", "stairs"]),  # two: the trigram index would miss them
        ("楼道", ["syntax", "stairs"]),
        ("拉电线", ["flying2"]),  # three: through the trigram index
        ("从楼上窗户吊根电线下", ["flying"]),  # ten
        ("电线", ["flying", "flying2"]),
        ("飞线 楼道", ["stairs"]),  # every term
        ("飞线充电 楼上", ["flying"]),  # a long and a short term together
        ("停车", []),
    ],
)
def test_chinese_substrings_of_every_length(
    store: Store, visits: dict[str, VisitRow], query: str, expected: list[str]
) -> None:
    assert _visit_ids(store, query) == _ids(visits, *expected)


@pytest.mark.sqlite_only
def test_two_characters_found_whatever_the_trigram_index_says(
    store: Store, visits: dict[str, VisitRow]
) -> None:
    """On SQLite 3.40 `visit_fts LIKE '%飞线%'` returns no rows and no error; search must not ask
    the index for terms shorter than three characters."""
    with store.read() as session:
        conn = session.connection()
        from_index = conn.exec_driver_sql(
            "SELECT count(*) FROM visit_fts WHERE text LIKE '%飞线%'"
        ).scalar()
    assert from_index in (0, 3)  # 0 on 3.40 (the bug), 3 where it is fixed
    assert _visit_ids(store, "飞线") == _ids(visits, "flying", "flying2", "stairs")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("%", ["percent"]),
        ("_", ["percent"]),
        ("100%", ["percent"]),
        ("%的", ["percent"]),
        ("\\", ["percent"]),
        ("_说是", ["percent"]),
        ("误\\反", ["percent"]),
    ],
)
def test_like_wildcards_match_literally(
    store: Store, visits: dict[str, VisitRow], query: str, expected: list[str]
) -> None:
    assert _visit_ids(store, query) == _ids(visits, *expected)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "AND",
        "OR",
        "NOT",
        "*",
        "-",
        "NEAR(",
        "a OR b",
        '"飞线',
        "飞线*",
        "-飞线",
        "^楼道",
        "楼道:",
        "(楼道)",
        "text:楼道",
        "{text}",
        "\x00飞线",
    ],
)
def test_fts_syntax_typed_by_a_user_is_text(
    store: Store, visits: dict[str, VisitRow], query: str
) -> None:
    with store.read() as session:
        search(session=session, text=query, today=TODAY)
        for kind in SearchKind:
            count_hits(session=session, text=query, kind=kind)


def test_fts_syntax_is_searched_for_literally(store: Store, visits: dict[str, VisitRow]) -> None:
    assert _visit_ids(store, '"AND"') == _ids(visits, "syntax")
    assert _visit_ids(store, "NEAR(楼道)") == _ids(visits, "syntax")
    assert _visit_ids(store, "*号和-号") == _ids(visits, "syntax")
    assert fts_string('a"b') == '"a""b"'


def test_without_the_trigram_index_the_same_visits(
    store: Store, visits: dict[str, VisitRow]
) -> None:
    """As on PostgreSQL, which has no FTS5: every term by LIKE."""
    before = {q: _visit_ids(store, q) for q in ("飞线", "拉电线", "从楼上窗户吊根电线下", '"AND"')}
    with store.engine.begin() as conn:
        drop_search_index(conn)
    store.engine.dispose()  # connections remember that the index was there
    after = {q: _visit_ids(store, q) for q in before}
    assert after == before
    assert after["拉电线"] == _ids(visits, "flying2")


def test_newest_first_and_paged(store: Store, visits: dict[str, VisitRow]) -> None:
    expected = _ids(visits, "flying", "flying2", "stairs")
    with store.read() as session:
        first = search_visits(session=session, text="飞线", today=TODAY, limit=2)
        second = search_visits(session=session, text="飞线", today=TODAY, limit=2, offset=2)
    assert [h.id for h in first.items] == expected[:2]
    assert first.has_next
    assert [h.id for h in second.items] == expected[2:]
    assert not second.has_next


def test_visit_hit_reads_as_the_list_shows_it(
    store: Store, visits: dict[str, VisitRow], actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(text="电动车飞线充电，楼道里很危险。")
    with store.write(actor) as session:
        link_visit(session=session, visit_id=visits["flying2"].id, issue_id=issue.id)
    with store.read() as session:
        page = search_visits(session=session, text="拉电线", today=TODAY)
    (hit,) = page.items
    assert (hit.resident, hit.phone, hit.village) == ("周新民", "13955551234", "青石村")
    assert hit.issue_id == issue.id
    assert hit.issue_title == issue.title
    assert hit.issue_colour == issue.colour
    assert "拉电线" in hit.excerpt
    with store.read() as session:
        (road,) = search_visits(session=session, text="路灯", today=TODAY).items
    assert road.issue_id is None and road.issue_colour is None
    assert road.excerpt.startswith("村口的路灯") and not road.excerpt_cut


def test_long_text_excerpt_starts_near_the_match(
    store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    text = "前面的话很长。" * 200 + "这里说到了井盖丢失的事情。"
    row = make_visit(text=text)
    with store.read() as session:
        (hit,) = search_visits(session=session, text="井盖丢失", today=TODAY).items
    assert hit.id == row.id
    assert hit.excerpt_cut
    assert "井盖丢失" in hit.excerpt
    assert len(hit.excerpt) <= search_module.EXCERPT_CHARS


# -- residents ------------------------------------------------------------------------------


def _names(store: Store, text: str) -> list[str]:
    with store.read() as session:
        return [hit.name for hit in search_residents(session=session, text=text).items]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zxm", ["张晓明", "周新民", "朱小梅"]),  # initials, in pinyin order
        ("ZXM", ["张晓明", "周新民", "朱小梅"]),
        ("zx", ["张晓明", "周新民", "朱小梅"]),
        ("zhangxiaoming", ["张晓明"]),  # full pinyin
        ("zhangx", ["张晓明"]),
        ("zhang xiao", ["张晓明"]),
        ("zh", ["张晓明", "周新民", "朱小梅"]),  # zh… pinyin: 张 周 朱
        ("wf", ["王芳", "王芳芳"]),
        ("wff", ["王芳芳"]),
        ("wangfang", ["王芳", "王芳芳"]),
        ("shanli", ["单丽"]),  # 单 as a surname is shàn
        ("sl", ["单丽"]),
        ("qqq", []),
    ],
)
def test_residents_by_pinyin(
    store: Store, visits: dict[str, VisitRow], query: str, expected: list[str]
) -> None:
    assert _names(store, query) == expected


def test_exact_initials_come_first(store: Store, visits: dict[str, VisitRow]) -> None:
    assert _names(store, "wff") == ["王芳芳"]
    assert _names(store, "w") == ["王芳", "王芳芳"]
    assert _names(store, "zhangxiaoming") == ["张晓明"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("晓明", ["张晓明"]),
        ("王芳", ["王芳", "王芳芳"]),  # the exact name first
        ("芳", ["王芳", "王芳芳"]),
        ("1234", ["单丽", "张晓明", "周新民"]),  # last digits, landline dash ignored
        ("5551234", ["周新民"]),
        ("13812341234", ["张晓明"]),
        ("138 1234 1234", ["张晓明"]),
        ("123", []),  # fewer than four digits finds no phone
        ("%", []),
        ("_", []),
    ],
)
def test_residents_by_name_and_phone(
    store: Store, visits: dict[str, VisitRow], query: str, expected: list[str]
) -> None:
    assert _names(store, query) == expected


def test_resident_hit_counts_visits(
    store: Store, visits: dict[str, VisitRow], make_visit: Callable[..., VisitRow]
) -> None:
    again = make_visit(name="张晓明", phone="13812341234", text="又来说飞线的事。")
    with store.read() as session:
        (hit,) = search_residents(session=session, text="zhangxiaoming").items
    assert hit.visit_count == 2
    assert hit.last_visit_at is not None
    assert hit.match == ResidentMatch.pinyin
    # Their visits, newest first; the box narrows them.
    assert _visit_ids(store, "", resident_id=hit.id) == [again.id, visits["flying"].id]
    assert len(_visit_ids(store, "又来", resident_id=hit.id)) == 1


# -- issues and the whole search ------------------------------------------------------------


def test_issues_by_title_and_by_their_visits(
    store: Store, make_issue: Callable[..., IssueRow], clock: FrozenClock
) -> None:
    by_title = make_issue(text="楼道堆物堵住了消防通道。")
    clock.advance(timedelta(minutes=1))
    by_visit = make_issue(text="三号楼的电梯又坏了。\n楼道堆物的问题也顺便说一下。")
    clock.advance(timedelta(minutes=1))
    make_issue(text="路灯坏了。")
    with store.read() as session:
        three = search_issues(session=session, text="楼道堆物", today=TODAY).items
        two = search_issues(session=session, text="楼道", today=TODAY).items
    # Newest first, however they matched.
    assert [(h.row.id, h.by_title) for h in three] == [(by_visit.id, False), (by_title.id, True)]
    # Two characters: titles only (the visits' words would need a full read of every text).
    assert [h.row.id for h in two] == [by_title.id]


def test_search_shows_the_first_kind_with_hits(
    store: Store, visits: dict[str, VisitRow], make_issue: Callable[..., IssueRow]
) -> None:
    make_issue(text="飞线充电的问题")
    with store.read() as session:
        zxm = search(session=session, text="zxm", today=TODAY)
        flying = search(session=session, text="飞线", today=TODAY)
        kept = search(
            session=session, text="拉电线", today=TODAY, kind=SearchKind.residents, fallback=False
        )
        visits_of = search(session=session, text="拉电线", today=TODAY, kind=SearchKind.visits)
        empty = search(session=session, text="   ", today=TODAY)
    assert zxm.kind == SearchKind.residents and len(zxm.page.items) == 3
    assert flying.kind == SearchKind.issues
    assert kept.kind == SearchKind.residents and not kept.page.items
    assert visits_of.kind == SearchKind.visits and len(visits_of.page.items) == 1
    assert empty.query.empty and not empty.page.items


def test_counts_are_capped(
    store: Store, visits: dict[str, VisitRow], monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.read() as session:
        assert count_hits(session=session, text="飞线", kind=SearchKind.visits) == 3
        assert count_hits(session=session, text="zxm", kind=SearchKind.residents) == 3
        monkeypatch.setattr(search_module, "CAP", 2)
        capped = count_hits(session=session, text="飞线", kind=SearchKind.visits)
    assert capped == 3
    assert more_than_cap(capped)


def test_query_understood() -> None:
    assert parse_query("  zxm ").resident_match == ResidentMatch.pinyin
    assert parse_query("138-1234").resident_match == ResidentMatch.phone
    assert parse_query("12").resident_match == ResidentMatch.none
    assert parse_query("张晓明").resident_match == ResidentMatch.name
    assert parse_query("飞线 飞线 楼道").terms == ("飞线", "楼道")
    assert parse_query("x" * 500).text == "x" * 100
    assert parse_query("\x1b[31m飞线").terms == ("[31m飞线",)
    assert find_spans("飞线充电，又是飞线", ("飞线",)) == [(0, 2), (7, 9)]
    assert find_spans("AbC abc", ("abc",)) == [(0, 3), (4, 7)]


@pytest.mark.parametrize(
    ("before", "after", "kind", "expected"),
    [
        ("飞", "飞线", SearchKind.residents, True),
        ("飞", "飞线", SearchKind.visits, True),
        ("飞线", "飞线 楼", SearchKind.visits, True),
        ("zx", "zxm", SearchKind.residents, True),
        ("1234", "12345", SearchKind.residents, False),  # phones match their last digits
        ("飞线", "飞", SearchKind.visits, False),
        ("飞线", "飞线充", SearchKind.issues, False),  # now issues are found by their visits
        ("飞线充", "飞线充电", SearchKind.issues, True),
        ("", "飞", SearchKind.visits, False),
    ],
)
def test_typing_on_narrows(before: str, after: str, kind: SearchKind, expected: bool) -> None:
    assert narrows(before, after, kind) is expected
