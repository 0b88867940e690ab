"""Urgency, repeats and similar issues on screen: the board's and the queue's `o`, the issue's
breakdown, the log form's 困难群体 box, proposals on triage, and marking a cluster (space, m)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from desk_helpers import content, notes, pick, pick_options, press, row_keys, rows, settle
from english_desk import run_in_english
from small_station import Refs
from sqlmodel import select
from textual.widgets import Checkbox, DataTable, Input, Select, TextArea

from screens.board import BoardScreen
from screens.dialogs.pick import PickModal
from screens.issue import IssueScreen
from screens.log_visit import LogVisitScreen
from screens.triage import TriageScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Issue
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.station import load_station
from tui.app import LiaisonApp, make_app
from tui.i18n import t, tn

ROOT = Path(__file__).resolve().parents[2]
FIRE = "安全生产与消防"
WIRES = (
    "楼道里有人飞线充电，电线从三楼窗户拉下来，太危险了。",
    "我们这栋楼飞线充电的情况很多，电动车在楼道里充电，怕着火。",
    "飞线充电又出现了，电线横穿楼道，晚上充电不安全。",
)


def _query(store: Store, sql: str, *params: object) -> list[tuple[object, ...]]:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(sql, params).fetchall()


def _set(store: Store, actor: Actor, issue_id: str, **values: object) -> None:
    with store.write(actor) as session:
        issue = session.exec(select(Issue).where(Issue.id == issue_id)).one()
        for key, value in values.items():
            setattr(issue, key, value)


async def test_o_sorts_the_board_by_urgency_and_back(
    desk: LiaisonApp, store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issues = [make_issue(phone=f"1381234000{n}", name=f"居民{n}") for n in range(3)]
    # The last opened is due last, so last on the colour board; come back three times, it is
    # the most urgent.
    _set(store, actor, issues[2].id, repeat_count=3, due_on=issues[2].due_on + timedelta(days=1))
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        screen = desk.screen
        assert isinstance(screen, BoardScreen)
        table = screen.query_one("#board-table", DataTable)
        assert row_keys(table)[-1] == issues[2].id
        await press(pilot, "o")
        assert row_keys(table)[0] == issues[2].id
        assert t("board.by_urgency") in content(screen.query_one("#board-status"))
        await press(pilot, "o")
        assert row_keys(table)[-1] == issues[2].id
        assert t("board.by_urgency") not in content(screen.query_one("#board-status"))


async def test_the_issue_page_shows_the_score_and_why(
    desk: LiaisonApp, store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    today = issue.opened_on
    _set(
        store,
        actor,
        issue.id,
        due_on=today - timedelta(days=5),
        warn_on=today - timedelta(days=10),
        repeat_count=2,
        vulnerable=True,
    )
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        desk.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        head = content(desk.screen.query_one("#issue-head"))
    assert "紧急度 25：逾期 5 天 +10 · 重复来访 2 次 +6 · 困难群体 +5 · 诉求 +4" in head


async def test_the_log_form_saves_vulnerable_and_names_open_issues(
    desk: LiaisonApp,
    store: Store,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
) -> None:
    make_issue(phone="13812341234", name="王阿姨")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        screen = desk.screen
        assert isinstance(screen, LogVisitScreen)
        await press(pilot, *"13812341234")
        assert tn("log.open_issues", 1) in content(screen.query_one("#resident-note"))
        box = screen.query_one("#vulnerable", Checkbox)
        assert box.value is False
        box.focus()
        await press(pilot, "space")
        assert box.value is True
        screen.query_one("#category_id", Select).value = refs.categories["道路交通"]
        screen.query_one("#text", TextArea).text = "路灯还是没修好。"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert isinstance(desk.screen, TriageScreen)
        # The new visit's pane: the resident's open issue, proposed as theirs.
        pane = content(desk.screen.query_one("#triage-visit"))
        assert tn("triage.own_issues", 1) in pane
        assert t("urgency.vulnerable") in pane
    assert _query(store, "select vulnerable from constituent where phone = '13812341234'") == [(1,)]
    assert _query(store, "select vulnerable from issue") == [(1,)]

    # Coming back: the box starts ticked.
    again = make_app(store, load_station(store))
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await press(pilot, *"13812341234")
        assert again.screen.query_one("#vulnerable", Checkbox).value is True
        assert again.screen.query_one("#name", Input).value == "王阿姨"


async def test_a_repeat_is_proposed_and_linked_in_one_pick(
    desk: LiaisonApp,
    store: Store,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(category=FIRE, text=WIRES[0])
    make_issue(phone="13700001111", name="李大伯", text="村口的路灯坏了一个多月。")
    again = make_visit(category=FIRE, text=WIRES[2])
    async with desk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        screen = desk.screen
        assert isinstance(screen, TriageScreen)
        pane = content(screen.query_one("#triage-visit"))
        assert tn("triage.own_issues", 1) in pane
        assert t("triage.proposed") in pane
        proposal = next(line for line in pane.splitlines() if "飞线充电" in line)
        assert "本人在办 · 同村 · 同类 · 共有词：飞线充电" in proposal
        assert "路灯" not in pane.split(t("triage.proposed"))[1].split("\n\n")[0]

        await press(pilot, "l")
        assert isinstance(desk.screen, PickModal)
        assert pick_options(desk)[0][0] == issue.id
        await pick(pilot, issue.id)
        assert t("triage.repeat_linked") in notes(desk)
    assert _query(store, "select issue_id, is_repeat from visit where id = ?", again.id) == [
        (issue.id, 1)
    ]
    assert _query(store, "select visit_count, repeat_count from issue where id = ?", issue.id) == [
        (2, 1)
    ]


async def test_alike_visits_are_marked_with_m_and_become_one_issue(
    desk: LiaisonApp, store: Store, clock: FrozenClock, make_visit: Callable[..., VisitRow]
) -> None:
    wires = []
    for n, words in enumerate(WIRES):  # minutes apart: the queue's order is theirs
        wires.append(make_visit(phone=f"1390000000{n}", name=f"居民{n}", category=FIRE, text=words))
        clock.advance(timedelta(minutes=3))
    light = make_visit(phone="13700001111", name="李大伯", text="村口的路灯坏了一个多月。")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        screen = desk.screen
        assert isinstance(screen, TriageScreen)
        table = screen.query_one("#triage-table", DataTable)
        assert tn("triage.alike", 2) in content(screen.query_one("#triage-visit"))

        await press(pilot, "m")
        marked = [r[1].startswith("✓") for r in rows(table)]
        assert marked == [True, True, True, False]
        assert t("triage.marked", count=3) in content(screen.query_one("#triage-visit"))
        # Space unmarks and marks again.
        await press(pilot, "space")
        assert t("triage.marked", count=2) in content(screen.query_one("#triage-visit"))
        await press(pilot, "space")

        await press(pilot, "1")
        assert isinstance(desk.screen, PickModal)
        await press(pilot, "enter")
        assert desk.screen is screen
        assert row_keys(table) == [light.id]
        assert any(note.startswith("已将 3 条来访合并为一个事项") for note in notes(desk))
    found = _query(
        store,
        "select count(distinct issue_id), min(issue_id) from visit where id in (?, ?, ?)",
        *(w.id for w in wires),
    )
    assert found[0][0] == 1
    assert _query(store, "select visit_count from issue where id = ?", found[0][1]) == [(3,)]


async def test_o_puts_the_most_urgent_visit_first_in_the_queue(
    desk: LiaisonApp, make_visit: Callable[..., VisitRow], store: Store, clock: FrozenClock
) -> None:
    first = make_visit(phone="13900000001", name="甲", kind="consultation")
    clock.advance(timedelta(minutes=3))
    urgent = make_visit(phone="13900000002", name="乙")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("update constituent set vulnerable = 1 where phone = '13900000002'")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        table = desk.screen.query_one("#triage-table", DataTable)
        assert row_keys(table) == [first.id, urgent.id]
        await press(pilot, "o")
        assert row_keys(table) == [urgent.id, first.id]
        assert t("triage.by_urgency") in content(desk.screen.query_one("#triage-count"))


# Triage's visit pane, the board in urgency order, an issue's urgency breakdown.
ENGLISH = r"""
from screens.issue import IssueScreen

await press(pilot, "t")
out["triage"] = content(app.screen.query_one("#triage-visit"))
await press(pilot, "b")
out["footer"] = descriptions(footer_keys(app))
await press(pilot, "o")
out["status"] = content(app.screen.query_one("#board-status"))
app.push_screen(IssueScreen(sys.argv[3]))
await settle(pilot)
out["head"] = content(app.screen.query_one("#issue-head"))
"""


def test_in_english(
    store: Store,
    actor: Actor,
    rostered: str,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(category=FIRE, text=WIRES[0])
    _set(store, actor, issue.id, repeat_count=2)
    make_visit(category=FIRE, text=WIRES[1])
    path = str(store.engine.url.database)
    store.dispose()
    out = run_in_english(path, ENGLISH, issue.id)
    assert "This resident already has 1 open issue (l links)" in out["triage"]
    assert "their own · same village · same category · shared words: 飞线充电" in out["triage"]
    assert "Urgency " in out["triage"] and "Request +4" in out["triage"]
    assert "Most urgent first" not in out["footer"]
    assert "Most urgent first" in out["status"]
    assert "2 repeat visits +6" in out["head"] and "Urgency " in out["head"]
