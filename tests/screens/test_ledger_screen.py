"""The ledger screen: export and import from the app, in a worker, all or nothing."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from desk_helpers import content, press, settle
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from screens.ledger import LedgerScreen
from store.db import Store
from tui.app import LiaisonApp
from tui.i18n import tn


def rows(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


async def open_ledger(app: LiaisonApp, pilot: Pilot[None]) -> LedgerScreen:
    await settle(pilot)
    app.action_ledger()
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, LedgerScreen)
    return screen


async def test_export_then_import_the_same_rows_adds_nothing(
    demo_desk: LiaisonApp, demo_store: Store, demo_copy_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ledger.csv"
    visits = rows(demo_copy_path, "visit")
    async with demo_desk.run_test(size=(80, 24)) as pilot:
        screen = await open_ledger(demo_desk, pilot)
        screen.query_one("#export-path", Input).value = str(out)
        screen.query_one("#reveal", Checkbox).value = True
        screen.query_one("#export-path", Input).focus()
        await press(pilot, "enter")
        assert tn("ledger.exported", visits, path=out) in content(
            screen.query_one("#ledger-result")
        )
        with out.open(encoding="utf-8-sig") as fh:
            assert sum(1 for _ in csv.reader(fh)) == visits + 1

        before = rows(demo_copy_path, "change_log")
        screen.query_one("#import-path", Input).value = str(out)
        screen.query_one("#import-path", Input).focus()
        await press(pilot, "enter")
        shown = content(screen.query_one("#ledger-result"))
        assert f"{visits}" in shown
        assert rows(demo_copy_path, "visit") == visits
        assert rows(demo_copy_path, "change_log") == before


async def test_a_bad_ledger_lists_its_rows_and_writes_nothing(
    desk: LiaisonApp, station_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "日期,渠道,姓名,电话,村社,内容,分类,类型\n"
        "2026-11-20,到站来访,张三,13812345678,青石村,路灯坏了,道路交通,诉求\n"
        "2026-13-40,到站来访,李四,12345,青石村,垃圾没人收,环境卫生,诉求\n"
        "2026-11-21,飞鸽传书,王五,13912345678,青石村,想问医保,医疗,咨询\n",
        encoding="utf-8",
    )
    before = rows(station_path, "change_log")
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await open_ledger(desk, pilot)
        screen.query_one("#import-path", Input).value = str(bad)
        screen.query_one("#import-path", Input).focus()
        await press(pilot, "enter")
        shown = content(screen.query_one("#ledger-result"))
        assert "第 3 行" in shown and "第 4 行" in shown
        assert "第 2 行" not in shown
        assert not screen.busy
    assert rows(station_path, "change_log") == before
    assert rows(station_path, "visit") == 0


async def test_a_missing_file_is_refused_in_place(desk: LiaisonApp, tmp_path: Path) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = await open_ledger(desk, pilot)
        field = screen.query_one("#import-path", Input)
        field.value = str(tmp_path / "nowhere.xlsx")
        field.focus()
        await press(pilot, "enter")
        assert field.has_class("-invalid")
        await press(pilot, "escape")
        assert not isinstance(desk.screen, LedgerScreen)
