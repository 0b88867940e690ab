"""Official slips from the desk: `a` writes the 交办单 of an issue, `e` the 催办通知书 only when
it is overdue, `p` on follow-up calls the 回访记录; all into the data dir's prints/, the app
saying where."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from desk_helpers import content, notes, press, settle

from screens.follow_up import FollowUpScreen
from screens.issue import IssueScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.reports.slips import md_escape
from tui.app import LiaisonApp
from tui.messages import Place


async def test_assignment_slip_and_reminder_from_an_issue(
    desk: LiaisonApp, make_issue: Callable[..., IssueRow], clock: FrozenClock, prints: Path
) -> None:
    # Opened twenty days ago: the village window (15 days) has passed 5 days ago.
    clock.advance(timedelta(days=-20))
    late = make_issue(text="井盖松动")
    clock.advance(timedelta(days=20))
    issue = make_issue(text="<script>x</script> 路灯 [red]坏[/] 13912345678", consent=True)
    async with desk.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        desk.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        assert desk.screen.check_action("print_slip", ("reminder",)) is None  # not overdue
        await press(pilot, "e")
        assert not prints.exists()

        await press(pilot, "a")
        written = sorted(p.name for p in prints.iterdir())
        # The first slip printed takes the year's first number (kept for ever).
        assert written == ["交办单-青石〔2026〕交办第1号.html", "交办单-青石〔2026〕交办第1号.md"]
        assert any(str(prints) in note for note in notes(desk))
        html = (prints / written[0]).read_text(encoding="utf-8")
        assert "&lt;script&gt;" in html and "[red]坏[/]" in html and "139****5678" in html
        assert "13912345678" not in html

        await press(pilot, "escape")
        desk.push_screen(IssueScreen(late.id))
        await settle(pilot)
        assert desk.screen.check_action("print_slip", ("reminder",)) is True
        await press(pilot, "e")
        reminder = prints / "催办通知书-青石〔2026〕催办第2号.md"
        assert "已超期 5 天" in reminder.read_text(encoding="utf-8")


async def test_call_record_blank_then_of_the_call_just_recorded(
    desk: LiaisonApp, store: Store, actor: Actor, make_issue: Callable[..., IssueRow], prints: Path
) -> None:
    issue = make_issue(text="垃圾没人清", phone="13812341234", name="王阿姨")
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    record = prints / "回访记录-青石〔2026〕回访第1号.md"
    async with desk.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        desk.open_place(Place.follow_up)
        await settle(pilot)
        screen = desk.screen
        assert isinstance(screen, FollowUpScreen)
        await press(pilot, "p")  # no call yet: a blank record for the row under the cursor
        blank = record.read_text(encoding="utf-8")
        assert "□已解决　□部分解决　□未解决" in blank and md_escape("138****1234") in blank

        await press(pilot, "1", "2")  # 已解决, 基本满意
        assert "p" in content(screen.query_one("#follow-up-prompt"))
        await press(pilot, "p")
        answered = record.read_text(encoding="utf-8")
        assert "☑已解决" in answered and "☑基本满意" in answered and "沈国强" in answered
        assert "垃圾没人清" not in content(screen.query_one("#follow-up-prompt"))
