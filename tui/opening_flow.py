"""Opening the station behind the opening screen, then loading what the first screen did not need.

Opened from the command line, the app paints first and loads the store (SQLModel and the models
take most of a second to import) in a worker; the other screens and the daily backup load once
the dashboard has shown its figures."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from screens.opening import OpeningScreen
from tui.i18n import t
from tui.lazy_screens import SCREENS_BY_MODE, screen_class
from tui.station_view import find_stations

if TYPE_CHECKING:
    from store.core.errors import StoreError
    from store.db import Store
    from store.desk.station_scope import StationChoice
    from store.station import StationInfo
    from tui.app import LiaisonApp

    _Base = LiaisonApp
else:
    _Base = object


class StationOpener(_Base):
    """The App's part that opens the station (mixed into LiaisonApp)."""

    @work(thread=True, exit_on_error=False, group="store_openers")
    def _open_store(self) -> None:
        from store.core.errors import StoreError

        assert self.db_path is not None
        upgraded: list[Path] = []
        try:
            from store.station import load_station, open_store

            store = open_store(self.db_path, on_backup=upgraded.append, key=self.db_key)
            station = load_station(store)
            stations = find_stations(store)
            # Only the first screen's module here, off the UI thread: the others load once its
            # figures are shown (desk_shown), so they never delay them.
            screen_class(*SCREENS_BY_MODE["dashboard"])
        except StoreError as exc:
            self.call_from_thread(self.exit, None, 1, self._opening_error(exc))
            return
        except Exception as exc:  # noqa: BLE001 - an ImportError, a bug: never hang on opening
            message = t("error.unexpected") + f" ({type(exc).__name__})"
            self.call_from_thread(self.exit, None, 1, message)
            return
        self.call_from_thread(self._opened, store, station, upgraded, stations)

    def _opening_error(self, exc: StoreError) -> str:
        """The one line to leave with. A PostgreSQL database that cannot be opened is most
        often a server that is down or a wrong address or password: say so, naming the
        database without its password."""
        from store.core.dialect import is_postgres_target, shown_target
        from store.core.errors import DatabaseUnreadable

        if isinstance(exc, DatabaseUnreadable) and is_postgres_target(self.db_path or ""):
            return t("error.pg_unreachable", db=shown_target(self.db_path or ""))
        return t(exc.key, **exc.params)

    def _opened(
        self,
        store: Store,
        station: StationInfo,
        upgraded: list[Path],
        stations: tuple[StationChoice, ...] = (),
    ) -> None:
        self._store, self._station = store, station
        self.stations = stations
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
                screen_class(module, name)  # import here, off the UI thread
            from tui.cli_maintenance import daily_backup_in_background

            # A SQLite file only: a PostgreSQL server's backups are pg_dump's job.
            if isinstance(self.db_path, Path):
                daily_backup_in_background(self.db_path, key=self.db_key)
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
