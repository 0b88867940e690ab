"""Hot words (`h`): the window's words, rising first; window and scope; drill-down to visits and
on to their issue or the triage queue; the dashboard's rising words; English."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from desk_helpers import (
    content,
    cursor_key,
    footer_width,
    pick,
    press,
    rows,
    screen_lines,
    settle,
)
from small_station import Refs
from word_helpers import load_visits

from screens.dashboard import DashboardScreen
from screens.hot_words import HotWordsScreen, WordVisitsScreen
from screens.issue import IssueScreen
from store.changelog.changes import Actor, bulk_insert
from store.core.models import Constituent, Tier, Visit, new_id
from store.db import Store
from store.desk.triage import open_issue
from store.station import StationInfo, load_station
from tui.app import LiaisonApp, make_app
from tui.i18n import set_language

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
VILLAGE, OTHER = "青石村", "东塘村"


@pytest.fixture
def words_loaded(
    store: Store, actor: Actor, station_info: StationInfo, refs: Refs, rostered: str
) -> list[str]:
    """飞线充电: 1 visit in the 30 days before the last 30, 8 in the last 30 (青石村, the newest
    triaged to an issue); 路灯: 10 and 10 (东塘村)."""
    visits = [(40, "又有人在飞线充电。", VILLAGE)]
    visits += [(n * 3 + 1, "又有人在飞线充电。", VILLAGE) for n in range(8)]
    visits += [(31 + n * 2, "路灯坏了，晚上看不见。", OTHER) for n in range(10)]
    visits += [(n * 2 + 1, "路灯坏了，晚上看不见。", OTHER) for n in range(10)]
    with store.write(actor) as session:
        person = Constituent(
            station_id=station_info.id, name="李四", phone="13911112222",
            village_id=refs.villages[VILLAGE],
        )  # fmt: skip
        session.add(person)
        session.flush()
        batch: list[dict[str, Any]] = [
            {
                "id": new_id(),
                "station_id": station_info.id,
                "received_at": NOW - timedelta(days=ago, hours=1),
                "channel": "walk_in",
                "kind": "request",
                "constituent_id": person.id,
                "village_id": refs.villages[village],
                "category_id": refs.categories["安全生产与消防"],
                "text": text,
                "summary": text,
                "deputy_id": None,
                "issue_id": None,
            }
            for ago, text, village in visits
        ]
        bulk_insert(session, Visit, batch)
    with store.write(actor) as session:
        open_issue(
            session=session,
            visit_id=batch[1]["id"],
            tier=Tier.village,
            unit_id=refs.unit_for(Tier.village, VILLAGE),
        )
    return [row["id"] for row in batch]


async def _open(pilot: Any) -> HotWordsScreen:
    await settle(pilot)
    await press(pilot, "h")
    screen = pilot.app.screen
    assert isinstance(screen, HotWordsScreen)
    return screen


async def test_rising_words_first_then_window_and_scope(
    desk: LiaisonApp, words_loaded: list[str]
) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        assert "全站 · 近30天" in content(screen.query_one("#hot-heading"))
        table = screen.table
        first = rows(table)[0]
        assert first[:5] == ["1", "飞线充电", "8", "1", "↑ +7"]
        lamp = next(r for r in rows(table) if r[1] == "路灯")
        assert lamp[2:] == ["10", "10", "0", ""]
        assert footer_width(desk) <= 80

        await press(pilot, "w")  # 90 days: everything is new against the 90 before
        assert "近90天" in content(screen.query_one("#hot-heading"))
        assert {r[1]: r[2:4] for r in rows(table)}["飞线充电"] == ["9", "0"]
        await press(pilot, "7")
        assert {r[1]: r[2] for r in rows(table)}["飞线充电"] == "2"  # days 1 and 4
        await press(pilot, "3")

        await press(pilot, "f")
        await pick(pilot, f"v:{_village_id(desk, OTHER)}")
        assert content(screen.query_one("#hot-heading")).startswith(OTHER)
        assert "飞线充电" not in {r[1] for r in rows(table)}
        assert "路灯" in {r[1] for r in rows(table)}


def _village_id(app: LiaisonApp, name: str) -> str:
    from store.reference.lists import list_villages

    with app.desk.store.read() as session:
        return next(v.id for v in list_villages(session=session) if v.name == name)


async def test_a_word_drills_down_to_its_visits_and_their_issue(
    desk: LiaisonApp, words_loaded: list[str]
) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        assert cursor_key(screen.table) == "飞线充电"
        await press(pilot, "enter")
        visits = desk.screen
        assert isinstance(visits, WordVisitsScreen)
        assert "“飞线充电”" in content(visits.query_one("#word-visits-heading"))
        assert "共 8 条来访" in content(visits.query_one("#word-visits-status"))
        shown = rows(visits.table)
        assert len(shown) == 8 and all(r[3].startswith("又有人在飞线充电") for r in shown)
        # Newest first: the visit of a day ago, which was triaged to an issue.
        assert cursor_key(visits.table) == words_loaded[1]
        await press(pilot, "enter")
        assert isinstance(desk.screen, IssueScreen)
        await press(pilot, "escape")
        assert isinstance(desk.screen, WordVisitsScreen)
        await press(pilot, "down", "enter")  # not triaged: opens in the triage queue
        assert desk.current_mode == "triage"


async def test_a_words_visits_say_how_they_differ_from_a_search(
    desk: LiaisonApp, words_loaded: list[str]
) -> None:
    """A word counts the visits that use the word itself; search matches characters, so it also
    finds them inside longer words (楼梯 in 楼梯口): the visits screen says so, on one line."""
    async with desk.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await press(pilot, "enter")
        assert isinstance(desk.screen, WordVisitsScreen)
        note = content(desk.screen.query_one("#word-visits-note"))
        assert "「飞线充电」" in note and "搜索" in note
        assert any(note in line for line in screen_lines(desk))  # whole, on one line


SENTENCE = "3楼那户飞线充电劝了好几次都不改，还把电动自行车停在楼梯转角，一旦起火整栋楼都跑不出去。"


async def test_a_sentence_repeated_is_one_rising_row(
    desk: LiaisonApp, store: Store, actor: Actor, station_info: StationInfo, refs: Any
) -> None:
    """The demo's planted sentence eight times in the last 30 days, over visits that name
    电动自行车 as often before as since: one rising row, 飞线充电, the sentence's other words
    beside it (楼梯); on the dashboard, one rising word."""
    visits = [(n * 3, SENTENCE, VILLAGE, "安全生产与消防") for n in range(8)]
    visits += [(n * 2, "路灯坏了，晚上看不见。", OTHER, "道路交通") for n in range(30)]
    visits += [(n * 2 + 1, "电动自行车乱停，堵了盲道。", OTHER, "道路交通") for n in range(30)]
    load_visits(store, actor, station_info.id, refs, visits)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        words = content(desk.screen.query_one("#dash-words"))
        assert "飞线充电 ↑8" in words and "楼梯" not in words and "电动自行车" not in words
        screen = await _open(pilot)
        shown = rows(screen.table)
        assert shown[0][:5] == ["1", "飞线充电", "8", "0", "↑ +8"]
        assert shown[0][5] == "楼梯"  # 电动自行车 keeps its share: not rising, its own row
        assert not next(r for r in shown if r[1] == "电动自行车")[4].startswith("↑")
        assert [r[1] for r in shown if r[4].startswith("↑")] == ["飞线充电"]
        assert any("楼梯" in line for line in screen_lines(desk))


async def test_the_dashboard_names_the_rising_words(
    desk: LiaisonApp, words_loaded: list[str]
) -> None:
    async with desk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(desk.screen, DashboardScreen)
        words = content(desk.screen.query_one("#dash-words"))
        assert words.startswith("上升热词（近30天）")
        assert "飞线充电 ↑7" in words and "路灯" not in words


async def test_in_english(store: Store, words_loaded: list[str]) -> None:
    app = make_app(store, load_station(store), lang="en")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await _open(pilot)
            assert "Whole station · last 30 days" in content(screen.query_one("#hot-heading"))
            assert "rising" in content(screen.query_one("#hot-status"))
            assert footer_width(app) <= 80
            await press(pilot, "enter")
            assert "visits, page 1 of 1" in content(app.screen.query_one("#word-visits-status"))
    finally:
        set_language("zh")


async def test_the_search_note_in_english(store: Store, words_loaded: list[str]) -> None:
    app = make_app(store, load_station(store), lang="en")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await _open(pilot)
            await press(pilot, "enter")
            note = content(app.screen.query_one("#word-visits-note"))
            assert "whole word" in note.lower() and "search" in note
            assert any(note in line for line in screen_lines(app))
    finally:
        set_language("zh")
