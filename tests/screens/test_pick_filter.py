"""Every picker filters as you type (issue 17, part 6): by characters, and by the pinyin initials
or syllables of a name. Seen: pickers scrolled by arrow only (安全生产与消防 was the 21st of 28
categories), and nothing said that typing did anything."""

from __future__ import annotations

from desk_helpers import pick_options, press, screen_lines, settle

from screens.dialogs.pick import PickItem, PickModal
from tui.app import LiaisonApp
from tui.i18n import t

UNITS = [
    PickItem(None, "县级"),
    PickItem("water", "长兴县水利局"),
    PickItem("roads", "长兴县交通运输局"),
    PickItem(None, "乡级"),
    PickItem("build", "和平镇建设办"),
    PickItem("fire", "安全生产与消防"),
]


async def _open(desk: LiaisonApp, answers: list[str | None]) -> None:
    desk.push_screen(PickModal("承办单位", UNITS), answers.append)


async def test_typing_initials_or_characters_narrows_the_list_and_enter_picks(
    desk: LiaisonApp,
) -> None:
    answers: list[str | None] = []
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _open(desk, answers)
        await settle(pilot)
        assert any(t("pick.filter") in line for line in screen_lines(desk))
        await pilot.press(*"slj")
        await settle(pilot)
        assert [o[0] for o in pick_options(desk)] == ["water"]
        await press(pilot, "enter")
        await _open(desk, answers)
        await settle(pilot)
        await pilot.press(*"消防")
        await settle(pilot)
        assert [o[0] for o in pick_options(desk)] == ["fire"]
        await press(pilot, "enter")
    assert answers == ["water", "fire"]


async def test_arrows_move_past_headings_without_typing(desk: LiaisonApp) -> None:
    answers: list[str | None] = []
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _open(desk, answers)
        await settle(pilot)
        await press(pilot, "down")  # from 水利局 to 交通运输局
        await press(pilot, "down")  # past the heading 乡级 to 建设办
        await press(pilot, "enter")
    assert answers == ["build"]
