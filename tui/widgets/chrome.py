"""Textual's widgets without their leaks (textual#6666).

A widget that watches a reactive of another object leaves its watcher on that object, and Textual
drops the entry only when that reactive next changes. Here the watched objects live as long as the
app and their reactives rarely or never change: the app's title and theme (watched by every
screen's header and every text area), the footer's `compact` (watched by each key it shows). So
every header, text area and footer key ever shown stayed alive, with what they held (a text
area's document: what a deputy typed), and every pass of the garbage collector walked them: the
county hub's tour went from 690 to 950 widgets, and a duty desk open all day would have kept tens
of thousands. `drop_closed_watchers` drops the entries of widgets that have closed, as Textual
does itself on a change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.widgets import Footer


def drop_closed_watchers(observed: DOMNode) -> None:
    """Forget the watchers of `observed`'s reactives whose widget has closed (removed, or its
    screen gone). Textual keeps them in the observed object's `__watchers`, by attribute."""
    for watchers in getattr(observed, "__watchers", {}).values():
        watchers[:] = [(node, fn) for node, fn in watchers if not (node._closing or node._closed)]


class DeskFooter(Footer):
    """Textual's Footer composes its keys again whenever a screen's bindings change (a row
    highlighted, a load finished) and binds each new key's `compact` to itself: the keys it
    removed are forgotten before the new ones are composed (47 more were kept for each visit to
    three screens)."""

    def compose(self) -> ComposeResult:
        drop_closed_watchers(self)
        yield from super().compose()
