"""Working days (spec §3): Monday to Friday, less public holidays, plus make-up workdays (调休).

Pure date arithmetic over the station's calendar; `load_work_calendar` reads it from the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from store.enums import DayKind

# A window of N working days never spans more than this many calendar days per working day:
# a guard against a calendar with every day marked a holiday.
MAX_SPAN_PER_DAY = 10


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def is_working(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5

    def shift(self, start: date, days: int) -> date:
        """The day `days` working days after `start` (before it, if negative). Zero is `start`."""
        step = 1 if days >= 0 else -1
        left, day = abs(days), start
        limit = start + timedelta(days=step * (abs(days) + 1) * MAX_SPAN_PER_DAY)
        while left:
            day += timedelta(days=step)
            if self.is_working(day):
                left -= 1
            if day == limit:
                break
        return day


def load_work_calendar(*, session: Session) -> WorkCalendar:
    from store.models import CalendarDay  # models import this module's neighbours, not it

    rows = session.exec(
        select(CalendarDay.day, CalendarDay.kind).where(col(CalendarDay.deleted_at).is_(None))
    ).all()
    return WorkCalendar(
        holidays=frozenset(d for d, kind in rows if kind == DayKind.holiday),
        workdays=frozenset(d for d, kind in rows if kind == DayKind.workday),
    )
