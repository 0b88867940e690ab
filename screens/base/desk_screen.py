"""What every screen shares: the store through the app, workers for store calls, error reports."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import date
from typing import Any, ClassVar, TypeVar, cast

from textual.app import ScreenStackError, UnknownModeError
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from store.changelog.changes import data_generation
from store.core.clock import today
from store.core.errors import StoreError
from tui.desk import Desk, HasDesk
from tui.i18n import Msg, shown, t
from tui.messages import Place

log = logging.getLogger("liaison")
R = TypeVar("R")
# How often the screen in front asks whether the database changed under it (another terminal,
# a command-line import, a sync): one indexed read of the change log's last entry.
REFRESH_SECONDS = 2.0


# The keys that work everywhere (docs/rules/keys-and-language.md): key, action on the app, label and
# tooltip.
GLOBAL_KEYS: dict[str, tuple[str, str, str, str]] = {
    "log-visit": ("n", "log_visit", t("key.log_visit"), t("tip.log_visit")),
    "triage": ("t", "go('triage')", t("key.triage"), t("tip.triage")),
    "board": ("b", "go('board')", t("key.board"), t("tip.board")),
    "dashboard": ("d", "go('dashboard')", t("key.dashboard"), t("tip.dashboard")),
    "stats": ("s", "go('stats')", t("key.stats"), t("tip.stats")),
    "search": ("slash", "go('search')", t("key.search"), t("tip.search")),
    "hot-words": ("h", "go('hot_words')", t("key.hot_words"), t("tip.hot_words")),
    "sync": ("y", "go('sync')", t("key.sync"), t("tip.sync")),
    "help": ("question_mark", "help", t("key.help"), t("tip.help")),
    "quit": ("q", "quit", t("key.quit"), t("tip.quit")),
}


def global_bindings() -> list[Binding]:
    """The app's own bindings. Only help shows in the footer: each screen shows the few global
    keys that matter there (`nav_bindings`), so that every footer fits 80 columns."""
    return [
        Binding(key, action, label, tooltip=tip, show=id_ == "help", id=id_)
        for id_, (key, action, label, tip) in GLOBAL_KEYS.items()
    ] + [
        # F1 works even where a text field takes `?`. Priority: no widget may keep it.
        Binding(
            "f1",
            "help",
            t("key.help"),
            tooltip=t("tip.help"),
            show=False,
            priority=True,
            id="help-f1",
        ),
        # Our own palette binding, so that its footer label comes from the catalogue.
        Binding(
            "ctrl+p",
            "command_palette",
            t("key.palette"),
            tooltip=t("tip.palette"),
            show=False,
            priority=True,
            id="palette",
        ),
    ]


def nav_bindings(*ids: str) -> list[Binding]:
    """Footer entries for some global keys, acting on the app."""
    out = []
    for id_ in ids:
        key, action, label, tip = GLOBAL_KEYS[id_]
        out.append(Binding(key, f"app.{action}", label, tooltip=tip, id=f"show-{id_}"))
    return out


# A global key's words on a county hub, by binding id (its footer entry's, `show-` + id, too).
HUB_WORDS: dict[str, tuple[Msg, Msg]] = {
    id_: (t("key.county"), t("tip.county")) for id_ in ("dashboard", "show-dashboard")
}


# Textual's own bindings that a footer shows (an open dropdown's Esc), in the catalogue's words.
TEXTUAL_LABELS: dict[str, Msg] = {"Dismiss menu": t("key.close_menu")}


def shown_binding(active: ActiveBinding) -> ActiveBinding:
    """An active binding with its description and tooltips in the current language."""
    binding = active.binding
    description = TEXTUAL_LABELS.get(binding.description, binding.description)
    if not isinstance(description, Msg) and not isinstance(binding.tooltip, Msg):
        return active
    binding = replace(binding, description=shown(description), tooltip=shown(binding.tooltip))
    return active._replace(binding=binding, tooltip=shown(active.tooltip))


class DeskScreen(Screen[Any]):
    """A screen of the desk. Store calls go through `run_store`, which runs them in a thread
    worker (never on the UI thread), hands the result to a callback on the UI thread, and turns
    failures into a one-line message in the interface language."""

    # What the screen is for, shown under its keys in help (`?`); HELP_EXTRA, paragraphs after it.
    HELP_TEXT: ClassVar[str] = ""
    HELP_EXTRA: ClassVar[tuple[str, ...]] = ()
    PLACE: ClassVar[Place | None] = None
    """The place this screen stands for (tui.messages.Place), if it is opened as one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._store_callbacks: dict[
            Worker[Any], tuple[Callable[[Any], None], Callable[[BaseException], bool]]
        ] = {}
        self._generation: int | None = None

    # -- following the database ----------------------------------------------------------------
    # Textual calls these besides a screen's own handlers of the same events.

    def on_mount(self) -> None:
        if callable(getattr(self, "reload", None)):
            self.set_interval(REFRESH_SECONDS, self.check_fresh, name="freshness")
            self.check_fresh()

    def on_screen_resume(self) -> None:
        self.check_fresh()

    def shown_again(self) -> bool:
        """Whether being resumed is being shown to the deputy again (its data read again), not
        being passed through on the way to the place the command palette's command opens."""
        return not self.desk.passing_through

    def _in_front(self) -> bool:
        try:
            return self.app.screen is self
        except (ScreenStackError, UnknownModeError):
            return False  # the app is closing: its timers can still fire (seen in a test run)

    def check_fresh(self) -> None:
        """Reload when the database changed since the screen last looked (never over a dialog,
        which may hold typed text: the screen waits until it is in front again)."""
        reload = getattr(self, "reload", None)
        if not callable(reload) or not self._in_front():
            return

        def seen(generation: int) -> None:
            known, self._generation = self._generation, generation
            # The log's last entry our own: the screen that wrote it has shown it already.
            ours = generation == self.desk.store.own_generation
            if known is not None and generation != known and not ours and self._in_front():
                reload()

        self.run_store(self._read_generation, seen, group="freshness_checks", exclusive=True)

    def _read_generation(self) -> int:
        with self.desk.store.read() as session:
            return data_generation(session)

    def help_text(self) -> str:
        """What help (`?`) says this screen is for: HELP_TEXT, unless the screen says otherwise
        where it stands."""
        return self.HELP_TEXT

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, with each description and tooltip in the current language: the footer,
        help and Textual's key panel read them here, and the labels were made when the classes
        were defined, perhaps in the other language."""
        found = {key: shown_binding(active) for key, active in super().active_bindings.items()}
        if self.desk.station.hub:
            # `d` leads to the county's dashboard there: nobody is on duty at a hub.
            for key, active in found.items():
                if active.binding.id in HUB_WORDS:
                    label, tip = (shown(w) for w in HUB_WORDS[active.binding.id])
                    binding = replace(active.binding, description=label, tooltip=tip)
                    found[key] = active._replace(binding=binding, tooltip=tip)
        return found

    def validate_title(self, title: object) -> str | None:
        # A catalogue text (Msg) stays one: the app's format_title shows it in the current language.
        return title if title is None or isinstance(title, str) else str(title)

    def validate_sub_title(self, sub_title: object) -> str | None:
        return self.validate_title(sub_title)

    @property
    def store_work(self) -> Collection[Worker[Any]]:
        """The store calls under way whose results are still to be shown: the keys typed after
        the one that started them wait for them (tui.typeahead)."""
        return self._store_callbacks.keys()

    @property
    def desk(self) -> Desk:
        """The session: store, station, deputy on duty (tui.desk)."""
        return cast(HasDesk, self.app).desk

    @property
    def today(self) -> date:
        return today(self.desk.store.clock)

    def run_store(
        self,
        job: Callable[[], R],
        on_done: Callable[[R], None],
        *,
        group: str,
        exclusive: bool = False,
        on_error: Callable[[BaseException], bool] | None = None,
    ) -> Worker[R]:
        """Run `job` in a thread; `on_done(result)` then runs on the UI thread.

        Args:
            group: the worker group (plural noun: `visit_loaders`, `issue_writers`).
            exclusive: cancel the group's older workers (a newer page supersedes an older one).
            on_error: may handle a failure itself (return True), e.g. a form marking fields.
        """
        if exclusive:
            # Textual cancels the group's older workers, and one cancelled before its task first
            # ran never says so (its state stays RUNNING): the board reloads on mounting and
            # again on being shown. Left here, it was store work for ever, and every key typed
            # after `b` waited for it until tui.typeahead's MAX_WAIT (two seconds).
            for older in [w for w in self._store_callbacks if w.group == group]:
                del self._store_callbacks[older]
        worker = self.run_worker(
            job, thread=True, group=group, exclusive=exclusive, exit_on_error=False
        )
        self._store_callbacks[worker] = (on_done, on_error or (lambda _exc: False))
        return worker

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        callbacks = self._store_callbacks.get(event.worker)
        if callbacks is None:
            return
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            del self._store_callbacks[event.worker]
        on_done, on_error = callbacks
        if event.state == WorkerState.SUCCESS:
            on_done(event.worker.result)
        elif event.state == WorkerState.ERROR and event.worker.error is not None:
            if not on_error(event.worker.error):
                self.report_error(event.worker.error)

    def report_error(self, exc: BaseException) -> None:
        """A store error as its catalogue message; anything else as a generic one. Never shows
        the exception text itself, which may quote residents' data."""
        if isinstance(exc, StoreError):
            self.notify(t(exc.key, **exc.params), severity="error")
            return
        log.error("unexpected %s in a store call", type(exc).__name__)
        self.notify(t("error.unexpected"), title=t("error.title"), severity="error", timeout=10)
