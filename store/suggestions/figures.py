"""The suggestions' headline figures for a period (docs/rules/figures.md):

- **建议直接源自群众的比例** (suggestions straight from residents): of the suggestions submitted in
  the period, those with a resident's own visit among their sources — a visit attached as a
  source, or a visit of an issue attached as one — through a channel where the resident spoke
  to a deputy themselves (`figure_sql.is_direct`), not withdrawn. The seed's figure; the share
  of *visits* through such channels is the statistics' 来访直接源自群众.
- **答复满意率** (satisfaction with replies): the deputies' evaluations of replies made in the
  period (a suggestion re-supervised and evaluated again counts twice), (满意 + 基本满意) / all.
- **A deputy's suggestions** (履职全景图): those submitted in the period that the deputy leads
  (领衔) or co-signs (附议), how many of them were answered (a reply recorded, as of today) and
  how many closed with the deputies 满意 or 基本满意.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_
from sqlmodel import Session, col, select

from store.core.models import (
    Satisfaction,
    Suggestion,
    SuggestionDeputy,
    SuggestionSource,
    SuggestionStatus,
    SuggestionStep,
    SuggestionStepEntry,
    Visit,
)
from store.core.rows import live
from store.reports import figure_sql
from store.reports.stats import Period, Share


@dataclass(frozen=True)
class SuggestionFigures:
    submitted: int = 0
    from_residents: int = 0
    satisfied: int = 0
    fairly: int = 0
    unsatisfied: int = 0

    @property
    def residents_share(self) -> Share:
        return Share(self.from_residents, self.submitted)

    @property
    def evaluated(self) -> int:
        return self.satisfied + self.fairly + self.unsatisfied

    @property
    def reply_satisfaction(self) -> Share:
        return Share(self.satisfied + self.fairly, self.evaluated)


def from_residents() -> ColumnElement[bool]:
    """A live, not withdrawn visit through a direct channel among the suggestion's sources."""
    direct = and_(
        live(Visit), col(Visit.withdrawn_at).is_(None), figure_sql.is_direct(col(Visit.channel))
    )
    found: ColumnElement[bool] = exists(
        select(SuggestionSource.id)
        .join(
            Visit,
            or_(
                col(Visit.id) == SuggestionSource.visit_id,
                col(Visit.issue_id) == SuggestionSource.issue_id,
            ),
        )
        .where(SuggestionSource.suggestion_id == Suggestion.id, live(SuggestionSource), direct)
    )
    return found


def suggestion_figures(
    *, session: Session, period: Period, station_id: str | None = None
) -> SuggestionFigures:
    """The period's suggestion figures (see the module's definitions).

    Args:
        station_id: one station's, where the database holds several (a county hub).
    """
    mine = [] if station_id is None else [col(Suggestion.station_id) == station_id]
    in_period = (
        *mine,
        live(Suggestion),
        col(Suggestion.submitted_on) >= period.start,
        col(Suggestion.submitted_on) < period.end,
    )
    submitted = session.exec(select(func.count()).select_from(Suggestion).where(*in_period)).one()
    direct = session.exec(
        select(func.count()).select_from(Suggestion).where(*in_period, from_residents())
    ).one()
    counts = dict(
        session.exec(
            select(SuggestionStepEntry.satisfaction, func.count())
            .join(Suggestion, col(Suggestion.id) == SuggestionStepEntry.suggestion_id)
            .where(
                *mine,
                live(SuggestionStepEntry),
                live(Suggestion),
                col(SuggestionStepEntry.step) == SuggestionStep.evaluated,
                col(SuggestionStepEntry.day) >= period.start,
                col(SuggestionStepEntry.day) < period.end,
            )
            .group_by(col(SuggestionStepEntry.satisfaction))
        ).all()
    )
    return SuggestionFigures(
        submitted=int(submitted),
        from_residents=int(direct),
        satisfied=int(counts.get(Satisfaction.satisfied, 0)),
        fairly=int(counts.get(Satisfaction.fairly, 0)),
        unsatisfied=int(counts.get(Satisfaction.unsatisfied, 0)),
    )


@dataclass(frozen=True)
class DeputySuggestions:
    """One deputy's suggestions submitted in a period (see the module's definitions)."""

    led: int = 0
    co_signed: int = 0
    answered: int = 0
    satisfied: int = 0

    @property
    def total(self) -> int:
        return self.led + self.co_signed


def _distinct_if(condition: ColumnElement[bool]) -> Any:
    return func.count(func.distinct(case((condition, col(Suggestion.id)))))


def deputy_suggestions(
    *, session: Session, deputy_ids: Sequence[str], period: Period
) -> dict[str, DeputySuggestions]:
    """Each of these deputies' suggestions submitted in the period, as they stand today (a
    deputy with none is left out)."""
    submitted = (
        live(Suggestion),
        col(Suggestion.submitted_on) >= period.start,
        col(Suggestion.submitted_on) < period.end,
    )
    answered = col(Suggestion.answered_on).is_not(None)
    satisfied = and_(
        col(Suggestion.status) == SuggestionStatus.closed,
        col(Suggestion.satisfaction).in_(figure_sql.SATISFIED),
    )
    counts: dict[str, list[int]] = {}
    led = session.exec(
        select(
            Suggestion.lead_deputy_id,
            func.count(func.distinct(Suggestion.id)),
            _distinct_if(answered),
            _distinct_if(satisfied),
        )
        .where(col(Suggestion.lead_deputy_id).in_(deputy_ids), *submitted)
        .group_by(col(Suggestion.lead_deputy_id))
    ).all()
    for deputy_id, n, replied, content in led:
        counts[deputy_id] = [int(n), 0, int(replied), int(content)]
    # Two devices apart may have added one co-signer twice: each suggestion counts once.
    signed = session.exec(
        select(
            SuggestionDeputy.deputy_id,
            func.count(func.distinct(Suggestion.id)),
            _distinct_if(answered),
            _distinct_if(satisfied),
        )
        .join(Suggestion, col(Suggestion.id) == SuggestionDeputy.suggestion_id)
        .where(col(SuggestionDeputy.deputy_id).in_(deputy_ids), live(SuggestionDeputy), *submitted)
        .group_by(col(SuggestionDeputy.deputy_id))
    ).all()
    for deputy_id, n, replied, content in signed:
        slot = counts.setdefault(deputy_id, [0, 0, 0, 0])
        slot[1] += int(n)
        slot[2] += int(replied)
        slot[3] += int(content)
    return {deputy_id: DeputySuggestions(*slot) for deputy_id, slot in counts.items()}
