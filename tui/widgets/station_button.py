"""The button naming the station the board and statistics show (a county hub only)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Button

from tui.i18n import t


def station_button(button: Button, name: str) -> None:
    """Show `name` (a station, or all of them) and the key that changes it on `button`."""
    text = t("station.button", name=name)
    button.label = text
    # An auto width is measured once; a new label needs its own (CJK cells are double).
    button.styles.width = cell_len(text) + 2
