"""The garbage collector's full passes, in the desk's idle moments.

A full pass walks every object the process holds (after start-up, 250,000 to 360,000 on a
county hub's tour: the widgets' render caches fill to their bounds) and stands the whole app
still for 100-450 ms. Left to Python, one came every few screens, often between a key and the
screen it opened (bench/hub_screens.py). Here the young generations are still collected as
Python would (each pass a millisecond or two), and the full passes wait for a moment with no key
typed: a second of quiet, when a pause is not seen. Should a deputy type for minutes without a
second's rest, a full pass comes anyway after as many young passes as Python would have allowed
ten times over, so that memory stays bounded."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

# Quiet before a full pass: longer than the gap between keys of someone typing or paging.
IDLE_SECONDS = 1.0
# How often the app looks (a timer: the check itself costs microseconds).
CHECK_SECONDS = 0.5
# Python runs a full pass after 10 passes of the middle generation (its third threshold).
DUE_AFTER = 10
FORCED_AFTER = 10 * DUE_AFTER
# A third threshold no count reaches: Python never starts a full pass by itself.
_NEVER = 1 << 30


def _middle_passes() -> int:
    return int(gc.get_stats()[1]["collections"])


class IdleCollector:
    """Runs the full passes the collector would have run, when the desk is idle."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.last_input = clock()
        self._passes_at_last_full = _middle_passes()

    def start(self, app: App[Any]) -> None:
        app.set_interval(CHECK_SECONDS, self.tick, name="idle-collector")

    def touch(self) -> None:
        """A key, click or paste: the desk is in use."""
        self.last_input = self._clock()

    def tick(self) -> None:
        """A full pass now if one is due and the desk has been quiet, or one is long overdue."""
        if gc.get_threshold()[2] != _NEVER:
            return  # start-up has not handed the full passes over yet (defer_full_passes)
        since = _middle_passes() - self._passes_at_last_full
        quiet = self._clock() - self.last_input >= IDLE_SECONDS
        if (since >= DUE_AFTER and quiet) or since >= FORCED_AFTER:
            gc.collect()
            self._passes_at_last_full = _middle_passes()


def defer_full_passes() -> None:
    """From now on the young generations only are Python's to collect; IdleCollector runs the
    full passes."""
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, _NEVER)
