"""Hot words a deputy would read aloud (issue 16, part 6): what the demo showed.

- pronouns, adverbs, bare verbs and fragments (看着, 后面, 一股, 漫到…) ranked beside 飞线充电;
- one sentence, repeated, gave five rising words;
- 楼梯 counted 26 visits where search found 33: a word's count is the visits its drill-down
  lists, and search, which matches characters, also finds 楼梯 inside 楼梯口 or 爬楼梯.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from small_station import TODAY
from sqlalchemy import text
from word_helpers import demo_phrases, load_visits

from store.core.clock import FrozenClock
from store.db import Store
from store.hot_words.words import RisingWord, extract_many, rising_words, word_visits
from store.station import StationInfo, open_store

# Every test that uses `store` runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

END = TODAY + timedelta(days=1)

# Seen ranking on the demo (the default 2,400 visits, and the tests' 600): not words a deputy
# reads out as what residents raise.
DEMO_NOISE = frozenset(
    "看着 后面 提起 一股 捂着 漫到 开个 原来 心里 当面 白天 放在 好像"  # the issue's
    " 一条 具体 看不清 不开 一步 办到 顺便 说好 晚上 一部分 没装 拿到 里面 一半 一辆 老是"
    " 前段时间 人划 拦住 热个 怎么弄 半个 接过 一段时间 对面 磨得 看不见 加条".split()
)
# What it did rank, and must still: the station's terms, things, places.
DEMO_CONTENT = ("飞线充电", "楼梯", "电动自行车", "斑马线", "减速带", "路灯", "垃圾", "车位")


def _companions(word: RisingWord) -> tuple[str, ...]:
    return tuple(getattr(word, "companions", ()))


def test_the_demo_texts_yield_no_noise_words() -> None:
    phrases = demo_phrases()
    for noise in DEMO_NOISE:
        assert any(noise in phrase for phrase in phrases), noise  # the test means something
    found = {w for words in extract_many(phrases) for w in words}
    assert found & DEMO_NOISE == set()
    assert set(DEMO_CONTENT) <= found


@pytest.fixture
def demo(demo_path: Path, clock: FrozenClock) -> Any:
    opened = open_store(demo_path, clock=clock)
    yield opened
    opened.dispose()


def test_no_noise_word_ranks_on_the_demo(demo: Store) -> None:
    with demo.read() as session:
        for days in (7, 30, 90):
            words = rising_words(session=session, end=END, days=days, limit=50)
            assert words
            listed = {w.word for w in words} | {c for w in words for c in _companions(w)}
            assert listed & DEMO_NOISE == set(), days


def _visits_of(store: Store, word: str, days: int, village_id: str | None = None) -> list[str]:
    """Every visit the drill-down lists, page after page."""
    found: list[str] = []
    with store.read() as session:
        while True:
            page = word_visits(
                session=session,
                word=word,
                end=END,
                days=days,
                offset=len(found),
                village_id=village_id,
            )
            found += [v.id for v in page.items]
            if not page.items or len(found) >= page.total:
                assert len(found) == page.total
                return found


def test_every_listed_words_count_is_the_visits_its_drill_down_lists(demo: Store) -> None:
    with demo.read() as session:
        village = (
            session.connection()
            .exec_driver_sql(
                "SELECT village_id FROM visit GROUP BY village_id ORDER BY count(*) DESC LIMIT 1"
            )
            .scalar()
        )
    checked = 0
    for days in (7, 30, 90):
        for scope in (None, village):
            with demo.read() as session:
                words = rising_words(
                    session=session, end=END, days=days, limit=50, village_id=scope
                )
            for word in words:
                listed = _visits_of(demo, word.word, days, village_id=scope)
                assert len(listed) == len(set(listed)) == word.count, (days, scope, word)
                checked += 1
    assert checked > 100


def test_a_word_counts_itself_where_search_also_finds_longer_words(
    store: Store, actor: Any, station_info: StationInfo, refs: Any
) -> None:
    """楼梯 as the demo has it: the word itself in some visits, inside 楼梯口 and 爬楼梯 in
    others. Its count is the visits its drill-down lists, each using the word; a search for the
    characters (LIKE, as search does for two) finds the others too."""
    visits = [(n, "楼梯灯坏了，晚上摸黑。", "青石村", "物业管理") for n in range(5)]
    visits += [(n, "楼梯口堵了。", "青石村", "物业管理") for n in range(3)]
    visits += [(n, "天天爬楼梯。", "东塘村", "物业管理") for n in range(2)]
    ids = load_visits(store, actor, station_info.id, refs, visits)
    with store.read() as session:
        words = {w.word: w for w in rising_words(session=session, end=END, days=30, limit=50)}
        found = session.execute(
            text("SELECT count(*) FROM visit WHERE text LIKE :p"), {"p": "%楼梯%"}
        ).scalar()
    listed = _visits_of(store, "楼梯", 30)
    assert words["楼梯"].count == len(listed) == 5
    assert set(listed) == set(ids[:5])
    assert (words["楼梯口"].count, words["爬楼梯"].count) == (3, 2)
    assert found == 10


SENTENCE = "3楼那户飞线充电劝了好几次都不改，还把电动自行车停在楼梯转角，一旦起火整栋楼都跑不出去。"
CROSSING = (
    "镇卫生院对面的斑马线磨得都看不见了，车子开过来不减速，"
    "小孩过马路太危险，希望重新划线再加条减速带。"
)
STEADY = ("路灯坏了，晚上看不见。", "垃圾桶满了没人清。", "电动自行车乱停在车位上。")


def test_a_sentence_repeated_rises_as_one_word(
    store: Store, actor: Any, station_info: StationInfo, refs: Any
) -> None:
    """Two sentences of the demo, each repeated in the last 30 days (in two villages), over a
    steady background (电动自行车 among it): each is one rising word (the station's term
    飞线充电, 减速带), the sentence's other words with it, not several rising words of one
    family."""
    visits = [(31 + n, STEADY[n % 3], "东塘村", "环境卫生") for n in range(30)]
    visits += [(n, STEADY[n % 3], "东塘村", "环境卫生") for n in range(30)]
    visits += [(n * 2, SENTENCE, "青石村", "安全生产与消防") for n in range(12)]
    visits += [(n * 3 + 1, CROSSING, "新桥社区", "道路交通") for n in range(8)]
    load_visits(store, actor, station_info.id, refs, visits)
    with store.read() as session:
        words = rising_words(session=session, end=END, days=30)
    rising = [w for w in words if w.rising]
    # 电动自行车 keeps its share of the busier window (10 before, 22 now): it does not rise.
    for sentence, term, others in (
        (SENTENCE, "飞线充电", {"楼梯"}),
        (CROSSING, "减速带", {"卫生院", "斑马线", "车子", "小孩", "马路", "划线"}),
    ):
        own = set(extract_many([sentence])[0])
        assert own >= others | {term}, own
        drawn = [w for w in rising if w.word in own or own & set(_companions(w))]
        shown = [(w.word, _companions(w)) for w in drawn]
        assert [w.word for w in drawn] == [term], (sentence, shown)
        assert set(_companions(drawn[0])) == others
    assert {w.word for w in words} >= {"路灯", "垃圾桶", "车位"}
    assert not any(w.rising for w in words if w.word in ("路灯", "垃圾桶", "车位"))
    assert len(rising) == 2
