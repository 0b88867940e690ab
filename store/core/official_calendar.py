"""The State Council's calendar as the `holidays` package knows it: the public holidays of any
year (the lunar ones — 春节, 清明, 端午, 中秋 — computed), with the weekday a holiday on a weekend
is made up on, and, for the years whose schedule has been published, the days off and make-up
workdays (调休) as announced. The station's own marks sit on top (store.duty.calendar)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType

from store.core.enums import DayKind


@dataclass(frozen=True)
class OfficialYear:
    year: int
    days: Mapping[date, tuple[DayKind, str]]
    """Each holiday and make-up workday of the year, with its name (Chinese, as published)."""
    announced: bool
    """Whether the year's make-up workdays are known: the State Council publishes them around
    November of the year before; until the package carries them, only the statutory days are."""


@lru_cache(maxsize=128)
def official_year(year: int) -> OfficialYear:
    """The official calendar of `year` (empty outside the years the package covers)."""
    # About 150 ms of import (the package's country registry): only when a working-day
    # calendar is asked for, never at start-up.
    from holidays.countries.china import China

    if not China.start_year <= year <= China.end_year:
        return OfficialYear(year, MappingProxyType({}), announced=False)
    calendar = China(years=year, language="zh_CN")
    days: dict[date, tuple[DayKind, str]] = {
        day: (DayKind.holiday, str(name)) for day, name in calendar.items() if day.year == year
    }
    workdays = sorted(day for day in calendar.weekend_workdays if day.year == year)
    for day in workdays:
        days[day] = (DayKind.workday, _workday_name(day, days))
    return OfficialYear(year, MappingProxyType(days), announced=bool(workdays))


def official_kinds(year: int) -> Mapping[date, DayKind]:
    """The year's official days by kind alone: what working-day arithmetic reads."""
    return _kinds(year)


@lru_cache(maxsize=128)
def _kinds(year: int) -> Mapping[date, DayKind]:
    return MappingProxyType({day: kind for day, (kind, _name) in official_year(year).days.items()})


def _workday_name(day: date, days: dict[date, tuple[DayKind, str]]) -> str:
    """`春节调休` for a make-up workday: named after the nearest festival (the package names
    only the days off)."""
    festivals = [
        (abs((other - day).days), _festival(name))
        for other, (kind, name) in days.items()
        if kind == DayKind.holiday and not name.startswith("休息日")
    ]
    if not festivals:
        return "调休上班"
    return min(festivals)[1] + "调休"


def _festival(name: str) -> str:
    name = name.split("（")[0]
    return "春节" if "除夕" in name else name
