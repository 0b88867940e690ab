"""Domain rules as pure functions: due dates, colours (docs/rules/colours-and-windows.md) and status
moves (五事)."""

from __future__ import annotations

from datetime import date, timedelta

from store.core.models import Colour, IssueStatus, Resolution, Satisfaction
from store.core.settings import StationSettings

PROGRESS_STATUSES: tuple[IssueStatus, ...] = tuple(
    s for s in IssueStatus if s != IssueStatus.closed
)


def due_dates(opened_on: date, window_days: int, settings: StationSettings) -> tuple[date, date]:
    """The due date and the date the issue turns yellow, the window counted in calendar days or
    in working days (`settings.window_unit`, with the station's calendar).

    Returns:
        (due_on, warn_on): overdue after `due_on`; yellow from `warn_on` (⅓ of the window left).
    """
    warn = settings.warn_days(window_days)
    if settings.window_unit == "working" and settings.calendar is not None:
        due_on = settings.calendar.shift(opened_on, window_days)
        return due_on, settings.calendar.shift(due_on, -warn)
    due_on = opened_on + timedelta(days=window_days)
    return due_on, due_on - timedelta(days=warn)


def open_colour(*, today: date, due_on: date, warn_on: date, resupervision: bool) -> Colour:
    """Red when overdue or under re-supervision; yellow with ⅓ of the window or less left."""
    if resupervision or today > due_on:
        return Colour.red
    if today >= warn_on:
        return Colour.yellow
    return Colour.green


def closed_colour(
    *, today: date, closed_on: date, satisfaction: str | None, grace_days: int
) -> Colour:
    """Green once the resident is satisfied, or while an evaluation may still come; yellow when
    none has come `grace_days` after closing. (Unsatisfied closures reopen, so never reach here.)"""
    if satisfaction in (Satisfaction.satisfied, Satisfaction.fairly):
        return Colour.green
    if (today - closed_on).days > grace_days:
        return Colour.yellow
    return Colour.green


def can_progress(current: IssueStatus, target: IssueStatus) -> bool:
    """A progress entry keeps the status or moves it forward, short of closing (that is `close`)."""
    return (
        current != IssueStatus.closed
        and target != IssueStatus.closed
        and target.step >= current.step
    )


def evaluation_reopens(resolution: Resolution | str, satisfaction: Satisfaction | str) -> bool:
    """未解决 or 不满意 sends the issue back for re-supervision (再监督). Takes the enums or the
    codes the store holds."""
    return resolution == Resolution.unresolved or satisfaction == Satisfaction.unsatisfied
