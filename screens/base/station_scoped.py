"""What the board and the statistics share on a county hub: `z` (or the station's button) picks
the station they show, the header and the button name it. On a station's own database none of it
shows (the desk's `many_stations` is false). One choice for the whole desk (`Desk.shown_station`),
so that the board and the statistics always show the same station."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button

from screens.base.desk_screen import DeskScreen
from screens.dialogs.pick import PickItem, PickModal
from tui.i18n import t
from tui.widgets.station_button import station_button

# The picker's id for "every station" (station ids are UUIDs: it cannot be one).
ALL_STATIONS = "-all-"


def station_binding(binding_id: str) -> Binding:
    """`z`, which picks the station: only where the database holds several stations (a county
    hub: `StationScoped.check_action`). Out of the footer (no room at 80 columns in English):
    the station's button above the list names it and takes clicks."""
    return Binding(
        "z", "pick_station", t("key.station"), tooltip=t("tip.station"), show=False, id=binding_id
    )


class StationScoped(DeskScreen):
    """The base of a screen that keeps `page_offset` and loads in `reload` (before any other
    DeskScreen base it has, as the board's PagedTableScreen)."""

    STATION_BUTTON: ClassVar[str]
    page_offset: int
    # The station its latest load was asked for (None: every station).
    station_id: str | None

    def compose_station_button(self) -> ComposeResult:
        """The button naming the station shown, on a county hub only."""
        if self.desk.many_stations:
            yield Button("", id=self.STATION_BUTTON, compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick_station":
            return self.desk.many_stations
        return super().check_action(action, parameters)

    def show_station(self) -> None:
        """Name the station shown (or all of them) in the sub-title and on the button."""
        if self.desk.many_stations:
            self.sub_title = self.desk.shown_station_name()
            station_button(self.query_one(f"#{self.STATION_BUTTON}", Button), self.sub_title)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == self.STATION_BUTTON:
            self.action_pick_station()

    def action_pick_station(self) -> None:
        """Ask which station to show (or all of them); reload when the choice changed."""
        desk = self.desk
        if not desk.many_stations:
            return
        items = [PickItem(ALL_STATIONS, t("station.all"))]
        items += [
            PickItem(s.id, t("station.choice", name=s.name, township=s.township))
            for s in desk.stations
        ]

        def chosen(station_id: str | None) -> None:
            if station_id is None:
                return
            wanted = None if station_id == ALL_STATIONS else station_id
            if wanted != desk.shown_station:
                desk.shown_station = wanted
                self.page_offset = 0
                self.reload()

        self.app.push_screen(
            PickModal(t("station.pick_title"), items, highlight=desk.shown_station or ALL_STATIONS),
            chosen,
        )

    def reload(self) -> None:
        raise NotImplementedError
