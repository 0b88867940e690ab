"""What came through observers (民情观察员) and observation points (民情观察点) in a period: the
statistics screen, the quarterly report and the deputies' record (履职全景图) read these.

Definitions (docs/rules/figures.md, "Observers and points"):

- **Visits through** an observer (at a point): the period's visits (received on one of its days)
  that name them, but those the residents withdrew (撤回), which no figure counts.
- **Issues through** them: the period's issues (opened on one of its days, not closed as
  withdrawn; a merged issue as its survivor) with at least one such visit, whenever received. An
  issue two observers reported counts once for each, and once in the totals.
- An observer **served** in the period when appointed on or before its last day and not retired
  before its first; the lists show those, and anyone with something counted.
- A **deputy's** observers are those they recommended who served in the period; what came
  through them, the visits and the distinct issues through any of them.

Names are the observers' own: the statistics screen shows them; the quarterly report prints one
only with the observer's consent (`consent_named`, store.observers.observers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from store.core.models import (
    Deputy,
    Issue,
    ObservationPoint,
    Observer,
    ObserverGroup,
    PointKind,
    Village,
    Visit,
)
from store.core.rows import live
from store.reports.stats import Period, issues_of, of_station


@dataclass(frozen=True)
class ObserverCount:
    """One observer's period: who, and what came through them."""

    observer_id: str
    name: str
    group: ObserverGroup
    deputy: str
    consent_named: bool
    active: bool
    visits: int = 0
    issues: int = 0


@dataclass(frozen=True)
class PointCount:
    point_id: str
    name: str
    kind: PointKind
    village: str
    visits: int = 0
    issues: int = 0


@dataclass(frozen=True)
class ObserverFigures:
    """A period's observers and points with their counts, and the totals (each visit and issue
    once)."""

    observers: tuple[ObserverCount, ...] = ()
    points: tuple[PointCount, ...] = ()
    visits: int = 0
    issues: int = 0
    point_visits: int = 0
    point_issues: int = 0

    @property
    def serving(self) -> int:
        """Observers who served in the period (those listed with nothing counted included)."""
        return sum(1 for o in self.observers if o.active)

    @property
    def trade_points(self) -> int:
        return sum(1 for p in self.points if p.kind.is_trade)


@dataclass(frozen=True)
class DeputyObservers:
    """What a deputy's recommendations brought in a period (the deputies' record)."""

    observers: int = 0
    visits: int = 0
    issues: int = 0


def _visit_where(start: datetime, end: datetime, station_id: str | None) -> list[Any]:
    return [
        col(Visit.received_at) >= start,
        col(Visit.received_at) < end,
        live(Visit),
        col(Visit.withdrawn_at).is_(None),
        *of_station(Visit, station_id),
    ]


def _issue_where(period: Period, station_id: str | None) -> list[Any]:
    return [live(Visit), col(Visit.withdrawn_at).is_(None), *issues_of(period, station_id)]


def _counts(
    session: Session,
    column: Any,
    period: Period,
    tz: Any,
    station_id: str | None,
) -> tuple[dict[str, int], dict[str, int], int, int]:
    """Visits and issues per value of `column` (the visit's observer or point), and the totals
    of each (an issue once, however many of them reported it)."""
    start, end = period.instants(tz)
    named = col(column).is_not(None)
    visits = dict(
        session.exec(
            select(column, func.count())
            .select_from(Visit)
            .where(named, *_visit_where(start, end, station_id))
            .group_by(column)
        ).all()
    )
    through = (
        select(column, Issue.id)
        .select_from(Visit)
        .join(Issue, col(Issue.id) == Visit.issue_id)
        .where(named, *_issue_where(period, station_id))
        .distinct()
        .subquery()
    )
    first = through.c[0]
    issues = dict(session.execute(select(first, func.count()).group_by(first)).all())
    total_issues = session.execute(select(func.count(func.distinct(through.c.id)))).scalar_one()
    return (
        {str(k): int(v) for k, v in visits.items()},
        {str(k): int(v) for k, v in issues.items()},
        sum(visits.values()),
        int(total_issues or 0),
    )


def serving_in(period: Period) -> list[ColumnElement[bool]]:
    """Observers who served in the period: appointed by its last day, not retired before it."""
    return [
        live(Observer),
        col(Observer.appointed_on) < period.end,
        or_(col(Observer.retired_on).is_(None), col(Observer.retired_on) >= period.start),
    ]


def observer_figures(
    *, session: Session, period: Period, tz: Any, station_id: str | None = None
) -> ObserverFigures:
    """The period's observers and points, each with the visits and issues through them.

    Args:
        tz: the station's time zone (visits are UTC instants).
        station_id: one station's (a county hub); None for every station.
    Returns:
        Observers who served in the period or had something counted, by visits (most first) then
        name; points active or with something counted, likewise.
    """
    o_visits, o_issues, visits, issues = _counts(session, Visit.observer_id, period, tz, station_id)
    p_visits, p_issues, point_visits, point_issues = _counts(
        session, Visit.point_id, period, tz, station_id
    )
    counted = set(o_visits) | set(o_issues)
    observers = session.exec(
        select(Observer, Deputy.name)
        .outerjoin(Deputy, col(Deputy.id) == Observer.deputy_id)
        .where(
            live(Observer),
            *of_station(Observer, station_id),
            or_(col(Observer.id).in_(sorted(counted)), and_(*serving_in(period))),
        )
    ).all()
    observer_rows = [
        ObserverCount(
            observer_id=o.id,
            name=o.name,
            group=ObserverGroup(o.group_kind),
            deputy=deputy or "",
            consent_named=bool(o.consent_named),
            active=_served(o, period),
            visits=o_visits.get(o.id, 0),
            issues=o_issues.get(o.id, 0),
        )
        for o, deputy in observers
    ]
    marked = set(p_visits) | set(p_issues)
    points = session.exec(
        select(ObservationPoint, Village.name)
        .outerjoin(Village, col(Village.id) == ObservationPoint.village_id)
        .where(
            live(ObservationPoint),
            *of_station(ObservationPoint, station_id),
            or_(
                col(ObservationPoint.id).in_(sorted(marked)),
                col(ObservationPoint.active).is_(True),
            ),
        )
    ).all()
    point_rows = [
        PointCount(
            point_id=p.id,
            name=p.name,
            kind=PointKind(p.kind),
            village=village or "",
            visits=p_visits.get(p.id, 0),
            issues=p_issues.get(p.id, 0),
        )
        for p, village in points
    ]
    return ObserverFigures(
        observers=tuple(sorted(observer_rows, key=lambda r: (-r.visits, -r.issues, r.name))),
        points=tuple(sorted(point_rows, key=lambda r: (-r.visits, -r.issues, r.name))),
        visits=visits,
        issues=issues,
        point_visits=point_visits,
        point_issues=point_issues,
    )


def _served(observer: Observer, period: Period) -> bool:
    return observer.appointed_on < period.end and (
        observer.retired_on is None or observer.retired_on >= period.start
    )


def deputy_observers(
    *, session: Session, deputy_ids: Sequence[str], period: Period, tz: Any
) -> dict[str, DeputyObservers]:
    """For each deputy, the observers they recommended who served in the period and what came
    through any of them (store.reports.deputy_record). Deputies with none are left out."""
    if not deputy_ids:
        return {}
    ids = list(deputy_ids)
    recommended = dict(
        session.exec(
            select(Observer.deputy_id, func.count())
            .where(col(Observer.deputy_id).in_(ids), *serving_in(period))
            .group_by(col(Observer.deputy_id))
        ).all()
    )
    start, end = period.instants(tz)
    visits = dict(
        session.exec(
            select(Observer.deputy_id, func.count())
            .select_from(Visit)
            .join(Observer, col(Observer.id) == Visit.observer_id)
            .where(col(Observer.deputy_id).in_(ids), *_visit_where(start, end, None))
            .group_by(col(Observer.deputy_id))
        ).all()
    )
    through = (
        select(Observer.deputy_id, Issue.id)
        .select_from(Visit)
        .join(Observer, col(Observer.id) == Visit.observer_id)
        .join(Issue, col(Issue.id) == Visit.issue_id)
        .where(col(Observer.deputy_id).in_(ids), *_issue_where(period, None))
        .distinct()
        .subquery()
    )
    issues = dict(
        session.execute(
            select(through.c.deputy_id, func.count()).group_by(through.c.deputy_id)
        ).all()
    )
    out: dict[str, DeputyObservers] = {}
    for deputy_id in set(recommended) | set(visits) | set(issues):
        if deputy_id is None:
            continue
        out[str(deputy_id)] = DeputyObservers(
            observers=int(recommended.get(deputy_id, 0)),
            visits=int(visits.get(deputy_id, 0)),
            issues=int(issues.get(deputy_id, 0)),
        )
    return out
