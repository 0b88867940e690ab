"""Station settings (docs/rules/colours-and-windows.md): tier windows and colour thresholds live in
data, not in code."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from sqlmodel import Session, select

from store.core.errors import FieldInvalid
from store.core.models import Setting, Tier
from store.core.validation import is_valid_phone
from store.core.workdays import WorkCalendar, load_work_calendar

# Fallbacks for keys a database lacks; migration 0002 seeds the same values.
DEFAULT_SETTINGS: dict[str, str] = {
    "window_days.village": "15",
    "window_days.township": "30",
    "window_days.county": "60",
    "window_unit": "calendar",
    "yellow_left_ratio": "1/3",
    "evaluation_grace_days": "7",
    "purge_after_years": "5",
    # Read by store.trust.backup.load_keep_days; listed here so that update_setting accepts it.
    "backup_keep_days": "14",
    # The quarterly report lists the units under these (store.reports.stats.below_floors).
    "floor.two_month_rate": "0.8",
    "floor.satisfaction_rate": "0.9",
    # The quarterly review's board (store.projects.review): an average score of at least `green` is
    # green, of at least `yellow` yellow, anything lower red.
    "review.green_score": "85",
    "review.yellow_score": "60",
    # The duty seat (docs/rules/keys-and-language.md): every deputy put on duty must have a PIN
    # ("1") or only those who set one ("0", spec §2); the desk locks after so many idle minutes
    # where PINs are set (0: never).
    "pin.required": "0",
    "lock.idle_minutes": "10",
    # Follow-up calls nobody answered (store.desk.follow_up): called again after this many hours,
    # given up (未能回访) at this many tries.
    "follow_up.retry_hours": "4",
    "follow_up.max_tries": "3",
    # The station's phone, which the messages residents are told give (store.desk.notice_text);
    # empty until the station sets it.
    "notice.station_phone": "",
}


@dataclass(frozen=True)
class StationSettings:
    window_days: dict[Tier, int]
    window_unit: str
    yellow_left_ratio: Fraction
    evaluation_grace_days: int
    purge_after_years: int
    floor_two_month_rate: float = 0.8
    floor_satisfaction_rate: float = 0.9
    review_green_score: int = 85
    review_yellow_score: int = 60
    pin_required: bool = False
    lock_idle_minutes: int = 10
    call_retry_hours: int = 4
    call_max_tries: int = 3
    station_phone: str = ""

    # The station's working-day calendar, loaded only when windows count working days.
    calendar: WorkCalendar | None = None

    def warn_days(self, window: int) -> int:
        """Days before the due date at which an open issue turns yellow (⅓ of its window)."""
        return int(window * self.yellow_left_ratio)


WINDOW_UNITS = ("calendar", "working")


def _flag(value: str) -> bool:
    if value not in ("0", "1"):
        raise ValueError(value)
    return value == "1"


def parse_settings(values: dict[str, str]) -> StationSettings:
    """Typed settings from stored text.

    Raises:
        ValueError: a value does not parse or is out of range.
    """
    merged = DEFAULT_SETTINGS | values
    parsed = StationSettings(
        window_days={tier: int(merged[f"window_days.{tier.value}"]) for tier in Tier},
        window_unit=merged["window_unit"],
        yellow_left_ratio=Fraction(merged["yellow_left_ratio"]),
        evaluation_grace_days=int(merged["evaluation_grace_days"]),
        purge_after_years=int(merged["purge_after_years"]),
        floor_two_month_rate=float(merged["floor.two_month_rate"]),
        floor_satisfaction_rate=float(merged["floor.satisfaction_rate"]),
        review_green_score=int(merged["review.green_score"]),
        review_yellow_score=int(merged["review.yellow_score"]),
        pin_required=_flag(merged["pin.required"]),
        lock_idle_minutes=int(merged["lock.idle_minutes"]),
        call_retry_hours=int(merged["follow_up.retry_hours"]),
        call_max_tries=int(merged["follow_up.max_tries"]),
        station_phone=merged["notice.station_phone"],
    )
    if parsed.lock_idle_minutes < 0 or parsed.lock_idle_minutes > 24 * 60:
        raise ValueError("lock.idle_minutes")
    if min(parsed.window_days.values()) < 1 or max(parsed.window_days.values()) > 3650:
        raise ValueError("window_days")
    if parsed.window_unit not in WINDOW_UNITS:
        raise ValueError("window_unit")
    if not 0 <= parsed.yellow_left_ratio <= 1:
        raise ValueError("yellow_left_ratio")
    if parsed.evaluation_grace_days < 0 or parsed.purge_after_years < 1:
        raise ValueError("days")
    for floor in (parsed.floor_two_month_rate, parsed.floor_satisfaction_rate):
        # `not a <= x <= b` also refuses nan, which compares false with everything.
        if not 0 <= floor <= 1:
            raise ValueError("floor")
    if not 0 <= parsed.review_yellow_score <= parsed.review_green_score <= 100:
        raise ValueError("review")
    # A week at most between tries, and a try at least: anything else is a typing slip.
    if not 0 <= parsed.call_retry_hours <= 168 or not 1 <= parsed.call_max_tries <= 20:
        raise ValueError("follow_up")
    if parsed.station_phone and not is_valid_phone(parsed.station_phone):
        raise ValueError("notice.station_phone")
    return parsed


def load_settings(*, session: Session) -> StationSettings:
    """The station's settings, with defaults for any key not stored (and the working-day
    calendar when windows count working days)."""
    rows = session.exec(select(Setting)).all()
    settings = parse_settings({row.key: row.value for row in rows})
    if settings.window_unit == "working":
        settings = replace(settings, calendar=load_work_calendar(session=session))
    return settings


def update_setting(*, session: Session, key: str, value: str) -> StationSettings:
    """Change one setting after checking that the whole set still parses.

    Raises:
        FieldInvalid: unknown key or a value that does not parse.
    """
    if key not in DEFAULT_SETTINGS:
        raise FieldInvalid("settings.unknown", key)
    current = {row.key: row.value for row in session.exec(select(Setting)).all()}
    try:
        parsed = parse_settings(current | {key: value})
    except (ValueError, ZeroDivisionError):
        raise FieldInvalid("settings.invalid", key) from None
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    return parsed
