"""Helpers for driving the desk headless and reading back what it shows.

`settle` waits until the keys typed, the app's thread workers and the callbacks they post have
all run; `visible` and `content` give a widget's text as the user sees it (cropped to the
screen) or in full; `rows` turns a DataTable into plain strings; `type_at_once` types as fast as
a terminal hands keys over."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.text import Text
from textual import events
from textual.app import App
from textual.content import Content
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Footer, OptionList
from textual.widgets._footer import FooterKey
from textual.worker import WorkerCancelled, WorkerFailed, WorkerState

from screens.dialogs.pick import PickModal
from tui.app import LiaisonApp

ESC = "\x1b"


def _busy(app: App[Any]) -> bool:
    if isinstance(app, LiaisonApp) and app.typeahead.busy:
        return True
    return any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for the keys typed (tui.typeahead), the workers, the callbacks they post, and the
    workers those callbacks start.

    A worker that fails is the app's to report, so it is not raised here; an app that crashed
    is, with its own exception, so that the test fails on the cause."""
    app = pilot.app
    for _ in range(50):
        _raise_crash(app)
        try:
            await app.workers.wait_for_complete()
        except (WorkerFailed, WorkerCancelled):
            pass
        await pilot.pause()
        await pilot.pause()
        _raise_crash(app)
        if not _busy(app):
            return
    raise AssertionError("the app's workers never settled")


def _raise_crash(app: App[Any]) -> None:
    if app._exception is not None:
        raise AssertionError(f"the app crashed: {app._exception!r}") from app._exception


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys, then settle."""
    await pilot.press(*keys)
    await settle(pilot)


def type_at_once(pilot: Pilot[Any], *keys: str | events.Paste) -> None:
    """Hand the app every key (a name, one character, or a Paste) at once, as a terminal does
    with keys typed faster than the app handles them (or `tmux send-keys "n139…"`): nothing
    waits between them, unlike `pilot.press`. `settle` afterwards."""
    app = pilot.app
    driver = app._driver
    assert driver is not None
    for key in keys:
        if isinstance(key, events.Paste):
            event: events.Event = key
        else:
            name = key if len(key) != 1 or key.isalnum() else _character_to_key(key)
            event = events.Key(name, key if len(key) == 1 else None)
        event.set_sender(app)
        driver.send_message(event)


def plain(value: object) -> str:
    """A cell, label or renderable as plain text."""
    if isinstance(value, Text):
        return value.plain
    if isinstance(value, Content):
        return value.plain
    if isinstance(value, str):
        return value
    console = Console(
        width=120, file=io.StringIO(), record=True, color_system=None, legacy_windows=False
    )
    console.print(value)
    return console.export_text()


def content(widget: Widget) -> str:
    """Everything a Static or Label holds, scrolled out of view or not, as plain text."""
    held = getattr(widget, "content", None)
    return plain(widget.render() if held is None else held)


def screen_lines(app: App[Any]) -> list[str]:
    """The active screen as the terminal shows it, one string a line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def visible(app: App[Any], widget: Widget) -> str:
    """The part of the screen that `widget` covers, as the user sees it (clipped by the
    containers that scroll it)."""
    region = app.screen.find_widget(widget).visible_region
    strips = app.screen._compositor.render_strips()
    lines = []
    for y in range(region.y, min(region.bottom, len(strips))):
        lines.append(strips[y].crop(region.x, region.right).text)
    return "\n".join(lines)


def shown_whole(app: App[Any], widget: Widget) -> bool:
    """`widget` is drawn whole: inside the terminal, not clipped by what scrolls it, not under
    the footer."""
    region = widget.region
    seen = app.screen.find_widget(widget).visible_region
    footers = list(app.screen.query(Footer))
    floor = footers[0].region.y if footers else app.screen.size.height
    return bool(region.height) and seen == region and region.bottom <= floor


# Attributes a terminal without colour still shows, and how `monochrome` marks them.
ATTRIBUTES = {"bold": "B", "reverse": "R", "underline": "U", "italic": "I", "strike": "S"}


def monochrome(app: App[Any], widget: Widget, *, marks: bool = True) -> list[str]:
    """The part of the screen `widget` covers as a terminal without colour shows it: each line's
    text, and (with `marks`) `{BR}` before a run of cells drawn bold and reversed, `{U}`
    underlined, and so on; colours left out."""
    region = app.screen.find_widget(widget).visible_region
    strips = app.screen._compositor.render_strips()
    lines = []
    for y in range(region.y, min(region.bottom, len(strips))):
        line, last = [], ""
        for segment in strips[y].crop(region.x, region.right):
            style = segment.style
            shown = "".join(
                mark for name, mark in ATTRIBUTES.items() if style and getattr(style, name)
            )
            if marks and shown != last:
                line.append(f"{{{shown}}}")
                last = shown
            line.append(segment.text)
        lines.append("".join(line).rstrip())
    return lines


def rows(table: DataTable[Any]) -> list[list[str]]:
    """Every row of a DataTable as plain strings, top to bottom."""
    return [[plain(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def row_keys(table: DataTable[Any]) -> list[str]:
    return [str(row.key.value) for row in table.ordered_rows]


def cursor_key(table: DataTable[Any]) -> str | None:
    if not table.row_count:
        return None
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


def notes(app: App[Any]) -> list[str]:
    """The messages of the notifications (toasts) currently shown."""
    return [n.message for n in app._notifications]


def pick_options(app: App[Any]) -> list[tuple[str | None, str, bool]]:
    """The open PickModal's options: (id, text, disabled)."""
    assert isinstance(app.screen, PickModal), app.screen
    options = app.screen.query_one("#pick-list", OptionList)
    return [(o.id, plain(o.prompt), o.disabled) for o in options.options]


async def pick(pilot: Pilot[Any], option_id: str) -> None:
    """Highlight `option_id` in the open PickModal and press Enter, as a user would."""
    app = pilot.app
    assert isinstance(app.screen, PickModal), app.screen
    options = app.screen.query_one("#pick-list", OptionList)
    options.highlighted = options.get_option_index(option_id)
    await pilot.pause()
    await press(pilot, "enter")


def footer_keys(app: App[Any]) -> list[FooterKey]:
    return list(app.screen.query_one(Footer).query(FooterKey))


def footer_width(app: App[Any]) -> int:
    """The columns the footer's keys take side by side (palette key included)."""
    return sum(key.outer_size.width for key in footer_keys(app))


def descriptions(keys: Iterable[FooterKey]) -> list[str]:
    return [key.description for key in keys]


async def hold_still(pilot: Pilot[Any]) -> None:
    """Make the screen the same on every run before a snapshot: no blinking cursor, no toast
    (a toast lives 5 s, which a loaded machine's slower steps outlast or not), and the footer
    recomposed from the bindings of this moment (one that had not caught up with a change of
    focus made runs differ)."""
    from textual.widgets import Input, TextArea

    for widget in pilot.app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False
    pilot.app.clear_notifications()
    pilot.app.screen.refresh_bindings()
    await settle(pilot)
