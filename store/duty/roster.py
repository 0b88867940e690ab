"""The duty roster (排班): deputies take turns at the station (代表轮值驻站).

A roster is the set of future `Shift` rows, one deputy per duty day. `generate_roster` fills the
days that have no shift yet, fairly: each day goes to the available deputy who has served the
fewest shifts (counting those already rostered in the window), then to whoever served longest
ago. Over any window with equal availability, no deputy serves more than one shift more than
another. Hand edits (`assign_shift`, `clear_shift`) are ordinary writes, so they sync."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.changelog.changes import write_context
from store.core.errors import DeputyNotFound, FieldInvalid, NotFound
from store.core.models import Deputy, Shift
from store.core.rows import get_live, live

# A generator is for weeks ahead, not years: a typo in an end date must not write 10,000 shifts.
MAX_ROSTER_DAYS = 366


@dataclass(frozen=True)
class RosterDay:
    day: date
    shift_id: str | None
    deputy_id: str | None
    deputy: str | None


def _days(start: date, end: date) -> list[date]:
    if end < start:
        raise FieldInvalid("error.roster_range", field="end")
    if (end - start).days + 1 > MAX_ROSTER_DAYS:
        raise FieldInvalid("error.roster_too_long", field="end", days=MAX_ROSTER_DAYS)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _active_deputies(session: Session) -> list[Deputy]:
    return list(
        session.exec(
            select(Deputy)
            .where(col(Deputy.active).is_(True), live(Deputy))
            .order_by(col(Deputy.name), col(Deputy.id))
        ).all()
    )


def _shifts_between(session: Session, start: date, end: date) -> list[Shift]:
    return list(
        session.exec(
            select(Shift)
            .where(
                col(Shift.duty_date) >= start,
                col(Shift.duty_date) <= end,
                live(Shift),
            )
            .order_by(col(Shift.duty_date), col(Shift.created_at))
        ).all()
    )


def list_roster(*, session: Session, start: date, end: date) -> list[RosterDay]:
    """Every day from `start` to `end` (inclusive) with its rostered deputy, or none."""
    names = {d.id: d.name for d in session.exec(select(Deputy)).all()}
    by_day: dict[date, Shift] = {}
    for rostered in _shifts_between(session, start, end):
        by_day.setdefault(rostered.duty_date, rostered)
    out = []
    for day in _days(start, end):
        shift = by_day.get(day)
        out.append(
            RosterDay(
                day=day,
                shift_id=shift.id if shift else None,
                deputy_id=shift.deputy_id if shift else None,
                deputy=names.get(shift.deputy_id) if shift else None,
            )
        )
    return out


def next_on_duty(*, session: Session, after: date) -> RosterDay | None:
    """The first rostered day after `after`, for "who is next"."""
    found = session.exec(
        select(Shift, Deputy.name)
        .join(Deputy, col(Deputy.id) == Shift.deputy_id)
        .where(col(Shift.duty_date) > after, live(Shift))
        .order_by(col(Shift.duty_date), col(Shift.created_at))
        .limit(1)
    ).first()
    if found is None:
        return None
    shift, name = found
    return RosterDay(day=shift.duty_date, shift_id=shift.id, deputy_id=shift.deputy_id, deputy=name)


def plan_roster(
    *,
    deputy_ids: list[str],
    days: list[date],
    taken: Mapping[date, str],
    served: Mapping[str, int],
    last_served: Mapping[str, date],
    unavailable: Mapping[str, Collection[date]],
) -> dict[date, str]:
    """Who serves each free day: the pure rule behind `generate_roster`.

    Args:
        deputy_ids: the deputies who take turns, in a stable order (the last tie-break).
        days: the days to fill, in order; days in `taken` are already rostered and kept.
        served: shifts each deputy already has in the window (hand-rostered ones).
        last_served: each deputy's latest shift before the window, if any.
        unavailable: days a deputy cannot serve.
    """
    counts = {d: served.get(d, 0) for d in deputy_ids}
    last = dict(last_served)
    for day, deputy in taken.items():
        if deputy in counts:
            last[deputy] = max(last.get(deputy, day), day)
    plan: dict[date, str] = {}
    for day in days:
        if day in taken:
            continue
        free = [d for d in deputy_ids if day not in unavailable.get(d, ())]
        if not free:
            continue
        choice = min(
            free,
            key=lambda d: (counts[d], last.get(d, date.min), deputy_ids.index(d)),
        )
        plan[day] = choice
        counts[choice] += 1
        last[choice] = day
    return plan


def generate_roster(
    *,
    session: Session,
    start: date,
    end: date,
    skip: Collection[date] = (),
    unavailable: Mapping[str, Collection[date]] | None = None,
) -> list[RosterDay]:
    """Roster every day from `start` to `end` that has no shift yet and is not in `skip` (closed
    days, holidays). Existing shifts, hand-edited or not, are kept.

    Returns:
        The roster of the window, after generation.
    """
    write_context(session)
    days = [d for d in _days(start, end) if d not in set(skip)]
    deputies = _active_deputies(session)
    if not deputies:
        raise NotFound("error.roster_no_deputies")
    ids = [d.id for d in deputies]
    taken: dict[date, str] = {}
    served: dict[str, int] = {}
    for shift in _shifts_between(session, start, end):
        if shift.duty_date not in taken:
            taken[shift.duty_date] = shift.deputy_id
            served[shift.deputy_id] = served.get(shift.deputy_id, 0) + 1
    last_served = _last_shifts_before(session, start)
    plan = plan_roster(
        deputy_ids=ids,
        days=days,
        taken=taken,
        served=served,
        last_served=last_served,
        unavailable=unavailable or {},
    )
    station_id = deputies[0].station_id
    for day, deputy_id in plan.items():
        session.add(Shift(station_id=station_id, deputy_id=deputy_id, duty_date=day))
    session.flush()
    return list_roster(session=session, start=start, end=end)


def _last_shifts_before(session: Session, day: date) -> dict[str, date]:
    rows = session.exec(
        select(Shift.deputy_id, func.max(Shift.duty_date))
        .where(col(Shift.duty_date) < day, live(Shift))
        .group_by(col(Shift.deputy_id))
    ).all()
    return {deputy_id: last for deputy_id, last in rows}


def assign_shift(*, session: Session, day: date, deputy_id: str) -> str:
    """Put `deputy_id` on duty on `day` instead of whoever was rostered (by hand).

    Returns:
        The new shift's id (the same one if that deputy was already rostered).
    """
    ctx = write_context(session)
    deputy = get_live(session, Deputy, deputy_id, DeputyNotFound)
    kept = None
    for shift in _shifts_between(session, day, day):
        if shift.deputy_id == deputy_id and kept is None:
            kept = shift
        elif shift.handed_over_at is None:
            shift.deleted_at = ctx.clock.now()
    if kept is None:
        kept = Shift(station_id=deputy.station_id, deputy_id=deputy_id, duty_date=day)
        session.add(kept)
    session.flush()
    return kept.id


def clear_shift(*, session: Session, day: date) -> int:
    """Remove the roster of `day` (a day the station is closed). Shifts already served and
    handed over are kept: they are the record. Returns how many shifts were removed."""
    ctx = write_context(session)
    removed = 0
    for shift in _shifts_between(session, day, day):
        if shift.handed_over_at is None:
            shift.deleted_at = ctx.clock.now()
            removed += 1
    session.flush()
    return removed


def parse_dates(text: str, year: int, month: int) -> set[date]:
    """Dates typed as `12-07`, `2026-12-07` or `7` (in `year` and `month` when left out),
    separated by commas, spaces or 、; full-width digits as typed through an IME are read too.

    Raises:
        FieldInvalid: a piece is not a date.
    """
    out: set[date] = set()
    # NFKC turns full-width digits and dashes into ASCII; then only ASCII digits count
    # (docs/rules: `\d` would take other scripts' digits).
    text = unicodedata.normalize("NFKC", text)
    for piece in (p for p in re.split(r"[\s,，、;；]+", text.strip()) if p):
        numbers = [int(n) for n in re.findall(r"[0-9]+", piece)]
        try:
            if len(numbers) == 3:
                out.add(date(*numbers))
            elif len(numbers) == 2:
                out.add(date(year, numbers[0], numbers[1]))
            elif len(numbers) == 1:
                out.add(date(year, month, numbers[0]))
            else:
                raise ValueError(piece)
        except ValueError:
            raise FieldInvalid("error.skip_dates", field="skip", piece=piece[:20]) from None
    return out
