"""Telling residents (告知): when an issue is triaged, handed to another unit, moved between
tiers or closed, the residents of its visits who left a phone and did not decline to be called
back (不用回电, `Visit.no_callback`) are put on the 待告知 list, and the deputy on duty tells
each one (by phone, SMS or in person) or records that nobody answered (未接通).

One notice a resident a time something happens (`queue_notices`, called by the store function
that makes it happen, in its transaction). A notice's id is derived from the issue, the
resident and the occasion (the event, and which one of its kind on the issue: the second change
of unit is `unit/2`), so the same change made on two devices while apart queues one notice, and
a notice made on a laptop and synced is never a second one at the station. A notice holds no
personal data, only the resident's id: a purged resident (no phone left) leaves the list.

The list shows a resident once per issue: their newest notice, whose message says how the issue
stands now; an older one not yet told is not read out any more (it stays in the record). A
resident who declines after all (a later visit on the issue with 不用回电) leaves the list."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from store.changelog.changes import write_context
from store.core.errors import N_, InvalidStatusMove, NotFound
from store.core.models import (
    Constituent,
    Deputy,
    Issue,
    Notice,
    NoticeEvent,
    NoticeWay,
    Station,
    Tier,
    Unit,
    Visit,
)
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import get_live, live
from store.core.settings import load_settings, update_setting
from store.core.validation import clean_phone, normalise_phone
from store.desk.issue_rows import live_issue
from store.desk.notice_text import NoticeFacts, load_notice_templates, notice_message
from store.desk.visits import same_resident_same_issue

NOTICE_NAMESPACE = uuid.UUID("2d4c8e61-93b7-4f0a-8c5e-7a1b6f3d9e42")


class NoticeNotFound(NotFound):
    key = N_("error.notice_not_found")


def notice_id(issue_id: str, constituent_id: str, occasion: str) -> str:
    """The id of a resident's notice of one occasion: the same on every device."""
    return str(uuid.uuid5(NOTICE_NAMESPACE, f"{issue_id}|{constituent_id}|{occasion}"))


# ---------------------------------------------------------------------------------------------
# Queueing: called by the writes that change what a resident would want to know.


# A visit of the resident's that declines (apart from the visits a query reads itself).
_Declining = aliased(Visit)


def _may_be_told(issue_id: Any) -> tuple[ColumnElement[bool], ...]:
    """The residents (`Constituent`, joined) who may be told of `issue_id`: a phone left, not
    purged, no visit of theirs on the issue that declines (不用回电), and one still asked for (a
    resident who withdrew (撤回) no longer hears of it)."""

    def theirs(*more: ColumnElement[bool]) -> ColumnElement[bool]:
        return (
            select(_Declining.id)
            .where(
                _Declining.issue_id == issue_id,
                _Declining.constituent_id == col(Constituent.id),
                live(_Declining),
                *more,
            )
            .exists()
        )

    return (
        col(Constituent.phone) != "",
        col(Constituent.purged_at).is_(None),
        live(Constituent),
        ~theirs(col(_Declining.no_callback).is_(True)),
        theirs(col(_Declining.withdrawn_at).is_(None)),
    )


def queue_notices(
    *,
    session: Session,
    issue_id: str,
    event: NoticeEvent,
    constituent_ids: Collection[str] | None = None,
) -> int:
    """Put the issue's residents who may be told on the 待告知 list, one notice each for this
    event, in the caller's write transaction.

    Called by triage (`open_issue_from_visits`, `link_visits`: the residents just linked),
    `change_unit`, `close_issue`, and the tier moves (升级/降级, `NoticeEvent.moved`).

    Args:
        session: a write session.
        issue_id: the issue it happened to.
        event: what happened. `triaged` is told once per resident and issue (a resident
            linked again is not told again); every other event is a new occasion each time.
        constituent_ids: only these residents (the ones a link brought); None: all of the
            issue's.
    Returns:
        How many notices were queued.
    Raises:
        IssueNotFound: no such issue.
    """
    write_context(session)
    issue = live_issue(session, issue_id)
    session.flush()  # the caller's links, so the issue's residents are read as they now are
    if event == NoticeEvent.triaged:
        occasion = NoticeEvent.triaged.value
    else:
        # Which one of its kind: counted from the notices of the issue, so two devices making
        # the same change while apart give it the same number (one notice).
        earlier = session.exec(
            select(func.count(func.distinct(Notice.occasion))).where(
                Notice.issue_id == issue.id, Notice.event == event
            )
        ).one()
        occasion = f"{event.value}/{int(earlier) + 1}"
    query = (
        select(Visit.constituent_id)
        .join(Constituent, col(Constituent.id) == Visit.constituent_id)
        .where(Visit.issue_id == issue.id, live(Visit), *_may_be_told(issue.id))
        .group_by(Visit.constituent_id)
        .order_by(func.min(Visit.received_at), col(Visit.constituent_id))
    )
    if constituent_ids is not None:
        query = query.where(col(Visit.constituent_id).in_(sorted(set(constituent_ids))))
    queued = 0
    for constituent_id in session.exec(query).all():
        row_id = notice_id(issue.id, constituent_id, occasion)
        if session.get(Notice, row_id) is not None:
            continue  # told of it already (a resident linked again), or queued here already
        session.add(
            Notice(
                id=row_id,
                issue_id=issue.id,
                constituent_id=constituent_id,
                event=event,
                occasion=occasion,
            )
        )
        queued += 1
    return queued


def apply_no_callback(*, session: Session, visit: Visit, no_callback: bool) -> int:
    """Set 不用回电 on `visit` and on its resident's other visits on the same issue, in the
    caller's write transaction: the list asks it of the resident about the issue, so one visit
    of theirs that declines would hold the others' answer in vain (docs/rules/duty-loop.md,
    "Telling residents").

    Declining drops the resident's notices of the issue not yet told (deleted: a logged change
    that syncs), so that clearing it later brings back nothing they missed meanwhile; told ones
    stay, for the record. Cleared, they are queued again from the next event on.

    Returns:
        How many visits changed.
    """
    now = write_context(session).clock.now()
    changed = 0
    for one in same_resident_same_issue(session, visit):
        if bool(one.no_callback) != no_callback:
            one.no_callback = no_callback
            changed += 1
    if no_callback and visit.issue_id is not None:
        untold = session.exec(
            select(Notice).where(
                Notice.issue_id == visit.issue_id,
                Notice.constituent_id == visit.constituent_id,
                col(Notice.told_at).is_(None),
                live(Notice),
            )
        ).all()
        for notice in untold:
            notice.deleted_at = now
    return changed


# ---------------------------------------------------------------------------------------------
# The list


@dataclass(frozen=True)
class NoticeRow:
    """A resident to be told, with what to tell them."""

    id: str
    issue_id: str
    constituent_id: str
    event: NoticeEvent
    queued_at: datetime
    resident: str
    # In clear: the screen masks it unless the deputy reveals it (a logged reveal).
    phone: str
    title: str
    tier: Tier
    unit: str
    # Calls nobody answered (未接通), the last one's moment.
    tries: int
    last_try_at: datetime | None
    message: str


_Newer = aliased(Notice)
# When events share an instant (one write that closes and reopens…), the later kind is newer.
_EVENT_RANK = {NoticeEvent.triaged: 0, NoticeEvent.unit: 1, NoticeEvent.moved: 1}


def _rank(model: Any) -> Any:
    return case(*((model.event == e.value, r) for e, r in _EVENT_RANK.items()), else_=2)


def _pending() -> tuple[ColumnElement[bool], ...]:
    """Notices waiting to be told (with `Constituent` and `Issue` joined): untold, the newest of
    their resident's on their issue, and the resident may still be told."""
    newer = (
        select(_Newer.id)
        .where(
            _Newer.issue_id == Notice.issue_id,
            _Newer.constituent_id == Notice.constituent_id,
            live(_Newer),
            or_(
                col(_Newer.created_at) > col(Notice.created_at),
                and_(
                    col(_Newer.created_at) == col(Notice.created_at),
                    or_(
                        _rank(_Newer) > _rank(Notice),
                        and_(_rank(_Newer) == _rank(Notice), col(_Newer.id) > col(Notice.id)),
                    ),
                ),
            ),
        )
        .exists()
    )
    return (
        col(Notice.told_at).is_(None),
        live(Notice),
        live(Issue),
        ~newer,
        *_may_be_told(Notice.issue_id),
    )


def count_notices(*, session: Session) -> int:
    """How many residents wait to be told (the dashboard's 待告知)."""
    return int(
        session.exec(
            select(func.count())
            .select_from(Notice)
            .join(Constituent, col(Constituent.id) == Notice.constituent_id)
            .join(Issue, col(Issue.id) == Notice.issue_id)
            .where(*_pending())
        ).one()
    )


def _rows_query() -> Select[Notice, str, str, Issue, str]:
    # More columns than sqlmodel's select() types (four): its Select, typed by hand.
    query: Select[Notice, str, str, Issue, str] = Select(
        Notice, col(Constituent.name), col(Constituent.phone), Issue, col(Unit.name)
    )
    return (
        query.join(Constituent, col(Constituent.id) == Notice.constituent_id)
        .join(Issue, col(Issue.id) == Notice.issue_id)
        .join(Unit, col(Unit.id) == Issue.unit_id)
    )


def list_notices(
    *,
    session: Session,
    today: date,
    templates: Path | None = None,
    deputy_id: str | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Page[NoticeRow]:
    """The residents waiting to be told, the longest waiting first; one nobody answered goes
    after those queued before the try.

    Args:
        today: the day the messages are said on.
        templates: the station's templates folder (None: the default messages).
        deputy_id: the deputy on duty, whom a message may name (`$deputy`).
    """
    total = count_notices(session=session)
    waiting_since = func.coalesce(Notice.last_try_at, Notice.created_at)
    found = session.exec(
        _rows_query()
        .where(*_pending())
        .order_by(waiting_since, col(Notice.tries), col(Notice.id))
        .limit(limit)
        .offset(offset)
    ).all()
    texts = load_notice_templates(templates)
    settings = load_settings(session=session)
    station = session.exec(select(Station.name).where(live(Station))).first() or ""
    deputy = session.get(Deputy, deputy_id) if deputy_id else None
    items = []
    for notice, name, phone, issue, unit in found:
        event = NoticeEvent(notice.event)
        facts = NoticeFacts(
            resident=name,
            title=issue.title,
            event=event,
            tier=Tier(issue.tier),
            unit=unit,
            due_on=issue.due_on,
            opened_on=issue.opened_on,
            closed_on=issue.closed_on,
            station=station,
            station_phone=settings.station_phone,
            deputy=deputy.name if deputy else "",
            today=today,
        )
        assert notice.created_at is not None
        items.append(
            NoticeRow(
                id=notice.id,
                issue_id=issue.id,
                constituent_id=notice.constituent_id,
                event=event,
                queued_at=notice.created_at,
                resident=name,
                phone=phone,
                title=issue.title,
                tier=Tier(issue.tier),
                unit=unit,
                tries=notice.tries,
                last_try_at=notice.last_try_at,
                message=notice_message(texts, facts),
            )
        )
    return Page(tuple(items), total, offset, limit)


# ---------------------------------------------------------------------------------------------
# Telling


@dataclass(frozen=True)
class Telling:
    """What the deputy recorded: told (how), or a try nobody answered (the tries so far)."""

    notice_id: str
    issue_id: str
    way: NoticeWay | None
    tries: int


def _untold(session: Session, notice_id: str) -> Notice:
    notice = get_live(session, Notice, notice_id, NoticeNotFound)
    if notice.told_at is not None:
        raise InvalidStatusMove("error.notice_told")
    return notice


def record_told(*, session: Session, notice_id: str, way: NoticeWay) -> Telling:
    """The resident was told, by the deputy on duty, now: the notice leaves the list, and the
    issue's timeline and audit trail show it.

    Raises:
        NoticeNotFound: no such notice.
        InvalidStatusMove: told already (`error.notice_told`).
    """
    ctx = write_context(session)
    notice = _untold(session, notice_id)
    notice.told_at = ctx.clock.now()
    notice.way = way
    notice.deputy_id = ctx.actor.deputy_id
    session.flush()
    return Telling(notice.id, notice.issue_id, way, notice.tries)


def record_not_reached(*, session: Session, notice_id: str) -> Telling:
    """A call nobody answered (未接通): the notice stays on the list, after the others.

    Raises:
        NoticeNotFound: no such notice.
        InvalidStatusMove: told already (`error.notice_told`).
    """
    ctx = write_context(session)
    notice = _untold(session, notice_id)
    notice.tries = notice.tries + 1
    notice.last_try_at = ctx.clock.now()
    notice.deputy_id = ctx.actor.deputy_id
    session.flush()
    return Telling(notice.id, notice.issue_id, None, notice.tries)


@dataclass(frozen=True)
class ToldEntry:
    """A telling, as the issue's timeline shows it."""

    at: datetime
    resident: str
    event: NoticeEvent
    way: NoticeWay
    deputy: str | None


def list_told(*, session: Session, issue_id: str) -> list[ToldEntry]:
    """The residents told of an issue, in the order they were told."""
    rows = session.exec(
        select(Notice, Constituent.name, Deputy.name)
        .join(Constituent, col(Constituent.id) == Notice.constituent_id)
        .outerjoin(Deputy, col(Deputy.id) == Notice.deputy_id)
        .where(Notice.issue_id == issue_id, col(Notice.told_at).is_not(None), live(Notice))
        .order_by(col(Notice.told_at), col(Notice.id))
    ).all()
    out = []
    for notice, resident, deputy in rows:
        assert notice.told_at is not None and notice.way is not None
        out.append(
            ToldEntry(
                notice.told_at, resident, NoticeEvent(notice.event), NoticeWay(notice.way), deputy
            )
        )
    return out


def set_station_phone(*, session: Session, phone: str) -> str:
    """The station's phone, which the messages give (`$station_phone`); empty clears it.

    Returns:
        The phone as stored.
    Raises:
        FieldInvalid: not a phone (`field.phone`).
    """
    write_context(session)
    value = clean_phone(phone) if normalise_phone(phone) else ""
    update_setting(session=session, key="notice.station_phone", value=value)
    return value
