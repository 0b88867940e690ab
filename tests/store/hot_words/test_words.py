"""Words of visits (民意热词): extraction with the station dictionary and stop words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from small_station import Refs
from sqlalchemy import inspect, text

from store.changelog.changes import Actor, bulk_insert
from store.core.clock import FrozenClock
from store.core.models import Constituent, Visit, new_id
from store.db import Store, make_engine, sqlite_url
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.hot_words.word_index import (
    WORDS_VERSION,
    bring_words_up_to_date,
    word_index_faults,
    words_version,
)
from store.hot_words.words import extract_words, rising_words, word_visits, words_of_issues
from store.station import StationInfo, open_store
from store.trust.migrate import downgrade, upgrade

# Every test that uses `store` runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = date(2026, 11, 24)
VILLAGE = "青石村"
COMMUNITY = "新桥社区"
CATEGORY = "道路交通"


def test_domain_terms_stay_whole_and_stop_words_go() -> None:
    words = extract_words(
        "你好，我想反映一下我们楼道堆物的问题，还有人飞线充电，希望尽快处理。"
        "流动摊贩占道经营，新就业群体的外卖骑手没地方歇脚，APP用不了，去了3次。"
    )
    for term in ("楼道堆物", "飞线充电", "流动摊贩", "占道经营", "新就业群体", "外卖骑手"):
        assert term in words
    for generic in ("反映", "希望", "问题", "我们", "一下", "尽快", "你好"):
        assert generic not in words
    assert "app" in words
    assert all(len(w) >= 2 and not any(c.isdigit() for c in w) for w in words)
    assert "，" not in words and "飞线" not in words and "充电" not in words


def test_words_are_distinct_in_order_of_first_use() -> None:
    assert extract_words("飞线充电，又是飞线充电，楼道里飞线充电") == ["飞线充电", "楼道"]
    assert extract_words("") == []
    assert extract_words("，。！123 456") == []


def test_words_of_issues_gather_their_visits_words(
    store: Store, make_issue: Callable[..., IssueRow], make_visit: Callable[..., VisitRow]
) -> None:
    wires = make_issue(text="楼道里有人飞线充电，电动自行车停在楼梯口。")
    lamps = make_issue(text="村口的路灯坏了一个多月，晚上走路看不见。")
    make_visit(text="飞线充电又来了")  # not linked: belongs to no issue
    with store.read() as session:
        found = words_of_issues(session=session, issue_ids=[wires.id, lamps.id, "none"])
    assert {"飞线充电", "电动自行车", "楼道"} <= found[wires.id]
    assert "路灯" in found[lamps.id] and "飞线充电" not in found[lamps.id]
    assert found["none"] == set()
    with store.read() as session:
        assert words_of_issues(session=session, issue_ids=[]) == {}


def _stored_words(store: Store, visit_id: str) -> set[str]:
    with store.engine.connect() as conn:
        ids = conn.execute(
            text("SELECT word_ids FROM word_visit WHERE visit_id = :v"), {"v": visit_id}
        ).scalar()
        if ids is None:
            return set()
        rows = conn.execute(text(f"SELECT text FROM word WHERE id IN ({ids.strip(',') or 'NULL'})"))
        return {row[0] for row in rows}


def _day_counts(store: Store, word: str) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT coalesce(sum(n), 0) FROM word_day JOIN word ON word.id = word_id"
                    " WHERE word.text = :w"
                ),
                {"w": word},
            ).scalar_one()
        )


def test_a_logged_visit_stores_its_words_and_follows_its_text(
    store: Store, actor: Actor, make_visit: Callable[..., VisitRow]
) -> None:
    row = make_visit(text="楼道里有人飞线充电，太危险了。")
    make_visit(text="又有人飞线充电。", phone="13900001111")
    assert _stored_words(store, row.id) == {"楼道", "飞线充电"}
    assert _day_counts(store, "飞线充电") == 2
    with store.write(actor) as session:
        visit = session.get(Visit, row.id)
        assert visit is not None
        visit.text = "路灯坏了。"
    assert "飞线充电" not in _stored_words(store, row.id)
    assert "路灯" in _stored_words(store, row.id)
    assert _day_counts(store, "飞线充电") == 1
    with store.write(actor) as session:
        visit = session.get(Visit, row.id)
        assert visit is not None
        visit.deleted_at = NOW
    assert _stored_words(store, row.id) == set()
    assert _day_counts(store, "路灯") == 0
    with store.engine.connect() as conn:
        logged = conn.execute(
            text("SELECT count(*) FROM change_log WHERE table_name LIKE '%word%'")
        ).scalar()
    assert logged == 0


def _load(
    store: Store, actor: Actor, station_id: str, refs: Refs, visits: list[tuple[int, str, str, str]]
) -> list[str]:
    """Bulk-load visits given as (days ago, text, village, category); returns their ids."""
    with store.write(actor) as session:
        person = Constituent(
            station_id=station_id, name="李四", phone="13911112222",
            village_id=refs.villages[VILLAGE],
        )  # fmt: skip
        session.add(person)
        session.flush()
        rows: list[dict[str, Any]] = [
            {
                "id": new_id(),
                "station_id": station_id,
                "received_at": NOW - timedelta(days=ago, minutes=n),
                "channel": "walk_in",
                "kind": "request",
                "constituent_id": person.id,
                "village_id": refs.villages[village],
                "category_id": refs.categories[category],
                "text": words,
                "summary": words[:20],
                "deputy_id": None,
                "issue_id": None,
            }
            for n, (ago, words, village, category) in enumerate(visits)
        ]
        bulk_insert(session, Visit, rows)
    return [row["id"] for row in rows]


def test_bulk_insert_stores_words(
    store: Store, actor: Actor, station_info: StationInfo, refs: Refs
) -> None:
    ids = _load(
        store, actor, station_info.id, refs,
        [(n, f"第{n}次反映流动摊贩占道", VILLAGE, CATEGORY) for n in range(30)],
    )  # fmt: skip
    assert _day_counts(store, "流动摊贩") == 30
    assert "流动摊贩" in _stored_words(store, ids[0])


STEADY = "路灯坏了，晚上看不见。"
RISING = "又有人在飞线充电。"
END = TODAY + timedelta(days=1)


@pytest.fixture
def loaded(store: Store, actor: Actor, station_info: StationInfo, refs: Refs) -> list[str]:
    """The last 30 days against the 30 before: 飞线充电 goes from 1 visit to 8 (all in 青石村,
    category 安全生产与消防), 路灯 stays at 10 in each (in 东塘村)."""
    visits = [(40, RISING, VILLAGE, "安全生产与消防")]
    visits += [(n * 3 + 1, RISING, VILLAGE, "安全生产与消防") for n in range(8)]
    visits += [(31 + n * 2, STEADY, "东塘村", CATEGORY) for n in range(10)]
    visits += [(n * 2, STEADY, "东塘村", CATEGORY) for n in range(10)]
    visits += [(70, "飞线充电很早以前的事", VILLAGE, CATEGORY)]  # before both windows
    return _load(store, actor, station_info.id, refs, visits)


def test_the_rising_word_ranks_first_with_its_counts(store: Store, loaded: list[str]) -> None:
    with store.read() as session:
        words = rising_words(session=session, end=END, days=30)
    by_word = {w.word: w for w in words}
    assert words[0].word == "飞线充电"
    assert (words[0].count, words[0].previous, words[0].change) == (8, 1, 7)
    assert words[0].rising
    assert (by_word["路灯"].count, by_word["路灯"].previous) == (10, 10)
    assert not by_word["路灯"].rising
    assert [w.word for w in words].index("路灯") > 0
    with store.read() as session:
        assert len(rising_words(session=session, end=END, days=30, limit=2)) == 2
        # A week: 飞线充电 twice (days 1 and 4), 路灯 four times (days 0, 2, 4, 6).
        week = {w.word: w for w in rising_words(session=session, end=END, days=7)}
    assert (week["飞线充电"].count, week["路灯"].count) == (2, 4)


def test_rising_words_per_village_and_category(store: Store, loaded: list[str], refs: Refs) -> None:
    with store.read() as session:
        east = rising_words(session=session, end=END, days=30, village_id=refs.villages["东塘村"])
        green = rising_words(session=session, end=END, days=30, village_id=refs.villages[VILLAGE])
        fire = rising_words(
            session=session, end=END, days=30, category_id=refs.categories["安全生产与消防"]
        )
        roads = rising_words(
            session=session, end=END, days=30, category_id=refs.categories[CATEGORY]
        )
        empty = rising_words(session=session, end=END, days=30, village_id=refs.villages[COMMUNITY])
    assert {w.word for w in east} == {"路灯"}  # 晚上 is a time, 看不见 a verb
    assert (green[0].word, green[0].count, green[0].previous) == ("飞线充电", 8, 1)
    assert "路灯" not in {w.word for w in green}
    assert (fire[0].word, fire[0].count, fire[0].previous) == ("飞线充电", 8, 1)
    assert "飞线充电" not in {w.word for w in roads}
    assert empty == []


def test_a_word_drills_down_to_its_visits_newest_first(
    store: Store, loaded: list[str], refs: Refs
) -> None:
    with store.read() as session:
        page = word_visits(session=session, word="飞线充电", end=END, days=30, limit=5)
        rest = word_visits(session=session, word="飞线充电", end=END, days=30, limit=5, offset=5)
        scoped = word_visits(
            session=session, word="路灯", end=END, days=30, village_id=refs.villages[VILLAGE]
        )
        unknown = word_visits(session=session, word="不存在的词", end=END, days=30)
    assert page.total == 8 and len(page.items) == 5 and len(rest.items) == 3
    times = [v.received_at for v in page.items + rest.items]
    assert times == sorted(times, reverse=True)
    assert {v.id for v in page.items + rest.items} == set(loaded[1:9])
    assert scoped.total == 0 and unknown.total == 0


def test_migration_0005_derives_the_words_of_existing_visits(
    station_path: Path, clock: FrozenClock, make_visit: Callable[..., VisitRow]
) -> None:
    row = make_visit(text="楼道堆物好几个月了，消防通道也堵了。")
    engine = make_engine(sqlite_url(station_path))
    try:
        downgrade(engine, "0004")
        with engine.connect() as conn:
            assert "word_day" not in inspect(conn).get_table_names()
        upgrade(engine, "0005")
    finally:
        engine.dispose()
    opened = open_store(station_path, clock=clock)
    try:
        assert {"楼道堆物", "消防通道"} <= _stored_words(opened, row.id)
        assert _day_counts(opened, "楼道堆物") == 1
    finally:
        opened.dispose()


@pytest.mark.sqlite_only
def test_words_of_earlier_rules_are_derived_again_once_when_the_station_is_opened(
    station_path: Path, clock: FrozenClock, make_visit: Callable[..., VisitRow]
) -> None:
    """A station last opened before content words (issue 16, part 6): no `word_use`, no
    version mark, and every word but stop words stored (一股, 捂着). Opening it derives the
    words again by today's rules, once; `liaison check` finds nothing then, and found the old
    words before."""
    row = make_visit(text="楼道里一股馊味，大家捂着鼻子走。")
    engine = make_engine(sqlite_url(station_path))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE word_use")
            conn.exec_driver_sql("DELETE FROM local_meta WHERE key = 'words_version'")
            conn.exec_driver_sql("INSERT INTO word VALUES (9001, '一股'), (9002, '捂着')")
            conn.exec_driver_sql(
                "UPDATE word_visit SET word_ids = word_ids || '9001,9002,' WHERE visit_id = ?",
                (row.id,),
            )
        with engine.connect() as conn:
            assert word_index_faults(conn) == ["word_day", "word_use", "words_version"]
    finally:
        engine.dispose()
    opened = open_store(station_path, clock=clock)
    try:
        assert _stored_words(opened, row.id) == {"楼道", "馊味"}  # 鼻子走 is a phrase
        with opened.engine.connect() as conn:
            assert word_index_faults(conn) == []
            assert words_version(conn) == WORDS_VERSION
        assert not bring_words_up_to_date(opened.engine)  # once
        with opened.read() as session:
            page = word_visits(session=session, word="馊味", end=END, days=7)
        assert [v.id for v in page.items] == [row.id]
    finally:
        opened.dispose()


def test_a_busier_station_does_not_make_every_word_rise(
    store: Store, actor: Actor, station_info: StationInfo, refs: Refs
) -> None:
    """Twice the visits in the last 30 days: 路灯 keeps its share (5 → 10) and does not rise;
    飞线充电 goes from 1 to 8 and does."""
    visits = [(31 + n * 5, STEADY, "东塘村", CATEGORY) for n in range(5)]
    visits += [(30 + n * 5, "村里的健身器材坏了", "东塘村", CATEGORY) for n in range(5)]
    visits += [(40, RISING, VILLAGE, "安全生产与消防")]
    visits += [(n * 3, STEADY, "东塘村", CATEGORY) for n in range(10)]
    visits += [(n * 3 + 1, "村里的健身器材坏了", "东塘村", CATEGORY) for n in range(3)]
    visits += [(n * 3 + 2, RISING, VILLAGE, "安全生产与消防") for n in range(8)]
    _load(store, actor, station_info.id, refs, visits)
    with store.read() as session:
        words = {w.word: w for w in rising_words(session=session, end=END, days=30)}
    assert (words["路灯"].count, words["路灯"].previous) == (10, 5)
    assert not words["路灯"].rising
    assert words["飞线充电"].rising


def test_a_word_used_less_than_before_is_not_rising(
    store: Store, actor: Actor, station_info: StationInfo, refs: Refs
) -> None:
    """A quieter month (8 visits after 40): 飞线充电 goes from 10 visits to 7. Its share rose
    (10 of 40 → 7 of 8) but fewer residents spoke of it: the dashboard showed "飞线充电 ↑-3"."""
    visits = [(31 + n, RISING, VILLAGE, "安全生产与消防") for n in range(10)]
    visits += [(31 + n % 25, "村里的健身器材坏了", "东塘村", CATEGORY) for n in range(30)]
    visits += [(n * 3, RISING, VILLAGE, "安全生产与消防") for n in range(7)]
    visits += [(2, "村里的健身器材坏了", "东塘村", CATEGORY)]
    _load(store, actor, station_info.id, refs, visits)
    with store.read() as session:
        words = {w.word: w for w in rising_words(session=session, end=END, days=30)}
    wires = words["飞线充电"]
    assert (wires.count, wires.previous) == (7, 10)
    assert wires.score >= 2.0
    assert not wires.rising
