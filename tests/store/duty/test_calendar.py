"""The working-day calendar: windows in working days skip weekends and holidays, honour make-up
workdays, and open issues' due dates follow every change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from store_rows import must_get

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.enums import DayKind
from store.core.models import Issue, IssueStatus, Tier
from store.core.official_calendar import official_year
from store.core.workdays import WorkCalendar, load_work_calendar
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.duty.calendar import (
    CalendarEntry,
    list_calendar,
    load_calendar_year,
    mark_day,
    set_window_unit,
    unannounced_year,
    unmark_day,
)


def test_working_days_skip_weekends_and_holidays_and_count_makeup_days() -> None:
    cal = WorkCalendar(
        station={date(2026, 12, 1): DayKind.holiday, date(2026, 12, 5): DayKind.workday}
    )
    # Mon 30 Nov + 3 working days: Tue 1 Dec is a holiday, Wed 2, Thu 3, Fri 4.
    assert cal.shift(date(2026, 11, 30), 3) == date(2026, 12, 4)
    # Sat 5 Dec is a make-up workday.
    assert cal.shift(date(2026, 12, 4), 1) == date(2026, 12, 5)
    assert cal.shift(date(2026, 12, 7), -2) == date(2026, 12, 4)
    assert cal.shift(date(2026, 12, 7), 0) == date(2026, 12, 7)


def test_the_2026_calendar_is_seeded(store: Store) -> None:
    with store.read() as session:
        entries = list_calendar(session=session, year=2026)
    holidays = {e.day for e in entries if e.kind == DayKind.holiday}
    assert date(2026, 10, 1) in holidays and date(2026, 2, 17) in holidays
    assert [e.day for e in entries if e.kind == DayKind.workday][0] == date(2026, 1, 4)


def test_due_dates_follow_the_unit_and_the_calendar(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    row = make_issue()  # village tier: 15 days, opened Tue 2026-11-24
    with store.read() as session:
        issue = must_get(session, Issue, row.id)
        assert issue.due_on == date(2026, 12, 9)
    with store.write(actor) as session:
        assert set_window_unit(session=session, unit="working") == 1
    with store.read() as session:
        issue = must_get(session, Issue, row.id)
    # 15 working days from Tue 24 Nov: Fri 15 Dec... counted: 25,26,27,30 Nov, 1-4, 7-11, 14, 15.
    assert issue.due_on == date(2026, 12, 15)
    assert issue.warn_on == date(2026, 12, 8)  # 5 working days before
    with store.write(actor) as session:
        assert (
            mark_day(session=session, day=date(2026, 11, 30), kind=DayKind.holiday, name="测试")
            == 1
        )
    with store.read() as session:
        assert must_get(session, Issue, row.id).due_on == date(2026, 12, 16)
    with store.write(actor) as session:
        unmark_day(session=session, day=date(2026, 11, 30))
    with store.read() as session:
        assert must_get(session, Issue, row.id).due_on == date(2026, 12, 15)


def test_closed_issues_keep_their_dates(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    row = make_issue()
    with store.write(actor) as session:
        issue = must_get(session, Issue, row.id)
        issue.status = IssueStatus.closed
    with store.write(actor) as session:
        assert set_window_unit(session=session, unit="working") == 0
    with store.read() as session:
        assert must_get(session, Issue, row.id).due_on == date(2026, 12, 9)


# -- every year, not only 2026 (issue 16: "the calendar ends with 2026") -------------------------


def _days(entries: list[CalendarEntry], kind: DayKind) -> dict[date, str]:
    return {e.day: e.name for e in entries if e.kind == kind}


def test_a_township_issue_opened_in_december_skips_new_year_2027(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
) -> None:
    # Seen: opened 2026-12-07 on working days, 2027-01-01 counted as a working day.
    with store.write(actor) as session:
        set_window_unit(session=session, unit="working")
    clock.advance(timedelta(days=13))  # Mon 2026-12-07
    row = make_issue(tier=Tier.township)
    with store.read() as session:
        issue = must_get(session, Issue, row.id)
    # 30 working days from Mon 7 Dec: 8-11 (4), 14-18 (9), 21-25 (14), 28-31 (18),
    # Fri 1 Jan is 元旦, 4-8 (23), 11-15 (28), 18 (29), 19 (30).
    assert issue.opened_on == date(2026, 12, 7)
    assert issue.due_on == date(2027, 1, 19)


def test_the_2027_page_has_its_statutory_holidays_and_says_its_makeup_days_are_unknown(
    store: Store,
) -> None:
    with store.read() as session:
        year = load_calendar_year(session=session, year=2027)
    holidays = _days(year.entries, DayKind.holiday)
    # The lunar ones computed: 春节 2027 falls on 6 February (除夕 the 5th), 中秋 on 15 September.
    assert holidays[date(2027, 1, 1)] == "元旦"
    assert holidays[date(2027, 2, 6)] == "春节" and date(2027, 2, 5) in holidays
    assert holidays[date(2027, 4, 5)] == "清明节"
    assert holidays[date(2027, 6, 9)] == "端午节"
    assert holidays[date(2027, 9, 15)] == "中秋节"
    assert {date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3)} <= holidays.keys()
    assert all(e.official for e in year.entries)
    assert not _days(year.entries, DayKind.workday)
    assert year.workdays_known is False


def test_years_far_ahead_have_their_lunar_holidays() -> None:
    # 春节 2035 is 8 February, 中秋 2035 is 16 September (the lunar calendar, not a table).
    days = official_year(2035).days
    assert days[date(2035, 2, 8)][0] == DayKind.holiday
    assert days[date(2035, 9, 16)][0] == DayKind.holiday
    assert official_year(2035).announced is False


def test_the_announced_2026_schedule_has_its_makeup_workdays_named() -> None:
    year = official_year(2026)
    assert year.announced is True
    assert year.days[date(2026, 2, 14)] == (DayKind.workday, "春节调休")
    assert year.days[date(2026, 10, 10)] == (DayKind.workday, "国庆节调休")


def test_the_dashboard_asks_for_next_years_makeup_days_from_90_days_ahead(
    store: Store, actor: Actor
) -> None:
    with store.read() as session:
        assert unannounced_year(session=session, today=date(2026, 10, 2)) is None
        assert unannounced_year(session=session, today=date(2026, 10, 3)) == 2027
        assert unannounced_year(session=session, today=date(2026, 12, 6)) == 2027
        # In 2027 itself, for as long as nobody knows them.
        assert unannounced_year(session=session, today=date(2027, 3, 1)) == 2027
    # The station enters the published make-up workdays: the question is answered.
    with store.write(actor) as session:
        mark_day(session=session, day=date(2027, 2, 20), kind=DayKind.workday, name="春节调休")
    with store.read() as session:
        assert unannounced_year(session=session, today=date(2026, 12, 6)) is None
        assert load_calendar_year(session=session, year=2027).workdays_known is True


def test_a_deleted_official_holiday_stays_deleted_and_can_be_restored(
    store: Store, actor: Actor
) -> None:
    national_day = date(2027, 10, 1)  # a Friday
    with store.write(actor) as session:
        unmark_day(session=session, day=national_day)
    with store.read() as session:
        entries = list_calendar(session=session, year=2027)
        settings_calendar = load_work_calendar(session=session)
    assert national_day not in _days(entries, DayKind.holiday)
    assert settings_calendar.is_working(national_day)
    # Deleting it again changes nothing; marking it again brings it back, as the station's.
    with store.write(actor) as session:
        assert unmark_day(session=session, day=national_day) == 0
        mark_day(session=session, day=national_day, kind=DayKind.holiday, name="国庆节")
    with store.read() as session:
        entries = list_calendar(session=session, year=2027)
    restored = next(e for e in entries if e.day == national_day)
    assert restored.kind == DayKind.holiday and restored.official is False
