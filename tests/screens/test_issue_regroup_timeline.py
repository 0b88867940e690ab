"""Regrouping on the issue page at 80×24 (issue 18): the timeline says which issues were merged
into this one, which was split off it and which it was split from, and each visit withdrawn
(撤回) with its reason as plain text, phone masked; an issue withdrawn reads as such in its
head and its timeline, never as closed late or awaiting an evaluation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from desk_helpers import content, screen_lines, settle
from textual.containers import VerticalScroll
from textual.pilot import Pilot

from screens.issue import IssueScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.regroup import merge_issues, split_issue, withdraw_visit
from store.desk.triage import link_visit
from store.desk.visits import VisitRow
from tui.app import LiaisonApp

LI = {"name": "李秀英", "phone": "13955556666", "text": "路灯也不亮"}
ZHAO = {"name": "赵建国", "phone": "13700001111", "text": "桥头的路灯也坏了"}
QIAN = {"name": "钱文华", "phone": "13611112222", "text": "村口路灯坏了好几天了"}


async def _open(pilot: Pilot[None], issue_id: str) -> IssueScreen:
    app = pilot.app
    await settle(pilot)
    screen = IssueScreen(issue_id)
    await app.push_screen(screen)
    await settle(pilot)
    assert app.screen is screen
    return screen


async def _timeline_on_screen(pilot: Pilot[None], screen: IssueScreen) -> str:
    """The timeline's text, after scrolling the page to its end: what 80×24 shows of it."""
    screen.query_one("#issue", VerticalScroll).scroll_end(animate=False)
    await settle(pilot)
    return "\n".join(screen_lines(pilot.app))


async def test_the_timeline_shows_merges_splits_and_withdrawals(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue()
    duplicate = make_issue(**QIAN)
    li, zhao = make_visit(**LI), make_visit(**ZHAO)
    with store.write(actor) as session:
        link_visit(session=session, visit_id=li.id, issue_id=issue.id)
        link_visit(session=session, visit_id=zhao.id, issue_id=issue.id)
    clock.advance(timedelta(hours=1))
    with store.write(actor) as session:
        merge_issues(session=session, issue_id=duplicate.id, into_id=issue.id)
        new = split_issue(
            session=session, issue_id=issue.id, visit_ids=[zhao.id], title="桥头路灯"
        ).new
        withdraw_visit(session=session, visit_id=li.id, reason="[b]已修好[/b] 回电13955556666")
    async with desk.run_test(size=(80, 24)) as pilot:
        page = await _open(pilot, issue.id)
        timeline = content(page.query_one("#issue-timeline"))
        assert f"2026-11-24 11:00 并入本事项：{duplicate.title}  沈国强" in timeline
        assert "2026-11-24 11:00 拆分出：桥头路灯  沈国强" in timeline
        assert "2026-11-24 11:00 撤回：李秀英 的来访  沈国强" in timeline
        # The reason as typed, markup literal, the phone in it masked.
        assert "  [b]已修好[/b] 回电139****6666" in timeline
        assert "13955556666" not in timeline
        # Its visit is marked withdrawn in the list of visits.
        assert "已撤回" in content(page.query_one("#issue-visits"))
        shown = await _timeline_on_screen(pilot, page)
        assert "撤回：李秀英 的来访" in shown and "[b]已修好[/b] 回电139****6666" in shown

        # The other half says where it came from; withdrawn whole, it reads as withdrawn.
        clock.advance(timedelta(hours=1))
        with store.write(actor) as session:
            withdraw_visit(session=session, visit_id=zhao.id, reason="不再反映")
        other = await _open(pilot, new.id)
        timeline = content(other.query_one("#issue-timeline"))
        assert f"2026-11-24 11:00 拆分自：{issue.title}  沈国强" in timeline
        assert "2026-11-24 12:00 撤回：赵建国 的来访  沈国强\n  不再反映\n" in timeline
        assert "2026-11-24 12:00 来访均已撤回，办结  沈国强\n" in timeline
        head = content(other.query_one("#issue-head"))
        assert "2026-11-24 撤回办结" in head
        assert "超期" not in head and "待群众评价" not in head
        shown = await _timeline_on_screen(pilot, other)
        assert "拆分自：" in shown and "来访均已撤回，办结" in shown
