"""Observers' personal data removed after the retention period (PIPL minimisation), as residents'
are (store.trust.purge; docs/rules/observers.md).

An observer is purged once retired on or before the cut-off (the station's `purge_after_years`
before today) and every visit through them belongs to an issue closed on or before it: a visit
of theirs untriaged, or on an issue still open or closed since, keeps them, as it keeps a
resident. Purging empties their name and phone and stamps `purged_at`, an ordinary logged update
that reaches the other devices by sync; each device removes the old values from its change-log
entries (`redact_purged`, here and in every merge). Their group, recommending deputy, point and
dates stay, and so does every count: the visits still name the observer's record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, exists, func, or_
from sqlmodel import Session, col, select

from store.changelog.changes import write_context
from store.changelog.field_clock import chunks
from store.core.models import Issue, Observer, Visit
from store.core.rows import live
from store.core.settings import load_settings
from store.trust.purge import PURGED_BY_TABLE, purge_cutoff, redact_purged

_TABLE = "observer"


@dataclass(frozen=True)
class ObserverPurgePlan:
    """Who an observers' purge would reach: retired on or before `cutoff`, nothing pending."""

    years: int
    cutoff: date
    observers: int


def _due(cutoff: date) -> list[ColumnElement[bool]]:
    pending = exists(
        select(Visit.id)
        .outerjoin(Issue, col(Issue.id) == Visit.issue_id)
        .where(
            col(Visit.observer_id) == Observer.id,
            live(Visit),
            or_(
                col(Issue.id).is_(None),
                col(Issue.closed_on).is_(None),
                col(Issue.closed_on) > cutoff,
            ),
        )
    )
    return [
        live(Observer),
        col(Observer.purged_at).is_(None),
        col(Observer.retired_on).is_not(None),
        col(Observer.retired_on) <= cutoff,
        ~pending,
    ]


def plan_observer_purge(
    *, session: Session, today: date, years: int | None = None
) -> ObserverPurgePlan:
    """How many observers `purge_observers` would reach (the dry run).

    Args:
        years: the retention period; the station's `purge_after_years` by default.
    """
    years = years or load_settings(session=session).purge_after_years
    cutoff = purge_cutoff(today, years)
    total = session.exec(select(func.count()).select_from(Observer).where(*_due(cutoff))).one()
    return ObserverPurgePlan(years, cutoff, int(total))


def purge_observers(*, session: Session, today: date, years: int | None = None) -> tuple[int, int]:
    """Remove the personal data of every observer `plan_observer_purge` counts, in this
    transaction.

    Returns:
        (observers purged, change-log entries redacted).
    """
    ctx = write_context(session)
    years = years or load_settings(session=session).purge_after_years
    cutoff = purge_cutoff(today, years)
    ids = sorted(session.exec(select(Observer.id).where(*_due(cutoff))).all())
    now = ctx.clock.now()
    emptied = PURGED_BY_TABLE[_TABLE]
    entries = 0
    for part in chunks(ids, 500):
        for observer in session.exec(select(Observer).where(col(Observer.id).in_(part))):
            observer.name = emptied["name"]
            observer.phone = emptied["phone"]
            observer.purged_at = now
        session.flush()
        entries += redact_purged(session, part, _TABLE)
    return len(ids), entries
