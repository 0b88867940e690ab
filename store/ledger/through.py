"""A ledger's visits through observers (docs/rules/ledger.md): its 观察员 and 观察点 columns,
beside 渠道 where a clerk reads who relayed a visit and where.

Only a row of the observer channel (民情观察员) may name them. Each is found by its name (a
serving observer before a retired one of the same name); one the station does not know yet is
added, as an unknown village or deputy is, and listed in the import summary: an observer with no
phone (the ledger has none), of the group 其他, serving from the first day a row names them; a
point ordinary, with no place. The station completes them on the observers' screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlmodel import Session, col, select

from store.core.errors import N_
from store.core.models import (
    Channel,
    ObservationPoint,
    Observer,
    ObserverGroup,
    PointKind,
    new_id,
)
from store.core.rows import live
from store.core.validation import NAME_MAX


class Cells(Protocol):
    """What a ledger row's cells offer (store.ledger.plan)."""

    ok: bool

    def get(self, key: str) -> str: ...

    def fail(self, key: str, rule: str, suggestion: str | None = None, **params: Any) -> None: ...


@dataclass
class ThroughNames:
    """The station's observers and points by name, and those a ledger adds (an id given when a
    row first names them; in the plan only if a row that imports uses them)."""

    station_id: str
    observers: dict[str, str]
    points: dict[str, str]
    new_observers: dict[str, tuple[str, date]] = field(default_factory=dict)
    new_points: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, station_id: str) -> ThroughNames:
        observers: dict[str, str] = {}
        # Retired first, so that a serving observer of the same name wins.
        for name, observer_id in session.exec(
            select(Observer.name, Observer.id)
            .where(live(Observer), col(Observer.name) != "")
            .order_by(col(Observer.retired_on).is_(None), col(Observer.id).desc())
        ):
            observers[name] = observer_id
        points = {
            name: point_id
            for name, point_id in session.exec(
                select(ObservationPoint.name, ObservationPoint.id)
                .where(live(ObservationPoint))
                .order_by(col(ObservationPoint.active), col(ObservationPoint.id).desc())
            )
        }
        return cls(station_id, observers, points)

    def check(
        self, cells: Cells, channel: Channel | None, day: date | None
    ) -> tuple[str | None, str | None]:
        """The observer and point a row names, as ids (None: none, or an error recorded)."""
        observer = " ".join(cells.get("observer").split())
        point = " ".join(cells.get("point").split())
        if not observer and not point:
            return None, None
        if channel is not None and channel != Channel.observer:
            cells.fail("observer" if observer else "point", N_("observer.channel_only"))
            return None, None
        for key, name in (("observer", observer), ("point", point)):
            if len(name) > NAME_MAX:
                cells.fail(key, "field.too_long", limit=NAME_MAX)
        if not cells.ok or day is None:
            return None, None
        return (
            self._observer_id(observer, day) if observer else None,
            self._point_id(point) if point else None,
        )

    def _observer_id(self, name: str, day: date) -> str:
        found = self.observers.get(name)
        if found is not None:
            return found
        known = self.new_observers.get(name)
        if known is None:
            known = self.new_observers[name] = (new_id(), day)
        elif day < known[1]:
            self.new_observers[name] = (known[0], day)
        return known[0]

    def _point_id(self, name: str) -> str:
        found = self.points.get(name) or self.new_points.get(name)
        if found is None:
            found = self.new_points[name] = new_id()
        return found

    def added(
        self, used: set[str]
    ) -> tuple[list[str], list[dict[str, Any]], list[str], list[dict[str, Any]]]:
        """The observers and points the imported rows use that the station does not know yet:
        (their names, their rows) for each, in the order first named."""
        observer_names, observers = [], []
        for name, (observer_id, day) in self.new_observers.items():
            if observer_id in used:
                observer_names.append(name)
                observers.append(
                    {
                        "id": observer_id,
                        "station_id": self.station_id,
                        "name": name,
                        "phone": "",
                        "group_kind": ObserverGroup.other.value,
                        "appointed_on": day,
                        "consent_named": False,
                    }
                )
        point_names, points = [], []
        for name, point_id in self.new_points.items():
            if point_id in used:
                point_names.append(name)
                points.append(
                    {
                        "id": point_id,
                        "station_id": self.station_id,
                        "name": name,
                        "place": "",
                        "kind": PointKind.ordinary.value,
                        "active": True,
                    }
                )
        return observer_names, observers, point_names, points
