"""Words of visits (民意热词): extraction with the station dictionary and stop words."""

from __future__ import annotations

from collections.abc import Callable

from store.db import Store
from store.issues import IssueRow
from store.visits import VisitRow
from store.words import extract_words, words_of_issues


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
