"""The language switches while the desk runs (palette: 切换语言 / Switch language): the footer,
the header and the screen change at once, on every screen the desk holds, and what the deputy
typed stays. Labels made when the classes were defined follow the current language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from desk_helpers import descriptions, footer_keys, footer_width, press, screen_lines, settle
from english_desk import chinese_leaks
from small_station import Refs
from textual.pilot import Pilot
from textual.widgets import Input

from screens.dialogs.help import HelpModal
from store.changelog.changes import Actor
from store.db import Store
from store.duty.dashboard import start_duty
from store.station import load_station
from tui.app import LiaisonApp, make_app
from tui.i18n import catalogue, language, set_language
from tui.language import switch_language

CHINESE = {zh for forms in catalogue("zh").values() for zh in forms}


@pytest.fixture
def desk(store: Store, actor: Actor, refs: Refs) -> Iterator[LiaisonApp]:
    """The desk in Chinese on the small station, 沈国强 on duty."""
    with store.write(actor) as session:
        start_duty(session=session, deputy_id=refs.deputies["沈国强"])
    yield make_app(store, load_station(store), lang="zh")
    set_language("zh")


def _footer(app: LiaisonApp) -> list[str]:
    app.screen.refresh_bindings()
    return descriptions(footer_keys(app))


async def _palette(pilot: Pilot[None], words: str) -> None:
    """Run the palette's first command that `words` finds."""
    await press(pilot, "ctrl+p")
    await pilot.press(*words)
    await pilot.pause(0.3)  # the palette searches in a worker of its own
    await press(pilot, "enter")


async def test_the_palette_switches_the_desk_to_english_and_back(desk: LiaisonApp) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "登记来访" in _footer(desk)
        assert "值班台" in screen_lines(desk)[0] and "当前值班：沈国强" in screen_lines(desk)[0]

        await _palette(pilot, "English")
        await settle(pilot)
        assert language() == "en"
        footer = _footer(desk)
        assert {"Log visit", "Triage", "Board", "Help"} <= set(footer), footer
        assert footer_width(desk) <= 80
        lines = screen_lines(desk)
        assert "Duty dashboard" in lines[0] and "At the desk: 沈国强" in lines[0], lines[0]
        text = "\n".join(lines)
        assert "Visits today" in text and "Last handover" in text
        assert chinese_leaks(text) == []

        await _palette(pilot, "Switch language")
        await settle(pilot)
        assert language() == "zh"
        assert "登记来访" in _footer(desk)
        assert "当前值班：沈国强" in screen_lines(desk)[0]
        assert "今日来访" in "\n".join(screen_lines(desk))


@pytest.mark.parametrize("key", ["t", "b", "s", "slash", "h", "y"])
async def test_every_main_screen_shows_in_the_new_language(desk: LiaisonApp, key: str) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, key)
        await switch_language(desk, "en")
        await settle(pilot)
        footer = _footer(desk)
        assert footer and not set(footer) & CHINESE, footer
        assert footer_width(desk) <= 80, footer
        text = "\n".join(screen_lines(desk))
        assert chinese_leaks(text) == [], text
        # The dashboard, under another mode, was composed again too.
        await desk.switch_mode("dashboard")
        await settle(pilot)
        assert "Visits today" in "\n".join(screen_lines(desk))


async def test_help_and_typed_text_after_a_switch(desk: LiaisonApp) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "n")
        desk.screen.query_one("#name", Input).value = "王阿姨"
        await switch_language(desk, "en")
        await settle(pilot)
        assert desk.screen.query_one("#name", Input).value == "王阿姨"
        assert "Save" in _footer(desk)
        await press(pilot, "f1")
        assert isinstance(desk.screen, HelpModal)
        assert "Save" in [description for _, description, _ in desk.screen.rows]
        assert chinese_leaks("\n".join(screen_lines(desk)), "王阿姨") == []
