"""Reveals are audited on every screen that shows a phone in clear (issue page, triage, search,
ledger export), and the audit screen lists who did what: rows, a deputy filter, one issue's
trail from its page, Enter opening the issue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desk_helpers import content, pick, pick_options, press, rows, settle
from small_station import Refs
from sqlmodel import col, select
from textual.widgets import Checkbox, DataTable, Input, Static

from screens.audit import AuditScreen
from screens.issue import IssueScreen
from screens.ledger import LedgerScreen
from screens.search import SearchScreen
from store.changelog.changes import Actor
from store.core.models import AccessLog, Constituent, IssueStatus, ProgressCreate
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import add_progress
from store.desk.visits import VisitRow
from store.station import StationInfo
from store.trust.reveals import EXPORT_REVEALED, REVEAL_PHONE
from tui.app import LiaisonApp
from tui.i18n import t

PHONE = "13812345678"
NAME = "王秀兰"


def _reveals(store: Store) -> list[AccessLog]:
    with store.read() as session:
        return list(session.exec(select(AccessLog).order_by(col(AccessLog.created_at))).all())


def _resident(store: Store, phone: str = PHONE) -> str:
    with store.read() as session:
        return session.exec(select(Constituent.id).where(Constituent.phone == phone)).one()


async def test_issue_page_reveal_is_logged_before_phones_show(
    desk: LiaisonApp, store: Store, rostered: str, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(phone=PHONE, name=NAME)
    async with desk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        desk.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        visits = desk.screen.query_one("#issue-visits", Static)
        assert PHONE not in content(visits) and "138****5678" in content(visits)
        assert _reveals(store) == []
        await press(pilot, "v")
        assert PHONE in content(visits)
        await press(pilot, "v")  # hidden again: nothing more is logged
        assert PHONE not in content(visits)
    [event] = _reveals(store)
    assert (event.action, event.table_name, event.row_id) == (
        REVEAL_PHONE,
        "constituent",
        _resident(store),
    )
    assert event.deputy_id == rostered


async def test_triage_reveal_is_logged(
    desk: LiaisonApp, store: Store, rostered: str, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(phone=PHONE, name=NAME)
    async with desk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await press(pilot, "v")
        assert PHONE in content(desk.screen.query_one("#triage-visit", Static))
    [event] = _reveals(store)
    assert (event.row_id, event.deputy_id) == (_resident(store), rostered)


async def test_search_reveal_logs_every_resident_shown_once(
    desk: LiaisonApp, store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(phone=PHONE, name="张晓明")
    make_visit(phone="13955551234", name="周新民")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        for ch in "zxm":
            await pilot.press(ch)
        await settle(pilot)
        await press(pilot, "down", "v")
        assert isinstance(desk.screen, SearchScreen)
        assert PHONE in " ".join(desk.screen.table.row_texts())
        # A new query while revealed: its residents are the same two, logged once.
        await press(pilot, "slash", "backspace")
        await settle(pilot)
    events = _reveals(store)
    assert sorted(e.row_id for e in events) == sorted(
        [_resident(store), _resident(store, "13955551234")]
    )


async def test_ledger_export_in_clear_is_logged(
    desk: LiaisonApp,
    store: Store,
    rostered: str,
    make_visit: Callable[..., VisitRow],
    tmp_path: Path,
) -> None:
    make_visit(phone=PHONE, name=NAME)
    out = tmp_path / "ledger.csv"
    async with desk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        desk.action_ledger()
        await settle(pilot)
        screen = desk.screen
        assert isinstance(screen, LedgerScreen)
        screen.query_one("#export-path", Input).value = str(out)
        screen.query_one("#reveal", Checkbox).value = True
        screen._export()
        await settle(pilot)
    assert PHONE in out.read_text(encoding="utf-8-sig")
    [event] = _reveals(store)
    assert (event.action, event.row_id, event.deputy_id) == (EXPORT_REVEALED, "1", rostered)


async def test_audit_screen_rows_filter_and_open(
    desk: LiaisonApp,
    store: Store,
    refs: Refs,
    station_info: StationInfo,
    make_issue: Callable[..., IssueRow],
) -> None:
    issue = make_issue(phone=PHONE, name=NAME, text="[bold]路灯[/bold]坏了")
    other = make_issue(phone="13955551234", name="周新民", text="水管漏水")
    zhu: Actor = station_info.actor(refs.deputies["朱秀芬"])
    with store.write(zhu) as session:
        add_progress(
            session=session,
            issue_id=issue.id,
            progress_in=ProgressCreate(status=IssueStatus.deliberating, note="约了村委会"),
        )
    async with desk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "l")
        screen = desk.screen
        assert isinstance(screen, AuditScreen)
        table = screen.query_one("#audit-table", DataTable)
        shown = rows(table)
        # Newest first: 朱秀芬's progress note (the issue moved, the note added), then what
        # 沈国强 did before.
        assert [r[1] for r in shown[:2]] == ["朱秀芬", "朱秀芬"]
        assert {(r[3], r[4].split()[0]) for r in shown[:2]} == {("修改", "事项"), ("新增", "进展")}
        moved = next(r for r in shown[:2] if r[3] == "修改")
        assert "状态 听事→议事" in moved[5]
        assert any(r[1] == "沈国强" for r in shown)
        everything = " ".join(" ".join(r) for r in shown) + content(
            screen.query_one("#audit-detail", Static)
        )
        assert PHONE not in everything and NAME not in everything
        assert "（已隐藏）" in everything
        # Resident-derived text (an issue's title) is shown literally.
        assert any(r[4].startswith("事项 [bold]") for r in shown)

        await press(pilot, "p")
        assert (refs.deputies["朱秀芬"], "朱秀芬", False) in pick_options(desk)
        await pick(pilot, refs.deputies["朱秀芬"])
        assert {r[1] for r in rows(table)} == {"朱秀芬"}
        assert "代表 朱秀芬" in content(screen.query_one("#audit-status", Static))
        await press(pilot, "x")
        assert {r[1] for r in rows(table)} >= {"朱秀芬", "沈国强"}

        table.move_cursor(row=0)
        await press(pilot, "enter")
        assert isinstance(desk.screen, IssueScreen) and desk.screen.issue_id == issue.id

        # l on an issue's page: that issue's trail only (its visit, resident, progress...).
        await press(pilot, "l")
        trail = desk.screen
        assert isinstance(trail, AuditScreen) and trail.issue_id == issue.id
        status = content(trail.query_one("#audit-status", Static))
        assert "事项「[bold]路灯[/bold]坏了」" in status
        kinds = [r[4].split()[0] for r in rows(trail.query_one("#audit-table", DataTable))]
        assert {"进展", "事项", "来访", "群众"} <= set(kinds)
        assert other.id not in {r.issue_id for r in trail.data.page.items}
        # A reveal on the issue page shows in its trail.
        await press(pilot, "escape", "v", "l")
        first = rows(desk.screen.query_one("#audit-table", DataTable))[0]
        assert first[3] == t("audit.action.reveal_phone")
        assert first[4].startswith("群众 （已隐藏）")


async def test_c_verifies_the_hash_chain_and_names_a_broken_entry(
    desk: LiaisonApp, store: Store, station_path: Path, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue(phone=PHONE, name=NAME)
    async with desk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "l")
        status = desk.screen.query_one("#audit-status", Static)
        assert "按 c 核验" in content(status)
        await press(pilot, "c")
        await settle(pilot)
        assert "变更日志完好" in content(status)
        # Someone edits an entry with another tool while the screen is open.
        with store.engine.begin() as conn:
            seq = conn.exec_driver_sql(
                "SELECT min(seq) FROM change_log WHERE table_name = 'visit'"
            ).scalar_one()
            conn.exec_driver_sql(
                "UPDATE change_log SET at = '2020-01-01 00:00:00.000000' WHERE seq = ?", (seq,)
            )
        await press(pilot, "c")
        await settle(pilot)
        assert f"哈希链在第 {seq} 条断开（来访，" in content(status)
