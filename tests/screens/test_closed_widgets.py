"""A desk left open all day does not keep the widgets of the screens it closed (textual#6666:
watchers left on long-lived objects; tui.widgets.chrome). Found measuring the county hub's tour:
the collector's full passes took 100–350 ms and grew through the day, with 126–156 more dead
widgets alive after each round of the screens below (footer keys, every issue page's header, the
log form's text area with what the deputy had typed)."""

from __future__ import annotations

import gc

from desk_helpers import settle
from textual.pilot import Pilot
from textual.widget import Widget

from tui.app import LiaisonApp

# Round the desk: the board and an issue's page with help over it, statistics and their charts,
# search, the log form, triage, the palette, the follow-up calls, the dashboard again.
ROUND = (
    *("b", "enter", "question_mark", "escape", "escape", "s", "c", "escape", "slash", "路"),
    *("escape", "n", "escape", "t", "escape", "ctrl+p", "escape", "h", "escape", "d"),
)


def _closed_widgets(app: LiaisonApp) -> list[str]:
    gc.collect()
    return [type(o).__name__ for o in gc.get_objects() if isinstance(o, Widget) and o._closed]


async def _round(pilot: Pilot[None]) -> None:
    for key in ROUND:
        await pilot.press(key)
        await settle(pilot)


async def test_rounds_of_the_desk_keep_no_closed_widget(desk: LiaisonApp) -> None:
    app = desk
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Every key is the desk in use: the collector's full passes wait for a quiet second
        # after it (tui.idle_collector).
        quiet_since = app.collector.last_input
        await _round(pilot)
        assert app.collector.last_input > quiet_since
        after_one = _closed_widgets(app)
        await _round(pilot)
        after_two = _closed_widgets(app)
    # At most one closed screen's more (forgotten at the next change of screen); a round kept
    # 126-156 more before.
    assert len(after_two) <= len(after_one) + 40, sorted(after_two)
