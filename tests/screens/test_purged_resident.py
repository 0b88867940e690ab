"""An issue whose resident was purged after the retention period (issue 7, part 3) still opens,
with its figures and words, and says the resident's details were removed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from desk_helpers import content, settle
from textual.widgets import Static

from screens.issue import IssueScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.trust.purge import purge_residents
from tui.app import LiaisonApp

PHONE, NAME = "13812345678", "王秀兰"


async def test_the_issue_page_of_a_purged_resident(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
) -> None:
    issue = make_issue(phone=PHONE, name=NAME, text="桥头的路灯不亮")
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    clock.advance(timedelta(days=6 * 366))
    with store.write(actor) as session:
        assert purge_residents(session=session, today=clock.now().date()).residents == 1
    async with desk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        desk.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        page = content(desk.screen.query_one("#issue-visits", Static))
        assert "（个人信息已按保存期限清除）" in page
        assert NAME not in page and "5678" not in page
