"""The change log (docs/rules/sync.md): every write logs what it changed, in its own transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from small_station import Refs
from sqlalchemy import func, inspect
from sqlmodel import Session, SQLModel, col, select
from store_rows import must_get

from store.changelog.changes import Actor, bulk_insert, format_hlc, next_hlc, parse_hlc
from store.changelog.lean import logged_values
from store.core.clock import FrozenClock
from store.core.errors import ReadOnlySession, StoreError, UnitTierMismatch
from store.core.models import (
    ChangeLog,
    Channel,
    Constituent,
    Deputy,
    Device,
    EvaluationCreate,
    IssueStatus,
    ProgressCreate,
    Resolution,
    Satisfaction,
    Setting,
    Shift,
    Station,
    Tier,
    Unit,
    Village,
    Visit,
    VisitCreate,
    VisitKind,
)
from store.core.settings import update_setting
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import add_progress, change_unit, close_issue, reopen_issue
from store.desk.triage import link_visit, open_issue
from store.desk.visits import VisitRow, log_visit
from store.duty.dashboard import start_duty
from store.station import StationInfo, load_station, open_store

SATISFIED = EvaluationCreate(resolution=Resolution.resolved, satisfaction=Satisfaction.satisfied)
UNSATISFIED = EvaluationCreate(
    resolution=Resolution.resolved, satisfaction=Satisfaction.unsatisfied
)


@dataclass(frozen=True)
class Entry:
    table: str
    row_id: str
    op: str
    fields: dict[str, Any]
    device_id: str
    deputy_id: str | None
    hlc: str


def _last_seq(store: Store) -> int:
    with store.read() as session:
        return cast(int, session.exec(select(func.coalesce(func.max(ChangeLog.seq), 0))).one())


def _entries(store: Store, after: int = 0) -> list[Entry]:
    with store.read() as session:
        rows = session.exec(
            select(ChangeLog).where(col(ChangeLog.seq) > after).order_by(col(ChangeLog.seq))
        ).all()
        conn = session.connection()
        return [
            Entry(
                r.table_name,
                r.row_id,
                r.op,
                logged_values(conn, r),
                r.device_id,
                r.deputy_id,
                r.hlc,
            )
            for r in rows
        ]


def _shape(entries: list[Entry]) -> list[tuple[str, str, set[str] | None]]:
    """(table, op, changed fields) per entry; inserts carry every column, so None."""
    return [(e.table, e.op, None if e.op == "insert" else set(e.fields)) for e in entries]


def _columns(model: type[SQLModel]) -> set[str]:
    return {attr.key for attr in inspect(model).column_attrs}


def _assert_actor(entries: list[Entry], actor: Actor) -> None:
    assert entries
    for entry in entries:
        assert entry.device_id == actor.device_id
        assert entry.deputy_id == actor.deputy_id


# ---------------------------------------------------------------------------------------------
# One test per write function: what it logs, by whom.


def test_init_station_logs_every_record_it_creates(store: Store, station_info: StationInfo) -> None:
    entries = _entries(store)
    assert {e.op for e in entries} == {"insert"}
    assert {e.device_id for e in entries} == {station_info.device_id}
    assert {e.deputy_id for e in entries} == {None}
    with store.read() as session:
        for model in (Station, Device, Deputy, Village, Unit):
            ids = set(session.exec(select(model.id)).all())
            logged = [e.row_id for e in entries if e.table == model.__tablename__]
            assert sorted(logged) == sorted(ids), model.__tablename__
    station = next(e for e in entries if e.table == "station")
    assert station.fields["name"] == "青石镇人大代表联络站"
    assert set(station.fields) == _columns(Station)
    # This file's own bookkeeping never travels.
    assert not {e.table for e in entries} & {"local_meta", "change_log"}


def test_log_visit_logs_resident_and_visit(
    store: Store, actor: Actor, make_visit: Callable[..., VisitRow]
) -> None:
    start = _last_seq(store)
    row = make_visit(phone="13812341234", name="王阿姨")
    entries = _entries(store, start)
    assert _shape(entries) == [("constituent", "insert", None), ("visit", "insert", None)]
    _assert_actor(entries, actor)
    visit = entries[1]
    assert visit.row_id == row.id
    assert set(visit.fields) == _columns(Visit)
    assert visit.fields["constituent_id"] == entries[0].row_id
    assert entries[0].fields["phone"] == "13812341234"
    # A returning resident adds a visit only.
    start = _last_seq(store)
    make_visit(phone="13812341234", name="王阿姨")
    assert _shape(_entries(store, start)) == [("visit", "insert", None)]


def test_open_issue_logs_the_issue_and_the_visit_link(
    store: Store, actor: Actor, refs: Refs, make_visit: Callable[..., VisitRow]
) -> None:
    visit = make_visit()
    start = _last_seq(store)
    with store.write(actor) as session:
        issue = open_issue(
            session=session,
            visit_id=visit.id,
            tier=Tier.village,
            unit_id=refs.unit_for(Tier.village),
        )
    entries = _entries(store, start)
    # The resident who left a phone is to be told (告知), in the same transaction.
    assert _shape(entries) == [
        ("issue", "insert", None),
        ("visit", "update", {"issue_id", "updated_at", "device_id"}),
        ("notice", "insert", None),
    ]
    assert entries[0].row_id == issue.id
    assert entries[1].row_id == visit.id
    assert entries[1].fields["issue_id"] == issue.id
    _assert_actor(entries, actor)


def test_link_visit_logs_only_the_changed_fields(
    store: Store,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
) -> None:
    issue = make_issue()
    visit = make_visit(phone="13900001111", name="李师傅")
    start = _last_seq(store)
    with store.write(actor) as session:
        link_visit(session=session, visit_id=visit.id, issue_id=issue.id)
    entries = _entries(store, start)
    assert sorted(_shape(entries), key=str) == [
        ("issue", "update", {"visit_count", "updated_at", "device_id"}),
        ("notice", "insert", None),
        ("visit", "update", {"issue_id", "updated_at", "device_id"}),
    ]
    by_table = {e.table: e for e in entries}
    assert by_table["issue"].fields["visit_count"] == 2
    assert by_table["visit"].fields["issue_id"] == issue.id
    _assert_actor(entries, actor)


def test_add_progress_logs_the_entry_and_a_status_move(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    start = _last_seq(store)
    with store.write(actor) as session:
        add_progress(
            session=session,
            issue_id=issue.id,
            progress_in=ProgressCreate(status=IssueStatus.handling, note="已派人查看"),
        )
    entries = _entries(store, start)
    assert _shape(entries) == [
        ("progress", "insert", None),
        ("issue", "update", {"status", "updated_at", "device_id"}),
    ]
    assert entries[0].fields["note"] == "已派人查看"
    assert entries[1].fields["status"] == "handling"
    _assert_actor(entries, actor)
    # Same status: a note only, the issue row is untouched.
    start = _last_seq(store)
    with store.write(actor) as session:
        add_progress(
            session=session,
            issue_id=issue.id,
            progress_in=ProgressCreate(status=IssueStatus.handling, note="还在办"),
        )
    assert _shape(_entries(store, start)) == [("progress", "insert", None)]


def test_close_issue_logs_closure_and_evaluation(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    start = _last_seq(store)
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=SATISFIED)
    entries = _entries(store, start)
    assert sorted(_shape(entries), key=str) == sorted(
        [
            ("progress", "insert", None),
            ("evaluation", "insert", None),
            ("notice", "insert", None),
            (
                "issue",
                "update",
                {
                    "status",
                    "closed_on",
                    "closed_within_window",
                    "resolution",
                    "satisfaction",
                    "evaluated_at",
                    "updated_at",
                    "device_id",
                },
            ),
        ],
        key=str,
    )
    _assert_actor(entries, actor)


def test_reopen_issue_logs_progress_and_issue_update(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=SATISFIED)
    start = _last_seq(store)
    with store.write(actor) as session:
        reopen_issue(session=session, issue_id=issue.id, note="群众说路灯又坏了")
    entries = _entries(store, start)
    assert [(e.table, e.op) for e in entries] == [("progress", "insert"), ("issue", "update")]
    assert entries[0].fields["status_after"] == "supervising"
    assert {"status", "resupervision", "reopen_count"} <= set(entries[1].fields)
    assert entries[1].fields["status"] == "supervising"
    assert entries[1].fields["resupervision"] is True
    _assert_actor(entries, actor)


@pytest.mark.parametrize(
    ("tier", "unit_name", "fields"),
    [
        (Tier.village, "东塘村村委会", {"unit_id", "updated_at", "device_id"}),
        (Tier.county, "临溪县住建局", {"unit_id", "tier", "updated_at", "device_id"}),
    ],
)
def test_change_unit_logs_unit_and_tier_only_when_changed(
    store: Store,
    actor: Actor,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
    tier: Tier,
    unit_name: str,
    fields: set[str],
) -> None:
    issue = make_issue(tier=Tier.village)
    start = _last_seq(store)
    with store.write(actor) as session:
        row = change_unit(session=session, issue_id=issue.id, unit_id=refs.units[unit_name].id)
    assert row.tier == tier
    entries = _entries(store, start)
    # The resident hears of the new unit (告知).
    assert _shape(entries) == [("issue", "update", fields), ("notice", "insert", None)]
    assert entries[0].fields["unit_id"] == refs.units[unit_name].id
    _assert_actor(entries, actor)


def test_start_duty_logs_a_new_shift_once(store: Store, actor: Actor, refs: Refs) -> None:
    start = _last_seq(store)
    deputy = refs.deputies["朱秀芬"]
    with store.write(actor) as session:
        shift_id = start_duty(session=session, deputy_id=deputy)
    entries = _entries(store, start)
    assert _shape(entries) == [("shift", "insert", None)]
    assert entries[0].row_id == shift_id
    assert entries[0].fields["deputy_id"] == deputy
    assert entries[0].fields["duty_date"] == "2026-11-24"
    _assert_actor(entries, actor)
    # Starting again the same day finds the shift and writes nothing.
    start = _last_seq(store)
    with store.write(actor) as session:
        assert start_duty(session=session, deputy_id=deputy) == shift_id
    assert _entries(store, start) == []


def test_update_setting_logs_the_setting_by_key(store: Store, actor: Actor) -> None:
    start = _last_seq(store)
    with store.write(actor) as session:
        update_setting(session=session, key="window_days.village", value="20")
    entries = _entries(store, start)
    assert _shape(entries) == [("setting", "update", {"value", "updated_at", "device_id"})]
    assert entries[0].row_id == "window_days.village"
    assert entries[0].fields["value"] == "20"
    _assert_actor(entries, actor)


def test_bulk_insert_stamps_and_logs_every_row(store: Store, actor: Actor, refs: Refs) -> None:
    start = _last_seq(store)
    rows = [
        {
            "id": f"00000000-0000-4000-8000-00000000000{n}",
            "station_id": actor.station_id,
            "deputy_id": refs.deputies["朱秀芬"],
            "duty_date": date(2026, 11, 25) + timedelta(days=n),
        }
        for n in range(3)
    ]
    with store.write(actor) as session:
        bulk_insert(session, Shift, rows)
    entries = _entries(store, start)
    assert [(e.table, e.row_id, e.op) for e in entries] == [
        ("shift", row["id"], "insert") for row in rows
    ]
    assert [e.hlc for e in entries] == sorted({e.hlc for e in entries})
    _assert_actor(entries, actor)
    with store.read() as session:
        shifts = session.exec(select(Shift).where(Shift.deputy_id == rows[0]["deputy_id"])).all()
    assert len(shifts) == 3
    assert {s.device_id for s in shifts} == {actor.device_id}
    assert all(s.created_at is not None and s.updated_at is not None for s in shifts)


def test_bulk_insert_needs_a_write_session(store: Store, actor: Actor) -> None:
    with pytest.raises(ReadOnlySession):
        with store.read() as session:
            bulk_insert(session, Shift, [{"id": "x"}])


# ---------------------------------------------------------------------------------------------
# What updates log, stamps, soft and hard deletes.


def _village(session: Session, name: str = "青石村") -> Village:
    return session.exec(select(Village).where(Village.name == name)).one()


def test_updates_log_only_changed_fields_and_restamp(
    store: Store, actor: Actor, clock: FrozenClock
) -> None:
    clock.advance(timedelta(hours=1))
    start = _last_seq(store)
    with store.write(actor) as session:
        village = _village(session)
        village.name = "青石新村"
        village.position = village.position  # the same value is no change
    entries = _entries(store, start)
    assert _shape(entries) == [("village", "update", {"name", "updated_at", "device_id"})]
    with store.read() as session:
        village = _village(session, "青石新村")
    assert village.updated_at == clock.now()
    assert village.created_at is not None and village.updated_at is not None
    assert village.created_at < village.updated_at
    assert village.device_id == actor.device_id


def test_assigning_the_same_value_logs_nothing(store: Store, actor: Actor) -> None:
    start = _last_seq(store)
    with store.write(actor) as session:
        village = _village(session)
        village.name = "青石村"
    assert _entries(store, start) == []


def test_soft_delete_is_logged_as_delete(store: Store, actor: Actor, clock: FrozenClock) -> None:
    start = _last_seq(store)
    with store.write(actor) as session:
        village = _village(session, "东塘村")
        village.deleted_at = clock.now()
        village_id = village.id
    entries = _entries(store, start)
    assert [(e.table, e.row_id, e.op) for e in entries] == [("village", village_id, "delete")]
    assert "deleted_at" in entries[0].fields


def test_hard_delete_is_refused(store: Store, actor: Actor) -> None:
    start = _last_seq(store)
    with pytest.raises(StoreError) as caught:
        with store.write(actor) as session:
            session.delete(_village(session, "东塘村"))
            session.flush()
    assert caught.value.key == "error.hard_delete"
    with store.read() as session:
        assert _village(session, "东塘村").deleted_at is None
    assert _entries(store, start) == []


def test_failed_transaction_leaves_no_rows_and_no_log(
    store: Store, actor: Actor, refs: Refs
) -> None:
    start = _last_seq(store)
    form = VisitCreate(
        phone="13812341234",
        name="王阿姨",
        village_id=refs.villages["青石村"],
        category_id=refs.categories["道路交通"],
        channel=Channel.walk_in,
        kind=VisitKind.request,
        text="路灯坏了",
    )
    with pytest.raises(UnitTierMismatch):
        with store.write(actor) as session:
            visit = log_visit(session=session, visit_in=form)
            open_issue(
                session=session,
                visit_id=visit.id,
                tier=Tier.village,
                unit_id=refs.unit_for(Tier.county),
            )
    assert _entries(store, start) == []
    with store.read() as session:
        assert session.exec(select(func.count()).select_from(Visit)).one() == 0
        assert session.exec(select(func.count()).select_from(Constituent)).one() == 0


# ---------------------------------------------------------------------------------------------
# Hybrid logical clock stamps.


def test_hlc_stamps_strictly_increase_when_the_clock_goes_back(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
) -> None:
    issue = make_issue()
    clock.advance(timedelta(hours=-3))  # someone set the laptop's clock back
    make_visit(phone="13900001111", name="李师傅")
    with store.write(actor) as session:
        add_progress(
            session=session,
            issue_id=issue.id,
            progress_in=ProgressCreate(status=IssueStatus.deliberating),
        )
    clock.advance(timedelta(days=-400))
    with store.write(actor) as session:
        update_setting(session=session, key="evaluation_grace_days", value="5")
    stamps = [e.hlc for e in _entries(store)]
    assert len(stamps) > 30
    assert all(a < b for a, b in zip(stamps, stamps[1:], strict=False))
    assert all(parse_hlc(a) < parse_hlc(b) for a, b in zip(stamps, stamps[1:], strict=False))


def test_hlc_survives_reopening_the_file(
    station_path: Path, store: Store, actor: Actor, clock: FrozenClock
) -> None:
    with store.write(actor) as session:
        update_setting(session=session, key="window_days.village", value="16")
    last = _entries(store)[-1].hlc
    store.dispose()
    behind = FrozenClock(clock.now() - timedelta(days=2))
    reopened = open_store(station_path, clock=behind)
    try:
        with reopened.write(load_station(reopened).actor()) as session:
            update_setting(session=session, key="window_days.village", value="17")
        assert _entries(reopened)[-1].hlc > last
    finally:
        reopened.dispose()


def test_hlc_follows_the_wall_clock_when_it_moves_forward(
    store: Store, actor: Actor, clock: FrozenClock
) -> None:
    clock.advance(timedelta(minutes=5))
    with store.write(actor) as session:
        update_setting(session=session, key="window_days.village", value="16")
    wall_ms = int(clock.now().timestamp() * 1000)
    assert parse_hlc(_entries(store)[-1].hlc) == (wall_ms, 0)


@pytest.mark.parametrize(
    ("last", "wall", "expected"),
    [
        (None, 1000, (1000, 0)),
        ((1000, 0), 2000, (2000, 0)),
        ((1000, 4), 1000, (1000, 5)),
        ((1000, 4), 500, (1000, 5)),
        # The counter's five digits are full: the stamp moves on a millisecond, still in order.
        ((1000, 99999), 1000, (1001, 0)),
    ],
)
def test_next_hlc(last: tuple[int, int] | None, wall: int, expected: tuple[int, int]) -> None:
    assert next_hlc(last, wall) == expected


def test_hlc_text_sorts_like_the_stamp() -> None:
    stamps = [(999, 99999), (1000, 0), (1000, 2), (1000, 10), (12345678901, 0)]
    texts = [format_hlc(*s) for s in stamps]
    assert sorted(texts) == texts
    assert [parse_hlc(t) for t in texts] == stamps


def test_setting_rows_are_stamped_with_device(store: Store, actor: Actor) -> None:
    with store.write(actor) as session:
        update_setting(session=session, key="window_days.county", value="45")
    with store.read() as session:
        row = must_get(session, Setting, "window_days.county")
    assert row.value == "45"
    assert row.device_id == actor.device_id
