"""What the board and the statistics share on a county hub: `z` (or the station's button) picks
the station they show, the header and the button name it. On a station's own database none of it
shows (the app's `many_stations` is false)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.widgets import Button

from tui.widgets.station_button import station_button

if TYPE_CHECKING:
    from screens.base import DeskScreen

    _Base = DeskScreen
else:
    _Base = object


class StationScoped(_Base):
    """Mixed into a DeskScreen that keeps `page_offset` and loads in `reload`."""

    STATION_BUTTON: ClassVar[str]
    page_offset: int

    def show_station(self) -> None:
        """Name the station shown (or all of them) in the sub-title and on the button."""
        if self.desk.many_stations:
            self.sub_title = self.desk.shown_station_name()
            station_button(self.query_one(f"#{self.STATION_BUTTON}", Button), self.sub_title)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == self.STATION_BUTTON:
            self.action_pick_station()

    def action_pick_station(self) -> None:
        if self.desk.many_stations:
            self.desk.pick_station(self._station_picked)

    def _station_picked(self) -> None:
        self.page_offset = 0
        self.reload()

    def reload(self) -> None:
        raise NotImplementedError
