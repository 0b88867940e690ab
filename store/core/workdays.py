"""Working days (docs/rules/colours-and-windows.md): Monday to Friday, less public holidays, plus
make-up workdays (调休).

Three layers, the later winning: the weekend rule, the official calendar of every year
(store.core.official_calendar), and the station's own marks (a holiday, a make-up workday, or an
official day turned back into an ordinary one). Pure date arithmetic; `load_work_calendar`
reads the station's marks from the store."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from store.core.enums import DayKind

# A window of N working days never spans more than this many calendar days per working day:
# a guard against a calendar with every day marked a holiday.
MAX_SPAN_PER_DAY = 10


@dataclass(frozen=True)
class WorkCalendar:
    station: Mapping[date, DayKind] = field(default_factory=dict)
    """The station's own marks, over the official calendar."""
    official: Callable[[int], Mapping[date, DayKind]] | None = None
    """A year's official holidays and make-up workdays (None: weekends only)."""

    def kind(self, day: date) -> DayKind | None:
        """Holiday, make-up workday, or None for a day the weekend rule decides."""
        mark = self.station.get(day)
        if mark is None and self.official is not None:
            mark = self.official(day.year).get(day)
        return None if mark == DayKind.ordinary else mark

    def is_working(self, day: date) -> bool:
        kind = self.kind(day)
        if kind is not None:
            return kind == DayKind.workday
        return day.weekday() < 5

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
    """The station's calendar: the official one with the station's marks on top."""
    from store.core.models import CalendarDay  # models import this module's neighbours, not it
    from store.core.official_calendar import official_kinds
    from store.core.rows import live

    rows = session.exec(
        select(col(CalendarDay.day), col(CalendarDay.kind)).where(live(CalendarDay))
    ).all()
    return WorkCalendar(station={day: DayKind(kind) for day, kind in rows}, official=official_kinds)
