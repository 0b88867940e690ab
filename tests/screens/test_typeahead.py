"""Every key lands (spec §6, issue 17): keys typed while a screen opens are delivered to it, in
order, and a paste keeps its place among them and loses its control characters (spec §8).

The keys are handed to the app all at once (`type_at_once`), as a terminal hands over keys
typed faster than the app opens a screen; `pilot.press` would wait between them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from desk_helpers import settle, type_at_once
from small_station import Refs
from textual import events
from textual.widgets import Input, TextArea

from screens.board import BoardScreen
from screens.dialogs.issue_forms import ProgressModal
from screens.dialogs.pick import PickModal
from screens.issue import IssueScreen
from screens.log_visit import LogVisitScreen
from screens.search import SearchBox, SearchScreen
from screens.triage import TriageScreen
from store.core.models import Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from tui.app import LiaisonApp

PHONE = "13912340000"


async def test_the_phone_typed_right_after_n_lands_in_the_form(desk: LiaisonApp) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        type_at_once(pilot, "n", *PHONE, "tab", *"赵大伯")
        await settle(pilot)
        screen = desk.screen
        assert isinstance(screen, LogVisitScreen)
        assert screen.query_one("#phone", Input).value == PHONE
        assert screen.query_one("#name", Input).value == "赵大伯"


async def test_a_search_typed_right_after_slash_lands_in_the_box(desk: LiaisonApp) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        type_at_once(pilot, "slash", *"飞线充电")
        await settle(pilot)
        assert isinstance(desk.screen, SearchScreen)
        assert desk.screen.query_one(SearchBox).value == "飞线充电"


async def test_a_note_typed_right_after_p_lands_in_the_dialog(
    desk: LiaisonApp, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(tier=Tier.township)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await desk.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        type_at_once(pilot, "p", *"已约见")
        await settle(pilot)
        assert isinstance(desk.screen, ProgressModal)
        assert desk.screen.query_one("#progress-note", TextArea).text == "已约见"


async def test_keys_after_a_key_that_closes_a_screen_reach_the_one_below(
    desk: LiaisonApp,
) -> None:
    """Esc leaves the empty form; `n` opens it again and the phone lands in the new one."""
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        type_at_once(pilot, "n", "escape", "n", *PHONE)
        await settle(pilot)
        screen = desk.screen
        assert isinstance(screen, LogVisitScreen)
        assert screen.query_one("#phone", Input).value == PHONE
        assert len(desk.screen_stack) == 2


async def test_a_paste_keeps_its_place_and_loses_control_characters(desk: LiaisonApp) -> None:
    """Pasted between typed text, into 群众原话 (a TextArea) and the name (an Input)."""
    pasted = events.Paste("P1\x1b[31mP2\x1b[0mP3\x07")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        type_at_once(pilot, "n")
        await settle(pilot)
        screen = desk.screen
        assert isinstance(screen, LogVisitScreen)
        screen.query_one("#text", TextArea).focus()
        await settle(pilot)
        type_at_once(pilot, *"AAA", pasted, *"CCC", events.Paste("第二行\r\n\x1b[0m第三行"))
        await settle(pilot)
        text = screen.query_one("#text", TextArea).text
        assert text == "AAAP1[31mP2[0mP3CCC第二行\n[0m第三行"

        screen.query_one("#name", Input).focus()
        await settle(pilot)
        type_at_once(pilot, *"王", events.Paste("\x1b[1m小\x00"), *"五")
        await settle(pilot)
        assert screen.query_one("#name", Input).value == "王[1m小五"


async def test_a_choice_typed_right_after_the_key_that_loads_its_picker_lands_in_it(
    desk: LiaisonApp, make_visit: Callable[..., VisitRow], refs: Refs, store: Store
) -> None:
    """`1` loads the village units (a store call), then opens the picker: Enter typed at once
    takes the first unit offered, the visit's own village committee."""
    visit = make_visit(village="青石村", category="道路交通", text="村口路灯又坏了。")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        type_at_once(pilot, "t", "1", "enter")
        await settle(pilot)
        assert isinstance(desk.screen, TriageScreen)
    unit = refs.unit_for(Tier.village, "青石村")
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        row = db.execute(
            "select issue.unit_id from visit join issue on issue.id = visit.issue_id "
            "where visit.id = ?",
            (visit.id,),
        ).fetchone()
    assert row == (unit,)


async def test_initials_typed_right_after_w_land_in_the_deputy_chooser(desk: LiaisonApp) -> None:
    # Seen by hand: `wjg` typed at once on the dashboard put `j` and `g` on the dashboard while
    # the chooser's deputies were being read: `g` opened the quarterly review under it.
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        below = desk.screen
        type_at_once(pilot, "w", "j", "g")
        await settle(pilot)
        chooser = desk.screen
        assert isinstance(chooser, PickModal)
        assert chooser.query_one(Input).value == "jg"
        assert desk.screen_stack[-2] is below


async def test_a_key_after_opening_the_board_waits_for_nothing_once_it_shows(
    desk: LiaisonApp,
) -> None:
    """The board reloads on mounting and again on being shown: the first load, cancelled before
    it started, once stayed among the screen's store calls for ever, so that every key typed
    within two seconds of `b` waited those two seconds (tui.typeahead's MAX_WAIT)."""
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(desk.screen, BoardScreen)
        assert not desk.screen.store_work
        assert not desk.typeahead.busy
