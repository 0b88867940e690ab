"""Correcting what was typed at 80×24 (issue 18, parts 2 and 5): `.` opens the actions menu on
the issue page and on a visit (triage, search, a hot word's visits); its forms open filled in,
check in place, save on Ctrl+S and ask before Esc throws edits away; the board, the issue
page, the audit trail and the statistics show the correction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from desk_helpers import (
    content,
    descriptions,
    footer_keys,
    footer_width,
    notes,
    pick,
    pick_options,
    press,
    row_keys,
    screen_lines,
    settle,
)
from english_desk import in_english
from small_station import CATEGORY, TODAY, Refs
from sqlmodel import select
from textual.command import CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from screens.audit import AuditScreen
from screens.board import BoardScreen
from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.corrections import (
    IssueCorrectionModal,
    ResidentCorrectionModal,
    VisitCorrectionModal,
)
from screens.dialogs.help import HelpModal
from screens.dialogs.pick import PickModal
from screens.hot_words import WordVisitsScreen
from screens.issue import IssueScreen
from screens.search import SearchScreen
from screens.triage import TriageScreen
from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import AccessLog, Constituent, Issue, Visit
from store.db import Store
from store.desk.board import BoardFilter
from store.desk.issue_rows import IssueRow
from store.desk.triage import link_visit
from store.desk.visits import VisitRow
from store.reports.stats import Breakdown, Period, PeriodKind, breakdown_figures
from tui.app import LiaisonApp
from tui.i18n import t

NEW_CATEGORY = "环境卫生"


def _issue_text(app: LiaisonApp) -> str:
    return "\n".join(content(w) for w in app.screen.query(Static))


async def _menu(pilot: Pilot[None], entry: str) -> None:
    """`.`, then the menu's entry `entry` (its id), as a deputy picks it."""
    await press(pilot, "full_stop")
    assert isinstance(pilot.app.screen, PickModal), screen_lines(pilot.app)
    await pick(pilot, entry)


async def _choose(pilot: Pilot[None], select_id: str, value: str) -> None:
    """Open a dropdown of the form and choose `value` (by its id) with the keyboard."""
    app = pilot.app
    select = app.screen.query_one(f"#{select_id}", Select)
    select.focus()
    await press(pilot, "enter")
    ids = [str(v) for _label, v in select._options]
    now = ids.index(str(select.value))
    step = "down" if ids.index(value) > now else "up"
    await press(pilot, *[step] * abs(ids.index(value) - now), "enter")
    assert select.value == value


def _by_category(store: Store) -> dict[str, tuple[int, int]]:
    with store.read() as session:
        rows = breakdown_figures(
            session=session,
            period=Period.of(PeriodKind.month, TODAY),
            today=TODAY,
            tz=store.clock.tz,
            breakdown=Breakdown.category,
        ).rows
    return {row.name: (row.figures.visits, row.figures.opened) for row in rows}


async def test_a_wrong_category_and_a_wrong_phone_corrected_on_an_issues_visit(
    desk: LiaisonApp, store: Store, refs: Refs, make_issue: Callable[..., IssueRow]
) -> None:
    """The loop of the issue's "Done when": from the board into the issue, `.` → 改来访, the
    category chosen again, Ctrl+S; `.` → 改群众信息, the phone typed again, Ctrl+S; the issue
    page, the board, the audit trail and the statistics all say so."""
    issue = make_issue(phone="13812341234")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "b", "enter")
        await settle(pilot)
        assert isinstance(desk.screen, IssueScreen)
        # `.` is in the footer as 更多.
        assert ". 更多" in screen_lines(desk)[-1]
        await press(pilot, "full_stop")
        assert [text for _id, text, _off in pick_options(desk)][:4] == [
            t("menu.correct_visit"),
            t("menu.correct_resident"),
            t("menu.correct_issue"),
            t("menu.notices"),
        ]
        await press(pilot, "escape")
        await _menu(pilot, "correct-visit")  # one visit: no need to ask which
        form = desk.screen
        assert isinstance(form, VisitCorrectionModal)
        shown = "\n".join(screen_lines(desk))
        # Filled in with what is saved; the resident's phone masked in its heading.
        assert "138****1234" in shown and "村口的路灯坏了一个多月" in shown
        assert form.query_one("#correct-category_id", Select).value == refs.categories[CATEGORY]
        await _choose(pilot, "correct-category_id", refs.categories[NEW_CATEGORY])
        await press(pilot, "ctrl+s")
        assert isinstance(desk.screen, IssueScreen)
        assert any(t("correct.visit_done") in n and NEW_CATEGORY in n for n in notes(desk))
        assert f"青石村 · {NEW_CATEGORY}" in _issue_text(desk)

        await _menu(pilot, "correct-resident")
        form = desk.screen
        assert isinstance(form, ResidentCorrectionModal)
        phone = form.query_one("#correct-phone", Input)
        assert phone.has_focus and phone.value == "13812341234"
        # The form shows the phone in clear: the reveal is recorded.
        with store.read() as session:
            assert session.exec(select(AccessLog)).all()
        await press(pilot, "ctrl+u", *"13912345678", "ctrl+s")
        assert isinstance(desk.screen, IssueScreen)  # one visit: nothing to confirm
        assert tn_done(1) in notes(desk)
        assert "139****5678" in _issue_text(desk)
        assert "138****1234" not in _issue_text(desk)

        # The audit trail of the issue: before and after, who.
        await press(pilot, "l")
        assert isinstance(desk.screen, AuditScreen)
        trail = "\n".join(screen_lines(desk))
        assert "沈国强" in trail
        # Each row's detail under the table, newest first: the phone, the form's reveal, the
        # issue's category and the visit's.
        details = []
        for _row in range(4):
            details.append(content(desk.screen.query_one("#audit-detail", Static)))
            await press(pilot, "down")
        assert "电话 138****1234→139****5678" in details[0], details
        assert "查看电话" in details[1], details
        assert all(f"类别 {CATEGORY}→{NEW_CATEGORY}" in d for d in details[2:]), details
        await press(pilot, "escape", "escape")
        assert isinstance(desk.screen, BoardScreen)
        # The board filtered by category (what `f` sets) finds it under the corrected one only.
        for category, found in ((NEW_CATEGORY, True), (CATEGORY, False)):
            board = BoardScreen(BoardFilter(category_id=refs.categories[category]))
            await desk.push_screen(board)
            await settle(pilot)
            assert (issue.id in row_keys(board.table)) is found
            await press(pilot, "escape")
    assert _by_category(store) == {NEW_CATEGORY: (1, 1)}
    with store.read() as session:
        stored = session.get(Issue, issue.id)
        assert stored is not None and stored.category_id == refs.categories[NEW_CATEGORY]


def tn_done(count: int) -> str:
    from tui.i18n import tn

    return tn("correct.resident_done", count)


async def test_a_residents_correction_says_how_many_visits_it_touches_and_asks(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(phone="13812341234", name="王阿姨")
    for words in ("又来说路灯", "还有排水沟"):
        clock.advance(timedelta(minutes=5))
        make_visit(phone="13812341234", name="王阿姨", text=words)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await desk.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        await _menu(pilot, "correct-resident")
        assert isinstance(desk.screen, ResidentCorrectionModal)
        assert "这位群众共 3 次来访" in "\n".join(screen_lines(desk))
        # Markup typed into a name stays literal in the question (docs/rules/data.md).
        await press(pilot, "tab", "ctrl+u", "王", "left_square_bracket", "b")
        await press(pilot, "right_square_bracket", *"秀兰", "ctrl+s")
        assert isinstance(desk.screen, ConfirmModal)
        question = "\n".join(screen_lines(desk))
        assert "这位群众的 3 次来访都会改为：姓名 王[b]秀兰。改吗？" in question
        await press(pilot, "n")  # not now: nothing written
        assert isinstance(desk.screen, IssueScreen)
        with store.read() as session:
            assert session.exec(select(Constituent.name)).all() == ["王阿姨"]
        await _menu(pilot, "correct-resident")
        await press(pilot, "tab", "ctrl+u", *"王秀兰", "ctrl+s", "y")
        assert isinstance(desk.screen, IssueScreen)
        assert tn_done(3) in notes(desk)
        assert "王秀兰" in _issue_text(desk)
    with store.read() as session:
        assert session.exec(select(Constituent.name)).all() == ["王秀兰"]


async def test_a_phone_another_resident_has_is_offered_never_merged(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(phone="13955556666", name="李秀英")
    clock.advance(timedelta(minutes=5))
    typo = make_visit(phone="13955556667", name="李秀英", text="路灯还没修")
    with store.write(actor) as session:
        link_visit(session=session, visit_id=typo.id, issue_id=issue.id)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await desk.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        await _menu(pilot, "correct-resident")
        # Two visits on the page: which one's resident?
        assert isinstance(desk.screen, PickModal)
        await pick(pilot, typo.id)
        await press(pilot, "ctrl+u", *"13955556666", "ctrl+s")
        # Refused, and the deputy is told whose it is: the visit may be hers.
        assert isinstance(desk.screen, PickModal)
        options = pick_options(desk)
        assert options[0][0] is None and "李秀英 139****6666" in options[0][1]
        assert [o[0] for o in options[1:]] == ["move", "share", "again"]
        await pick(pilot, "again")  # back to the form, as typed
        assert isinstance(desk.screen, ResidentCorrectionModal)
        assert desk.screen.query_one("#correct-phone", Input).value == "13955556666"
        await press(pilot, "ctrl+s")
        await pick(pilot, "move")
        assert isinstance(desk.screen, IssueScreen)
        assert t("correct.visit_moved", name="李秀英") in notes(desk)
        assert "139****6667" not in _issue_text(desk)
    with store.read() as session:
        moved = session.get(Visit, typo.id)
        assert moved is not None
        residents = session.exec(select(Constituent).where(Constituent.deleted_at == None)).all()  # noqa: E711
    assert [r.phone for r in residents] == ["13955556666"]
    assert moved.constituent_id == residents[0].id and moved.is_repeat


async def test_the_forms_check_in_place_and_esc_asks_before_throwing_edits_away(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await desk.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        await _menu(pilot, "correct-resident")
        await press(pilot, "ctrl+u", *"12345", "ctrl+s")
        form = desk.screen
        assert isinstance(form, ResidentCorrectionModal)  # refused in place
        assert t("field.phone") in "\n".join(screen_lines(desk))
        assert form.query_one("#correct-phone", Input).has_class("-invalid")
        await press(pilot, "escape")
        assert isinstance(desk.screen, ConfirmModal)
        await press(pilot, "n")
        assert desk.screen is form
        await press(pilot, "escape", "y")
        assert isinstance(desk.screen, IssueScreen)
        # Untouched, Esc closes at once.
        await _menu(pilot, "correct-issue")
        issue_form = desk.screen
        assert isinstance(issue_form, IssueCorrectionModal)
        assert issue_form.query_one("#correct-title", Input).value == issue.title
        await press(pilot, "escape")
        assert isinstance(desk.screen, IssueScreen)
        # A title is required, one line of at most 30 characters.
        await _menu(pilot, "correct-issue")
        await press(pilot, "ctrl+u", "ctrl+s")
        assert isinstance(desk.screen, IssueCorrectionModal)
        assert t("field.required") in "\n".join(screen_lines(desk))
        await press(pilot, *"村口路灯不亮", "ctrl+s")
        assert isinstance(desk.screen, IssueScreen)
        assert t("correct.issue_done") in notes(desk)
        assert "村口路灯不亮" in _issue_text(desk)


async def test_the_menu_is_on_every_visit_in_help_and_in_the_palette(
    desk: LiaisonApp,
    store: Store,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    make_issue()
    waiting = make_visit(phone="13900002222", name="李秀英", text="路灯又坏了")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Triage: the visit under the cursor.
        await press(pilot, "t")
        assert isinstance(desk.screen, TriageScreen)
        await _menu(pilot, "correct-visit")
        assert isinstance(desk.screen, VisitCorrectionModal)
        await _choose(pilot, "correct-kind", "suggestion")
        await press(pilot, "ctrl+s")
        assert isinstance(desk.screen, TriageScreen)
        assert "建议" in content(desk.screen.query_one("#triage-visit", Static))
        # Help lists the key; the palette offers the menu's actions of the screen below.
        await press(pilot, "question_mark")
        assert isinstance(desk.screen, HelpModal)
        assert (".", t("key.more")) in [(k, d) for k, d, _tip in desk.screen.rows]
        await press(pilot, "escape", "ctrl+p")
        assert isinstance(desk.screen, CommandPalette)
        desk.screen.query_one(CommandInput).value = "更多"
        await settle(pilot)
        listed = [str(o.prompt) for o in desk.screen.query_one(CommandList).options]
        assert any(t("menu.correct_resident") in text for text in listed), listed
        await press(pilot, "escape")

        # Search: on a visit of the results (in the box, `.` is a character).
        await press(pilot, "slash", *"又坏")
        assert isinstance(desk.screen, SearchScreen)
        await press(pilot, "full_stop")
        assert desk.screen.box.value == "又坏."
        await press(pilot, "backspace", "down")
        assert desk.screen.table.has_focus
        await _menu(pilot, "correct-resident")
        assert isinstance(desk.screen, ResidentCorrectionModal)
        await press(pilot, "tab", "ctrl+u", *"李秀兰", "ctrl+s")
        assert isinstance(desk.screen, SearchScreen)
        assert "李秀兰" in "\n".join(screen_lines(desk))
        await press(pilot, "escape", "escape")

        # A hot word's visits.
        await press(pilot, "h", "enter")
        assert isinstance(desk.screen, WordVisitsScreen)
        await press(pilot, "full_stop")
        # (The word's visit awaits triage: nothing to unlink or move it from.)
        assert [o[0] for o in pick_options(desk)] == [
            "correct-visit",
            "correct-resident",
            "withdraw-visit",
            "suggest-visit",
        ]
        await press(pilot, "escape")
    with store.read() as session:
        stored = session.get(Visit, waiting.id)
        assert stored is not None and stored.kind == "suggestion"


async def test_more_fits_the_footer_in_english(
    store: Store, rostered: str, make_issue: Callable[..., IssueRow]
) -> None:
    """`. More` in the footer of the issue page, of search results and of a word's visits at 80
    columns in English too (on triage, help and the palette list it: its footer is full)."""
    make_issue()
    async with in_english(store) as (desk, pilot):
        for keys in (("b", "enter"), ("slash", *"路灯"), ("h", "enter")):
            await press(pilot, *keys)
            await settle(pilot)
            if keys[0] == "slash":
                await press(pilot, "down")  # into the results
            assert "More" in descriptions(footer_keys(desk)), keys
            assert footer_width(desk) <= 80, (keys, screen_lines(desk)[-1])
            await press(pilot, "d")
