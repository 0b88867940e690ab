"""Which liaison stations a database holds records of: one on a station or a laptop; on a county
hub (a PostgreSQL database that stations push to), every station that has pushed to it.

The boards and statistics show every station's issues; where there is more than one station
they can be narrowed to one (`station_id` on the store's board and figure functions)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from store.core.hub_mark import HUB_META
from store.core.models import LocalMeta, Station
from store.core.rows import live


@dataclass(frozen=True)
class StationChoice:
    """One station a database holds, as a picker lists it."""

    id: str
    name: str
    township: str


def list_stations(*, session: Session) -> tuple[StationChoice, ...]:
    """The liaison stations whose records this database holds, by township and name.

    One query on the station table (a row per station) and one on the local settings: cheap
    enough to run once when the app opens.

    Returns:
        One station on a station or laptop database; on a hub, the stations pushed to it (its
        own county row left out).
    """
    meta = {
        row.key: row.value
        for row in session.exec(
            select(LocalMeta).where(col(LocalMeta.key).in_([HUB_META, "station_id"]))
        ).all()
    }
    # A hub's own Station row is the county view, not a liaison station: no issues of its own.
    own = meta.get("station_id") if meta.get(HUB_META) == "1" else None
    rows = session.exec(
        select(Station)
        .where(live(Station))
        .order_by(col(Station.township), col(Station.name), col(Station.id))
    ).all()
    return tuple(StationChoice(s.id, s.name, s.township) for s in rows if s.id != own)


__all__ = ["StationChoice", "list_stations"]
