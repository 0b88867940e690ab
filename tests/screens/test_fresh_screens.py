"""Global keys go to fresh, top-level screens; screens follow the database (issue 17, part 2).

Seen, tried as an untrained deputy: an issue opened from the board, then `d` `o` `c`, `u`, then
`b`: the old issue page came back with an old due date; `d` showed the roster, not the
dashboard; an open issue page did not refresh after a command-line import."""

from __future__ import annotations

from collections.abc import Callable

from desk_helpers import content, press, settle
from sqlmodel import col, select

from screens.base.desk_screen import REFRESH_SECONDS
from screens.board import BoardScreen
from screens.calendar import CalendarScreen
from screens.dashboard import DashboardScreen
from screens.dialogs.confirm import ConfirmModal
from screens.issue import IssueScreen
from screens.roster import RosterScreen
from store.changelog.changes import Actor
from store.core.models import Issue, Unit
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import change_unit
from store.station import open_store
from tui.app import LiaisonApp
from tui.messages import OpenIssue


async def test_b_after_an_issue_page_shows_the_board_itself(
    desk: LiaisonApp, make_issue: Callable[..., IssueRow]
) -> None:
    row = make_issue()
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        assert isinstance(desk.screen, BoardScreen)
        desk.screen.post_message(OpenIssue(row.id))
        await settle(pilot)
        assert isinstance(desk.screen, IssueScreen)
        await press(pilot, "d")
        await press(pilot, "o")
        assert isinstance(desk.screen, RosterScreen)
        await press(pilot, "c")
        assert isinstance(desk.screen, CalendarScreen)
        await press(pilot, "u")
        assert isinstance(desk.screen, ConfirmModal)
        await press(pilot, "enter")
        await settle(pilot)
        await press(pilot, "b")
        await settle(pilot)
        assert isinstance(desk.screen, BoardScreen)
        assert len(desk.screen_stack) == 1
        # And `d` is the dashboard, not the roster left open over it.
        await press(pilot, "d")
        await settle(pilot)
        assert isinstance(desk.screen, DashboardScreen)


async def test_an_open_issue_page_follows_a_change_made_elsewhere(
    desk: LiaisonApp, store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    row = make_issue()
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        desk.post_message(OpenIssue(row.id))
        await settle(pilot)
        screen = desk.screen
        assert isinstance(screen, IssueScreen)
        before = content(screen.query_one("#issue-head"))
        # Another process (a CLI import, a sync) hands the issue to another unit.
        with store.read() as session:
            issue = session.exec(select(Issue).where(Issue.id == row.id)).one()
            other = session.exec(
                select(Unit).where(Unit.tier == issue.tier, col(Unit.id) != issue.unit_id)
            ).first()
        assert other is not None
        elsewhere = open_store(store.target, clock=store.clock)  # another process's own
        try:
            with elsewhere.write(actor) as session:
                change_unit(session=session, issue_id=row.id, unit_id=other.id)
        finally:
            elsewhere.dispose()
        await pilot.pause(REFRESH_SECONDS + 0.5)
        await settle(pilot)
        after = content(screen.query_one("#issue-head"))
        assert other.name in after and after != before
