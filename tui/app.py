"""The Textual app: modes, global keys, actions. Screens do the work; opening the station is
`tui.opening_flow`, the deputy on duty `tui.on_duty`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App

from screens.base import global_bindings
from screens.help import HelpModal
from screens.opening import OpeningScreen
from tui.commands import DeskCommands
from tui.i18n import set_language, shown, t
from tui.lazy_screens import SCREENS_BY_MODE, is_screen, lazy_screen, screen_class
from tui.on_duty import OnDuty
from tui.opening_flow import StationOpener
from tui.station_view import StationView, find_stations

if TYPE_CHECKING:
    from textual.content import Content

    from store.changelog.changes import Actor
    from store.db import Store
    from store.station import StationInfo


class LiaisonApp(StationOpener, OnDuty, StationView, App[None]):
    CSS_PATH = "app.tcss"
    MODES = {mode: lazy_screen(*where) for mode, where in SCREENS_BY_MODE.items()}
    COMMANDS = App.COMMANDS | {DeskCommands}
    BINDINGS = global_bindings()

    def __init__(
        self,
        store: Store | None = None,
        station: StationInfo | None = None,
        *,
        db_path: Path | str | None = None,
        db_key: str | None = None,
    ) -> None:
        super().__init__()
        # Either an open store (tests, embedding) or a path (or a PostgreSQL URL, text) to open
        # once the app has painted.
        self._store = store
        self._station = station
        self.db_path = db_path
        # The passphrase of an encrypted file (asked on the command line before Textual starts).
        self.db_key = db_key
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
        if not self.is_headless and _is_terminal():
            self.set_interval(TERMINAL_CHECK_SECONDS, self._leave_if_terminal_gone)
        if self._store is not None:
            self._start_desk()
            return
        self.push_screen(OpeningScreen())
        self._open_store()

    def _leave_if_terminal_gone(self) -> None:
        """The terminal was closed without a hang-up signal reaching us (`make demo` in a
        window that is closed: make gets the signal and waits for us). Textual would then read
        an endless end of input, at most of a core, for ever: leave as on `q`. Every write
        was its own committed transaction, so nothing is lost."""
        if not _is_terminal():
            self.exit(return_code=HUNG_UP)

    # -- actions ----------------------------------------------------------------------

    def action_go(self, mode: str) -> None:
        if self._store is not None and self.current_mode != mode:
            self.mode_before = self.current_mode
            self.switch_mode(mode)

    def action_log_visit(self) -> None:
        if self._store is None or is_screen(self.screen, "screens.log_visit", "LogVisitScreen"):
            return
        from screens.log_visit import LogVisitScreen

        self.push_screen(LogVisitScreen())

    async def visit_saved(self, visit_id: str) -> None:
        """After logging a visit, go straight to its triage."""
        if is_screen(self.screen, "screens.log_visit", "LogVisitScreen"):
            await self.pop_screen()
        # The triage screen may not exist yet: wait until it is mounted.
        await self.switch_mode("triage")
        if is_screen(self.screen, "screens.triage", "TriageScreen"):
            self.screen.show_visit(visit_id)  # type: ignore[attr-defined]

    def action_ledger(self) -> None:
        if self._store is None or is_screen(self.screen, "screens.ledger", "LedgerScreen"):
            return
        from screens.ledger import LedgerScreen  # openpyxl loads with it, only when asked

        self.push_screen(LedgerScreen())

    def action_push(self, module: str, name: str) -> None:
        """Open a screen that is not a mode (the roster, the calendar) over the current one."""
        if self._store is not None and not is_screen(self.screen, module, name):
            self.push_screen(screen_class(module, name)())

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpModal):
            self.push_screen(HelpModal(self.screen))

    def validate_title(self, title: object) -> str:
        # Textual's makes every title a plain str; a catalogue text (tui.i18n.Msg) stays one, so
        # that format_title shows it in the language of the moment (tui.language).
        return title if isinstance(title, str) else str(title)

    validate_sub_title = validate_title

    def format_title(self, title: str, sub_title: str) -> Content:
        return super().format_title(shown(title), shown(sub_title))

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


# How often the desk checks that its terminal is still there, and its exit code when it is not
# (128 + SIGHUP, as if the hang-up signal had reached it).
TERMINAL_CHECK_SECONDS = 2.0
HUNG_UP = 129


def _is_terminal() -> bool:
    # A hung-up terminal answers no terminal request (EIO): isatty() is then False.
    stdin = sys.__stdin__
    return stdin is not None and os.isatty(stdin.fileno())


def make_app(store: Store, station: StationInfo, lang: str = "zh") -> LiaisonApp:
    """The app on an open store, in `lang` (switchable later: tui.language)."""
    set_language(lang)
    app = LiaisonApp(store, station)
    app.stations = find_stations(store)
    return app


def make_app_at(db_path: Path | str, lang: str = "zh", *, key: str | None = None) -> LiaisonApp:
    """The app on the station database at `db_path` (a SQLite file, or a PostgreSQL URL),
    opened after the first paint; `key` is the passphrase of an encrypted file."""
    set_language(lang)
    return LiaisonApp(db_path=db_path, db_key=key)
