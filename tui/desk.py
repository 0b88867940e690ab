"""What the session knows: the open store, its station (and, on a county hub, which of its
stations the boards show), the deputy on duty, and so who every write is attributed to.

One typed object the App holds (`LiaisonApp.desk`) and every screen reads (`DeskScreen.desk`):
composition, not mixins, so that each screen's view of the session is checked by the type
checker."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tui.i18n import t

if TYPE_CHECKING:
    from store.changelog.changes import Actor
    from store.db import Store
    from store.desk.station_scope import StationChoice
    from store.station import StationInfo


@dataclass
class Desk:
    store: Store
    station: StationInfo
    stations: tuple[StationChoice, ...] = ()
    """The stations this database holds: one, except on a county hub."""
    db_path: Path | str | None = None
    """The file (or PostgreSQL URL) the store was opened from; None when handed an open store."""
    db_key: str | None = field(default=None, repr=False)
    """The passphrase of an encrypted file: what its copies (the daily backup) are keyed with."""
    shown_station: str | None = None
    """The station the boards and statistics show; None: every station."""
    deputy_id: str | None = None
    """The deputy on duty: every write is attributed to them."""
    deputy_name: str = ""
    shift_id: str | None = None
    """The on-duty deputy's shift today: what their handover note is signed on."""
    last_issue_id: str | None = None
    """The issue the deputy last triaged: the board opens on it next time."""
    passing_through: bool = False
    """The command palette closed on a command: the screen it uncovers is only passed through
    on the way to where the command leads, and does not read its data again."""

    @property
    def actor(self) -> Actor:
        """Every write is attributed to this device and the deputy on duty."""
        return self.station.actor(self.deputy_id)

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


class HasDesk(Protocol):
    """What screens know of the App: the desk (they navigate by posting tui.messages)."""

    @property
    def desk(self) -> Desk: ...


def find_stations(store: Store) -> tuple[StationChoice, ...]:
    """The stations the database holds (store.desk.station_scope); one small query, at opening."""
    from store.desk.station_scope import list_stations

    with store.read() as session:
        return list_stations(session=session)
