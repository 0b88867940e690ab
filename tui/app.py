"""The Textual app: modes, global keys, the deputy on duty. Screens do the work.

Opened from the command line, the app paints first and loads the store (SQLModel and the models
take most of a second to import) in a worker behind an opening screen."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.screen import Screen

from screens.base import global_bindings
from screens.help import HelpModal
from screens.opening import OpeningScreen
from screens.pick import PickItem, PickModal
from tui.commands import DeskCommands
from tui.i18n import set_language, t

if TYPE_CHECKING:
    from store.changes import Actor
    from store.db import Store
    from store.reference import Choice
    from store.station import StationInfo

# The screens behind the global keys, imported when first needed (after the store has loaded).
SCREENS_BY_MODE = {
    "dashboard": ("screens.dashboard", "DashboardScreen"),
    "triage": ("screens.triage", "TriageScreen"),
    "board": ("screens.board", "BoardScreen"),
    "stats": ("screens.stats", "StatsScreen"),
    "search": ("screens.search", "SearchScreen"),
    "hot_words": ("screens.hot_words", "HotWordsScreen"),
}


def _screen_class(module: str, name: str) -> type[Screen[Any]]:
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def _lazy(module: str, name: str) -> Callable[[], Screen[Any]]:
    return lambda: _screen_class(module, name)()


def _is(screen: Screen[Any], module: str, name: str) -> bool:
    """isinstance without importing a screen module that has not been loaded yet."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(screen, getattr(loaded, name))


class LiaisonApp(App[None]):
    CSS_PATH = "app.tcss"
    MODES = {mode: _lazy(*where) for mode, where in SCREENS_BY_MODE.items()}
    COMMANDS = App.COMMANDS | {DeskCommands}
    BINDINGS = global_bindings()

    def __init__(
        self,
        store: Store | None = None,
        station: StationInfo | None = None,
        *,
        db_path: Path | None = None,
    ) -> None:
        super().__init__()
        # Either an open store (tests, embedding) or a path to open once the app has painted.
        self._store = store
        self._station = station
        self.db_path = db_path
        self.deputy_id: str | None = None
        self.deputy_name: str = ""
        # The on-duty deputy's shift today: what their handover note is signed on.
        self.shift_id: str | None = None
        # The issue the deputy last triaged: the board opens on it next time.
        self.last_issue_id: str | None = None
        # The mode the deputy came from: Esc in search goes back to it.
        self.mode_before = "dashboard"
        # Set when the app opened the store itself: desk_shown then loads the other screens.
        self._warm_pending = False
        self.title = t("app.title")
        self.sub_title = station.name if station else ""

    @property
    def store(self) -> Store:
        assert self._store is not None, "the store is opened before any screen uses it"
        return self._store

    @property
    def store_ready(self) -> bool:
        return self._store is not None

    @property
    def station(self) -> StationInfo:
        assert self._station is not None
        return self._station

    @property
    def actor(self) -> Actor:
        """Every write is attributed to this device and the deputy on duty."""
        return self.station.actor(self.deputy_id)

    def on_mount(self) -> None:
        if self._store is not None:
            self._start_desk()
            return
        self.push_screen(OpeningScreen())
        self._open_store()

    # -- opening the station ----------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="store_openers")
    def _open_store(self) -> None:
        from store.errors import StoreError

        assert self.db_path is not None
        upgraded: list[Path] = []
        try:
            from store.station import load_station, open_store

            store = open_store(self.db_path, on_backup=upgraded.append)
            station = load_station(store)
            # Only the first screen's module here, off the UI thread: the others load once its
            # figures are shown (desk_shown), so they never delay them.
            _screen_class(*SCREENS_BY_MODE["dashboard"])
        except StoreError as exc:
            self.call_from_thread(self.exit, None, 1, t(exc.key, **exc.params))
            return
        except Exception as exc:  # noqa: BLE001 - an ImportError, a bug: never hang on opening
            message = f"{t('error.unexpected')} ({type(exc).__name__})"
            self.call_from_thread(self.exit, None, 1, message)
            return
        self.call_from_thread(self._opened, store, station, upgraded)

    def _opened(self, store: Store, station: StationInfo, upgraded: list[Path]) -> None:
        self._store, self._station = store, station
        self.sub_title = station.name
        if isinstance(self.screen, OpeningScreen):
            self.pop_screen()
        for path in upgraded:
            self.notify(t("cli.upgraded", path=path), timeout=10)
        self._start_desk()
        self._warm_pending = True
        # Should the dashboard never show its figures (an error), warm up all the same.
        self.set_timer(10, self.desk_shown)

    def desk_shown(self) -> None:
        """The dashboard has shown its figures: now load what start-up put off."""
        if self._warm_pending:
            self._warm_pending = False
            self._warm_up()

    @work(thread=True, exit_on_error=False, group="store_openers")
    def _warm_up(self) -> None:
        try:
            for module, name in SCREENS_BY_MODE.values():
                _screen_class(module, name)  # import here, off the UI thread
            from tui.cli_maintenance import daily_backup_in_background

            assert self.db_path is not None
            daily_backup_in_background(self.db_path)
        finally:
            if not gc.isenabled():
                # `liaison` starts with the collector off (tui.cli.open_app): start-up allocates
                # a million long-lived objects, and collecting them cost a quarter of its CPU.
                # They are frozen out of later collections, which stay as cheap as before.
                gc.freeze()
                gc.enable()

    def _start_desk(self) -> None:
        self.switch_mode("dashboard")
        self._find_deputy()

    # -- the deputy on duty -----------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="duty_loaders")
    def _find_deputy(self, ask: bool = False) -> None:
        from store.duty import deputies_on_duty
        from store.reference import list_deputies

        with self.store.read() as session:
            rostered = deputies_on_duty(session=session, day=self._today())
            everyone = list_deputies(session=session)
        if len(rostered) == 1 and not ask:
            self.call_from_thread(self._set_deputy, rostered[0].id)
        else:
            self.call_from_thread(self._ask_deputy, rostered, everyone)

    def _today(self) -> date:
        from store.clock import today

        return today(self.store.clock)

    def _ask_deputy(self, rostered: list[Choice], everyone: list[Choice]) -> None:
        items = [PickItem(None, t("deputy.rostered"))] if rostered else []
        items += [PickItem(d.id, "  " + d.name) for d in rostered]
        others = [d for d in everyone if d not in rostered]
        if others:
            items.append(PickItem(None, t("deputy.others")))
            items += [PickItem(d.id, "  " + d.name) for d in others]

        def chosen(deputy_id: str | None) -> None:
            if deputy_id:
                self._set_deputy(deputy_id)

        # At start someone must be on duty: every write is attributed to them.
        required = self.deputy_id is None
        self.push_screen(PickModal(t("deputy.title"), items, required=required), chosen)

    @work(thread=True, exit_on_error=False, group="duty_writers")
    def _set_deputy(self, deputy_id: str, pin: str | None = None) -> None:
        """Put a deputy on duty, asking for their PIN first if they have one."""
        from store.clock import to_local
        from store.duty import start_duty
        from store.pins import has_pin, verify_pin
        from store.reference import list_deputies

        actor = self.station.actor(deputy_id)
        refused = ""
        # One transaction either way: a wrong PIN's count must be kept (store.pins).
        with self.store.write(actor) as session:
            name = next(d.name for d in list_deputies(session=session) if d.id == deputy_id)
            if has_pin(session=session, deputy_id=deputy_id):
                if pin is None:
                    self.call_from_thread(self._ask_pin, deputy_id, name, "")
                    return
                check = verify_pin(session=session, deputy_id=deputy_id, pin=pin)
                if check.locked_until is not None:
                    local = to_local(check.locked_until, self.store.clock.tz)
                    refused = t("error.pin_locked", until=local.strftime("%H:%M"))
                elif not check.ok:
                    refused = t("error.pin_wrong", left=check.left)
            shift_id = None if refused else start_duty(session=session, deputy_id=deputy_id)
        if refused:
            self.call_from_thread(self._ask_pin, deputy_id, name, refused)
            return
        self.call_from_thread(self._deputy_set, deputy_id, name, shift_id)

    def _ask_pin(self, deputy_id: str, name: str, message: str) -> None:
        from screens.dialogs import PinModal

        def entered(pin: str | None) -> None:
            if pin is not None:
                self._set_deputy(deputy_id, pin)
            elif self.deputy_id is None:
                self._find_deputy(ask=True)  # someone must be on duty before any write

        self.push_screen(PinModal(t("pin.title", name=name), message), entered)

    def _deputy_set(self, deputy_id: str, name: str, shift_id: str | None) -> None:
        first = self.deputy_id is None
        self.deputy_id, self.deputy_name, self.shift_id = deputy_id, name, shift_id
        self.sub_title = f"{self.station.name} · {t('dash.you', name=name)}"
        if not first:
            self.notify(t("deputy.switched", name=name))
        if _is(self.screen, "screens.dashboard", "DashboardScreen"):
            self.screen.reload()  # type: ignore[attr-defined]

    # -- actions ----------------------------------------------------------------------

    def action_go(self, mode: str) -> None:
        if self._store is not None and self.current_mode != mode:
            self.mode_before = self.current_mode
            self.switch_mode(mode)

    def action_log_visit(self) -> None:
        if self._store is None or _is(self.screen, "screens.log_visit", "LogVisitScreen"):
            return
        from screens.log_visit import LogVisitScreen

        self.push_screen(LogVisitScreen())

    async def visit_saved(self, visit_id: str) -> None:
        """After logging a visit, go straight to its triage."""
        if _is(self.screen, "screens.log_visit", "LogVisitScreen"):
            await self.pop_screen()
        # The triage screen may not exist yet: wait until it is mounted.
        await self.switch_mode("triage")
        if _is(self.screen, "screens.triage", "TriageScreen"):
            self.screen.show_visit(visit_id)  # type: ignore[attr-defined]

    def action_ledger(self) -> None:
        if self._store is None or _is(self.screen, "screens.ledger", "LedgerScreen"):
            return
        from screens.ledger import LedgerScreen  # openpyxl loads with it, only when asked

        self.push_screen(LedgerScreen())

    def action_push(self, module: str, name: str) -> None:
        """Open a screen that is not a mode (the roster, the calendar) over the current one."""
        if self._store is not None and not _is(self.screen, module, name):
            self.push_screen(_screen_class(module, name)())

    def action_switch_deputy(self) -> None:
        if self._store is not None:
            self._find_deputy(ask=True)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpModal):
            self.push_screen(HelpModal(self.screen))

    def _fatal_error(self) -> None:
        """Textual's crash report prints local variables, which may hold residents' data. Ours
        names the error's type and where it happened, and nothing else."""
        import traceback

        from rich.segment import Segments
        from rich.text import Text

        error = self._exception
        report = Text(t("error.unexpected") + "\n", style="bold")
        if error is not None:
            report.append(f"{type(error).__name__}\n")
            for frame in traceback.extract_tb(error.__traceback__)[-8:]:
                report.append(f"  {frame.filename}:{frame.lineno} in {frame.name}\n", style="dim")
        self.bell()
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()


def make_app(store: Store, station: StationInfo, lang: str = "zh") -> LiaisonApp:
    """The app on an open store. Set the language before this module's screens are imported
    when it is not Chinese: key labels are read when their classes are defined."""
    set_language(lang)
    return LiaisonApp(store, station)


def make_app_at(db_path: Path, lang: str = "zh") -> LiaisonApp:
    """The app on the station database at `db_path`, opened after the first paint."""
    set_language(lang)
    return LiaisonApp(db_path=db_path)
