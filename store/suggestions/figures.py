"""The suggestions' headline figures for a period (docs/rules/figures.md):

- **建议直接源自群众的比例** (suggestions straight from residents): of the suggestions submitted in
  the period, those with a resident's own visit among their sources — a visit attached as a
  source, or a visit of an issue attached as one — through a channel where the resident spoke
  to a deputy themselves (`figure_sql.is_direct`), not withdrawn. The seed's figure; the share
  of *visits* through such channels is the statistics' 来访直接源自群众.
- **答复满意率** (satisfaction with replies): the deputies' evaluations of replies made in the
  period (a suggestion re-supervised and evaluated again counts twice), (满意 + 基本满意) / all.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_
from sqlmodel import Session, col, select

from store.core.models import (
    Satisfaction,
    Suggestion,
    SuggestionSource,
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


def _residents_visit() -> object:
    """A live, not withdrawn visit through a direct channel among the suggestion's sources."""
    direct = and_(
        live(Visit), col(Visit.withdrawn_at).is_(None), figure_sql.is_direct(col(Visit.channel))
    )
    return exists(
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
        select(func.count()).select_from(Suggestion).where(*in_period, _residents_visit())  # type: ignore[arg-type]
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
