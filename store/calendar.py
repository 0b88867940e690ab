"""Editing the working-day calendar and the window unit; open issues' due dates follow.

Issues keep their due and warning dates in columns (the board counts colours with range queries),
so a change of calendar or unit recomputes them for every open issue, in the same transaction. A
closed issue keeps what it recorded at closing (spec §3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from store.changes import write_context
from store.enums import DayKind
from store.errors import FieldInvalid
from store.models import CalendarDay, Issue, IssueStatus, calendar_day_id
from store.rules import due_dates
from store.settings import WINDOW_UNITS, load_settings, update_setting
from store.validation import strip_controls


@dataclass(frozen=True)
class CalendarEntry:
    day: date
    kind: DayKind
    name: str


def list_calendar(*, session: Session, year: int) -> list[CalendarEntry]:
    """The year's holidays and make-up workdays, in date order."""
    rows = session.exec(
        select(CalendarDay)
        .where(
            col(CalendarDay.day) >= date(year, 1, 1),
            col(CalendarDay.day) <= date(year, 12, 31),
            col(CalendarDay.deleted_at).is_(None),
        )
        .order_by(col(CalendarDay.day))
    ).all()
    return [CalendarEntry(r.day, DayKind(r.kind), r.name) for r in rows]


def mark_day(*, session: Session, day: date, kind: DayKind, name: str = "") -> int:
    """Mark `day` a holiday or a make-up workday (replacing what it was).

    Returns:
        How many open issues' due dates moved.
    """
    write_context(session)
    name = " ".join(strip_controls(name).split())[:50]
    row = session.get(CalendarDay, calendar_day_id(day))
    if row is None:
        session.add(CalendarDay(id=calendar_day_id(day), day=day, kind=kind, name=name))
    else:
        row.kind, row.name, row.deleted_at = kind, name, None
    session.flush()
    return recompute_due_dates(session=session)


def unmark_day(*, session: Session, day: date) -> int:
    """Make `day` an ordinary day again. Returns how many open issues' due dates moved."""
    ctx = write_context(session)
    row = session.get(CalendarDay, calendar_day_id(day))
    if row is None or row.deleted_at is not None:
        return 0
    row.deleted_at = ctx.clock.now()
    session.flush()
    return recompute_due_dates(session=session)


def set_window_unit(*, session: Session, unit: str) -> int:
    """Count tier windows in calendar days or in working days. Returns how many open issues'
    due dates moved."""
    if unit not in WINDOW_UNITS:
        raise FieldInvalid("settings.invalid", field="window_unit")
    update_setting(session=session, key="window_unit", value=unit)
    return recompute_due_dates(session=session)


def recompute_due_dates(*, session: Session) -> int:
    """Bring every open issue's due and warning dates in line with the settings and calendar."""
    write_context(session)
    settings = load_settings(session=session)
    moved = 0
    issues = session.exec(
        select(Issue).where(
            col(Issue.status) != IssueStatus.closed, col(Issue.deleted_at).is_(None)
        )
    ).all()
    for issue in issues:
        due_on, warn_on = due_dates(issue.opened_on, issue.window_days, settings)
        if (due_on, warn_on) != (issue.due_on, issue.warn_on):
            issue.due_on, issue.warn_on = due_on, warn_on
            moved += 1
    session.flush()
    return moved
