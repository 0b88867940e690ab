"""Snapshots of each main screen at 80×24 on the demo station (STYLE §9).

The demo is built from a fixed seed at a frozen instant, so its rows, dates and colours are the
same on every run; the cursor does not blink. Review a changed snapshot in the report pytest
writes before accepting it with `--snapshot-update`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from desk_helpers import hold_still, press, settle
from textual.pilot import Pilot

from screens.board import BoardScreen
from screens.dashboard import DashboardScreen
from screens.hot_words import HotWordsScreen, WordVisitsScreen
from screens.issue import IssueScreen
from screens.log_visit import LogVisitScreen
from screens.triage import TriageScreen
from tui.app import LiaisonApp

Compare = Callable[..., bool]


def _visit(*keys: str, expect: type) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Settle, press `keys`, settle again, and stop every cursor from blinking.

    The footer is then recomposed from the bindings active at that moment, so a footer that
    has not yet caught up with a change of focus cannot make one run differ from the next (it
    did on the board while the table's own Enter and PgDn shadowed the board's)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await press(pilot, key)
        await hold_still(pilot)
        assert isinstance(pilot.app.screen, expect), pilot.app.screen

    return run_before


def test_dashboard(snap_compare: Compare, demo_desk: LiaisonApp) -> None:
    assert snap_compare(demo_desk, run_before=_visit(expect=DashboardScreen))


def test_triage(snap_compare: Compare, demo_desk: LiaisonApp) -> None:
    assert snap_compare(demo_desk, run_before=_visit("t", expect=TriageScreen))


def test_board(snap_compare: Compare, demo_desk: LiaisonApp) -> None:
    assert snap_compare(demo_desk, run_before=_visit("b", expect=BoardScreen))


def test_issue(snap_compare: Compare, demo_desk: LiaisonApp) -> None:
    assert snap_compare(demo_desk, run_before=_visit("b", "enter", expect=IssueScreen))


def test_log_visit(snap_compare: Compare, demo_desk: LiaisonApp) -> None:
    assert snap_compare(demo_desk, run_before=_visit("t", "n", expect=LogVisitScreen))


def test_hot_words(snap_compare: Compare, demo_desk: LiaisonApp) -> None:
    """The rising words of 30 days, a story on one line with the words that rose with it."""
    assert snap_compare(demo_desk, run_before=_visit("h", expect=HotWordsScreen))


def test_word_visits(snap_compare: Compare, demo_desk: LiaisonApp) -> None:
    """The first word's visits, and how its count differs from a search's."""
    assert snap_compare(demo_desk, run_before=_visit("h", "enter", expect=WordVisitsScreen))
