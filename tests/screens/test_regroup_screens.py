"""Putting triage right at 80×24 (issue 18, part 3): from the actions menu (`.`), unlink a visit
back to triage, move it to another issue, split an issue, merge it into another, withdraw a
visit (撤回); what the database holds afterwards, what the screen says, and each refusal said in
one line with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from desk_helpers import content, notes, pick, pick_options, press, screen_lines, settle
from english_desk import in_english
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static

from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.pick import PickModal
from screens.dialogs.regroup import SplitModal, WithdrawModal
from screens.issue import IssueScreen
from screens.triage import TriageScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Issue, IssueStatus, Visit
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.desk.regroup import merge_issues
from store.desk.triage import link_visit
from store.desk.visits import VisitRow
from tui.app import LiaisonApp
from tui.i18n import t

LAMP = "村口的路灯坏了一个多月，晚上走路看不见。"


async def _menu(pilot: Pilot[None], entry: str) -> None:
    """`.`, then the menu's entry `entry` (its id), as a deputy picks it."""
    await press(pilot, "full_stop")
    assert isinstance(pilot.app.screen, PickModal), screen_lines(pilot.app)
    await pick(pilot, entry)


def _shown(app: LiaisonApp) -> str:
    return "\n".join(screen_lines(app))


def _page(app: LiaisonApp) -> str:
    return "\n".join(content(w) for w in app.screen.query(Static))


def _visit(store: Store, visit_id: str) -> Visit:
    with store.read() as session:
        found = session.get(Visit, visit_id)
        assert found is not None
        session.expunge(found)
        return found


def _issue(store: Store, issue_id: str) -> Issue:
    with store.read() as session:
        found = session.get(Issue, issue_id)
        assert found is not None
        session.expunge(found)
        return found


def _second_visit(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_visit: Callable[..., VisitRow],
    issue_id: str,
    *,
    phone: str = "13955556666",
    name: str = "李秀英",
    text: str = "小区门口的排水沟堵了，下雨就积水。",
) -> VisitRow:
    clock.advance(timedelta(minutes=5))
    row = make_visit(phone=phone, name=name, text=text)
    with store.write(actor) as session:
        link_visit(session=session, visit_id=row.id, issue_id=issue_id)
    return row


async def test_a_visit_unlinked_goes_back_to_triage_and_the_last_one_stays(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(phone="13812341234")
    # A name typed with markup stays literal in the question.
    second = _second_visit(store, actor, clock, make_visit, issue.id, name="李[b]秀英")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await desk.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        await press(pilot, "full_stop")
        ids = [o[0] for o in pick_options(desk)]
        assert ids[4:] == [
            "unlink-visit",
            "move-visit",
            "split-issue",
            "merge-issue",
            "withdraw-visit",
            "suggest-issue",
            "suggest-visit",
        ]
        await press(pilot, "escape")
        await _menu(pilot, "unlink-visit")
        assert isinstance(desk.screen, PickModal)  # two visits: which?
        await pick(pilot, second.id)
        assert isinstance(desk.screen, ConfirmModal)
        question = _shown(desk)
        assert "李[b]秀英 139****6666" in question and "排水沟" in question
        assert "13955556666" not in question
        await press(pilot, "n")  # not now: nothing written
        assert _visit(store, second.id).issue_id == issue.id
        await _menu(pilot, "unlink-visit")
        await pick(pilot, second.id)
        await press(pilot, "y")
        assert isinstance(desk.screen, IssueScreen)
        assert t("regroup.unlinked") in notes(desk)
        assert "排水沟" not in _page(desk)
        # Its last visit still asked for: refused before anything is asked, nothing written.
        desk.clear_notifications()
        await _menu(pilot, "unlink-visit")
        assert isinstance(desk.screen, IssueScreen)
        assert t("error.last_visit") in notes(desk)
        await press(pilot, "t")
        assert isinstance(desk.screen, TriageScreen)
        assert "李[b]秀英" in _shown(desk)
    assert _visit(store, second.id).issue_id is None
    assert _visit(store, second.id).is_repeat is False
    with store.read() as session:
        left = session.exec(select(Visit.id).where(Visit.issue_id == issue.id)).all()
    assert len(left) == 1


async def test_a_visit_moves_to_another_issue_picked_likeliest_first(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    lamps = make_issue(text=LAMP)
    clock.advance(timedelta(minutes=5))
    drains = make_issue(phone="13700001111", name="赵大伯", text="排水沟堵了，下雨积水。")
    wrong = _second_visit(store, actor, clock, make_visit, lamps.id, text="排水沟又堵了积水")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await desk.push_screen(IssueScreen(lamps.id))
        await settle(pilot)
        await _menu(pilot, "move-visit")
        await pick(pilot, wrong.id)
        assert isinstance(desk.screen, PickModal)
        options = pick_options(desk)
        # Never the visit's own issue; the drains issue first, with why.
        assert [o[0] for o in options] == [drains.id]
        assert "共有词" in options[0][1] or "同类" in options[0][1], options
        await pick(pilot, drains.id)
        assert isinstance(desk.screen, IssueScreen)
        assert t("regroup.moved", title=drains.title) in notes(desk)
        assert "又堵了" not in _page(desk)
    assert _visit(store, wrong.id).issue_id == drains.id
    assert _issue(store, lamps.id).visit_count == 1
    assert _issue(store, drains.id).visit_count == 2


async def test_an_issue_split_in_two_by_ticks_that_read_without_colour(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(text=LAMP)
    same = _second_visit(store, actor, clock, make_visit, issue.id, text="路灯还是不亮")
    other = _second_visit(
        store, actor, clock, make_visit, issue.id, phone="13700002222", name="周[i]阿姨"
    )
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await desk.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        await _menu(pilot, "split-issue")
        modal = desk.screen
        assert isinstance(modal, SplitModal)
        shown = _shown(desk)
        # Each visit a checkbox that says its state in text; names plain, phones masked.
        assert shown.count("[ ]") == 3 and "[x]" not in shown
        assert "周[i]阿姨 137****2222" in shown
        # Nothing ticked: said in place.
        await press(pilot, "ctrl+s")
        assert desk.screen is modal
        assert t("error.split_none") in _shown(desk)
        # All ticked: one must stay.
        await press(pilot, "space", "tab", "space", "tab", "space", "ctrl+s")
        assert desk.screen is modal and t("error.split_all") in _shown(desk)
        assert _shown(desk).count("[x]") == 3
        await press(pilot, "shift+tab", "space", "shift+tab", "space")
        # The drains visit alone: the title left empty takes its words (said in the box).
        assert modal.chosen() == (other.id,)
        box = modal.query_one("#split-title", Input)
        assert "排水沟" in str(box.placeholder)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        # Both said; the new issue opens over the original.
        said = " ".join(notes(desk))
        assert "已拆分" in said and "排水沟" in said, said
        page = desk.screen
        assert isinstance(page, IssueScreen) and page.issue_id != issue.id
        assert "周[i]阿姨" in _page(desk)
        new_id = page.issue_id
        await press(pilot, "escape")
        assert isinstance(desk.screen, IssueScreen) and desk.screen.issue_id == issue.id
        assert "周[i]阿姨" not in _page(desk)
    new = _issue(store, new_id)
    assert new.split_from == issue.id and new.unit_id == _issue(store, issue.id).unit_id
    assert new.title.startswith("小区门口的排水沟")
    assert new.opened_on == issue.opened_on
    assert _visit(store, other.id).issue_id == new_id
    assert _visit(store, same.id).issue_id == issue.id


async def test_a_merge_says_what_it_does_and_opens_the_survivor_wherever_it_was_named(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
) -> None:
    first = make_issue(text=LAMP)
    clock.advance(timedelta(days=1))
    duplicate = make_issue(phone="13700003333", name="钱大姐", text="村口路灯坏了很久。")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await desk.push_screen(IssueScreen(duplicate.id))
        await settle(pilot)
        await _menu(pilot, "merge-issue")
        assert [o[0] for o in pick_options(desk)] == [first.id]
        await pick(pilot, first.id)
        assert isinstance(desk.screen, ConfirmModal)
        question = _shown(desk)
        assert "合并到「" in question and "较早的开立日和期限" in question
        await press(pilot, "y")
        await settle(pilot)
        page = desk.screen
        assert isinstance(page, IssueScreen) and page.issue_id == first.id
        assert t("regroup.merged", title=first.title) in notes(desk)
        assert "村口路灯坏了很久" in _page(desk)  # the merged issue's visit, now here
        # A page (or a board row) naming the merged issue opens the survivor, said in a line.
        desk.clear_notifications()
        await desk.push_screen(IssueScreen(duplicate.id))
        await settle(pilot)
        assert isinstance(desk.screen, IssueScreen) and desk.screen.issue_id == first.id
        assert t("issue.merged_opened") in notes(desk)
        assert "村口路灯坏了很久" in _page(desk)
    merged = _issue(store, duplicate.id)
    assert merged.merged_into == first.id and merged.deleted_at is not None
    assert _issue(store, first.id).visit_count == 2


async def test_refusals_are_one_line_and_write_nothing(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    """A closed issue is not regrouped; an issue merged away on another terminal meanwhile is
    named so; a split of one visit is refused before its dialog."""
    closed = make_issue(text=LAMP)
    _second_visit(store, actor, clock, make_visit, closed.id)
    with store.write(actor) as session:
        close_issue(session=session, issue_id=closed.id, evaluation_in=None)
    clock.advance(timedelta(minutes=5))
    lone = make_issue(phone="13700004444", name="孙大爷", text="村口路灯坏了")
    clock.advance(timedelta(minutes=5))
    other = make_issue(phone="13700005555", name="吴阿姨", text="路灯不亮")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await desk.push_screen(IssueScreen(closed.id))
        await settle(pilot)
        for entry in ("split-issue", "merge-issue", "move-visit", "unlink-visit"):
            desk.clear_notifications()
            await _menu(pilot, entry)
            if isinstance(desk.screen, PickModal):  # which visit?
                await press(pilot, "enter")
            await settle(pilot)
            assert isinstance(desk.screen, IssueScreen), entry
            assert notes(desk) == [t("error.regroup_closed")], (entry, notes(desk))
        desk.clear_notifications()
        await _menu(pilot, "withdraw-visit")
        await press(pilot, "enter")
        await settle(pilot)
        assert notes(desk) == [t("error.withdraw_closed")]
        await press(pilot, "escape")

        await desk.push_screen(IssueScreen(lone.id))
        await settle(pilot)
        desk.clear_notifications()
        await _menu(pilot, "split-issue")
        assert isinstance(desk.screen, IssueScreen)
        assert notes(desk) == [t("error.split_all")]
        # Merged into another on another terminal while the page was open.
        with store.write(actor) as session:
            merge_issues(session=session, issue_id=lone.id, into_id=other.id)
        desk.clear_notifications()
        await _menu(pilot, "merge-issue")
        assert isinstance(desk.screen, IssueScreen)
        assert notes(desk) == [t("error.issue_merged")]
    with store.read() as session:
        live = session.exec(select(Issue.id).where(col(Issue.deleted_at).is_(None))).all()
        on_closed = session.exec(select(Visit.id).where(Visit.issue_id == closed.id)).all()
    assert sorted(live) == sorted([closed.id, other.id])
    assert len(on_closed) == 2
    assert _issue(store, closed.id).status == IssueStatus.closed


async def test_withdrawn_from_triage_and_from_an_issue_with_its_reason(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(text=LAMP)
    clock.advance(timedelta(minutes=5))
    waiting = make_visit(phone="13700006666", name="郑大哥", text="想问问低保怎么申请")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        assert isinstance(desk.screen, TriageScreen)
        # A visit awaiting triage: nothing to unlink or move it from.
        await press(pilot, "full_stop")
        assert [o[0] for o in pick_options(desk)] == [
            "correct-visit",
            "correct-resident",
            "withdraw-visit",
            "suggest-visit",
        ]
        await press(pilot, "escape")
        await _menu(pilot, "withdraw-visit")
        modal = desk.screen
        assert isinstance(modal, WithdrawModal)
        assert "郑大哥 137****6666" in _shown(desk)
        assert "(*)" in _shown(desk)  # the first reason chosen, said without colour
        # "Other" asks for words.
        await press(pilot, "down", "down", "down", "enter", "ctrl+s")
        assert desk.screen is modal
        assert t("withdraw.note_required") in content(modal.query_one("#withdraw-error", Label))
        await press(pilot, *"已去民政办问过", "ctrl+s")
        await settle(pilot)
        assert isinstance(desk.screen, TriageScreen)
        assert t("regroup.withdrawn_queue") in notes(desk)
        assert "郑大哥" not in _shown(desk)

        await desk.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        await _menu(pilot, "withdraw-visit")  # its one visit: no need to ask which
        assert isinstance(desk.screen, WithdrawModal)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert t("regroup.withdrawn_closed", title=issue.title) in notes(desk)
        # Closed as withdrawn, said so: not late, not awaiting an evaluation; the visit marked.
        page = _page(desk)
        assert "撤回办结（不计入办理数据）" in page and "待群众评价" not in page, page
        assert "· 已撤回" in page
        # Withdrawn, it is no longer offered to withdraw.
        await press(pilot, "full_stop")
        assert "withdraw-visit" not in [o[0] for o in pick_options(desk)]
    assert _visit(store, waiting.id).withdrawn_reason == "已去民政办问过"
    assert _visit(store, waiting.id).issue_id is None
    first = _issue(store, issue.id)
    assert first.status == IssueStatus.closed and first.withdrawn_at is not None
    with store.read() as session:
        reason = session.exec(select(Visit.withdrawn_reason).where(Visit.issue_id == issue.id))
        assert list(reason) == [t("withdraw.reason_solved")]


async def test_the_flows_speak_english(
    store: Store,
    rostered: str,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    first = make_issue(text=LAMP)
    clock.advance(timedelta(days=1))
    duplicate = make_issue(phone="13700003333", name="钱大姐", text="村口路灯坏了很久。")
    _second_visit(store, actor, clock, make_visit, duplicate.id)
    async with in_english(store) as (desk, pilot):
        await desk.push_screen(IssueScreen(duplicate.id))
        await settle(pilot)
        await press(pilot, "full_stop")
        texts = [o[1] for o in pick_options(desk)]
        assert "Split the issue" in texts and "Merge into…" in texts
        await press(pilot, "escape")
        await _menu(pilot, "split-issue")
        assert isinstance(desk.screen, SplitModal)
        assert "tick (space) the visits" in content(desk.screen.query_one(".dialog-title", Label))
        await press(pilot, "escape")
        await _menu(pilot, "merge-issue")
        await pick(pilot, first.id)
        await settle(pilot)
        assert isinstance(desk.screen, ConfirmModal)
        assert "keeps the earlier opening day" in desk.screen.question
        await press(pilot, "n")
        desk.clear_notifications()
        await _menu(pilot, "unlink-visit")
        await press(pilot, "enter", "y")
        await settle(pilot)
        assert "Unlinked: the visit is back in the triage queue" in notes(desk)
        desk.clear_notifications()
        await _menu(pilot, "withdraw-visit")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        said = " ".join(notes(desk))
        assert "closed as withdrawn" in said, said
