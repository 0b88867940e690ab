"""What the desk shows while it opens the station database (the first paint, before the store)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, LoadingIndicator

from tui.i18n import t


class OpeningScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(t("app.opening"), id="opening-label")
        yield LoadingIndicator()
        yield Footer()
