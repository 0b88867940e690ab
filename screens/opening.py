"""What the desk shows while it opens the station database (the first paint, before the store).

One line and nothing else: a header, a footer and an animated indicator cost the UI thread
about a tenth of the CPU that start-up spends until the dashboard's figures, while the worker
behind this screen needs all of it (issue 4: a ready dashboard within 1.25x the stack floor)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Label

from tui.i18n import t


class OpeningScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Label(t("app.title") + "\n\n" + t("app.opening"), id="opening-label")
