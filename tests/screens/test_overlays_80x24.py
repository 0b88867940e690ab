"""What is drawn over the screen at 80×24 (issue 17, part 4): a dropdown's options and a toast's
words are drawn whole, wide characters included, and a dropdown leaves the footer alone.

Textual cut a double-width character of a toast or a dropdown in two wherever a widget under it
began or ended, drawing two blanks: "已确  交接" over the dashboard, "  选择" for 请选择."""

from __future__ import annotations

import pytest
from desk_helpers import descriptions, footer_keys, plain, press, screen_lines, settle, visible
from textual.widgets import Footer, Select
from textual.widgets._select import SelectOverlay
from textual.widgets._toast import Toast

from screens.log_visit import LogVisitScreen
from tui.app import LiaisonApp
from tui.i18n import t

SIZE = (80, 24)


@pytest.mark.parametrize("select_id", ["village_id", "kind", "category_id"])
async def test_a_dropdown_shows_its_options_whole_above_the_footer(
    demo_desk: LiaisonApp, select_id: str
) -> None:
    """The log form's dropdowns, opened where they are (the category's at the foot of the
    screen): each option in view is drawn whole, and the last line is still the footer."""
    async with demo_desk.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = demo_desk.screen
        assert isinstance(form, LogVisitScreen)
        select = form.query_one(f"#{select_id}", Select)
        select.focus()
        await settle(pilot)
        await press(pilot, "enter")
        overlay = select.query_one(SelectOverlay)
        assert select.expanded and demo_desk.focused is overlay

        drawn = visible(demo_desk, overlay)
        top = overlay.scroll_offset.y
        shown = range(
            top, min(top + overlay.scrollable_content_region.height, overlay.option_count)
        )
        assert len(shown) >= 3
        for index in shown:
            prompt = plain(overlay.get_option_at_index(index).prompt)
            assert prompt in drawn, (prompt, drawn)

        footer = form.query_one(Footer)
        assert overlay.region.bottom <= footer.region.y, (overlay.region, footer.region)
        last = screen_lines(demo_desk)[-1]
        keys = descriptions(footer_keys(demo_desk))
        assert keys and all(key in last for key in keys), (keys, last)
        assert "^p" in last, last


async def test_a_toast_over_the_dashboard_shows_its_words_whole(demo_desk: LiaisonApp) -> None:
    """`a` acknowledges the handover on the dashboard: its toast reads 已确认交接 in full, and a
    longer one, over both panels, wraps without losing a character."""
    async with demo_desk.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        await pilot.pause()
        said = t("handover.acknowledged")
        assert any(said in line for line in screen_lines(demo_desk)), screen_lines(demo_desk)

        long = "，".join([said, *(t("handover.acknowledged") for _ in range(5))])
        demo_desk.notify(long)
        await settle(pilot)
        toast = next(
            toast for toast in demo_desk.screen.query(Toast) if long in plain(toast.render())
        )
        drawn = visible(demo_desk, toast).splitlines()
        assert "".join(line.strip(" ▌") for line in drawn) == long, drawn
