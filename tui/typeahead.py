"""Keys typed faster than the desk opens screens, handled one after another (spec §6: keys typed
while a screen opens land in it).

Textual hands a key to the focused widget at once and moves on to the next key; a key bound on a
screen or on the app (`n` opens the log form) acts only when it has bubbled back up to the app.
By then the keys typed after it have gone to the old screen's widget, and are lost (`n` then the
phone at once: the form opened empty). So the app hands over one key at a time: a marker
(`KeyHandled`) follows each key along the same path and reaches the app after it, and only then,
once whatever screen the key opened has mounted and taken its focus, does the next key go. Keys
and pastes that arrive meanwhile wait, in order. A paste loses its control characters on the way
(spec §8), whichever field it lands in."""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from itertools import count
from time import monotonic
from typing import Any

from textual import events
from textual.app import App
from textual.message import Message
from textual.widget import Widget

from store.core.validation import strip_controls

# A marker that never comes back was dropped with its widget (a dialog that the key closed):
# after this long, with the widget gone, the next key goes anyway; with the widget still there,
# after MAX_WAIT (a key's work may take a while: saving, opening a large page).
CHECK_AFTER = 0.1
MAX_WAIT = 2.0


class KeyHandled(Message):
    """Follows a key up from the widget it went to: the key has been handled when it arrives."""

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number


class TypeAhead:
    """The app's keys and pastes, handed over one at a time (see the module's docstring).

    The app passes every key and paste from the terminal to `arrived`, and every `KeyHandled`
    to `handled`; `deliver` is Textual's own handling of a key or paste by the app."""

    def __init__(self, app: App[Any], deliver: Callable[[events.Event], Awaitable[None]]) -> None:
        self._app = app
        self._deliver = deliver
        self._waiting: deque[events.Key | events.Paste] = deque()
        self._numbers = count(1)
        # The key being handled: its number, the widget it went to, and since when.
        self._pending: tuple[int, Widget, float] | None = None

    @property
    def busy(self) -> bool:
        """Whether a key or paste is being handled or waits its turn."""
        return self._pending is not None or bool(self._waiting)

    async def arrived(self, event: events.Key | events.Paste) -> None:
        if isinstance(event, events.Paste):
            event = events.Paste(strip_controls(event.text))
        if self._pending is not None or self._waiting:
            self._waiting.append(event)
            return
        await self._send(event)

    def handled(self, message: KeyHandled) -> None:
        if self._pending is not None and self._pending[0] == message.number:
            self._done()

    async def _send(self, event: events.Key | events.Paste) -> None:
        app = self._app
        target: Widget = app.focused or app.screen
        number = next(self._numbers)
        self._pending = (number, target, monotonic())
        await self._deliver(event)
        target.post_message(KeyHandled(number))
        app.set_timer(CHECK_AFTER, lambda: self._check(number))

    def _done(self) -> None:
        self._pending = None
        if self._waiting:
            # After what is already queued: the focus that a screen opened by the key asked for
            # on mounting (Widget.focus is itself a call_later).
            self._app.call_later(self._next)

    async def _next(self) -> None:
        if self._pending is not None or not self._waiting:
            return
        if not self._app.screen.is_mounted:
            self._app.set_timer(CHECK_AFTER / 10, self._next)
            return
        await self._send(self._waiting.popleft())

    def _check(self, number: int) -> None:
        """The marker is late: go on if its widget has gone, or after MAX_WAIT."""
        if self._pending is None or self._pending[0] != number:
            return
        _, target, since = self._pending
        alive = target.is_attached and target.is_running
        if alive and monotonic() - since < MAX_WAIT:
            self._app.set_timer(CHECK_AFTER, lambda: self._check(number))
            return
        self._done()
