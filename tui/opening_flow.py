"""Opening the station behind the opening screen, then loading what the first screen did not need.

Opened from the command line, the app paints first and loads the store (SQLModel and the models
take most of a second to import) in a worker; the other screens and the daily backup load once
the dashboard has shown its figures."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.desk import Desk, find_stations
from tui.i18n import t
from tui.idle_collector import defer_full_passes
from tui.navigation import MODE_MODULES

if TYPE_CHECKING:
    from textual.app import App

    from store.core.errors import StoreError


class StationOpener:
    """Opens the database at `db_path` in a worker and hands the App its desk (`opened`)."""

    def __init__(
        self,
        app: App[Any],
        db_path: Path | str,
        db_key: str | None,
        opened: Callable[[Desk, list[Path]], None],
    ) -> None:
        self.app = app
        self.db_path = db_path
        self.db_key = db_key
        self.opened = opened
        self._warm_pending = False

    def open(self) -> None:
        self.app.run_worker(self._open, thread=True, exit_on_error=False, group="store_openers")

    def _open(self) -> None:
        from store.core.errors import StoreError

        upgraded: list[Path] = []
        try:
            from store.core.errors import DatabaseReadOnly
            from store.core.files import is_read_only_file
            from store.station import load_station, open_store

            # The desk writes from its first screen on (who is on duty): a file it cannot write
            # is said to be that, before anything else is tried.
            if isinstance(self.db_path, Path) and is_read_only_file(self.db_path):
                raise DatabaseReadOnly(path=str(self.db_path))
            store = open_store(self.db_path, on_backup=upgraded.append, key=self.db_key)
            desk = Desk(
                store=store,
                station=load_station(store),
                stations=find_stations(store),
                db_path=self.db_path,
                db_key=self.db_key,
            )
            # Only the first screen's module here, off the UI thread: the others load once its
            # figures are shown (figures_shown), so they never delay them.
            importlib.import_module(MODE_MODULES["dashboard"])
        except StoreError as exc:
            self.app.call_from_thread(self.app.exit, None, 1, self._opening_error(exc))
            return
        except Exception as exc:  # noqa: BLE001 - an ImportError, a bug: never hang on opening
            message = t("error.unexpected") + f" ({type(exc).__name__})"
            self.app.call_from_thread(self.app.exit, None, 1, message)
            return
        self.app.call_from_thread(self._opened, desk, upgraded)

    def _opening_error(self, exc: StoreError) -> str:
        """The one line to leave with. A PostgreSQL database that cannot be opened is most
        often a server that is down or a wrong address or password: say so, naming the
        database without its password."""
        from store.core.dialect import is_postgres_target, shown_target
        from store.core.errors import DatabaseUnreadable

        if isinstance(exc, DatabaseUnreadable) and is_postgres_target(self.db_path):
            return t("error.pg_unreachable", db=shown_target(self.db_path))
        return t(exc.key, **exc.params)

    def _opened(self, desk: Desk, upgraded: list[Path]) -> None:
        self.opened(desk, upgraded)
        self._warm_pending = True
        # Should the dashboard never show its figures (an error), warm up all the same.
        self.app.set_timer(10, self.figures_shown)

    def figures_shown(self) -> None:
        """The dashboard has shown its figures: now load what start-up put off."""
        if self._warm_pending:
            self._warm_pending = False
            self.app.run_worker(
                self._warm_up, thread=True, exit_on_error=False, group="store_openers"
            )

    def _warm_up(self) -> None:
        try:
            load_every_mode()  # here, off the UI thread
            from tui.cli_maintenance import daily_backup_in_background

            # A SQLite file only: a PostgreSQL server's backups are pg_dump's job.
            if isinstance(self.db_path, Path):
                daily_backup_in_background(self.db_path, key=self.db_key)
        finally:
            collect_from_now_on()


def load_every_mode() -> None:
    """Import every mode's screens (what start-up put off until the figures were shown)."""
    for module in MODE_MODULES.values():
        importlib.import_module(module)


def collect_from_now_on() -> None:
    """Turn the collector on if start-up turned it off, what it made frozen out of its passes.

    `liaison` starts with the collector off (tui.cli.open_app): start-up allocates a million
    long-lived objects, and collecting them cost a quarter of its CPU; left in, each full pass
    would walk them again, the whole process standing still for 100-350 ms (seventeen times in
    a tour of a county hub's screens, bench/hub_screens.py). The full passes are the app's to run
    from then on, in the desk's idle moments (tui.idle_collector)."""
    if not gc.isenabled():
        gc.freeze()
        defer_full_passes()
        gc.enable()
