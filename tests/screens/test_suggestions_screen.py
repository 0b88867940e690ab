"""Deputies' suggestions on screen at 80×24, as a new user goes: `p` on the dashboard opens the
list; issues marked on the board (space, then `a`) become a suggestion with a co-signer ticked;
its page adds sources (`a`: an issue found by its words, a hot word's visits), takes one off and
puts it back (ctrl+z), unticks the co-signer (`e`), takes every step with `g` (submit, assign,
reply, 不满意 → 再督办, a new reply, 满意) and `p` prints the form; a hot word (`a` on the hot
words), a village (`a` on the list) and an issue's actions menu (`.`) draft the others; the
database holds each step. In English, the screens and the draft form say it all in English and
their footers fit 80 columns (a word's visits' footer, which gained `a`, is measured in
test_corrections_screen)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desk_helpers import (
    content,
    footer_width,
    notes,
    pick,
    pick_options,
    press,
    row_keys,
    rows,
    screen_lines,
    settle,
    visible,
)
from english_desk import chinese_leaks, in_english
from small_station import OTHER_DEPUTY, VILLAGE, Refs
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from screens.board import BoardScreen
from screens.dialogs.pick import PickModal
from screens.dialogs.suggestion_forms import SuggestionDraftModal, SuggestionStepModal
from screens.dialogs.text_input import TextInputModal
from screens.hot_words import HotWordsScreen
from screens.suggestions import SuggestionScreen, SuggestionsScreen
from store.changelog.changes import Actor
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.suggestions.suggestions import draft_suggestion
from tui.app import LiaisonApp
from tui.widgets.toggles import TextSelectionList


def _db(store: Store, sql: str) -> list[tuple[Any, ...]]:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchall()


async def _draft(pilot: Pilot[None], title: str | None = None) -> SuggestionScreen:
    """The draft form is open: give it a 案由 (when `title`), save; its page opens."""
    modal = pilot.app.screen
    assert isinstance(modal, SuggestionDraftModal), modal
    if title is not None:
        modal.query_one("#suggestion-title", Input).value = title
    await press(pilot, "ctrl+s")
    page = pilot.app.screen
    assert isinstance(page, SuggestionScreen), page
    return page


async def test_issues_marked_on_the_board_become_a_suggestion_followed_to_the_deputies_satisfaction(
    desk: LiaisonApp, store: Store, make_issue: Callable[..., IssueRow], refs: Refs
) -> None:
    first = make_issue(text="楼道里电动车飞线充电，很危险")
    second = make_issue(text="车棚里也有人飞线充电，电线拖在地上")
    lamp = make_issue(text="村东路灯坏了三盏，晚上看不见")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "d", "p")
        listed = desk.screen
        assert isinstance(listed, SuggestionsScreen)
        assert "还没有代表建议" in content(listed.query_one("#suggestions-title"))
        await press(pilot, "escape")

        # The board: the two 飞线充电 issues marked (space moves on), then `a`.
        await press(pilot, "b")
        board = desk.screen
        assert isinstance(board, BoardScreen)
        table = board.query_one("#board-table", DataTable)
        for key in row_keys(table):
            await press(pilot, "space" if key in (first.id, second.id) else "down")
        marked = [r[2] for r in rows(table) if r[2].startswith("✓")]
        assert len(marked) == 2
        assert "已标记 2 件" in content(board.query_one("#board-status"))
        await press(pilot, "a")
        draft = desk.screen
        assert isinstance(draft, SuggestionDraftModal)
        assert "看板上标记的 2 件事项" in "\n".join(screen_lines(desk))
        # The roster, the lead (on duty) left out; ticked with space, read without colour.
        signers = draft.query_one("#suggestion-co-signers", TextSelectionList)
        signers.focus()
        wanted = refs.deputies[OTHER_DEPUTY]
        signers.highlighted = next(
            i for i in range(signers.option_count) if signers.get_option_at_index(i).value == wanted
        )
        await press(pilot, "space")
        assert f"[x] {OTHER_DEPUTY}" in visible(desk, signers)
        page = await _draft(pilot, "关于集中建设电动车充电设施的建议")
        body = content(page.query_one("#suggestion-body"))
        assert "来源 2 项" in body and f"附议 {OTHER_DEPUTY}" in body and "待办：提交" in body

        # `a`: an issue found by its words.
        await press(pilot, "a")
        await pick(pilot, "search")
        assert isinstance(desk.screen, TextInputModal)
        await pilot.press(*"路灯")
        await press(pilot, "enter")
        assert f"i:{lamp.id}" in [o[0] for o in pick_options(desk)]
        await pick(pilot, f"i:{lamp.id}")
        assert any(n.startswith("已添加 1 项来源") for n in notes(desk))
        assert "来源 3 项" in content(page.query_one("#suggestion-body"))
        # `a`: a class of problems, the visits that used the hot word 飞线充电.
        await press(pilot, "a")
        await pick(pilot, "class")
        await pick(pilot, "word")
        await pilot.press(*"飞线充电")
        await press(pilot, "enter")
        body = content(page.query_one("#suggestion-body"))
        assert "来源 5 项" in body and "热词「飞线充电」" in body
        # `x` takes the lamp off; ctrl+z puts it back.
        await press(pilot, "x")
        lamp_source = next(o[0] for o in pick_options(desk) if "路灯" in o[1])
        await pick(pilot, str(lamp_source))
        assert "来源 4 项" in content(page.query_one("#suggestion-body"))
        await press(pilot, "ctrl+z")
        assert "来源 5 项" in content(page.query_one("#suggestion-body"))
        # `e`: the co-signer unticked.
        await press(pilot, "e")
        signers = desk.screen.query_one("#suggestion-co-signers", TextSelectionList)
        assert list(signers.selected) == [refs.deputies[OTHER_DEPUTY]]
        signers.focus()
        await press(pilot, "space")
        await press(pilot, "ctrl+s")
        assert "附议 —" in content(page.query_one("#suggestion-body"))

        async def step(text: str) -> None:
            await press(pilot, "g")
            modal = desk.screen
            assert isinstance(modal, SuggestionStepModal)
            modal.query_one("#step-text", Input).value = text
            await press(pilot, "ctrl+s")

        # The day field holds today's date (a placeholder would read as a date given, without
        # colour); a day after today is refused in place.
        await press(pilot, "g")
        modal = desk.screen
        assert isinstance(modal, SuggestionStepModal)
        assert modal.query_one("#step-day", Input).value == "2026-11-24"
        modal.query_one("#step-text", Input).value = "临溪县人大常委会"
        modal.query_one("#step-day", Input).value = "2026-11-25"
        await press(pilot, "ctrl+s")
        assert desk.screen is modal and "日期不能晚于今天" in "\n".join(screen_lines(desk))
        modal.query_one("#step-day", Input).value = ""
        await press(pilot, "ctrl+s")
        await step("县住建局、县供电公司")
        await step("年底前建成两处充电棚")
        await press(pilot, "g")
        await pick(pilot, "unsatisfied")
        body = content(page.query_one("#suggestion-body"))
        assert "◑ 已交办 ↻1" in body and "待办：答复" in body
        await step("本月内建成并投入使用")
        await press(pilot, "g")
        await pick(pilot, "satisfied")
        body = content(page.query_one("#suggestion-body"))
        assert "● 已办结" in body and "代表测评 · 满意" in body
        # Closed: no next step to offer.
        assert page.check_action("next_step", ()) is None
        await press(pilot, "p")
        await settle(pilot)
        assert any("代表建议-" in n and ".html" in n for n in notes(desk))

        # A hot word's visits (`a` on the hot words), a village's issues (`a` on the list).
        await press(pilot, "escape", "h")
        words = desk.screen
        assert isinstance(words, HotWordsScreen)
        words_table = words.query_one("#hot-table", DataTable)
        words_table.move_cursor(row=row_keys(words_table).index("飞线充电"))
        await press(pilot, "a")
        assert "热词「飞线充电」：2 项来源" in "\n".join(screen_lines(desk))
        await _draft(pilot, "飞线充电整治")
        await press(pilot, "escape", "d", "p", "a")
        await pick(pilot, "village")
        await pick(pilot, refs.villages[VILLAGE])
        page = await _draft(pilot, "青石村的问题")
        assert "来源 3 项" in content(page.query_one("#suggestion-body"))
        # (An issue's actions menu drafts one too: the snapshots' `suggestion` goes that way.)

    assert _db(
        store, "SELECT status, satisfaction, resupervised FROM suggestion ORDER BY title"
    ) == [
        ("closed", "satisfied", 1),
        ("draft", None, 0),
        ("draft", None, 0),
    ]
    signed = _db(store, "SELECT deleted_at IS NULL FROM suggestion_deputy")
    assert signed == [(0,)]  # ticked at the draft, unticked by `e`
    steps = _db(
        store,
        "SELECT step FROM suggestion_step s JOIN suggestion g ON g.id = s.suggestion_id"
        " WHERE g.status = 'closed' ORDER BY s.created_at",
    )
    assert [s for (s,) in steps] == [
        "drafted",
        "submitted",
        "assigned",
        "answered",
        "evaluated",
        "answered",
        "evaluated",
    ]


async def test_the_suggestion_screens_in_english(
    store: Store, actor: Actor, refs: Refs, make_issue: Callable[..., IssueRow], rostered: str
) -> None:
    issue = make_issue(text="楼道里电动车飞线充电，很危险")
    with store.write(actor) as session:
        draft_suggestion(
            session=session,
            title="集中充电",
            issue_ids=[issue.id],
            lead_deputy_id=rostered,
            co_signer_ids=[refs.deputies[OTHER_DEPUTY]],
        )
    data = ("集中充电", issue.title, "飞线充电")
    async with in_english(store) as (app, pilot):
        await press(pilot, "d", "p", "enter")
        assert isinstance(app.screen, SuggestionScreen)
        texts = {"page": "\n".join(screen_lines(app)[1:])}
        assert "co-signed " + OTHER_DEPUTY in texts["page"] and "Sources: 1" in texts["page"]
        assert "Add source" in texts["page"] and footer_width(app) <= 80
        await press(pilot, "e")
        assert isinstance(app.screen, SuggestionDraftModal)
        texts["form"] = "\n".join(screen_lines(app))
        assert "Co-signers (space ticks)" in texts["form"]
        await press(pilot, "escape", "a")
        assert isinstance(app.screen, PickModal)
        texts["add"] = "\n".join(screen_lines(app))
        await press(pilot, "escape", "escape")
        texts["list"] = "\n".join(screen_lines(app)[1:])
        assert footer_width(app) <= 80
        # (A word's visits' footer, `a To suggestion` in it, fits 80 columns in English:
        # test_corrections_screen.test_more_fits_the_footer_in_english.)
    for name, text in texts.items():
        assert chinese_leaks(text, *data) == [], name
