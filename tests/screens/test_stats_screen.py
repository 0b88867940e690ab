"""The statistics screen (`s`): the hand-worked quarter's figures as the deputy sees them, period
and breakdown switches, drill-downs to exactly the counted issues, charts, 80×24, English."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from desk_helpers import (
    content,
    footer_keys,
    footer_width,
    notes,
    press,
    rows,
    screen_lines,
    settle,
)
from moves_fixture import build_moves
from small_station import Refs
from stats_fixture import build_quarter
from textual.pilot import Pilot
from textual.widgets import DataTable, Label, TabbedContent

from screens.board import BoardScreen
from screens.dialogs.help import HelpModal
from screens.stats import StatsScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.station import load_station
from tui.app import LiaisonApp, make_app
from tui.i18n import t


@pytest.fixture
def quarter(
    store: Store,
    clock: FrozenClock,
    actor: Actor,
    rostered: str,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
) -> dict[str, str]:
    return build_quarter(
        store=store, clock=clock, actor=actor, make_visit=make_visit, make_issue=make_issue
    )


def _table(app: LiaisonApp) -> DataTable[Any]:
    return app.screen.query_one("#stats-table", DataTable)


async def _to_q3(pilot: Pilot[None]) -> None:
    await press(pilot, "s")
    assert isinstance(pilot.app.screen, StatsScreen)
    await press(pilot, "left_square_bracket")  # 2026 Q4 → Q3


async def test_figures_switches_and_drill_down(desk: LiaisonApp, quarter: dict[str, str]) -> None:
    names = {v: k for k, v in quarter.items()}
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _to_q3(pilot)
        screen = desk.screen
        assert "2026年第3季度" in content(screen.query_one("#stats-period", Label))
        headline = content(screen.query_one("#stats-headline", Label))
        assert (
            "来访 8" in headline and "两月办结率 60.0%" in headline and "满意率 80.0%" in headline
        )
        # 3 of the 5 decided issues done in time; E is still within its two months.
        assert "（3/5，另 1 件未满两个月）" in headline
        table = _table(desk)
        shown = rows(table)
        # Then, scrolled to beyond 80 columns: on time per tier, escalated, sent down.
        assert shown[0] == ["合计", "8", "6", "3", "2", "60.0%", "80.0%", "75.0%", "0.0%", "0", "0"]
        assert shown[1][:6] == ["村级", "4", "3", "1", "1", "66.7%"]
        assert [r[0] for r in shown] == ["合计", "村级", "乡级", "县级"]
        assert footer_width(desk) <= 80
        assert all(key.region.right <= 80 for key in footer_keys(desk))

        # Enter on the village tier's two-month figure: the issues done within two months.
        table.move_cursor(row=1, column=5)
        await press(pilot, "enter")
        board = desk.screen
        assert isinstance(board, BoardScreen)
        listed = board.query_one("#board-table", DataTable)
        assert sorted(names[str(r.key.value)] for r in listed.ordered_rows) == ["A", "G"]
        assert board.title is not None
        assert "村级" in board.title
        await press(pilot, "escape")
        assert isinstance(desk.screen, StatsScreen)

        # The totals' overdue figure lists C and D.
        _table(desk).move_cursor(row=0, column=4)
        await press(pilot, "enter")
        listed = desk.screen.query_one("#board-table", DataTable)
        assert sorted(names[str(r.key.value)] for r in listed.ordered_rows) == ["C", "D"]
        # What the list is, the title says: no empty "filtered:" under it.
        status = content(desk.screen.query_one("#board-status"))
        assert t("board.filtered", what="") not in status, status
        await press(pilot, "escape")

        # g: by unit, then by village.
        await press(pilot, "g")
        await press(pilot, "g")
        assert [r[0] for r in rows(_table(desk))] == ["合计", "青石村", "东塘村"]
        # m: the year (F of June and H of October join), then the month holding its last day
        # up to today (November: nothing yet), then the quarter again.
        await press(pilot, "m")
        assert content(desk.screen.query_one("#stats-period", Label)).strip() == "2026年"
        assert rows(_table(desk))[0][2] == "8"
        await press(pilot, "m")
        assert "2026年11月" in content(desk.screen.query_one("#stats-period", Label))
        assert rows(_table(desk))[0][:3] == ["合计", "0", "0"]
        await press(pilot, "right_square_bracket")
        assert "还没到这一期" in notes(desk)

        # ?: the help has the definitions.
        await press(pilot, "question_mark")
        assert isinstance(desk.screen, HelpModal)
        assert "两个自然月" in desk.screen.text


async def test_charts_and_mouse(desk: LiaisonApp, quarter: dict[str, str]) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        await pilot.click("#stats-prev")
        await settle(pilot)
        assert "第3季度" in content(desk.screen.query_one("#stats-period", Label))
        await pilot.click("#stats-by")
        await settle(pilot)
        assert len(rows(_table(desk))) == 1 + 4  # totals and four units
        for _ in range(3):
            await press(pilot, "c")
            tabs = desk.screen.query_one("#stats-tabs", TabbedContent)
            assert tabs.active != "stats-tab-table"
        assert isinstance(desk.screen, StatsScreen)
        assert desk.screen.charted == {"stats-tab-weeks", "stats-tab-colours", "stats-tab-trend"}


async def test_report_from_the_app(
    desk: LiaisonApp, quarter: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        await press(pilot, "r")
        await settle(pilot)
        written = sorted(p.name for p in (tmp_path / "station.db.files" / "reports").iterdir())
        assert written == ["report-2026Q4.html", "report-2026Q4.xlsx"]
        assert any("report-2026Q4.html" in n for n in notes(desk))


async def test_in_english(store: Store, quarter: dict[str, str]) -> None:
    app = make_app(store, load_station(store), lang="en")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await _to_q3(pilot)
            assert "2026 Q3" in content(app.screen.query_one("#stats-period", Label))
            assert rows(_table(app))[1][0] == "Village"
            assert "2-month rate 60.0%" in content(app.screen.query_one("#stats-headline", Label))
            assert footer_width(app) <= 80
    finally:
        from tui.i18n import set_language

        set_language("zh")


async def test_moves_and_on_time_per_tier(
    desk: LiaisonApp, store: Store, clock: FrozenClock, actor: Actor, refs: Refs
) -> None:
    """The hand-made station of tests/helpers/moves_fixture.py, as the deputy sees it: the
    headline's moves and on-time line, each tier's columns beyond 80 (the name column stays),
    and Enter on the village's escalations lists the issues that left the village."""
    ids = build_moves(store=store, clock=clock, actor=actor, refs=refs)
    names = {v: k for k, v in ids.items()}
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _to_q3(pilot)
        headline = content(desk.screen.query_one("#stats-headline", Label))
        assert "升级 5 · 降级 1 · 按期 66.7%（6/9）" in headline
        assert "两月办结率 50.0%" in headline
        table = _table(desk)
        assert [r[-3:] for r in rows(table)] == [
            ["66.7%", "5", "1"],
            ["66.7%", "3", "0"],
            ["75.0%", "2", "0"],
            ["50.0%", "0", "1"],
        ]
        # The cursor on the village's escalations: the table scrolls to it, its name still shown.
        table.move_cursor(row=1, column=9)
        await settle(pilot)
        shown = "\n".join(screen_lines(desk))
        assert "村级" in shown and "66.7%" in shown
        await press(pilot, "enter")
        board = desk.screen
        assert isinstance(board, BoardScreen)
        listed = board.query_one("#board-table", DataTable)
        assert sorted(names[str(r.key.value)] for r in listed.ordered_rows) == ["O", "P", "Q"]
