"""Leader visits (log one in the form, link the day's 领导进站 visits, see what became of them)
and the deputies' record (figures per period, one deputy's page, the summary printed)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from desk_helpers import content, notes, press, rows, screen_lines, settle
from record_fixture import D1, D2, build_record
from small_station import Refs
from sqlmodel import col, select
from textual.widgets import DataTable, Input, Label, Static

from screens.deputies import DeputiesScreen, DeputyRecordScreen
from screens.dialogs.leader_visit import LeaderVisitModal
from screens.leader_visits import LeaderVisitScreen, LeaderVisitsScreen
from store.core.clock import FrozenClock
from store.core.models import Channel, Colour, LeaderVisit, LeaderVisitDeputy, LeaderVisitIssue
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.station import StationInfo
from store.suggestions.suggestions import draft_suggestion, submit_suggestion
from tui.app import LiaisonApp
from tui.i18n import t, tn
from tui.messages import Place


async def test_log_a_leader_visit_in_the_form(
    desk: LiaisonApp,
    store: Store,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
    rostered: str,
) -> None:
    raised = make_issue(text="县道拓宽", channel=Channel.leader_visit)
    make_visit(text="还没分办", channel=Channel.leader_visit)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        desk.open_place(Place.leader_visits)
        await settle(pilot)
        assert isinstance(desk.screen, LeaderVisitsScreen)
        assert "0" in content(desk.screen.query_one("#leader-visits-title", Label))
        await press(pilot, "a")
        modal = desk.screen
        assert isinstance(modal, LeaderVisitModal)
        assert modal.query_one("#leader-at", Input).value == "2026-11-24 10:00"
        await press(pilot, "ctrl+s")  # no leader's name: refused in place
        assert isinstance(desk.screen, LeaderVisitModal)
        assert t("field.required") in content(modal.query_one("#leader-leader-error", Label))
        modal.query_one("#leader-at", Input).value = "2026-11-24 9:30"
        await pilot.click("#leader-leader")
        await press(pilot, *"Wang")
        modal.query_one("#leader-topic", Input).value = "[b]交通[/b]"
        await press(pilot, "ctrl+s")

        detail = desk.screen
        assert isinstance(detail, LeaderVisitScreen)
        head = content(detail.query_one("#leader-head", Static))
        assert "2026-11-24 09:30" in head and "Wang" in head and "[b]交通[/b]" in head
        assert "沈国强" in head  # the deputy on duty, ticked by default
        table = detail.query_one("#leader-issues", DataTable)
        assert [str(k.value) for k in table.rows] == [raised.id]
        assert any(tn("leader.saved", 1) in n for n in notes(desk))

        await press(pilot, "x", "y")  # unlink, confirmed
        assert table.row_count == 0
        await press(pilot, "g")  # the day's 领导进站 visits again
        assert [str(k.value) for k in table.rows] == [raised.id]
        assert any("1" in n and tn("leader.linked", 1) in n for n in notes(desk))
        await press(pilot, "escape")
        listing = desk.screen
        assert isinstance(listing, LeaderVisitsScreen)
        assert rows(listing.query_one("#leader-visits-table", DataTable))[0][-1] == "0/1"
    with store.read() as session:
        visit = session.exec(select(LeaderVisit)).one()
        deputies = session.exec(select(LeaderVisitDeputy.deputy_id)).all()
        links = session.exec(
            select(LeaderVisitIssue.issue_id).where(col(LeaderVisitIssue.deleted_at).is_(None))
        ).all()
    assert (visit.leader, visit.topic) == ("Wang", "[b]交通[/b]")
    assert deputies == [rostered] and links == [raised.id]


@pytest.fixture
def record(
    store: Store, clock: FrozenClock, station_info: StationInfo, refs: Refs
) -> dict[str, str]:
    return build_record(store=store, clock=clock, station=station_info, refs=refs)


async def test_the_deputies_record_for_a_quarter(
    desk: LiaisonApp,
    record: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    store: Store,
    station_info: StationInfo,
    refs: Refs,
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    # A deputies' suggestion of the quarter: led by D1, co-signed by D2, submitted, not answered.
    with store.write(station_info.actor()) as session:
        drafted = draft_suggestion(
            session=session,
            title="护栏统一排查",
            issue_ids=[record["A"]],
            lead_deputy_id=refs.deputies[D1],
            co_signer_ids=[refs.deputies[D2]],
        )
        submit_suggestion(session=session, suggestion_id=drafted.id, body="临溪县人大常委会")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        desk.open_place(Place.deputies)
        await settle(pilot)
        screen = desk.screen
        assert isinstance(screen, DeputiesScreen)
        assert "2026年第4季度" in content(screen.query_one("#deputies-title", Label))
        table = screen.query_one("#deputies-table", DataTable)
        shown = {r[0]: r[1:] for r in rows(table)}
        # The last columns: deliberation sessions attended (none here: tests/store/deliberations),
        # suggestions led or co-signed, and the observers each recommended (none here); handovers
        # signed and leader visits joined are on the deputy's page (80 columns).
        assert shown[D1] == ["3", "4", "4", "■2 ▲0 ●2", "25%", "50%", "0", "1", "0"]
        assert shown[D2] == ["1", "1", "1", "■0 ▲0 ●1", "0%", "—", "0", "1", "0"]

        await press(pilot, "left_square_bracket")  # Q3
        assert "2026年第3季度" in content(screen.query_one("#deputies-title", Label))
        assert {r[0]: r[1] for r in rows(table)} == {D1: "1", D2: "0"}
        await press(pilot, "right_square_bracket", "right_square_bracket")  # Q1 2027: refused
        assert "2026年第4季度" in content(screen.query_one("#deputies-title", Label))

        table.move_cursor(row=[r[0] for r in rows(table)].index(D1))
        await press(pilot, "enter")
        page = desk.screen
        assert isinstance(page, DeputyRecordScreen)
        head = content(page.query_one("#deputy-head", Static))
        assert "轮值驻站 3 次（签署交接 1 次）" in head and "办结率 25%" in head
        assert "参加领导干部进站 2 次" in head
        assert "代表建议：领衔 1 件 · 附议 0 件 · 已答复 0 件" in head
        issues = page.query_one("#deputy-issues", DataTable)
        assert [str(k.value) for k in issues.rows] == [record[k] for k in "BCDA"]

        await press(pilot, "p")
        prints = tmp_path / "station.db.files" / "prints"
        assert sorted(p.name for p in prints.iterdir()) == [
            f"述职-{D1}-2026Q4.html",
            f"述职-{D1}-2026Q4.md",
        ]
        assert any(str(prints) in n for n in notes(desk))


async def test_three_digit_colour_counts_show_whole_in_their_column(
    desk: LiaisonApp, record: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deputy leading hundreds of issues in a period (a large station's year, a county hub):
    the colours' column shows every count whole, packed when spaced would not fit. It had cut
    "■62 ▲123 ●265" to "■62 ▲123 ●2" without a sign."""
    import screens.deputies as deputies_screen
    from store.reports.deputy_record import list_deputy_records as real

    def many(**kwargs: Any) -> Any:
        page = real(**kwargs)
        busy = dataclasses.replace(
            page.items[0], colours={Colour.red: 62, Colour.yellow: 123, Colour.green: 265}
        )
        return dataclasses.replace(page, items=(busy, *page.items[1:]))

    monkeypatch.setattr(deputies_screen, "list_deputy_records", many)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        desk.open_place(Place.deputies)
        await settle(pilot)
        assert isinstance(desk.screen, DeputiesScreen)
        lines = screen_lines(desk)
        assert any("■62▲123●265" in line for line in lines), lines
        assert all(len(line) <= 80 for line in lines)
