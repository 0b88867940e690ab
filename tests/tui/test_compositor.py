"""The spans of a line covered by widgets in front (tui.compositor): an edge is hidden only when
the cells on both its sides are covered. The whole compositor is tested through what the screen
shows: tests/screens/test_overlays_80x24.py."""

from __future__ import annotations

from tui.compositor import CoveredSpans


def test_an_edge_inside_a_span_is_hidden_its_own_edges_are_not() -> None:
    covered = CoveredSpans()
    covered.add(10, 20)
    assert [x for x in range(8, 23) if covered.inside(x)] == list(range(11, 20))


def test_spans_that_touch_or_overlap_merge() -> None:
    covered = CoveredSpans()
    covered.add(30, 40)
    covered.add(0, 5)
    covered.add(5, 12)  # touches [0, 5): 5 is covered on both sides now
    covered.add(35, 50)
    covered.add(20, 25)
    assert (covered.starts, covered.ends) == ([0, 20, 30], [12, 25, 50])
    assert covered.inside(5) and covered.inside(45)
    assert not covered.inside(12) and not covered.inside(20) and not covered.inside(27)
    covered.add(11, 31)
    assert (covered.starts, covered.ends) == ([0], [50])
