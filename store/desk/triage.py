"""Triage (分办): a waiting visit becomes a new issue handled by a unit, or joins an open one;
the units proposed for it. What happens to an issue after is store.desk.issues."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from store.changelog.changes import write_context
from store.core.clock import today as today_of
from store.core.errors import (
    N_,
    InvalidStatusMove,
    UnitNotFound,
    UnitTierMismatch,
    VisitAlreadyTriaged,
    VisitNotFound,
)
from store.core.hub_mark import refuse_on_hub
from store.core.models import Constituent, Issue, IssueStatus, NoticeEvent, Tier, Unit, Visit
from store.core.rows import get_live, live
from store.core.rules import due_dates
from store.core.settings import load_settings
from store.core.validation import summarise
from store.desk.issue_rows import IssueRow, live_issue, written_row
from store.desk.notices import queue_notices
from store.desk.urgency import pressing_kind

TITLE_MAX = 30


def suggest_units(*, session: Session, visit_id: str, tier: Tier) -> list[tuple[str, str]]:
    """Units of `tier` for this visit, likeliest first: the visit's own village committee, then
    the units that most often took this category at this tier, then the rest by name.

    Returns:
        (unit id, unit name) pairs.
    """
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise VisitNotFound()
    return likely_units(
        session=session, village_id=visit.village_id, category_id=visit.category_id, tier=tier
    )


def likely_units(
    *, session: Session, village_id: str, category_id: str, tier: Tier
) -> list[tuple[str, str]]:
    """Active units of `tier`, likeliest first for a problem of this village and category: the
    village's own committee, then the units that most often took this category at this tier,
    then the rest by name. Triage (`suggest_units`) and a move to another tier
    (store.desk.moves) offer them in this order.

    Returns:
        (unit id, unit name) pairs.
    """
    usage = (
        select(Issue.unit_id, func.count().label("n"))
        .where(Issue.category_id == category_id, Issue.tier == tier)
        .group_by(Issue.unit_id)
        .subquery()
    )
    own_village = case((col(Unit.village_id) == village_id, 0), else_=1)
    rows = session.exec(
        select(Unit.id, Unit.name)
        .outerjoin(usage, usage.c.unit_id == Unit.id)
        .where(Unit.tier == tier, col(Unit.active).is_(True), live(Unit))
        .order_by(own_village, func.coalesce(usage.c.n, 0).desc(), col(Unit.name))
    ).all()
    return [(uid, name) for uid, name in rows]


def _untriaged_visit(session: Session, visit_id: str) -> Visit:
    visit = get_live(session, Visit, visit_id, VisitNotFound)
    if visit.issue_id is not None:
        raise VisitAlreadyTriaged()
    return visit


def open_issue(
    *,
    session: Session,
    visit_id: str,
    unit_id: str,
    tier: Tier | None = None,
    title: str | None = None,
) -> IssueRow:
    """Triage a visit to a new issue handled by `unit_id` (分办), at the unit's tier.

    The due date is today plus the tier's window; the deputy on duty leads the issue.

    Args:
        tier: when given, must be the unit's tier (a check on what the deputy chose).

    Raises:
        VisitNotFound, VisitAlreadyTriaged, NotFound (unit), UnitTierMismatch; HubRefused on a
        county hub's database (nobody triages there).
    """
    return open_issue_from_visits(
        session=session, visit_ids=[visit_id], unit_id=unit_id, tier=tier, title=title
    )


def open_issue_from_visits(
    *,
    session: Session,
    visit_ids: Sequence[str],
    unit_id: str,
    tier: Tier | None = None,
    title: str | None = None,
) -> IssueRow:
    """Open one issue from several untriaged visits about the same problem (a cluster), in the
    caller's one transaction: all of them are linked, or none.

    The earliest visit gives the title; a resident's second and later visits are repeats
    (重复诉求). Otherwise as `open_issue`.

    Raises:
        VisitNotFound, VisitAlreadyTriaged, NotFound (unit), UnitTierMismatch; HubRefused on a
        county hub's database (nobody triages there).
    """
    refuse_on_hub(session, N_("error.hub_no_logging"))
    ctx = write_context(session)
    if not visit_ids:
        raise VisitNotFound()
    visits = sorted(
        (_untriaged_visit(session, v) for v in dict.fromkeys(visit_ids)),
        key=lambda v: (v.received_at, v.id),
    )
    unit = get_live(session, Unit, unit_id, UnitNotFound)
    if tier is not None and unit.tier != tier:
        raise UnitTierMismatch()
    tier = Tier(unit.tier)
    settings = load_settings(session=session)
    today = today_of(ctx.clock)
    window = settings.window_days[tier]
    due_on, warn_on = due_dates(today, window, settings)
    first = visits[0]
    repeats = _repeats(visits, set())
    issue = Issue(
        station_id=first.station_id,
        title=summarise(title or first.text, TITLE_MAX),
        category_id=first.category_id,
        village_id=first.village_id,
        tier=tier,
        unit_id=unit.id,
        status=IssueStatus.received,
        lead_deputy_id=ctx.actor.deputy_id,
        opened_on=today,
        window_days=window,
        due_on=due_on,
        warn_on=warn_on,
        visit_count=len(visits),
        repeat_count=len(repeats),
        kind=pressing_kind(v.kind for v in visits),
        vulnerable=_any_vulnerable(session, visits),
    )
    session.add(issue)
    session.flush()
    for visit in visits:
        visit.issue_id = issue.id
        if visit.id in repeats:
            visit.is_repeat = True
    # Its residents hear that it was taken up (告知).
    queue_notices(session=session, issue_id=issue.id, event=NoticeEvent.triaged)
    return written_row(session, issue.id, today)


def _repeats(visits: Sequence[Visit], residents: set[str]) -> set[str]:
    """The visits (in the order given) whose resident is in `residents` or came earlier in the
    list: repeats (重复诉求). Adds the visits' residents to `residents`."""
    found = set()
    for visit in visits:
        if visit.constituent_id in residents:
            found.add(visit.id)
        residents.add(visit.constituent_id)
    return found


def _any_vulnerable(session: Session, visits: Sequence[Visit]) -> bool:
    ids = {v.constituent_id for v in visits}
    return bool(
        session.exec(
            select(func.count())
            .select_from(Constituent)
            .where(col(Constituent.id).in_(ids), col(Constituent.vulnerable).is_(True))
        ).one()
    )


def link_visit(*, session: Session, visit_id: str, issue_id: str) -> IssueRow:
    """Attach a visit to an existing open issue about the same problem. If its resident already
    has a visit on the issue, the visit is a repeat (重复诉求) and the issue counts it.

    Raises:
        VisitNotFound, VisitAlreadyTriaged, IssueNotFound, InvalidStatusMove (issue closed).
    """
    return link_visits(session=session, visit_ids=[visit_id], issue_id=issue_id)


def link_visits(*, session: Session, visit_ids: Sequence[str], issue_id: str) -> IssueRow:
    """`link_visit` for several visits at once, all or none (a marked cluster on triage)."""
    refuse_on_hub(session, N_("error.hub_no_logging"))
    ctx = write_context(session)
    visits = sorted(
        (_untriaged_visit(session, v) for v in dict.fromkeys(visit_ids)),
        key=lambda v: (v.received_at, v.id),
    )
    issue = live_issue(session, issue_id)
    if issue.status == IssueStatus.closed:
        raise InvalidStatusMove("error.link_closed")
    residents = set(
        session.exec(
            select(Visit.constituent_id).where(Visit.issue_id == issue.id, live(Visit))
        ).all()
    )
    repeats = _repeats(visits, residents)
    for visit in visits:
        visit.issue_id = issue.id
        if visit.id in repeats:
            visit.is_repeat = True
    issue.visit_count = issue.visit_count + len(visits)
    if repeats:
        issue.repeat_count = issue.repeat_count + len(repeats)
    kind = pressing_kind([issue.kind, *(v.kind for v in visits)])
    if kind != issue.kind:
        issue.kind = kind
    if not issue.vulnerable and _any_vulnerable(session, visits):
        issue.vulnerable = True
    # The residents just linked hear that it was taken up (告知); one told already is not again.
    queue_notices(
        session=session,
        issue_id=issue.id,
        event=NoticeEvent.triaged,
        constituent_ids={v.constituent_id for v in visits},
    )
    return written_row(session, issue.id, today_of(ctx.clock))
