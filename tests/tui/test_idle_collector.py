"""The collector's full passes wait for a quiet second at the desk (tui.idle_collector): left to
Python, one came every few screens, often between a key and the screen it opened, and stood the
app still for 100-450 ms on a county hub."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from tui.idle_collector import DUE_AFTER, FORCED_AFTER, IdleCollector, defer_full_passes


@pytest.fixture
def full_passes() -> Iterator[list[float]]:
    """The full passes started while the test runs; the collector's settings as they were."""
    thresholds = gc.get_threshold()
    started: list[float] = []

    def seen(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            started.append(1.0)

    gc.callbacks.append(seen)
    try:
        yield started
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*thresholds)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _young_passes(n: int) -> None:
    for _ in range(n):
        gc.collect(1)


def test_python_runs_no_full_pass_by_itself_once_deferred(full_passes: list[float]) -> None:
    defer_full_passes()
    before = gc.get_stats()[1]["collections"]
    # Objects that live on, enough to be a quarter of what the process holds (Python's own
    # condition for a full pass) and for dozens of the middle generation's passes.
    kept: list[object] = []
    for _ in range(max(600_000, len(gc.get_objects()))):
        kept.append([])
    assert gc.get_stats()[1]["collections"] - before > 5 * DUE_AFTER
    assert full_passes == []


def test_a_full_pass_waits_for_a_quiet_second(full_passes: list[float]) -> None:
    defer_full_passes()
    clock = Clock()
    collector = IdleCollector(clock)
    _young_passes(DUE_AFTER)
    collector.touch()
    clock.now += 0.5  # typing
    collector.tick()
    assert full_passes == []
    clock.now += 0.6  # a second since the last key
    collector.tick()
    assert len(full_passes) == 1
    clock.now += 5
    collector.tick()  # nothing due since
    assert len(full_passes) == 1


def test_a_full_pass_comes_anyway_when_the_desk_is_never_quiet(full_passes: list[float]) -> None:
    defer_full_passes()
    clock = Clock()
    collector = IdleCollector(clock)
    for _ in range(FORCED_AFTER // DUE_AFTER - 1):
        _young_passes(DUE_AFTER)
        collector.touch()
        collector.tick()
    assert full_passes == []
    _young_passes(DUE_AFTER)
    collector.tick()
    assert len(full_passes) == 1


def test_without_deferral_the_collector_leaves_python_alone(full_passes: list[float]) -> None:
    """Where start-up left the collector on (tests, `make_app`), Python's own passes stand."""
    clock = Clock()
    collector = IdleCollector(clock)
    _young_passes(DUE_AFTER)
    clock.now += 10
    collector.tick()
    assert full_passes == []
