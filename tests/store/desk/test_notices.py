"""Telling residents (告知, issue 18, part 4): who is put on the 待告知 list and when, the
message they are told, told or not reached, the timeline and the audit trail; on SQLite and on
PostgreSQL."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from ledger_helpers import GOOD, HEADER, write_csv
from small_station import DEPUTY, OTHER_VILLAGE, Refs
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock, today
from store.core.errors import FieldInvalid, InvalidStatusMove
from store.core.models import (
    Constituent,
    EvaluationCreate,
    Notice,
    NoticeEvent,
    NoticeWay,
    Resolution,
    Satisfaction,
    Tier,
    Visit,
)
from store.core.settings import load_settings
from store.db import Store
from store.desk.issue_page import get_issue
from store.desk.issue_rows import IssueRow
from store.desk.issues import change_unit, close_issue
from store.desk.notices import (
    NoticeRow,
    count_notices,
    list_notices,
    notice_id,
    queue_notices,
    record_not_reached,
    record_told,
    set_station_phone,
)
from store.desk.regroup import withdraw_visit
from store.desk.triage import link_visits, open_issue_from_visits
from store.desk.visits import VisitRow
from store.ledger import LedgerInvalid, export_ledger, import_ledger
from store.ledger.export import HEADERS
from store.trust.audit import list_audit
from store.trust.purge import purge_residents

pytestmark = pytest.mark.both_backends

MINUTE = timedelta(minutes=1)
SATISFIED = EvaluationCreate(resolution=Resolution.resolved, satisfaction=Satisfaction.satisfied)
UNSATISFIED = EvaluationCreate(
    resolution=Resolution.unresolved, satisfaction=Satisfaction.unsatisfied
)


def _listed(store: Store, clock: FrozenClock, templates: Path | None = None) -> list[NoticeRow]:
    with store.read() as session:
        page = list_notices(session=session, today=today(clock), templates=templates)
        assert page.total == count_notices(session=session) == len(page.items)
        return list(page.items)


def _told(store: Store, actor: Actor, row: NoticeRow, way: NoticeWay) -> None:
    with store.write(actor) as session:
        record_told(session=session, notice_id=row.id, way=way)


def _close(store: Store, actor: Actor, issue_id: str, evaluation: EvaluationCreate | None) -> None:
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue_id, evaluation_in=evaluation)


def test_a_resident_is_told_on_triage_and_again_on_closure(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    refs: Refs,
) -> None:
    issue = make_issue(name="王阿姨", phone="13812341234", text="村口的路灯坏了")
    [row] = _listed(store, clock)
    assert (row.issue_id, row.event, row.resident, row.phone) == (
        issue.id,
        NoticeEvent.triaged,
        "王阿姨",
        "13812341234",
    )
    # The default message: who, what, who handles it, by when.
    assert row.message.startswith("王阿姨您好")
    assert "村口的路灯坏了" in row.message and issue.unit in row.message
    assert f"{issue.due_on.month}月{issue.due_on.day}日" in row.message
    clock.advance(MINUTE)
    _told(store, actor, row, NoticeWay.phone)
    assert _listed(store, clock) == []

    clock.advance(MINUTE)
    _close(store, actor, issue.id, None)
    [closed] = _listed(store, clock)
    assert closed.event == NoticeEvent.closed and "已由" in closed.message
    assert closed.id != row.id
    clock.advance(MINUTE)
    _told(store, actor, closed, NoticeWay.sms)
    assert _listed(store, clock) == []

    # Both tellings are in the issue's timeline, with how and by whom.
    with store.read() as session:
        detail = get_issue(session=session, issue_id=issue.id, today=today(clock))
        told = [e for e in detail.timeline if e.kind == "told"]
        assert [(e.event, e.way, e.resident, e.deputy) for e in told] == [
            (NoticeEvent.triaged, NoticeWay.phone, "王阿姨", DEPUTY),
            (NoticeEvent.closed, NoticeWay.sms, "王阿姨", DEPUTY),
        ]
        # And in its audit trail: each notice queued, and told.
        trail = list_audit(session=session, issue_id=issue.id).items
        notices = [r for r in trail if r.table_name == "notice"]
        assert {r.op for r in notices} == {"insert", "update"}
        ways = {f.new for r in notices for f in r.fields if f.name == "way"}
        assert ways == {"phone", "sms"}
        assert all(r.deputy == DEPUTY for r in notices)


def test_a_resident_who_declines_is_never_on_the_list(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_visit: Callable[..., VisitRow],
    refs: Refs,
) -> None:
    declined = make_visit(name="李大伯", phone="13900001111", no_callback=True)
    told = make_visit(name="王阿姨", phone="13812341234")
    with store.write(actor) as session:
        issue = open_issue_from_visits(
            session=session,
            visit_ids=[declined.id, told.id],
            unit_id=refs.unit_for(Tier.village),
        )
    assert [r.resident for r in _listed(store, clock)] == ["王阿姨"]
    _told(store, actor, _listed(store, clock)[0], NoticeWay.in_person)
    clock.advance(MINUTE)
    _close(store, actor, issue.id, None)
    assert [r.resident for r in _listed(store, clock)] == ["王阿姨"]
    with store.read() as session:
        assert session.exec(select(Notice.constituent_id).distinct()).all() == [
            _listed(store, clock)[0].constituent_id
        ]
        visits = get_issue(session=session, issue_id=issue.id, today=today(clock)).visits
        assert {(v.resident, v.no_callback) for v in visits} == {
            ("李大伯", True),
            ("王阿姨", False),
        }


def test_a_resident_linked_later_is_told_once_of_the_triage(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(name="王阿姨", phone="13812341234")
    _told(store, actor, _listed(store, clock)[0], NoticeWay.phone)
    again = make_visit(name="王阿姨", phone="13812341234", text="路灯还是没修")
    other = make_visit(name="张师傅", phone="13700002222", text="路灯坏了")
    with store.write(actor) as session:
        link_visits(session=session, visit_ids=[again.id, other.id], issue_id=issue.id)
    # The resident told already is not told again of the triage; the new one is.
    assert [(r.resident, r.event) for r in _listed(store, clock)] == [
        ("张师傅", NoticeEvent.triaged)
    ]


def test_a_new_unit_is_news_and_the_newest_notice_is_the_one_read(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    refs: Refs,
) -> None:
    issue = make_issue(phone="13812341234")
    township = refs.unit_for(Tier.township)
    clock.advance(MINUTE)
    with store.write(actor) as session:
        change_unit(session=session, issue_id=issue.id, unit_id=township)
    # Not told of the triage yet: one line for the resident, the unit's news, naming the unit.
    [row] = _listed(store, clock)
    assert row.event == NoticeEvent.unit and row.tier == Tier.township
    assert row.unit in row.message and "乡级" in row.message
    # The same unit again is no news.
    clock.advance(MINUTE)
    with store.write(actor) as session:
        change_unit(session=session, issue_id=issue.id, unit_id=township)
        assert session.exec(select(Notice.occasion).order_by(col(Notice.occasion))).all() == [
            "triaged",
            "unit/1",
        ]
        # Back and forth: each change its own occasion.
        change_unit(session=session, issue_id=issue.id, unit_id=refs.unit_for(Tier.village))
        assert "unit/2" in session.exec(select(Notice.occasion)).all()


def test_queueing_the_same_occasion_twice_makes_one_notice(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(phone="13812341234")
    with store.write(actor) as session:
        assert queue_notices(session=session, issue_id=issue.id, event=NoticeEvent.triaged) == 0
    [row] = _listed(store, clock)
    assert row.id == notice_id(issue.id, row.constituent_id, "triaged")


def test_nobody_answered_keeps_the_resident_on_the_list_after_the_others(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: Callable[..., IssueRow]
) -> None:
    first = make_issue(name="王阿姨", phone="13812341234", text="路灯坏了")
    clock.advance(MINUTE)
    make_issue(name="张师傅", phone="13700002222", text="水渠堵了")
    row = _listed(store, clock)[0]
    assert row.issue_id == first.id
    clock.advance(MINUTE)
    with store.write(actor) as session:
        tried = record_not_reached(session=session, notice_id=row.id)
    assert tried.tries == 1 and tried.way is None
    listed = _listed(store, clock)
    assert [r.resident for r in listed] == ["张师傅", "王阿姨"]
    assert listed[1].tries == 1 and listed[1].last_try_at == clock.now()
    _told(store, actor, listed[1], NoticeWay.phone)
    with store.write(actor) as session, pytest.raises(InvalidStatusMove):
        record_told(session=session, notice_id=row.id, way=NoticeWay.sms)


def test_an_unsatisfied_verdict_reopens_without_telling_of_a_closure(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(phone="13812341234")
    _told(store, actor, _listed(store, clock)[0], NoticeWay.phone)
    clock.advance(MINUTE)
    _close(store, actor, issue.id, UNSATISFIED)
    assert _listed(store, clock) == []
    clock.advance(MINUTE)
    _close(store, actor, issue.id, SATISFIED)
    assert [r.event for r in _listed(store, clock)] == [NoticeEvent.closed]


def test_the_stations_own_template_and_phone(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    tmp_path: Path,
) -> None:
    make_issue(name="王阿姨", phone="13812341234", text="请联系13912345678修路灯")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "notice_triaged.txt").write_text(
        "<!-- 我们站的写法 -->\n$resident：$title（$event）。电话 $station_phone，$$1 $unknown\n",
        encoding="utf-8",
    )
    with store.write(actor) as session:
        assert set_station_phone(session=session, phone="0572 1234567") == "05721234567"
        with pytest.raises(FieldInvalid):
            set_station_phone(session=session, phone="12345")
    with store.read() as session:
        assert load_settings(session=session).station_phone == "05721234567"
    [row] = _listed(store, clock, templates)
    # A number the resident spoke into the title is masked in what is read out.
    assert row.message == "王阿姨：请联系139****5678修路灯（已受理）。电话 05721234567，$1 $unknown"


def test_a_purged_resident_leaves_the_list(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(phone="13812341234", village=OTHER_VILLAGE)
    _close(store, actor, issue.id, SATISFIED)
    # Triage and closure in one instant: the closure is the newer news, the one read out.
    assert [r.event for r in _listed(store, clock)] == [NoticeEvent.closed]
    clock.advance(timedelta(days=6 * 366))
    with store.write(actor) as session:
        purge_residents(session=session, today=today(clock))
    assert _listed(store, clock) == []


# -- the ledger carries 不用回电 ----------------------------------------------------------------


def test_the_ledger_writes_no_callback_and_imports_it_back(
    store: Store,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    clock: FrozenClock,
    tmp_path: Path,
) -> None:
    make_visit(no_callback=True, phone="13800000001", text="一")
    clock.advance(MINUTE)
    make_visit(phone="13800000002", text="二")
    out = tmp_path / "ledger.csv"
    with store.read() as session:
        export_ledger(session=session, out=out, today=today(clock), reveal=True)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    column = HEADERS.index("不用回电")
    assert [r[column] for r in rows[1:]] == ["是", "否"]
    # Read back: 是 declined, an empty cell did not.
    rows = [[*HEADER, "不用回电"], [*GOOD, "是"], ["2026-11-20 09:01", *GOOD[1:3], "13800000009",
            *GOOD[4:], ""]]  # fmt: skip
    import_ledger(store=store, actor=actor, path=write_csv(tmp_path / "x.csv", rows))
    with store.read() as session:
        declined = session.exec(
            select(Visit.no_callback)
            .join(Constituent, col(Constituent.id) == Visit.constituent_id)
            .where(col(Constituent.phone).in_([GOOD[3], "13800000009"]))
            .order_by(col(Constituent.phone).desc())
        ).all()
    assert declined == [True, False]


def test_a_bad_no_callback_value_is_named(store: Store, actor: Actor, tmp_path: Path) -> None:
    rows = [[*HEADER, "不用回电"], [*GOOD, "也许"]]
    with pytest.raises(LedgerInvalid) as caught:
        import_ledger(store=store, actor=actor, path=write_csv(tmp_path / "x.csv", rows))
    [error] = caught.value.errors
    assert (error.column, error.key) == ("不用回电", "ledger.no_callback")


def test_a_deadline_passed_is_not_told_as_one_to_come(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
) -> None:
    """Tried by hand: an issue merged into one due long ago told its resident "办理期限至2025年
    11月5日" as if it were still to come."""
    issue = make_issue(phone="13812341234")
    [row] = _listed(store, clock)
    assert "已超期" not in row.message
    clock.advance(timedelta(days=(issue.due_on - today(clock)).days + 40))
    [row] = _listed(store, clock)
    assert (
        f"{issue.due_on.year}年{issue.due_on.month}月{issue.due_on.day}日（已超期，联络站正在督办）"
        in (row.message)
    )


def test_a_resident_who_withdrew_hears_no_more_of_the_issue(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_visit: Callable[..., VisitRow],
    refs: Refs,
) -> None:
    """Tried by hand: 何丽 withdrew her visit (撤回); the issue's unit then changed and she was put
    on the 待告知 list beside the resident still asking."""
    gone = make_visit(name="何丽", phone="15100000016")
    stays = make_visit(name="韦大姐", phone="13500000045")
    with store.write(actor) as session:
        issue = open_issue_from_visits(
            session=session, visit_ids=[gone.id, stays.id], unit_id=refs.unit_for(Tier.village)
        )
    assert {r.resident for r in _listed(store, clock)} == {"何丽", "韦大姐"}
    clock.advance(MINUTE)
    with store.write(actor) as session:
        withdraw_visit(session=session, visit_id=gone.id, reason="问题已自行解决")
    # Her notice of the triage, not yet told, leaves the list with her.
    assert [r.resident for r in _listed(store, clock)] == ["韦大姐"]
    clock.advance(MINUTE)
    with store.write(actor) as session:
        change_unit(session=session, issue_id=issue.id, unit_id=refs.unit_for(Tier.township))
    assert [r.resident for r in _listed(store, clock)] == ["韦大姐"]
