"""Observers on screen at 80×24, as a new user goes (issue 20, part 4): `u` on the dashboard
opens the observers; a trade point and an observer are added (the phone masked in the list, `v`
shows it and the reveal is logged); a visit is logged through the observer (the form offers them
once the channel is 民情观察员, and fills in their point) and triaged; the statistics' observers
tab and the deputies' record count it; the issue's page names the observer and the point."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from desk_helpers import content, press, rows, screen_lines, settle
from textual.widgets import DataTable, Input, Select, TabbedContent, TextArea

from screens.deputies import DeputiesScreen
from screens.dialogs.observer_forms import ObserverModal, PointModal
from screens.issue import IssueScreen
from screens.log_visit import LogVisitScreen
from screens.observers import ObserversScreen, PointsScreen
from screens.stats import StatsScreen
from screens.triage import TriageScreen
from store.core.models import Channel, ObserverGroup, PointKind
from store.db import Store
from tui.app import LiaisonApp
from tui.messages import Place
from tui.widgets.toggles import TextCheckbox

PHONE = "13900001111"


def _db(store: Store, sql: str) -> list[tuple[Any, ...]]:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchall()


async def test_an_observer_added_relays_a_visit_that_the_figures_count(
    desk: LiaisonApp, store: Store, rostered: str
) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "d", "u")
        assert isinstance(desk.screen, ObserversScreen)
        await press(pilot, "2", "a")
        point_form = desk.screen
        assert isinstance(point_form, PointModal)
        point_form.query_one("#point-name", Input).value = "骑手驿站"
        point_form.query_one("#point-kind", Select).value = PointKind.delivery.value
        await press(pilot, "ctrl+s")
        points = desk.screen
        assert isinstance(points, PointsScreen)
        assert rows(points.query_one("#points-table", DataTable))[0][:2] == ["骑手驿站", "外卖骑手"]

        await press(pilot, "1", "a")
        form = desk.screen
        assert isinstance(form, ObserverModal)
        form.query_one("#observer-name", Input).value = "王建国"
        form.query_one("#observer-phone", Input).value = PHONE
        form.query_one("#observer-group", Select).value = ObserverGroup.five_elders.value
        form.query_one("#observer-deputy", Select).value = rostered
        [(_, point_id)] = _db(store, "SELECT name, id FROM observation_point")
        form.query_one("#observer-point", Select).value = point_id
        form.query_one("#observer-consent", TextCheckbox).value = True
        await press(pilot, "ctrl+s")
        listed = desk.screen
        assert isinstance(listed, ObserversScreen)
        table = listed.query_one("#observers-table", DataTable)
        assert rows(table)[0] == ["王建国", "139****1111", "五老", "沈国强", "骑手驿站", "在岗"]
        assert not [line for line in screen_lines(desk) if PHONE in line]
        await press(pilot, "v")
        assert rows(table)[0][1] == PHONE
        assert _db(store, "SELECT table_name, action FROM access_log") == [
            ("observer", "reveal_phone")
        ]

        await press(pilot, "escape", "n")
        log = desk.screen
        assert isinstance(log, LogVisitScreen)
        through = log.query_one("#through")
        assert not through.display
        log.query_one("#phone", Input).value = "13712345678"
        log.query_one("#name", Input).value = "钱阿姨"
        [(village,)] = _db(store, "SELECT id FROM village WHERE name = '青石村'")
        [(category,)] = _db(store, "SELECT id FROM category WHERE name = '道路交通'")
        log.query_one("#village_id", Select).value = village
        log.query_one("#category_id", Select).value = category
        log.query_one("#text", TextArea).text = "骑手反映商贸街路灯不亮"
        log.query_one("#channel", Select).value = Channel.observer.value
        await settle(pilot)
        assert through.display
        [(observer_id,)] = _db(store, "SELECT id FROM observer")
        log.query_one("#observer_id", Select).value = observer_id
        await settle(pilot)
        # The observer's usual point, filled in.
        assert log.query_one("#point_id", Select).value == point_id
        await press(pilot, "ctrl+s")
        triage = desk.screen
        assert isinstance(triage, TriageScreen)
        assert "民情观察员 王建国 @ 骑手驿站" in content(triage.query_one("#triage-visit"))
        assert _db(store, "SELECT observer_id, point_id FROM visit") == [(observer_id, point_id)]
        await press(pilot, "1", "enter")  # a village issue, the unit proposed
        # The issue's page names who relayed its visit and where.
        await press(pilot, "b", "enter")
        assert isinstance(desk.screen, IssueScreen)
        assert "民情观察员 王建国 @ 骑手驿站" in content(desk.screen.query_one("#issue-visits"))

        await press(pilot, "s")
        stats = desk.screen
        assert isinstance(stats, StatsScreen)
        assert "经民情观察员 来访 1 · 事项 1" in content(stats.query_one("#stats-headline"))
        stats.query_one("#stats-tabs", TabbedContent).active = "stats-tab-observers"
        await settle(pilot)
        counted = rows(stats.query_one("#stats-observers", DataTable))
        assert ["王建国", "五老", "沈国强", "1", "1"] in counted
        assert ["骑手驿站", "外卖骑手", "", "1", "1"] in counted

        desk.open_place(Place.deputies)
        await settle(pilot)
        deputies = desk.screen
        assert isinstance(deputies, DeputiesScreen)
        record = {r[0]: r for r in rows(deputies.query_one("#deputies-table", DataTable))}
        assert record["沈国强"][-1] == "1"
