"""The deliberation sessions' figures for a period (docs/rules/figures.md):

- **sessions** held in the period (by their day), per kind;
- **residents attended**: the residents each session recorded, added up;
- **visits raised**: live visits naming a session of the period, withdrawn ones (撤回) left out
  as everywhere in the figures;
- **测评满意率** (satisfaction of votes): of the votes cast at the period's sessions that recorded
  one, (满意 + 基本满意) / all votes — every vote counts once, so a session of 200 weighs more
  than one of 20.

And per deputy (履职全景图): the sessions of the period they were present at, and their 代表述职
evaluations (the votes of the 代表述职 sessions where they reported)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from store.core.models import (
    Deliberation,
    DeliberationDeputy,
    DeliberationKind,
    Visit,
)
from store.core.rows import live
from store.deliberations.reading import DeliberationRow, rows_for
from store.reports.stats import Period, Share


@dataclass(frozen=True)
class SessionFigures:
    """The figures of a kind of session, or of all of them."""

    sessions: int = 0
    residents: int = 0
    visits: int = 0
    # Sessions that recorded a vote, and its counts added up.
    voted: int = 0
    satisfied: int = 0
    fairly: int = 0
    unsatisfied: int = 0

    @property
    def votes(self) -> int:
        return self.satisfied + self.fairly + self.unsatisfied

    @property
    def vote_rate(self) -> Share:
        return Share(self.satisfied + self.fairly, self.votes)

    def __add__(self, other: SessionFigures) -> SessionFigures:
        return SessionFigures(
            *(getattr(self, n) + getattr(other, n) for n in self.__dataclass_fields__)
        )


@dataclass(frozen=True)
class DeliberationFigures:
    """A period's sessions, per kind (every kind present, in the enum's order)."""

    kinds: dict[DeliberationKind, SessionFigures] = field(
        default_factory=lambda: dict.fromkeys(DeliberationKind, SessionFigures())
    )

    @property
    def total(self) -> SessionFigures:
        return sum(self.kinds.values(), SessionFigures())


def _in_period(period: Period, station_id: str | None) -> list[ColumnElement[bool]]:
    where = [
        live(Deliberation),
        col(Deliberation.held_on) >= period.start,
        col(Deliberation.held_on) < period.end,
    ]
    if station_id is not None:
        where.append(col(Deliberation.station_id) == station_id)
    return where


def _sum(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


def deliberation_figures(
    *, session: Session, period: Period, station_id: str | None = None
) -> DeliberationFigures:
    """The period's session figures (see the module's definitions).

    Args:
        station_id: one station's, where the database holds several (a county hub).
    """
    where = _in_period(period, station_id)
    voted = case(
        (
            col(Deliberation.satisfied).is_not(None)
            | col(Deliberation.fairly).is_not(None)
            | col(Deliberation.unsatisfied).is_not(None),
            1,
        ),
        else_=0,
    )
    counts: dict[str, dict[str, int]] = {}
    # More columns than sqlmodel's select() types: SQLAlchemy's, through execute().
    for kind, n, residents, voted_n, s, f, u in session.execute(
        sa_select(
            col(Deliberation.kind),
            func.count(),
            _sum(Deliberation.residents),
            _sum(voted),
            _sum(Deliberation.satisfied),
            _sum(Deliberation.fairly),
            _sum(Deliberation.unsatisfied),
        )
        .where(*where)
        .group_by(col(Deliberation.kind))
    ).all():
        counts[kind] = {
            "sessions": int(n),
            "residents": int(residents),
            "voted": int(voted_n),
            "satisfied": int(s),
            "fairly": int(f),
            "unsatisfied": int(u),
        }
    raised = session.exec(
        select(Deliberation.kind, func.count())
        .join(Visit, col(Visit.deliberation_id) == Deliberation.id)
        .where(*where, live(Visit), col(Visit.withdrawn_at).is_(None))
        .group_by(col(Deliberation.kind))
    ).all()
    for kind, n in raised:
        counts.setdefault(kind, {})["visits"] = int(n)
    return DeliberationFigures(
        {k: SessionFigures(**counts.get(k.value, {})) for k in DeliberationKind}
    )


@dataclass(frozen=True)
class DeputySessions:
    """A deputy's sessions of a period: those present at, and the 代表述职 where they reported
    with the voters' evaluation (the votes added up)."""

    attended: int = 0
    reports: int = 0
    satisfied: int = 0
    fairly: int = 0
    unsatisfied: int = 0

    @property
    def evaluation(self) -> Share:
        """The voters' evaluation of the deputy: (满意 + 基本满意) / all votes of their 述职."""
        return Share(self.satisfied + self.fairly, self.satisfied + self.fairly + self.unsatisfied)


def deputy_sessions(
    *, session: Session, deputy_ids: Sequence[str], period: Period
) -> dict[str, DeputySessions]:
    """Each of these deputies' sessions of the period (one GROUP BY each); a deputy with none
    is left out."""
    where = _in_period(period, None)
    figures: dict[str, dict[str, int]] = {}
    for deputy_id, n in session.exec(
        select(DeliberationDeputy.deputy_id, func.count(func.distinct(Deliberation.id)))
        .join(Deliberation, col(Deliberation.id) == DeliberationDeputy.deliberation_id)
        .where(col(DeliberationDeputy.deputy_id).in_(deputy_ids), live(DeliberationDeputy), *where)
        .group_by(col(DeliberationDeputy.deputy_id))
    ).all():
        figures.setdefault(deputy_id, {})["attended"] = int(n)
    for deputy_id, n, s, f, u in session.execute(
        sa_select(
            col(Deliberation.reporting_deputy_id),
            func.count(),
            _sum(Deliberation.satisfied),
            _sum(Deliberation.fairly),
            _sum(Deliberation.unsatisfied),
        )
        .where(
            col(Deliberation.reporting_deputy_id).in_(deputy_ids),
            col(Deliberation.kind) == DeliberationKind.deputy_report,
            *where,
        )
        .group_by(col(Deliberation.reporting_deputy_id))
    ).all():
        assert deputy_id is not None  # the query asked for these deputies' reports only
        figures.setdefault(deputy_id, {}).update(
            reports=int(n), satisfied=int(s), fairly=int(f), unsatisfied=int(u)
        )
    return {deputy_id: DeputySessions(**values) for deputy_id, values in figures.items()}


def deputy_reports(
    *, session: Session, deputy_id: str, period: Period
) -> tuple[DeliberationRow, ...]:
    """The 代表述职 sessions of the period where the deputy reported, in the order held, each
    with its vote."""
    ids = session.exec(
        select(Deliberation.id)
        .where(
            col(Deliberation.reporting_deputy_id) == deputy_id,
            col(Deliberation.kind) == DeliberationKind.deputy_report,
            *_in_period(period, None),
        )
        .order_by(col(Deliberation.held_on), col(Deliberation.id))
    ).all()
    return tuple(rows_for(session, list(ids)))
