"""Board colours as theme variables, always paired with their glyph (● ▲ ■), and in charts with
a fill pattern (█ ▓ ░)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from store.core.models import Colour

if TYPE_CHECKING:
    from textual.app import App

# A theme may define `board-green` and friends; otherwise the semantic success/warning/error.
COLOUR_VARIABLES = {
    Colour.green: ("board-green", "success"),
    Colour.yellow: ("board-yellow", "warning"),
    Colour.red: ("board-red", "error"),
}

# How a colour fills a chart's bars, so that a chart reads without colour too (NO_COLOR).
PATTERNS = {Colour.red: "█", Colour.yellow: "▓", Colour.green: "░"}


def colour_style(app: App[object], colour: Colour) -> Style:
    variables = app.theme_variables
    own, fallback = COLOUR_VARIABLES[colour]
    value = variables.get(own) or variables.get(fallback)
    return Style(color=value, bold=colour == Colour.red) if value else Style()


def badge(app: App[object], colour: Colour, text: str = "") -> Text:
    """The colour's glyph, styled, optionally followed by plain text."""
    # Styled spans, not a base style: whatever the caller appends stays unstyled.
    out = Text()
    out.append(colour.glyph, style=colour_style(app, colour))
    if text:
        out.append(" " + text, style=colour_style(app, colour))
    return out


def legend(app: App[object], colours: list[Colour], names: list[str]) -> Text:
    """A chart's legend: each colour's pattern and glyph, styled, and its name (`█ ■ 红`)."""
    out = Text()
    for colour, name in zip(colours, names, strict=True):
        if out:
            out.append("   ")
        out.append(f"{PATTERNS[colour]} {colour.glyph}", style=colour_style(app, colour))
        out.append(f" {name}")
    return out
