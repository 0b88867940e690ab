"""Table cells that respect CJK double width and never interpret residents' text."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text


def fit(value: str, width: int, style: str = "") -> Text:
    """Plain text cut to `width` terminal cells with an ellipsis: never markup, never wider."""
    text = Text(value.replace("\n", " "), style=style, no_wrap=True, overflow="ellipsis")
    if cell_len(text.plain) > width:
        text.truncate(width, overflow="ellipsis")
    return text


def plain(value: str, style: str = "") -> Text:
    """Residents' words as literal text: `[bold]` stays `[bold]`, escapes are already gone."""
    return Text(value, style=style)
