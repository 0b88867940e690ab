"""Snapshots of the search screen at 80×24 on the demo station (STYLE §9): its welcome, and the
visits that mention 飞线 with the words highlighted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desk_helpers import hold_still, press, settle
from textual.pilot import Pilot

from screens.search import SearchScreen
from tui.app import LiaisonApp

Compare = Callable[..., bool]


def _search(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press(pilot, "slash")
        for key in keys:
            await press(pilot, key)
        await hold_still(pilot)
        assert isinstance(pilot.app.screen, SearchScreen), pilot.app.screen

    return run_before


def test_search_welcome(snap_compare: Compare, demo_desk: LiaisonApp) -> None:
    assert snap_compare(demo_desk, run_before=_search())


def test_search_visits(snap_compare: Compare, demo_desk: LiaisonApp) -> None:
    assert snap_compare(demo_desk, run_before=_search("飞", "线", "down", "right"))
