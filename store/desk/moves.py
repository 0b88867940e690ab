"""Moving an issue to another tier (升级 escalate, 降级 de-escalate) and unit, with a reason: the
new tier's window starts at the move (docs/rules/colours-and-windows.md, "Moving between tiers").

Two clocks: the two-month rate keeps counting from the day the issue was opened, whatever its
moves; "on time" is judged at each tier, from the day the issue came to it. A move judges the tier
it leaves there and then (`IssueMove.from_on_time`); closing judges the tier the issue is at
(`Issue.closed_within_window`, store.desk.issues). Both are frozen once written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, col
from sqlmodel.sql.expression import Select

from store.changelog.changes import write_context
from store.core.clock import today as today_of
from store.core.errors import (
    N_,
    FieldInvalid,
    TierMoveInvalid,
    UnitNotFound,
    UnitTierMismatch,
)
from store.core.models import Deputy, IssueMove, IssueStatus, MoveReason, NoticeEvent, Tier, Unit
from store.core.rows import get_live, live
from store.core.rules import due_dates
from store.core.settings import load_settings
from store.core.validation import strip_controls
from store.desk.issue_rows import IssueRow, live_issue, written_row
from store.desk.notices import queue_notices
from store.desk.triage import likely_units

NOTE_MAX = 200

# The reasons offered for a move up and for a move down, the likeliest first; `other` either way
# (its note says what). The store accepts a reason only in its own direction.
REASONS_UP: tuple[MoveReason, ...] = (
    MoveReason.beyond_capacity,
    MoveReason.beyond_authority,
    MoveReason.coordination,
    MoveReason.other,
)
REASONS_DOWN: tuple[MoveReason, ...] = (
    MoveReason.sent_back,
    MoveReason.local_matter,
    MoveReason.other,
)


def tier_rank(tier: Tier | str) -> int:
    """0 for the village, 1 for the township, 2 for the county."""
    return list(Tier).index(Tier(tier))


def next_tier(tier: Tier | str, step: int) -> Tier | None:
    """The tier `step` above (1) or below (-1) `tier`; None past the county or the village."""
    rank = tier_rank(tier) + step
    return list(Tier)[rank] if 0 <= rank < len(Tier) else None


def move_reasons(*, up: bool) -> tuple[MoveReason, ...]:
    """The reasons a move up (or down) may give, the likeliest first."""
    return REASONS_UP if up else REASONS_DOWN


@dataclass(frozen=True)
class MoveRow:
    """One move as the timeline, the board and the ledger read it."""

    id: str
    issue_id: str
    at: datetime
    from_tier: Tier
    to_tier: Tier
    from_unit: str
    to_unit: str
    reason: MoveReason
    note: str
    deputy: str | None
    # The tier it left: its due date there, and whether it moved no later than that.
    from_due_on: date
    from_on_time: bool
    to_due_on: date

    @property
    def up(self) -> bool:
        """An escalation (升级); False for a de-escalation (降级)."""
        return tier_rank(self.to_tier) > tier_rank(self.from_tier)


def clean_note(note: str) -> str:
    """A move's note on one line: controls removed, spaces collapsed, cut at NOTE_MAX."""
    return " ".join(strip_controls(note).split())[:NOTE_MAX]


def move_issue(
    *,
    session: Session,
    issue_id: str,
    tier: Tier,
    unit_id: str,
    reason: MoveReason,
    note: str = "",
) -> IssueRow:
    """Move an open issue to another tier and a unit of it (升级 up, 降级 down), in the caller's
    write session: one logged edit of the issue and one `issue_move` record.

    The tier it leaves is judged on time or late now (its due date against today) and the
    judgement is kept on the move. The new tier's window counts from today (in working days when
    the station counts them); the two-month rate still counts from the opening day. Status,
    re-supervision and lead deputy stay as they are.

    Args:
        tier: the new tier; not the issue's own.
        unit_id: a unit of `tier`.
        reason: one of `move_reasons(up=…)` for the direction of the move.
        note: free text; required when `reason` is `other`.
    Returns:
        The issue's row after the move.
    Raises:
        IssueNotFound, UnitNotFound, UnitTierMismatch (the unit is of another tier),
        TierMoveInvalid (the issue's own tier, or a closed issue), FieldInvalid (`reason` of the
        other direction: `move.reason_direction`; `other` without a note: `move.note_required`).
    """
    ctx = write_context(session)
    issue = live_issue(session, issue_id)
    if issue.status == IssueStatus.closed:
        raise TierMoveInvalid(N_("error.move_closed"))
    if tier == issue.tier:
        raise TierMoveInvalid()
    unit = get_live(session, Unit, unit_id, UnitNotFound)
    if unit.tier != tier:
        raise UnitTierMismatch()
    up = tier_rank(tier) > tier_rank(issue.tier)
    if reason not in move_reasons(up=up):
        raise FieldInvalid("move.reason_direction", "reason")
    note = clean_note(note)
    if reason == MoveReason.other and not note:
        raise FieldInvalid("move.note_required", "note")
    today = today_of(ctx.clock)
    settings = load_settings(session=session)
    window = settings.window_days[tier]
    due_on, warn_on = due_dates(today, window, settings)
    session.add(
        IssueMove(
            station_id=issue.station_id,
            issue_id=issue.id,
            moved_at=ctx.clock.now(),
            deputy_id=ctx.actor.deputy_id,
            from_tier=issue.tier,
            to_tier=tier,
            from_unit_id=issue.unit_id,
            to_unit_id=unit.id,
            reason=reason,
            note=note,
            from_due_on=issue.due_on,
            from_on_time=today <= issue.due_on,
            to_due_on=due_on,
        )
    )
    issue.tier = tier
    issue.unit_id = unit.id
    issue.window_days = window
    issue.due_on = due_on
    issue.warn_on = warn_on
    issue.tier_since = today
    # Its residents hear that it went up or down and who handles it now (告知).
    queue_notices(session=session, issue_id=issue.id, event=NoticeEvent.moved)
    return written_row(session, issue.id, today)


def suggest_move_units(*, session: Session, issue_id: str, tier: Tier) -> list[tuple[str, str]]:
    """Units of `tier` to move the issue to, likeliest first (as triage proposes them:
    store.desk.triage.likely_units, for the issue's village and category).

    Raises:
        IssueNotFound.
    """
    issue = live_issue(session, issue_id)
    return likely_units(
        session=session, village_id=issue.village_id, category_id=issue.category_id, tier=tier
    )


_From = aliased(Unit)
_To = aliased(Unit)
MoveQuery = Select[IssueMove, str, str, str | None]


def _moves_query() -> MoveQuery:
    # More columns than sqlmodel's select() types (four): its Select, typed by hand.
    query: MoveQuery = Select(IssueMove, col(_From.name), col(_To.name), col(Deputy.name))
    return (
        query.join(_From, col(_From.id) == IssueMove.from_unit_id)
        .join(_To, col(_To.id) == IssueMove.to_unit_id)
        .outerjoin(Deputy, col(Deputy.id) == IssueMove.deputy_id)
        .where(live(IssueMove))
    )


def _row(move: IssueMove, from_unit: str, to_unit: str, deputy: str | None) -> MoveRow:
    return MoveRow(
        id=move.id,
        issue_id=move.issue_id,
        at=move.moved_at,
        from_tier=Tier(move.from_tier),
        to_tier=Tier(move.to_tier),
        from_unit=from_unit,
        to_unit=to_unit,
        reason=MoveReason(move.reason),
        note=move.note,
        deputy=deputy,
        from_due_on=move.from_due_on,
        from_on_time=move.from_on_time,
        to_due_on=move.to_due_on,
    )


def list_moves(*, session: Session, issue_id: str) -> list[MoveRow]:
    """An issue's moves, oldest first (an issue moves a handful of times: not paged)."""
    rows = session.exec(
        _moves_query()
        .where(IssueMove.issue_id == issue_id)
        .order_by(col(IssueMove.moved_at), col(IssueMove.id))
    ).all()
    return [_row(*found) for found in rows]


def last_moves(*, session: Session, issue_ids: Iterable[str]) -> dict[str, MoveRow]:
    """The latest move of each of these issues that moved (a board page's), by issue id."""
    ids = sorted(set(issue_ids))
    if not ids:
        return {}
    rows = session.exec(
        _moves_query()
        .where(col(IssueMove.issue_id).in_(ids))
        .order_by(col(IssueMove.moved_at), col(IssueMove.id))
    ).all()
    # Oldest first: the latest of each issue is written last.
    return {found[0].issue_id: _row(*found) for found in rows}
