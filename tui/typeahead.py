"""Keys typed faster than the desk opens screens, handled one after another (spec §6: keys typed
while a screen opens land in it).

Textual hands a key to the focused widget at once and moves on to the next key; a key bound on a
screen or on the app (`n` opens the log form) acts only when it has bubbled back up to the app.
By then the keys typed after it have gone to the old screen's widget, and are lost (`n` then the
phone at once: the form opened empty). So the app hands over one key at a time, as if typed
slowly. The next key goes when:

- the key has been handled: a marker (`KeyHandled`) follows it along the same path and reaches
  the app after it;
- the store calls it started (`DeskScreen.run_store`) have shown their results, unless it was
  typed into a text field: `1` on triage loads the units, then opens the picker that the Enter
  after it chooses in; `b` loads the board's rows that the ↓ after it moves over;
- a screen it opened has mounted and taken its focus.

Keys and pastes that arrive meanwhile wait, in order. A paste loses its control characters on
the way (spec §8), whichever field it lands in. Nothing waits for ever: a marker dropped with
the dialog the key closed, or work that takes long (a report), lets the next key go after
MAX_WAIT at the latest."""

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
from textual.widgets import Input, TextArea
from textual.worker import Worker

from store.core.validation import strip_controls
from tui.duty_seat import SEAT_WORK

# How often a key's progress is checked when no marker says so, and the longest a key holds the
# next one (a marker lost with its widget, or a long store call).
CHECK_AFTER = 0.02
MAX_WAIT = 2.0


class KeyHandled(Message):
    """Follows a key up from the widget it went to: the key has been handled when it arrives."""

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number


def store_work(app: App[Any]) -> set[Worker[Any]]:
    """The store calls under way whose results are still to be shown: the app's screens', and
    the duty seat's (`w` reads the deputies, then opens the chooser the initials after it go to)."""
    screens = {w for screen in app.screen_stack for w in getattr(screen, "store_work", ())}
    seat = {w for w in app.workers if w.group == SEAT_WORK and not w.is_finished}
    return screens | seat


class TypeAhead:
    """The app's keys and pastes, handed over one at a time (see the module's docstring).

    The app passes every key and paste from the terminal to `arrived`, and every `KeyHandled`
    to `handled`; `deliver` is Textual's own handling of a key or paste by the app."""

    def __init__(self, app: App[Any], deliver: Callable[[events.Event], Awaitable[None]]) -> None:
        self._app = app
        self._deliver = deliver
        self._waiting: deque[events.Key | events.Paste] = deque()
        self._numbers = count(1)
        # The key being handled: since when, the marker on its way back and the widget it went
        # to, the store calls under way before it.
        self._since: float | None = None
        self._marker: tuple[int, Widget] | None = None
        self._before: set[Worker[Any]] = set()
        self._typed_text = False

    @property
    def busy(self) -> bool:
        """Whether a key or paste is being handled or waits its turn."""
        return self._since is not None or bool(self._waiting)

    async def arrived(self, event: events.Key | events.Paste) -> None:
        if isinstance(event, events.Paste):
            event = events.Paste(strip_controls(event.text))
        if self.busy:
            self._waiting.append(event)
            return
        await self._send(event)

    def handled(self, message: KeyHandled) -> None:
        if self._marker is not None and self._marker[0] == message.number:
            self._marker = None
            self._await_work()

    async def _send(self, event: events.Key | events.Paste) -> None:
        app = self._app
        target: Widget = app.focused or app.screen
        number = next(self._numbers)
        self._since = monotonic()
        self._marker = (number, target)
        self._before = store_work(app)
        self._typed_text = isinstance(target, Input | TextArea)
        await self._deliver(event)
        target.post_message(KeyHandled(number))
        app.set_timer(CHECK_AFTER * 5, self._check_marker)

    def _check_marker(self) -> None:
        """The marker is late: go on if its widget has gone, or after MAX_WAIT."""
        if self._marker is None or self._since is None:
            return
        target = self._marker[1]
        if target.is_attached and target.is_running and not self._too_long():
            self._app.set_timer(CHECK_AFTER * 5, self._check_marker)
            return
        self._marker = None
        self._await_work()

    def _await_work(self) -> None:
        # Every store call started since the key, those its results started included: `t`
        # loads the triage queue, whose rows then load the visit under the cursor that the `1`
        # after it acts on. Text typed into a field waits for nothing more (a search as you
        # type, a phone looked up as it is typed): the field keeps up with the typing.
        work = set() if self._typed_text else store_work(self._app) - self._before
        if work and not self._too_long():
            self._app.set_timer(CHECK_AFTER, self._await_work)
            return
        self._done()

    def _too_long(self) -> bool:
        return self._since is None or monotonic() - self._since > MAX_WAIT

    def _done(self) -> None:
        self._since, self._before = None, set()
        if self._waiting:
            # After what is already queued: the focus that a screen opened by the key asked for
            # on mounting (Widget.focus is itself a call_later).
            self._app.call_later(self._next)

    async def _next(self) -> None:
        if self._since is not None or not self._waiting:
            return
        if not self._app.screen.is_mounted:
            self._app.set_timer(CHECK_AFTER, self._next)
            return
        await self._send(self._waiting.popleft())
