"""A shift's handover: what it did and left, signed, then acknowledged by the next deputy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from small_station import Refs
from store_rows import must_get

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.errors import FieldInvalid
from store.core.models import EvaluationCreate, Issue, Resolution, Satisfaction
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.desk.visits import VisitRow
from store.duty.dashboard import start_duty
from store.duty.handover import (
    HandoverAlreadyAcknowledged,
    acknowledge_handover,
    end_shift,
    summarise_shift,
)
from store.duty.roster import generate_roster, next_on_duty

TODAY = date(2026, 11, 24)


def _shift(store: Store, actor: Actor) -> str:
    assert actor.deputy_id is not None
    with store.write(actor) as session:
        return start_duty(session=session, deputy_id=actor.deputy_id)


def test_the_summary_counts_the_shifts_work(
    store: Store,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
    clock: FrozenClock,
) -> None:
    shift_id = _shift(store, actor)
    make_visit(text="路灯坏了")
    make_issue(text="飞线充电")
    make_issue(text="垃圾没人清")
    with store.read() as session:
        summary = summarise_shift(session=session, shift_id=shift_id, tz=clock.tz)
    assert summary.visits_logged == 3
    assert summary.issues_opened == 2
    assert summary.visits_triaged == 2
    assert summary.untriaged == 1
    assert summary.deputy == "沈国强" and summary.duty_date == TODAY


def test_the_summary_names_what_turned_yellow_and_red_today(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock
) -> None:
    shift_id = _shift(store, actor)
    yellow = make_issue(text="楼道堆物")
    red = make_issue(text="井盖缺失")
    unsatisfied = make_issue(text="噪音扰民")
    with store.write(actor) as session:
        must_get(session, Issue, yellow.id).warn_on = TODAY
        must_get(session, Issue, red.id).due_on = TODAY - timedelta(days=1)
        close_issue(
            session=session,
            issue_id=unsatisfied.id,
            evaluation_in=EvaluationCreate(
                resolution=Resolution.resolved, satisfaction=Satisfaction.unsatisfied
            ),
        )
    with store.read() as session:
        summary = summarise_shift(session=session, shift_id=shift_id, tz=clock.tz)
    assert [i.id for i in summary.turned_yellow] == [yellow.id]
    assert {i.id for i in summary.turned_red} == {red.id, unsatisfied.id}
    assert summary.turned_red_count == 2


def test_signing_and_acknowledging_a_handover(
    store: Store, actor: Actor, refs: Refs, clock: FrozenClock
) -> None:
    shift_id = _shift(store, actor)
    with store.write(actor) as session:
        state = end_shift(session=session, shift_id=shift_id, note="路灯的事已催办，明天回访王阿姨")
    assert state.handed_over and not state.acknowledged
    with store.write(actor) as session:  # may be corrected until acknowledged
        end_shift(session=session, shift_id=shift_id, note="路灯的事已催办，明天上午回访王阿姨")
    next_deputy = Actor(actor.station_id, actor.device_id, refs.deputies["朱秀芬"])
    with store.write(next_deputy) as session:
        state = acknowledge_handover(session=session, shift_id=shift_id)
    assert state.acknowledged and state.note == "路灯的事已催办，明天上午回访王阿姨"
    with pytest.raises(HandoverAlreadyAcknowledged), store.write(actor) as session:
        end_shift(session=session, shift_id=shift_id, note="改一下")


def test_an_empty_handover_note_is_refused(store: Store, actor: Actor) -> None:
    shift_id = _shift(store, actor)
    with pytest.raises(FieldInvalid), store.write(actor) as session:
        end_shift(session=session, shift_id=shift_id, note="   ")


def test_next_on_duty_reads_the_roster(store: Store, actor: Actor) -> None:
    with store.write(actor) as session:
        generate_roster(
            session=session, start=TODAY + timedelta(days=2), end=TODAY + timedelta(days=3)
        )
    with store.read() as session:
        nxt = next_on_duty(session=session, after=TODAY)
    assert nxt is not None and nxt.day == TODAY + timedelta(days=2) and nxt.deputy


def test_every_duty_write_is_attributed_to_the_deputy_on_duty(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], clock: FrozenClock
) -> None:
    from sqlalchemy import text

    from store.core.enums import DayKind
    from store.desk.follow_up import reveal_phone
    from store.duty.calendar import mark_day, set_window_unit
    from store.duty.pins import set_pin

    row = make_issue(text="路灯坏了")
    with store.engine.connect() as conn:
        before = conn.execute(text("SELECT max(seq) FROM change_log")).scalar()
    shift_id = _shift(store, actor)
    assert actor.deputy_id is not None
    with store.write(actor) as session:
        generate_roster(
            session=session, start=TODAY + timedelta(days=1), end=TODAY + timedelta(days=7)
        )
        set_pin(session=session, deputy_id=actor.deputy_id, pin="4829")
        set_window_unit(session=session, unit="working")
        mark_day(session=session, day=TODAY + timedelta(days=6), kind=DayKind.holiday, name="测试")
        close_issue(session=session, issue_id=row.id, evaluation_in=None)
        reveal_phone(session=session, issue_id=row.id)
        end_shift(session=session, shift_id=shift_id, note="交接")
    with store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT DISTINCT table_name, deputy_id FROM change_log WHERE seq > :s"),
            {"s": before},
        ).all()
    tables = {table for table, _ in rows}
    assert {"shift", "deputy", "setting", "calendar_day", "issue", "access_log"} <= tables
    assert {deputy for _, deputy in rows} == {actor.deputy_id}
