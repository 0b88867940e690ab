"""Switching the interface language while the desk runs (the palette's 切换语言 / Switch language).

What a screen shows was made from the catalogue in the language of the moment: its widgets in
`compose`, its title and data when it mounted. So every screen the desk holds (each mode's
stack, modals included) is composed again and mounted again in the new language, keeping what
the deputy has typed. Labels made when a class was defined (key descriptions, column headings)
are `Msg`s, shown again in the current language by the footer, help and the palette."""

from __future__ import annotations

import asyncio
from inspect import isawaitable
from typing import Any, cast

from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, TextArea

from tui.i18n import LANGUAGES, language, set_language, t


def other_language() -> str:
    """The language the palette's command switches to: the one not shown now."""
    return next(lang for lang in LANGUAGES if lang != language())


async def switch_language(app: App[Any], lang: str | None = None) -> None:
    """Show the whole desk in `lang` (by default the other language) from now on."""
    set_language(lang or other_language())
    app.title = t("app.title")
    # Every mode's stack, bottom up: the screens under the top one show again when it closes.
    for stack in list(app._screen_stacks.values()):
        for screen in list(stack):
            await compose_again(screen)
    app.refresh_bindings()


async def compose_again(screen: Screen[Any]) -> None:
    """Compose `screen` again and run its mount handler again, as when it first opened (which
    sets its title, adds its table's columns, loads its data and focuses its first field),
    keeping what was typed in its fields.

    It runs in the screen's own message queue, as the screen's handlers do: a load that
    finishes meanwhile (a worker's result) is shown before or after, never into widgets that are
    being replaced."""
    if not screen.is_attached:
        return
    done = asyncio.Event()

    async def again() -> None:
        try:
            await _compose_again(screen)
        finally:
            done.set()

    screen.call_later(again)
    await done.wait()


async def _compose_again(screen: Screen[Any]) -> None:
    typed = _typed(screen)
    await screen.recompose()
    mounted = getattr(screen, "on_mount", None)
    if mounted is not None:
        result = mounted()
        if isawaitable(result):
            await result
    _retype(screen, typed)  # after: a screen may fill a field when it mounts (a default path)


def _typed(screen: Screen[Any]) -> dict[str, str]:
    """What the deputy typed, by field id."""
    typed = {}
    for field in screen.query("Input, TextArea"):
        if field.id is not None:
            typed[field.id] = (
                field.value if isinstance(field, Input) else cast(TextArea, field).text
            )
    return typed


def _retype(screen: Screen[Any], typed: dict[str, str]) -> None:
    for field in screen.query("Input, TextArea"):
        if field.id in typed:
            if isinstance(field, Input):
                field.value = typed[field.id]
            elif isinstance(field, TextArea):
                field.text = typed[field.id]
