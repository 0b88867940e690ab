"""Who is on duty (代表轮值驻站), the last handover note, and the dashboard's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.changelog.changes import write_context
from store.core.clock import today as today_of
from store.core.errors import N_, DeputyNotFound
from store.core.hub_mark import refuse_on_hub
from store.core.models import Colour, Deputy, Shift, Tier, Visit
from store.core.paging import Page
from store.core.rows import get_live, live
from store.desk.board import board_counts, list_overdue
from store.desk.issue_rows import IssueRow
from store.desk.notices import count_notices
from store.desk.visits import VisitRow, awaiting_triage, list_visits_on
from store.duty.roster import RosterDay, next_on_duty
from store.reference.lists import Choice


@dataclass(frozen=True)
class Handover:
    shift_id: str
    deputy_id: str
    deputy: str
    duty_date: date
    note: str
    handed_over_at: datetime
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class Dashboard:
    on_duty: list[Choice]
    visits_today: Page[VisitRow]
    untriaged: int
    counts: dict[Tier, dict[Colour, int]]
    overdue: Page[IssueRow]
    handover: Handover | None
    next_duty: RosterDay | None = None
    # Residents waiting to be told of their issue (待告知, store.desk.notices).
    notices: int = 0


def deputies_on_duty(*, session: Session, day: date) -> list[Choice]:
    """The deputies rostered for `day`, in roster order."""
    rows = session.exec(
        select(Deputy.id, Deputy.name)
        .join(Shift, col(Shift.deputy_id) == Deputy.id)
        .where(
            Shift.duty_date == day,
            live(Shift),
            live(Deputy),
        )
        .order_by(col(Shift.created_at), col(Deputy.name))
    ).all()
    seen: dict[str, Choice] = {}
    for deputy_id, name in rows:
        seen.setdefault(deputy_id, Choice(id=deputy_id, name=name))
    return list(seen.values())


def start_duty(*, session: Session, deputy_id: str) -> str:
    """Put a deputy on duty today: their rostered shift, or an unplanned one recorded now.

    Returns:
        The shift's id.
    Raises:
        HubRefused: a county hub's database (nobody is on duty there).
    """
    refuse_on_hub(session, N_("error.hub_no_duty"))
    ctx = write_context(session)
    deputy = get_live(session, Deputy, deputy_id, DeputyNotFound)
    day = today_of(ctx.clock)
    shift = session.exec(
        select(Shift).where(Shift.deputy_id == deputy_id, Shift.duty_date == day, live(Shift))
    ).first()
    if shift is None:
        shift = Shift(station_id=deputy.station_id, deputy_id=deputy_id, duty_date=day)
        session.add(shift)
        session.flush()
    return shift.id


def last_handover(*, session: Session, today: date) -> Handover | None:
    """The most recent handover note left on a shift before or on `today`."""
    found = session.exec(
        select(Shift, Deputy.name)
        .join(Deputy, col(Deputy.id) == Shift.deputy_id)
        .where(
            col(Shift.handed_over_at).is_not(None),
            col(Shift.duty_date) <= today,
            live(Shift),
        )
        .order_by(col(Shift.handed_over_at).desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    shift, name = found
    assert shift.handed_over_at is not None
    return Handover(
        shift_id=shift.id,
        deputy_id=shift.deputy_id,
        deputy=name,
        duty_date=shift.duty_date,
        note=shift.handover_note or "",
        handed_over_at=shift.handed_over_at,
        acknowledged_at=shift.acknowledged_at,
    )


def load_dashboard(*, session: Session, today: date, tz: tzinfo, rows: int = 8) -> Dashboard:
    """Everything the duty dashboard shows, read in one go.

    Args:
        rows: how many of today's visits and of the overdue issues to list.
    """
    untriaged = session.exec(
        select(func.count()).select_from(Visit).where(*awaiting_triage())
    ).one()
    return Dashboard(
        on_duty=deputies_on_duty(session=session, day=today),
        visits_today=list_visits_on(session=session, day=today, tz=tz, limit=rows),
        untriaged=untriaged,
        counts=board_counts(session=session, today=today),
        overdue=list_overdue(session=session, today=today, limit=rows),
        handover=last_handover(session=session, today=today),
        next_duty=next_on_duty(session=session, after=today),
        notices=count_notices(session=session),
    )
