"""The working-day calendar: windows in working days skip weekends and holidays, honour make-up
workdays, and open issues' due dates follow every change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from store.calendar import list_calendar, mark_day, set_window_unit, unmark_day
from store.changes import Actor
from store.db import Store
from store.enums import DayKind
from store.models import Issue, IssueStatus
from store.workdays import WorkCalendar


def test_working_days_skip_weekends_and_holidays_and_count_makeup_days() -> None:
    cal = WorkCalendar(
        holidays=frozenset({date(2026, 12, 1)}), workdays=frozenset({date(2026, 12, 5)})
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
    store: Store, actor: Actor, make_issue: Callable
) -> None:  # type: ignore[type-arg]
    row = make_issue()  # village tier: 15 days, opened Tue 2026-11-24
    with store.read() as session:
        issue = session.get(Issue, row.id)
        assert issue.due_on == date(2026, 12, 9)
    with store.write(actor) as session:
        assert set_window_unit(session=session, unit="working") == 1
    with store.read() as session:
        issue = session.get(Issue, row.id)
    # 15 working days from Tue 24 Nov: Fri 15 Dec... counted: 25,26,27,30 Nov, 1-4, 7-11, 14, 15.
    assert issue.due_on == date(2026, 12, 15)
    assert issue.warn_on == date(2026, 12, 8)  # 5 working days before
    with store.write(actor) as session:
        assert (
            mark_day(session=session, day=date(2026, 11, 30), kind=DayKind.holiday, name="测试")
            == 1
        )
    with store.read() as session:
        assert session.get(Issue, row.id).due_on == date(2026, 12, 16)
    with store.write(actor) as session:
        unmark_day(session=session, day=date(2026, 11, 30))
    with store.read() as session:
        assert session.get(Issue, row.id).due_on == date(2026, 12, 15)


def test_closed_issues_keep_their_dates(store: Store, actor: Actor, make_issue: Callable) -> None:  # type: ignore[type-arg]
    row = make_issue()
    with store.write(actor) as session:
        issue = session.get(Issue, row.id)
        issue.status = IssueStatus.closed
    with store.write(actor) as session:
        assert set_window_unit(session=session, unit="working") == 0
    with store.read() as session:
        assert session.get(Issue, row.id).due_on == date(2026, 12, 9)
