"""The adoption rate (采纳率) of the opinions gathered on drafts (docs/rules/figures.md):

- **立法意见** (opinions gathered): the opinions given in the period (`given_on`);
- **采纳率** (adoption rate): of the opinions the legislature answered in the period
  (`answered_on`), those adopted or partly adopted — reports of grassroots legislative contact
  points count 部分采纳 among the adopted (被采纳（含部分采纳）) — over all answered. Opinions
  not answered yet are in no rate: the draft's page says how many await an answer.

By period on statistics and in the quarterly report; for one draft, over all its opinions.

A 立法建议 visit taken as an opinion leaves the triage queue without an issue: the quarterly
report counts the period's such visits on a row of their own (转立法意见), not among those
waiting for triage (未分办)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, exists, func
from sqlmodel import Session, col, select

from store.core.models import Adoption, DraftRegulation, LegislativeOpinion, Visit
from store.core.rows import live
from store.legislation.drafts import Counts
from store.reports import figure_sql
from store.reports.stats import Figures, Period, Share, of_station


@dataclass(frozen=True)
class AdoptionFigures:
    """A period's opinions, and the answers given in it."""

    opinions: int = 0
    answers: Counts = Counts()

    @property
    def adoption_rate(self) -> Share:
        return self.answers.adoption_rate


def adoption_figures(
    *, session: Session, period: Period, station_id: str | None = None
) -> AdoptionFigures:
    """The period's opinions and adoption rate (see the module's definitions).

    Args:
        station_id: one station's, where the database holds several (a county hub).
    """
    mine = [] if station_id is None else [col(DraftRegulation.station_id) == station_id]
    base = (
        select(func.count())
        .select_from(LegislativeOpinion)
        .join(DraftRegulation, col(DraftRegulation.id) == LegislativeOpinion.draft_id)
        .where(*mine, live(LegislativeOpinion), live(DraftRegulation))
    )
    given = session.exec(
        base.where(
            col(LegislativeOpinion.given_on) >= period.start,
            col(LegislativeOpinion.given_on) < period.end,
        )
    ).one()
    answered = dict(
        session.exec(
            select(LegislativeOpinion.adoption, func.count())
            .join(DraftRegulation, col(DraftRegulation.id) == LegislativeOpinion.draft_id)
            .where(
                *mine,
                live(LegislativeOpinion),
                live(DraftRegulation),
                col(LegislativeOpinion.adoption).is_not(None),
                col(LegislativeOpinion.answered_on) >= period.start,
                col(LegislativeOpinion.answered_on) < period.end,
            )
            .group_by(col(LegislativeOpinion.adoption))
        ).all()
    )
    return AdoptionFigures(
        opinions=int(given),
        answers=Counts(
            opinions=sum(int(n) for n in answered.values()),
            adopted=int(answered.get(Adoption.adopted, 0)),
            partly=int(answered.get(Adoption.partly, 0)),
            not_adopted=int(answered.get(Adoption.not_adopted, 0)),
        ),
    )


def opinion_visits(
    *, session: Session, period: Period, tz: Any, station_id: str | None = None
) -> Figures:
    """The period's visits taken as opinions on a draft and on no issue (转立法意见), and how
    many of them came directly from residents (withdrawn ones are counted apart, as everywhere).
    """
    start, end = period.instants(tz)
    taken = exists().where(col(LegislativeOpinion.visit_id) == Visit.id, live(LegislativeOpinion))
    direct = func.coalesce(
        func.sum(case((figure_sql.is_direct(col(Visit.channel)), 1), else_=0)), 0
    )
    visits, direct_visits = session.exec(
        select(func.count(), direct).where(
            col(Visit.received_at) >= start,
            col(Visit.received_at) < end,
            live(Visit),
            col(Visit.withdrawn_at).is_(None),
            col(Visit.issue_id).is_(None),
            taken,
            *of_station(Visit, station_id),
        )
    ).one()
    return Figures(visits=int(visits), direct_visits=int(direct_visits))
