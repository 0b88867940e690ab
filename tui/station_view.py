"""Which station the boards and statistics show, where a database holds more than one (a county
hub): every station by default, or the one picked (`z` on those screens). One choice for the
whole app, so that the board and the statistics always show the same station."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from screens.pick import PickItem, PickModal
from tui.i18n import t

if TYPE_CHECKING:
    from store.db import Store
    from store.desk.station_scope import StationChoice
    from tui.app import LiaisonApp

    _Base = LiaisonApp
else:
    _Base = object

# The picker's id for "every station" (station ids are UUIDs: it cannot be one).
ALL_STATIONS = "-all-"


def find_stations(store: Store) -> tuple[StationChoice, ...]:
    """The stations the database holds (store.desk.station_scope); one small query, at opening."""
    from store.desk.station_scope import list_stations

    with store.read() as session:
        return list_stations(session=session)


class StationView(_Base):
    """The App's part that knows the stations and which one is shown (mixed into LiaisonApp)."""

    stations: tuple[StationChoice, ...] = ()
    """The stations this database holds: one, except on a county hub."""
    shown_station: str | None = None
    """The station the boards and statistics show; None: every station."""

    @property
    def many_stations(self) -> bool:
        """Whether there is a station to choose: on a station's own database, never."""
        return len(self.stations) > 1

    def shown_station_name(self) -> str:
        """`全部联络站`, or the shown station's name: the board's and statistics' sub-title."""
        for station in self.stations:
            if station.id == self.shown_station:
                return station.name
        return t("station.all")

    def pick_station(self, then: Callable[[], None]) -> None:
        """Ask which station to show (or all of them); `then` runs when the choice changed."""
        items = [PickItem(ALL_STATIONS, t("station.all"))]
        items += [
            PickItem(s.id, t("station.choice", name=s.name, township=s.township))
            for s in self.stations
        ]

        def chosen(station_id: str | None) -> None:
            if station_id is None:
                return
            wanted = None if station_id == ALL_STATIONS else station_id
            if wanted != self.shown_station:
                self.shown_station = wanted
                then()

        self.push_screen(
            PickModal(t("station.pick_title"), items, highlight=self.shown_station or ALL_STATIONS),
            chosen,
        )
