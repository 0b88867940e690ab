"""Help (`?`) lists the keys of the screen below and what it is for; every footer fits an 80-column
terminal (STYLE §6)."""

from __future__ import annotations

from collections.abc import Callable

from desk_helpers import content, descriptions, footer_keys, footer_width, plain, press, settle
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets import Input, Select, Static

from screens.board import BoardScreen
from screens.dashboard import DashboardScreen
from screens.dialogs.help import HelpModal
from screens.hot_words import HotWordsScreen
from screens.issue import IssueScreen
from screens.log_visit import LogVisitScreen
from screens.search import SearchScreen
from screens.triage import TriageScreen
from store.desk.issue_rows import IssueRow
from tui.app import LiaisonApp
from tui.i18n import catalogue as texts
from tui.i18n import t
from tui.messages import Place


def _help_rows(app: LiaisonApp) -> dict[str, str]:
    """The help modal's key table: key shown → description."""
    modal = app.screen
    assert isinstance(modal, HelpModal)
    return {key: description for key, description, _ in modal.rows}


def _help_text(app: LiaisonApp) -> str:
    return "\n".join(content(s) for s in app.screen.query(Static))


async def test_help_and_footer_on_every_screen(
    desk: LiaisonApp, make_issue: Callable[..., IssueRow]
) -> None:
    """On each screen the footer fits 80 columns; on triage and the board `?` lists the
    screen's own keys and what it is for, and Esc closes it."""
    issue = make_issue()
    seen: dict[str, list[str]] = {}

    def check_footer(name: str) -> None:
        keys = footer_keys(desk)
        assert keys, name
        seen[name] = descriptions(keys)
        assert footer_width(desk) <= 80, (name, seen[name])
        for key in keys:
            assert key.region.right <= 80, (name, key.description)

    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(desk.screen, DashboardScreen)
        check_footer("dashboard")

        await press(pilot, "t")
        triage = desk.screen
        assert isinstance(triage, TriageScreen)
        check_footer("triage")
        await press(pilot, "question_mark")
        assert isinstance(desk.screen, HelpModal)
        keys = _help_rows(desk)
        assert keys["1"] == "村级" and keys["2"] == "乡级" and keys["3"] == "县级"
        assert keys["u"] == t("key.unit") and keys["l"] == t("key.link")
        shown = _help_text(desk)
        assert t("help.triage") in shown
        for word in ("村级", "乡级", "县级", t("key.link")):
            assert word in shown
        await press(pilot, "escape")
        assert desk.screen is triage

        await press(pilot, "b")
        board = desk.screen
        assert isinstance(board, BoardScreen)
        check_footer("board")
        await press(pilot, "question_mark")
        keys = _help_rows(desk)
        assert keys["f"] == t("key.filter") and keys["n"] == t("key.log_visit")
        assert t("help.board") in _help_text(desk)
        await press(pilot, "escape")
        assert desk.screen is board

        await press(pilot, "enter")
        assert isinstance(desk.screen, IssueScreen) and desk.screen.issue_id == issue.id
        check_footer("issue")
        await press(pilot, "escape")
        await press(pilot, "n")
        assert isinstance(desk.screen, LogVisitScreen)
        check_footer("log")

    # The footer shows each screen's own keys.
    assert t("key.log_visit") in seen["dashboard"]
    assert {"村级", "乡级", "县级"} <= set(seen["triage"])
    assert {t("key.progress"), t("key.close"), t("key.reopen")} <= set(seen["issue"])
    assert t("key.save") in seen["log"]


async def test_help_opens_from_the_log_form(desk: LiaisonApp) -> None:
    """On the form `?` is a character of the resident's words, so help is F1 there (shown in
    the footer); F1 opens help from any field."""
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = desk.screen
        assert isinstance(form, LogVisitScreen)
        assert t("key.help") in descriptions(footer_keys(desk))
        await press(pilot, "question_mark")
        assert desk.screen is form
        assert form.query_one("#phone", Input).value == "?"
        form.query_one("#phone", Input).value = ""
        await press(pilot, "f1")
        assert isinstance(desk.screen, HelpModal)
        assert t("help.log") in _help_text(desk)
        assert _help_rows(desk)["Ctrl+S"] == t("key.save")
        await press(pilot, "escape")
        assert desk.screen is form
        assert form.query_one("#phone", Input).value == ""


async def test_keys_are_named_in_the_interface_language(
    desk: LiaisonApp, make_issue: Callable[..., IssueRow]
) -> None:
    """Every key the footer or help names comes from the catalogue (STYLE §4): no built-in
    English labels (Select, Cursor up, palette…) in the Chinese interface."""
    make_issue()
    catalogue = {zh for forms in texts("zh").values() for zh in forms}
    foreign: dict[str, set[str]] = {}
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("d", "t", "b"):
            await press(pilot, key)
            named = set(descriptions(footer_keys(desk)))
            await press(pilot, "question_mark")
            named |= set(_help_rows(desk).values())
            await press(pilot, "escape")
            if named - catalogue:
                foreign[key] = named - catalogue
    assert foreign == {}


async def test_help_names_every_key_as_typed_and_says_what_it_does(
    desk: LiaisonApp, make_issue: Callable[..., IssueRow]
) -> None:
    """On every area and place, and on an issue's page: help shows `[` and `]`, never
    `left_square_bracket`, and a line on what each key does (`v 显示号码` had none). (On the
    small station: a screen's keys are the same with any data, and the demo's took 45 s.)"""
    make_issue()
    app = desk
    unnamed: dict[str, list[str]] = {}
    undescribed: dict[str, list[str]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        areas = ["dashboard", "triage", "board", "stats", "search", "hot_words", "sync"]
        for area in [*areas, *Place, "issue"]:
            if area == "issue":
                await app.action_go("board")
                await settle(pilot)
                await press(pilot, "enter")
                assert isinstance(app.screen, IssueScreen)
            elif area in areas:
                await app.action_go(area)
            else:
                app.open_place(Place(area))
            await settle(pilot)
            await press(pilot, "f1")
            assert isinstance(app.screen, HelpModal), area
            rows = app.screen.rows
            unnamed[area] = [key for key, _, _ in rows if "_" in key]
            undescribed[area] = [f"{key} {what}" for key, what, tip in rows if not tip.strip()]
            await press(pilot, "escape")
            if area not in areas:
                app.pop_screen()
                await settle(pilot)
    assert {a: keys for a, keys in unnamed.items() if keys} == {}
    assert {a: keys for a, keys in undescribed.items() if keys} == {}


async def test_the_palette_and_an_open_dropdown_speak_chinese(desk: LiaisonApp) -> None:
    """`Search for commands…`, Textual's own commands (Theme, Keys, Quit…), `No matches found`
    and `esc Dismiss menu` stayed English in the Chinese interface."""
    catalogue = {zh for forms in texts("zh").values() for zh in forms}
    async with desk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        palette = desk.screen
        assert isinstance(palette, CommandPalette)
        assert palette.query_one(CommandInput).placeholder in catalogue
        await pilot.pause(0.3)
        shown = [plain(o.prompt) for o in palette.query_one(CommandList).options]
        assert shown and [s for s in shown if s not in catalogue] == []
        await press(pilot, *"zzzq")
        await pilot.pause(0.8)
        shown = [plain(o.prompt).strip() for o in palette.query_one(CommandList).options]
        assert shown and [s for s in shown if s not in catalogue] == []
        await press(pilot, "escape")

        await press(pilot, "n")
        assert isinstance(desk.screen, LogVisitScreen)
        desk.screen.query_one("#village_id", Select).focus()
        await press(pilot, "enter")
        assert [d for d in descriptions(footer_keys(desk)) if d not in catalogue] == []


async def test_the_palette_finds_search_and_hot_words(desk: LiaisonApp) -> None:
    """`/` and `h` lead to search and the hot words, but the palette said 没有找到 to 搜索 and 热词:
    every place a key leads is in it too, for a deputy who does not know the key."""
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for words, screen in (("搜索", SearchScreen), ("热词", HotWordsScreen)):
            await press(pilot, "ctrl+p")
            await press(pilot, *words)
            await pilot.pause(0.5)
            palette = desk.screen
            assert isinstance(palette, CommandPalette)
            shown = [plain(o.prompt) for o in palette.query_one(CommandList).options]
            assert len(shown) == 1 and shown[0].startswith(words), shown
            await press(pilot, "enter")
            await settle(pilot)
            assert isinstance(desk.screen, screen)
            await press(pilot, "escape")
