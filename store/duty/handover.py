"""Handover (交接班): what a shift did and what it leaves, signed by the deputy going off duty and
acknowledged by the next one.

The summary is facts the store can count; the screen turns it into a draft in the interface
language, the deputy edits it, and `end_shift` keeps the text they signed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from store.changelog.chain import head_entry
from store.changelog.changes import format_hlc, write_context
from store.core.clock import day_bounds
from store.core.errors import N_, NotFound, ShiftNotFound, StoreError
from store.core.hub_mark import refuse_on_hub
from store.core.models import (
    ChangeLog,
    ChangeLogLayout,
    ChangeOp,
    Deputy,
    Evaluation,
    Issue,
    IssueStatus,
    Shift,
    Visit,
)
from store.core.rows import get_live, live
from store.core.rules import evaluation_reopens
from store.core.validation import clean_text
from store.desk.follow_up import awaiting_verdict
from store.desk.visits import awaiting_triage

# How many issues of each kind the summary names (the rest are counted).
NAMED = 3


class HandoverAlreadyAcknowledged(StoreError):
    key = N_("error.handover_acknowledged")


@dataclass(frozen=True)
class NamedIssue:
    id: str
    title: str


@dataclass(frozen=True)
class ShiftSummary:
    shift_id: str
    deputy_id: str
    deputy: str
    duty_date: date
    visits_logged: int
    issues_opened: int
    visits_triaged: int
    turned_yellow: tuple[NamedIssue, ...]
    turned_yellow_count: int
    turned_red: tuple[NamedIssue, ...]
    turned_red_count: int
    awaiting_evaluation: int
    untriaged: int
    # The change log's head as the shift ends (its last entry's number and the start of its
    # link): written into the signed note, it travels to the station and the hub, an anchor
    # of this device's chain outside it (store.sync.witness).
    chain_seq: int = 0
    chain_link: str = ""


@dataclass(frozen=True)
class ShiftState:
    """A shift as the duty screen shows it."""

    shift_id: str
    deputy: str
    duty_date: date
    note: str | None
    handed_over: bool
    acknowledged: bool


def _shift(session: Session, shift_id: str) -> Shift:
    return get_live(session, Shift, shift_id, ShiftNotFound)


def _hlc_bounds(day: date, tz: tzinfo) -> tuple[str, str]:
    """The change-log stamps of a station-local day: stamps start with the wall-clock time."""
    start, end = day_bounds(day, tz)
    return (
        format_hlc(int(start.timestamp() * 1000), 0),
        format_hlc(int(end.timestamp() * 1000), 0),
    )


def _named(session: Session, where: list) -> tuple[tuple[NamedIssue, ...], int]:  # type: ignore[type-arg]
    total = session.exec(select(func.count()).select_from(Issue).where(*where)).one()
    rows = session.exec(
        select(Issue.id, Issue.title).where(*where).order_by(col(Issue.due_on), col(Issue.id))
    ).all()
    return tuple(NamedIssue(i, t) for i, t in rows[:NAMED]), int(total)


def _writes_field(name: str) -> Any:
    """A change-log entry writes the field `name`: its JSON object names it, or (written lean,
    store.changelog.lean) its layout does."""
    layouts = select(ChangeLogLayout.id).where(
        or_(
            col(ChangeLogLayout.spec).contains(f'"{name}"'),
            col(ChangeLogLayout.spec).contains(f'"{name}='),
        )
    )
    return or_(
        and_(col(ChangeLog.layout).is_(None), col(ChangeLog.fields).contains(f'"{name}"')),
        col(ChangeLog.layout).in_(layouts),
    )


def summarise_shift(*, session: Session, shift_id: str, tz: tzinfo) -> ShiftSummary:
    """What happened on a shift's day, for its handover note.

    Counted from the change log by the deputy of the shift (so a second terminal's writes count
    for whoever was on duty there), and from the issues' fixed dates for what changed colour."""
    shift = _shift(session, shift_id)
    deputy = session.get(Deputy, shift.deputy_id)
    day = shift.duty_date
    low, high = _hlc_bounds(day, tz)
    in_shift = (
        col(ChangeLog.hlc) >= low,
        col(ChangeLog.hlc) < high,
        ChangeLog.deputy_id == shift.deputy_id,
    )
    visits_logged = session.exec(
        select(func.count())
        .select_from(ChangeLog)
        .where(*in_shift, ChangeLog.table_name == "visit", ChangeLog.op == ChangeOp.insert)
    ).one()
    issues_opened = session.exec(
        select(func.count())
        .select_from(ChangeLog)
        .where(*in_shift, ChangeLog.table_name == "issue", ChangeLog.op == ChangeOp.insert)
    ).one()
    visits_triaged = session.exec(
        select(func.count(func.distinct(ChangeLog.row_id))).where(
            *in_shift,
            ChangeLog.table_name == "visit",
            ChangeLog.op == ChangeOp.update,
            _writes_field("issue_id"),
        )
    ).one()
    is_open = (col(Issue.status) != IssueStatus.closed, live(Issue))
    yellow, yellow_count = _named(
        session, [*is_open, Issue.warn_on == day, col(Issue.due_on) >= day]
    )
    # Red today: the first overdue day, or sent back for re-supervision by today's evaluation.
    start, end = day_bounds(day, tz)
    reopened = select(Evaluation.issue_id, Evaluation.resolution, Evaluation.satisfaction).where(
        col(Evaluation.at) >= start, col(Evaluation.at) < end
    )
    reopened_ids = [
        issue_id for issue_id, r, s in session.exec(reopened).all() if evaluation_reopens(r, s)
    ]
    red, red_count = _named(
        session,
        [
            *is_open,
            (col(Issue.due_on) == day - timedelta(days=1)) | col(Issue.id).in_(reopened_ids),
        ],
    )
    awaiting = session.exec(
        select(func.count()).select_from(Issue).where(*awaiting_verdict())
    ).one()
    untriaged = session.exec(
        select(func.count()).select_from(Visit).where(*awaiting_triage())
    ).one()
    head = head_entry(session.connection())
    return ShiftSummary(
        shift_id=shift.id,
        deputy_id=shift.deputy_id,
        deputy=deputy.name if deputy else "",
        duty_date=day,
        visits_logged=int(visits_logged),
        issues_opened=int(issues_opened),
        visits_triaged=int(visits_triaged),
        turned_yellow=yellow,
        turned_yellow_count=yellow_count,
        turned_red=red,
        turned_red_count=red_count,
        awaiting_evaluation=int(awaiting),
        untriaged=int(untriaged),
        chain_seq=head[0] if head else 0,
        chain_link=head[1][:12] if head else "",
    )


def end_shift(*, session: Session, shift_id: str, note: str) -> ShiftState:
    """Sign a shift's handover note. It may be corrected until the next deputy acknowledges it.

    Raises:
        HubRefused: a county hub's database (nobody is on duty there).
    """
    refuse_on_hub(session, N_("error.hub_no_duty"))
    ctx = write_context(session)
    shift = _shift(session, shift_id)
    if shift.acknowledged_at is not None:
        raise HandoverAlreadyAcknowledged()
    shift.handover_note = clean_text(note, field="note")
    shift.handed_over_at = ctx.clock.now()
    session.flush()
    return shift_state(session=session, shift_id=shift_id)


def acknowledge_handover(*, session: Session, shift_id: str) -> ShiftState:
    """The deputy now on duty has read the handover note.

    Raises:
        HubRefused: a county hub's database: nobody is on duty there to have read it, and
            `sync pull` would carry the acknowledgement back to the station.
    """
    refuse_on_hub(session, N_("error.hub_no_duty"))
    ctx = write_context(session)
    shift = _shift(session, shift_id)
    if shift.handed_over_at is None:
        raise NotFound("error.shift_not_found")
    if shift.acknowledged_at is None:
        shift.acknowledged_at = ctx.clock.now()
        shift.acknowledged_by = ctx.actor.deputy_id
        session.flush()
    return shift_state(session=session, shift_id=shift_id)


def shift_state(*, session: Session, shift_id: str) -> ShiftState:
    shift = _shift(session, shift_id)
    deputy = session.get(Deputy, shift.deputy_id)
    return ShiftState(
        shift_id=shift.id,
        deputy=deputy.name if deputy else "",
        duty_date=shift.duty_date,
        note=shift.handover_note,
        handed_over=shift.handed_over_at is not None,
        acknowledged=shift.acknowledged_at is not None,
    )
