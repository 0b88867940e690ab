"""A ledger's visits raised at a deliberation session (议事活动, docs/rules/ledger.md): its 议事活动
column names the session as a clerk writes it, "百姓夜话 2026-11-24 山北村文化礼堂" — the kind, the
day, the place.

A session is found by its kind, day and place; by its kind and day alone when the cell names no
place or a place no session of that day has and exactly one session of that kind was held that day
(at the station, or named with its place on an earlier row of the ledger). One the station does not
know is added, as an unknown observer is, and listed in the import summary: the kind, the day and
the place, with no deputies, residents or vote (the station completes it on the sessions' screen,
`c`). Any channel may name a session: a visit logged at the desk can be linked to one later."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from store.core.models import Deliberation, DeliberationKind, new_id
from store.core.rows import live
from store.core.validation import strip_controls
from store.deliberations.deliberations import PLACE_MAX
from store.ledger.through import Cells
from store.ledger.values import choice_names, parse_date

_KINDS = choice_names(DeliberationKind)
_CELL = re.compile(r"(\S+)\s+(\S+)(?:\s+(.+))?")


def session_cell(kind: str, held_on: date, place: str) -> str:
    """How the ledger names a session (what `SessionNames.check` reads back)."""
    return " ".join(
        part for part in (DeliberationKind(kind).zh, held_on.isoformat(), place) if part
    )


@dataclass
class SessionNames:
    """The station's sessions by (kind, day, place), and those a ledger adds (an id given when a
    row first names one; in the plan only if a row that imports uses it)."""

    station_id: str
    known: dict[tuple[str, date, str], str]
    new: dict[tuple[str, date, str], str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, station_id: str) -> SessionNames:
        known = {
            (d.kind, d.held_on, d.place): d.id
            for d in session.exec(
                select(Deliberation).where(live(Deliberation)).order_by(col(Deliberation.id))
            )
        }
        return cls(station_id, known)

    def check(self, cells: Cells) -> str | None:
        """The session a row names, as an id (None: none, or an error recorded)."""
        value = " ".join(strip_controls(cells.get("session")).split())
        if not value:
            return None
        match = _CELL.fullmatch(value)
        kind = _KINDS.get(match.group(1).casefold()) if match else None
        day = parse_date(match.group(2)) if match else None
        if match is None or kind is None or day is None:
            cells.fail("session", "ledger.session")
            return None
        place = match.group(3) or ""
        if len(place) > PLACE_MAX:
            cells.fail("session", "field.too_long", limit=PLACE_MAX)
            return None
        found = self._find(kind.value, day.date(), place)
        if found is not None:
            return found
        if not place:  # a session is recorded with its place (the desk's form asks for it)
            cells.fail("session", "ledger.session")
            return None
        found = self.new[(kind.value, day.date(), place)] = new_id()
        return found

    def _find(self, kind: str, day: date, place: str) -> str | None:
        key = (kind, day, place)
        found = self.known.get(key) or self.new.get(key)
        if found is not None:
            return found
        # The station's, and those this ledger named earlier with a place.
        that_day = {
            i for (k, d, _), i in (*self.known.items(), *self.new.items()) if (k, d) == (kind, day)
        }
        return that_day.pop() if len(that_day) == 1 else None

    def added(self, used: set[str]) -> tuple[list[str], list[dict[str, Any]]]:
        """The sessions the imported rows use that the station does not know yet: (how the
        ledger names them, their rows), in the order first named."""
        names, rows = [], []
        for (kind, day, place), deliberation_id in self.new.items():
            if deliberation_id in used:
                names.append(session_cell(kind, day, place))
                rows.append(
                    {
                        "id": deliberation_id,
                        "station_id": self.station_id,
                        "kind": kind,
                        "held_on": day,
                        "place": place,
                    }
                )
        return names, rows
