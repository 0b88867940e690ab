"""Time for the store: instants in UTC (timezone-aware), dates in the station's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

STATION_TZ = "Asia/Shanghai"


class Clock(Protocol):
    """What the store needs to know about now. Tests pass a FrozenClock."""

    tz: tzinfo

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def __init__(self, tz: str | tzinfo = STATION_TZ) -> None:
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until told to move; for tests and screenshots."""

    def __init__(self, at: datetime, tz: str | tzinfo = STATION_TZ) -> None:
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self._at = (at if at.tzinfo else at.replace(tzinfo=self.tz)).astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        self._at += delta


def to_local(instant: datetime, tz: tzinfo) -> datetime:
    """A stored instant as the station's wall-clock time."""
    return instant.astimezone(tz)


def from_local(local: datetime, tz: tzinfo) -> datetime:
    """A station wall-clock time (naive means station-local) as a UTC instant."""
    aware = local if local.tzinfo else local.replace(tzinfo=tz)
    return aware.astimezone(UTC)


def today(clock: Clock) -> date:
    return to_local(clock.now(), clock.tz).date()


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants at which a station-local day starts and the next one starts."""
    start = datetime(day.year, day.month, day.day)
    return from_local(start, tz), from_local(start + timedelta(days=1), tz)
