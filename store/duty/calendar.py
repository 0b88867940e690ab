"""Editing the working-day calendar and the window unit; open issues' due dates follow.

The calendar is the official one (store.core.official_calendar: every year's public holidays, and
the make-up workdays of the years announced) with the station's marks on top. Deleting an official
day is a mark too (an ordinary day), so it stays deleted whatever the package learns later.

Issues keep their due and warning dates in columns (the board counts colours with range queries),
so a change of calendar or unit recomputes them for every open issue, in the same transaction. A
closed issue keeps what it recorded at closing (docs/rules/colours-and-windows.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.changelog.changes import write_context
from store.core.enums import DayKind
from store.core.errors import FieldInvalid
from store.core.models import SEED_DEVICE, CalendarDay, Issue, IssueStatus, calendar_day_id
from store.core.official_calendar import official_year
from store.core.rows import find_live, live
from store.core.rules import due_dates
from store.core.settings import WINDOW_UNITS, load_settings, update_setting
from store.core.validation import strip_controls

# How long before a year begins the dashboard asks for its make-up workdays when they are not
# known (the State Council publishes them around November).
NOTICE_DAYS = 90


@dataclass(frozen=True)
class CalendarEntry:
    day: date
    kind: DayKind
    name: str
    official: bool = False
    """From the official calendar, not marked by the station."""


@dataclass(frozen=True)
class CalendarYear:
    year: int
    entries: list[CalendarEntry]
    workdays_known: bool
    """Whether the year's make-up workdays are known: announced in the official calendar, or
    entered by the station (any make-up workday of its own that year)."""


def _station_marks(session: Session, year: int) -> list[CalendarDay]:
    return list(
        session.exec(
            select(CalendarDay).where(
                col(CalendarDay.day) >= date(year, 1, 1),
                col(CalendarDay.day) <= date(year, 12, 31),
                live(CalendarDay),
            )
        ).all()
    )


def load_calendar_year(*, session: Session, year: int) -> CalendarYear:
    """The year's holidays and make-up workdays in date order, official and the station's."""
    official = official_year(year)
    merged = {
        day: CalendarEntry(day, kind, name, official=True)
        for day, (kind, name) in official.days.items()
    }
    marks = _station_marks(session, year)
    for mark in marks:
        if mark.kind == DayKind.ordinary:
            merged.pop(mark.day, None)
        else:
            # Migration 0007 seeded 2026 from the State Council's schedule: official too.
            official_mark = mark.device_id == SEED_DEVICE
            merged[mark.day] = CalendarEntry(
                mark.day, DayKind(mark.kind), mark.name, official=official_mark
            )
    known = official.announced or any(mark.kind == DayKind.workday for mark in marks)
    return CalendarYear(year, sorted(merged.values(), key=lambda e: e.day), known)


def list_calendar(*, session: Session, year: int) -> list[CalendarEntry]:
    """The year's holidays and make-up workdays, in date order."""
    return load_calendar_year(session=session, year=year).entries


def unannounced_year(*, session: Session, today: date) -> int | None:
    """The year whose make-up workdays the dashboard should ask for: this year, or from
    `NOTICE_DAYS` before it begins the next, when neither the official calendar nor the station
    knows them. None when both are known."""
    years = [today.year]
    if (date(today.year + 1, 1, 1) - today).days <= NOTICE_DAYS:
        years.append(today.year + 1)
    for year in years:
        if not load_calendar_year(session=session, year=year).workdays_known:
            return year
    return None


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
    """Make `day` an ordinary day again: the station's mark goes, and an official holiday or
    make-up workday is overridden. Returns how many open issues' due dates moved."""
    if day in official_year(day.year).days:
        return mark_day(session=session, day=day, kind=DayKind.ordinary)
    ctx = write_context(session)
    row = find_live(session, CalendarDay, calendar_day_id(day))
    if row is None:
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


def open_issue_count(*, session: Session) -> int:
    """How many issues a change of the window unit or the calendar re-dates: the open ones."""
    return session.exec(
        select(func.count())
        .select_from(Issue)
        .where(col(Issue.status) != IssueStatus.closed, live(Issue))
    ).one()


def recompute_due_dates(*, session: Session) -> int:
    """Bring every open issue's due and warning dates in line with the settings and calendar,
    each counted from the day the issue came to its present tier (store.desk.moves)."""
    write_context(session)
    settings = load_settings(session=session)
    moved = 0
    issues = session.exec(
        select(Issue).where(col(Issue.status) != IssueStatus.closed, live(Issue))
    ).all()
    for issue in issues:
        start = issue.tier_since or issue.opened_on
        due_on, warn_on = due_dates(start, issue.window_days, settings)
        if (due_on, warn_on) != (issue.due_on, issue.warn_on):
            issue.due_on, issue.warn_on = due_on, warn_on
            moved += 1
    session.flush()
    return moved
