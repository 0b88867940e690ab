"""Deliberation sessions on screen at 80×24, as a new user goes (one app start, the whole flow),
on the small station with the hand-written sessions of tests/helpers/sessions_fixture.py: `c` on
the dashboard opens the list; `a` records a 百姓夜话; its page's `n` opens the visit form with the
议事活动 channel and the session preset, and saving comes back to the page, which lists the visit
waiting for triage; `v` records the vote and the page shows the rate; a bad count is refused in
place; statistics and the deputies' record show the hand-computed figures with this session
added; the database holds it all."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from desk_helpers import content, notes, press, rows, settle, type_at_once
from sessions_fixture import build_sessions
from small_station import Refs
from textual.widgets import DataTable, Input, Select, TextArea

from screens.deliberations import DeliberationScreen, DeliberationsScreen
from screens.dialogs.deliberation_forms import DeliberationModal, VoteModal
from screens.issue import IssueScreen
from screens.log_visit import LogVisitScreen
from screens.stats import StatsScreen
from store.changelog.changes import Actor
from store.core.models import Channel, DeliberationKind
from store.db import Store
from tui.app import LiaisonApp
from tui.messages import OpenIssue, Place


def _db(store: Store, sql: str) -> list[tuple[Any, ...]]:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchall()


async def test_an_evening_talk_with_a_visit_raised_and_its_vote(
    desk: LiaisonApp, store: Store, actor: Actor, refs: Refs
) -> None:
    held = build_sessions(store, actor, refs)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "d", "c")
        listed = desk.screen
        assert isinstance(listed, DeliberationsScreen)
        # The hand-written five (the sixth was deleted), the latest first.
        assert content(listed.query_one("#deliberations-title")).startswith("议事活动 5 场（全部）")
        assert [r[:3] for r in rows(listed.query_one("#deliberations-table", DataTable))][:2] == [
            ["2026-11-20", "向人民报告", "镇人大会议室"],
            ["2026-11-18", "代表述职", "青石村户主大会"],
        ]

        await press(pilot, "a")
        form = desk.screen
        assert isinstance(form, DeliberationModal)
        # The deputy on duty is ticked among those present.
        present = form.query_one("#deliberation-deputies")
        assert list(present.selected) == [refs.deputies["沈国强"]]  # type: ignore[attr-defined]
        form.query_one("#deliberation-kind", Select).value = DeliberationKind.evening_talk.value
        form.query_one("#deliberation-place", Input).value = "青石村文化礼堂"
        form.query_one("#deliberation-residents", Input).value = "四十"
        form.query_one("#deliberation-topics", TextArea).text = "电动车充电\n村道路灯"
        await press(pilot, "ctrl+s")
        # A count in words is refused at its field; nothing is written.
        assert desk.screen is form
        assert (
            content(form.query_one("#deliberation-residents-error")) == "请填一个整数（0 或以上）"
        )
        form.query_one("#deliberation-residents", Input).value = "40"
        await press(pilot, "ctrl+s")
        page = desk.screen
        assert isinstance(page, DeliberationScreen)
        head = content(page.query_one("#deliberation-head"))
        assert "百姓夜话  2026-11-24  青石村文化礼堂" in head and "尚未测评" in head
        assert "参加群众 40 人" in head and "电动车充电" in head

        await press(pilot, "n")
        visit_form = desk.screen
        assert isinstance(visit_form, LogVisitScreen)
        assert visit_form.query_one("#channel", Select).value == Channel.forum.value
        assert "2026-11-24 百姓夜话 · 青石村文化礼堂" in content(
            visit_form.query_one("#log-session")
        )
        visit_form.query_one("#phone", Input).value = "13812345678"
        visit_form.query_one("#name", Input).value = "陈阿婆"
        visit_form.query_one("#village_id", Select).value = refs.villages["青石村"]
        visit_form.query_one("#category_id", Select).value = refs.categories["道路交通"]
        visit_form.query_one("#text", TextArea).text = "楼道里电动车飞线充电，很危险"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert desk.screen is page
        assert "已登记来访（2026-11-24 百姓夜话 · 青石村文化礼堂）" in notes(desk)
        [row] = rows(page.query_one("#deliberation-visits", DataTable))
        assert row[1] == "待分办" and row[3] == "陈阿婆" and row[4].startswith("楼道里")

        await press(pilot, "v")
        vote = desk.screen
        assert isinstance(vote, VoteModal)
        # Typed faster than the desk handles them: each count lands in its own field.
        type_at_once(pilot, *"30", "enter", "6", "enter", "4")
        await settle(pilot)
        assert content(vote.query_one("#vote-rate")) == "满意率 90.0%（共 40 票）"
        await press(pilot, "enter")
        assert desk.screen is page
        head = content(page.query_one("#deliberation-head"))
        assert "满意 30 · 基本满意 6 · 不满意 4，满意率 90.0%（36/40）" in head

        await press(pilot, "s")
        stats = desk.screen
        assert isinstance(stats, StatsScreen)
        # The fixture's Q4 (4 sessions, 195 residents, 4 visits, 167/180) and this one.
        assert "议事活动 5 场 · 参加群众 235 人次 · 收集意见 5 条 · 测评满意率 92.3% (203/220)" in (
            content(stats.query_one("#stats-headline"))
        )
        # Its own tab, by kind: the kinds held, then the totals.
        await press(pilot, "c", "c", "c", "c")
        assert rows(stats.query_one("#stats-sessions", DataTable)) == [
            ["民情茶馆", "1", "15", "1", "— (0/0)"],
            ["百姓夜话", "2", "80", "4", "90.0% (72/80)"],
            ["向人民报告", "1", "80", "0", "93.8% (75/80)"],
            ["代表述职", "1", "60", "0", "93.3% (56/60)"],
            ["合计", "5", "235", "5", "92.3% (203/220)"],
        ]

        # The deputies' record: sessions attended; 朱秀芬's 述职 and the voters' evaluation.
        desk.open_place(Place.deputies)
        await settle(pilot)
        table = desk.screen.query_one("#deputies-table", DataTable)
        attended = table.get_column_index("sessions")
        record = {r[0]: r[attended] for r in rows(table)}
        assert record == {"朱秀芬": "3", "沈国强": "5"}
        await press(pilot, "home", "enter")
        head = content(desk.screen.query_one("#deputy-head"))
        assert "参加议事活动 3 场　代表述职 1 次，选民测评满意率 93.3% (56/60)" in head

        # An issue raised at a session: its page says which, beside the channel.
        desk.post_message(OpenIssue(held.issue_a))
        await settle(pilot)
        assert isinstance(desk.screen, IssueScreen)
        assert "议事活动 · 百姓夜话（2026-11-05）" in content(
            desk.screen.query_one("#issue-visits")
        )

    today = "held_on = '2026-11-24'"
    assert _db(
        store,
        f"SELECT kind, place, residents, satisfied, fairly, unsatisfied FROM deliberation"
        f" WHERE {today}",
    ) == [("evening_talk", "青石村文化礼堂", 40, 30, 6, 4)]
    assert _db(
        store,
        "SELECT v.channel, v.issue_id FROM visit v JOIN deliberation d"
        f" ON d.id = v.deliberation_id WHERE {today}",
    ) == [("forum", None)]
    assert _db(
        store,
        "SELECT count(*) FROM deliberation_deputy x JOIN deliberation d"
        f" ON d.id = x.deliberation_id WHERE {today}",
    ) == [(1,)]
