"""The audit trail (store.trust.audit) and reveals (store.trust.reveals), on SQLite and PostgreSQL:
who changed what and when, newest first, per issue and per deputy; personal values never
returned."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from small_station import DEPUTY, OTHER_DEPUTY, Refs
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.core.models import AccessLog, IssueStatus, ProgressCreate, Tier, Visit
from store.core.validation import mask_phone
from store.db import Store
from store.desk.follow_up import reveal_phone
from store.desk.issue_rows import IssueRow
from store.desk.issues import add_progress, change_unit, close_issue
from store.station import StationInfo
from store.trust.audit import ACCESS, AuditRow, list_audit
from store.trust.reveals import EXPORT_REVEALED, REVEAL_PHONE, log_export, log_reveal

pytestmark = pytest.mark.both_backends

PHONE = "13812345678"
NAME = "王秀兰"


def _fields(row: AuditRow) -> dict[str, object]:
    return {f.name: ("（已隐藏）" if f.hidden else f.new) for f in row.fields}


@pytest.fixture
def trail(
    store: Store,
    actor: Actor,
    refs: Refs,
    station_info: StationInfo,
    make_issue: Callable[..., IssueRow],
) -> tuple[IssueRow, IssueRow]:
    """An issue opened by 沈国强, a progress note by 朱秀芬, its unit changed by 沈国强, the
    resident's phone revealed; and another issue nobody touches afterwards."""
    other = make_issue(phone="13900001111", name="李四", text="另一件事：水管漏水")
    issue = make_issue(phone=PHONE, name=NAME, text="村口路灯坏了\n隔壁老张说是电工偷懒")
    zhu = station_info.actor(refs.deputies[OTHER_DEPUTY])
    with store.write(zhu) as session:
        add_progress(
            session=session,
            issue_id=issue.id,
            progress_in=ProgressCreate(status=IssueStatus.deliberating, note="约了村委会谈"),
        )
    with store.write(actor) as session:
        change_unit(session=session, issue_id=issue.id, unit_id=refs.unit_for(Tier.township))
    with store.write(actor) as session:
        resident = session.exec(select(Visit).where(Visit.issue_id == issue.id)).one()
        log_reveal(session=session, table_name="constituent", row_ids=[resident.constituent_id])
    return issue, other


def test_issue_trail_newest_first_with_who_and_what(
    store: Store, trail: tuple[IssueRow, IssueRow], refs: Refs
) -> None:
    issue, other = trail
    with store.read() as session:
        page = list_audit(session=session, issue_id=issue.id)
    rows = page.items
    # Newest first: the reveal, the unit change (with the resident's notice of it, 告知), the
    # progress note, then the opening.
    assert rows[0].op == ACCESS and rows[0].action == REVEAL_PHONE
    assert rows[0].target_table == "constituent" and rows[0].deputy == DEPUTY
    assert rows[0].issue_id == issue.id
    notice = rows[1]
    assert (notice.table_name, notice.op, notice.deputy) == ("notice", "insert", DEPUTY)
    assert _fields(notice)["event"] == "unit"
    unit_change = rows[2]
    assert (unit_change.table_name, unit_change.op, unit_change.deputy) == (
        "issue",
        "update",
        DEPUTY,
    )
    moved = {f.name: f for f in unit_change.fields}
    assert moved["unit_id"].new == refs.unit_for(Tier.township)
    assert moved["unit_id"].has_old and moved["unit_id"].old == refs.unit_for(Tier.village)
    assert moved["tier"].old == "village" and moved["tier"].new == "township"
    kinds = [(r.table_name, r.op) for r in rows]
    progress = kinds.index(("progress", "insert"))
    assert rows[progress].deputy == OTHER_DEPUTY
    assert _fields(rows[progress])["note"] == "约了村委会谈"
    assert progress < kinds.index(("visit", "insert"))
    assert ("constituent", "insert") in kinds and ("issue", "insert") in kinds
    assert all(r.issue_id == issue.id for r in rows)
    assert all(r.issue_title == issue.title for r in rows)
    assert all(r.device == "值班台" for r in rows)
    # Nothing of the other issue.
    assert other.id not in {r.row_id for r in rows}
    # Seqs strictly descending: a stable newest-first order.
    assert [r.seq for r in rows] == sorted((r.seq for r in rows), reverse=True)


def test_personal_values_are_never_returned(store: Store, trail: tuple[IssueRow, IssueRow]) -> None:
    issue, _other = trail
    with store.read() as session:
        everything = list_audit(session=session, limit=500)
    text = repr(everything)
    assert PHONE not in text and NAME not in text
    assert "老张" not in text  # the resident's words (the title is only their first line)
    resident = next(r for r in everything.items if r.table_name == "constituent")
    hidden = {f.name for f in resident.fields if f.hidden}
    assert {"name", "name_pinyin", "name_initials"} <= hidden
    assert all(f.new is None and f.old is None for f in resident.fields if f.hidden)
    # The phone as every screen shows it: masked (a correction reads before → after).
    phone = next(f for f in resident.fields if f.name == "phone")
    assert phone.new == mask_phone(PHONE) and not phone.hidden
    visit = next(r for r in everything.items if (r.table_name, r.op) == ("visit", "insert"))
    assert {"text", "summary"} <= {f.name for f in visit.fields if f.hidden}


def test_per_deputy(store: Store, trail: tuple[IssueRow, IssueRow], refs: Refs) -> None:
    issue, _other = trail
    with store.read() as session:
        zhu = list_audit(session=session, deputy_id=refs.deputies[OTHER_DEPUTY])
        shen = list_audit(session=session, deputy_id=refs.deputies[DEPUTY])
    assert {(r.table_name, r.op) for r in zhu.items} == {
        ("progress", "insert"),
        ("issue", "update"),
    }
    assert all(r.deputy == OTHER_DEPUTY for r in zhu.items)
    assert shen.items[0].op == ACCESS
    assert all(r.deputy == DEPUTY for r in shen.items)


def test_pages(store: Store, trail: tuple[IssueRow, IssueRow]) -> None:
    issue, _other = trail
    with store.read() as session:
        whole = list_audit(session=session, issue_id=issue.id)
        first = list_audit(session=session, issue_id=issue.id, limit=3)
        second = list_audit(session=session, issue_id=issue.id, limit=3, offset=3)
    assert first.has_next and first.total == 4
    assert [r.seq for r in first.items + second.items] == [r.seq for r in whole.items[:6]]
    assert not whole.has_next and whole.total == len(whole.items)


def test_follow_up_reveal_and_export_logged(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], station_info: StationInfo
) -> None:
    issue = make_issue(phone=PHONE, name=NAME)
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    with store.write(actor) as session:
        assert reveal_phone(session=session, issue_id=issue.id) == PHONE
    with store.write(station_info.actor()) as session:
        log_export(session=session, rows=42)
    with store.read() as session:
        events = session.exec(select(AccessLog).order_by(col(AccessLog.created_at))).all()
        page = list_audit(session=session, limit=2)
    assert [e.action for e in events] == [REVEAL_PHONE, EXPORT_REVEALED]
    export, reveal = page.items
    assert (export.action, export.count, export.deputy) == (EXPORT_REVEALED, 42, None)
    assert (reveal.action, reveal.deputy, reveal.issue_id) == (REVEAL_PHONE, DEPUTY, issue.id)


def test_log_reveal_once_per_row(store: Store, actor: Actor) -> None:
    with store.write(actor) as session:
        assert log_reveal(session=session, table_name="constituent", row_ids=["a", "b", "a"]) == 2
    with store.read() as session:
        assert sorted(e.row_id for e in session.exec(select(AccessLog))) == ["a", "b"]
