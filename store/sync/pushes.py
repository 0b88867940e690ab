"""When each station last pushed to a county hub (store.sync.hub): the county's dashboard shows
it beside the station's figures, so that a station whose figures are stale is seen to be.

Kept in the hub's own LocalMeta (facts about this database, never synced), one key a station,
written in the push's own transaction: a push that brought nothing new still counts, it is the
hub being up to date with the station."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, delete, insert, select
from sqlmodel import Session

from store.core.models import LocalMeta

PUSHED = "pushed:"


def note_push(session: Session, *, station_id: str, at: datetime) -> None:
    """Record that `station_id` pushed at `at` (UTC), in the push's write transaction."""
    meta: Table = LocalMeta.__table__  # type: ignore[attr-defined]
    conn = session.connection()
    conn.execute(delete(meta).where(meta.c.key == PUSHED + station_id))
    conn.execute(insert(meta).values(key=PUSHED + station_id, value=at.isoformat()))


def last_pushes(session: Session) -> dict[str, datetime]:
    """Each station's last push to this hub, by station id (UTC); none on a station's database."""
    meta: Table = LocalMeta.__table__  # type: ignore[attr-defined]
    rows = session.connection().execute(
        select(meta.c.key, meta.c.value).where(meta.c.key.startswith(PUSHED))
    )
    return {str(key).removeprefix(PUSHED): datetime.fromisoformat(value) for key, value in rows}


__all__ = ["PUSHED", "last_pushes", "note_push"]
