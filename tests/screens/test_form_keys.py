"""The log form in fewer keys (issue 17, part 6): Enter goes on to the next field a walk-in
still needs (a returning resident's phone leads straight to the words), a dropdown reached that
way opens, and an open dropdown finds its option by pinyin initials as the pick dialog does.
Seen: eight Tabs from the phone to the words, and a village found only by scrolling."""

from __future__ import annotations

from collections.abc import Callable

from desk_helpers import press, settle, type_at_once
from small_station import OTHER_VILLAGE, Refs
from textual.widgets import Input, Select, TextArea

from screens.log_visit import LogVisitScreen
from store.desk.visits import VisitRow
from tui.app import LiaisonApp


async def test_enter_after_a_returning_residents_phone_goes_to_the_words(
    desk: LiaisonApp, refs: Refs, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(phone="13812341234", name="王阿姨", village=OTHER_VILLAGE)
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Typed as fast as a terminal hands keys over: Enter arrives before the lookup ends.
        type_at_once(pilot, "n", *"13812341234", "enter")
        await settle(pilot)
        form = desk.screen
        assert isinstance(form, LogVisitScreen)
        assert form.query_one("#name", Input).value == "王阿姨"
        assert form.query_one("#village_id", Select).value == refs.villages[OTHER_VILLAGE]
        assert form.focused is form.query_one("#text", TextArea)


async def test_a_new_resident_goes_phone_name_village_words(desk: LiaisonApp, refs: Refs) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n", *"13900001111", "enter")
        form = desk.screen
        assert isinstance(form, LogVisitScreen)
        assert form.focused is form.query_one("#name", Input)
        await press(pilot, *"ab", "enter")
        village = form.query_one("#village_id", Select)
        # The village's list is open: `dt`, the initials of 东塘村, finds it.
        assert village.expanded
        await press(pilot, "d", "t", "enter")
        assert village.value == refs.villages[OTHER_VILLAGE]
        assert form.focused is form.query_one("#text", TextArea)


async def test_enter_with_nothing_left_empty_stays(desk: LiaisonApp) -> None:
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = desk.screen
        assert isinstance(form, LogVisitScreen)
        for field, value in (("#name", "王阿姨"), ("#phone", "13900001111")):
            form.query_one(field, Input).value = value
        form.query_one("#village_id", Select).value = form.query_one(
            "#village_id", Select
        )._options[1][1]
        form.query_one("#text", TextArea).text = "路灯坏了"
        form.query_one("#category_id", Select).value = form.query_one(
            "#category_id", Select
        )._options[1][1]
        form.query_one("#phone", Input).focus()
        await press(pilot, "enter")
        assert form.focused is form.query_one("#phone", Input)
