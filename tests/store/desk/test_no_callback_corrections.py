"""不用回电 corrected after the visit was saved (issue 18; docs/rules/duty-loop.md, "Telling
residents"): set, the resident's visits on the issue decline and their notices of it still
untold are dropped (those told stay); cleared, the next event queues them again and nothing
dropped comes back. An ordinary logged change, in the audit trail; SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from small_station import Refs
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock, today
from store.core.models import Notice, NoticeEvent, NoticeWay, Tier, Visit, VisitCorrection
from store.db import Store
from store.desk.corrections import correct_visit
from store.desk.forms import validate_form
from store.desk.issue_rows import IssueRow
from store.desk.issues import change_unit
from store.desk.notices import count_notices, list_notices, record_told
from store.desk.triage import link_visit
from store.desk.visits import VisitRow, get_visit, list_issue_visits
from store.trust.audit import list_audit

pytestmark = pytest.mark.both_backends

OTHER = {"name": "李秀英", "phone": "13955556666", "text": "路灯也不亮"}


def _correct(store: Store, actor: Actor, visit_id: str, **changes: object) -> tuple[str, ...]:
    with store.read() as session:
        detail = get_visit(session=session, visit_id=visit_id)
    values: dict[str, object] = {
        "channel": detail.row.channel,
        "kind": detail.row.kind,
        "category_id": detail.category_id,
        "text": detail.text,
        "consent_forward": detail.row.consent_forward,
        "no_callback": detail.row.no_callback,
    }
    values.update(changes)
    with store.write(actor) as session:
        done = correct_visit(
            session=session,
            visit_id=visit_id,
            correction=validate_form(VisitCorrection, values),
        )
    return done.changed


def _visit_ids(store: Store, issue_id: str) -> list[str]:
    with store.read() as session:
        return [v.id for v in list_issue_visits(session=session, issue_id=issue_id)]


def _pending(store: Store, clock: FrozenClock) -> list[tuple[str, NoticeEvent]]:
    with store.read() as session:
        page = list_notices(session=session, today=today(clock))
        assert page.total == count_notices(session=session)
        return [(row.resident, row.event) for row in page.items]


def _notices(store: Store, issue_id: str) -> list[tuple[str, bool, bool]]:
    """(occasion, told, deleted) of the issue's notices, in the order they were made."""
    with store.read() as session:
        rows = session.exec(
            select(Notice).where(Notice.issue_id == issue_id).order_by(col(Notice.created_at))
        ).all()
        return [(n.occasion, n.told_at is not None, n.deleted_at is not None) for n in rows]


def test_declining_drops_the_untold_notices_and_clearing_queues_only_what_comes_next(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(tier=Tier.village)
    [first] = _visit_ids(store, issue.id)
    # The same resident again on the issue, and another resident.
    again = make_visit()
    other = make_visit(**OTHER)
    with store.write(actor) as session:
        link_visit(session=session, visit_id=again.id, issue_id=issue.id)
        link_visit(session=session, visit_id=other.id, issue_id=issue.id)
    assert sorted(_pending(store, clock)) == [
        ("李秀英", NoticeEvent.triaged),
        ("王阿姨", NoticeEvent.triaged),
    ]

    # 王阿姨 said after all she wants no call back: on one visit, so on her visits of the issue.
    assert _correct(store, actor, first, no_callback=True) == ("no_callback",)
    with store.read() as session:
        declining = session.exec(
            select(Visit.id).where(Visit.issue_id == issue.id, col(Visit.no_callback).is_(True))
        ).all()
    assert sorted(declining) == sorted([first, again.id])
    assert _pending(store, clock) == [("李秀英", NoticeEvent.triaged)]
    # Her untold notice is dropped (deleted, a logged change), 李秀英's stays.
    assert sorted(_notices(store, issue.id)) == [
        ("triaged", False, False),
        ("triaged", False, True),
    ]
    # What happens next is not queued for her.
    with store.write(actor) as session:
        change_unit(session=session, issue_id=issue.id, unit_id=refs.units["东塘村村委会"].id)
    assert sorted(_pending(store, clock)) == [("李秀英", NoticeEvent.unit)]

    # Cleared again: nothing dropped comes back, nothing missed is queued; the next event is.
    assert _correct(store, actor, again.id, no_callback=False) == ("no_callback",)
    with store.read() as session:
        assert not session.exec(
            select(Visit.id).where(Visit.issue_id == issue.id, col(Visit.no_callback).is_(True))
        ).all()
    assert sorted(_pending(store, clock)) == [("李秀英", NoticeEvent.unit)]
    with store.write(actor) as session:
        change_unit(session=session, issue_id=issue.id, unit_id=refs.units["青石村村委会"].id)
    assert sorted(_pending(store, clock)) == [
        ("李秀英", NoticeEvent.unit),
        ("王阿姨", NoticeEvent.unit),
    ]

    # The audit trail has the correction, before and after, and the notice dropped.
    with store.read() as session:
        trail = list_audit(session=session, issue_id=issue.id).items
    changes = [(f.old, f.new) for row in trail for f in row.fields if f.name == "no_callback"]
    assert (False, True) in changes and (True, False) in changes
    assert any(r.table_name == "notice" and r.op == "delete" for r in trail)


def test_a_told_notice_stays_told_when_the_resident_declines_later(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
) -> None:
    issue = make_issue(tier=Tier.village)
    [visit] = _visit_ids(store, issue.id)
    with store.read() as session:
        [row] = list_notices(session=session, today=today(clock)).items
    with store.write(actor) as session:
        record_told(session=session, notice_id=row.id, way=NoticeWay.phone)
    assert _correct(store, actor, visit, no_callback=True) == ("no_callback",)
    assert _notices(store, issue.id) == [("triaged", True, False)]
    # A correction that leaves it as it was changes nothing.
    assert _correct(store, actor, visit) == ()
