"""Splits, merges and withdrawals made offline on two laptops converge (issue 18, part 3;
store.sync.regroup_rule): what arrives for a merged issue ends on its survivor, cycles of merges
keep one survivor everywhere, withdrawals made apart close the issue once, and the rule's own
writes list no conflict."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from regroup_trio import conflicts, issue_ids, make_regroup_trio, visits_of
from small_station import NOW
from sqlmodel import col, select
from store_rows import must_get
from sync_helpers import Device, close_trio, exchange, ledger, log_on, open_trio, settle

from store.core.models import (
    ChangeLog,
    Evaluation,
    EvaluationCreate,
    Issue,
    IssueStatus,
    Progress,
    ProgressCreate,
    Resolution,
    Satisfaction,
    Visit,
)
from store.desk.issues import add_progress, close_issue
from store.desk.regroup import merge_issues, move_visit, split_issue, withdraw_visit
from store.desk.triage import link_visit
from store.desk.visits import list_untriaged


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_regroup_trio(tmp_path_factory.mktemp("regroup-trio"))


@pytest.fixture
def trio(template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(template, tmp_path / "db", NOW)
    for device in devices.values():
        device.clock.advance(timedelta(hours=1))
    yield devices
    close_trio(devices)


def _issue(device: Device, issue_id: str) -> Issue:
    with device.store.read() as session:
        return must_get(session, Issue, issue_id)


def _same_everywhere(trio: dict[str, Device]) -> None:
    ledgers = [ledger(d.store) for d in trio.values()]
    assert ledgers[0] == ledgers[1] == ledgers[2]


def test_what_arrives_for_a_merged_issue_ends_on_its_survivor(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    one, two = trio["laptop1"], trio["laptop2"]
    a, b = issue_ids(one)[:2]
    with one.store.write(one.info.actor()) as session:
        merge_issues(session=session, issue_id=a, into_id=b)
    # Meanwhile, on the other laptop, A gets a progress note and a new resident's visit.
    with two.store.write(two.info.actor()) as session:
        add_progress(
            session=session,
            issue_id=a,
            progress_in=ProgressCreate(status=IssueStatus.received, note="村里说下周修"),
        )
    visit = log_on(two.store, two.info, "我家门口的路灯也坏了", phone="13611112222")
    with two.store.write(two.info.actor()) as session:
        link_visit(session=session, visit_id=visit.id, issue_id=a)
    settle(trio, tmp_path)

    _same_everywhere(trio)
    for device in trio.values():
        assert visits_of(device, a) == []
        assert len(visits_of(device, b)) == 5 and visit.id in visits_of(device, b)
        with device.store.read() as session:
            notes = session.exec(select(Progress.issue_id).where(Progress.note == "村里说下周修"))
            assert list(notes) == [b]
        survivor = _issue(device, b)
        assert (survivor.visit_count, _issue(device, a).merged_into) == (5, b)
        assert conflicts(device) == []


def test_an_evaluation_of_an_issue_merged_meanwhile_is_kept_on_the_survivor(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    one, two = trio["laptop1"], trio["laptop2"]
    a, b = issue_ids(one)[:2]
    with one.store.write(one.info.actor()) as session:
        merge_issues(session=session, issue_id=a, into_id=b)
    with two.store.write(two.info.actor()) as session:
        close_issue(
            session=session,
            issue_id=a,
            evaluation_in=EvaluationCreate(
                resolution=Resolution.resolved, satisfaction=Satisfaction.satisfied
            ),
        )
    settle(trio, tmp_path)

    _same_everywhere(trio)
    station = trio["station"]
    with station.store.read() as session:
        judged = session.exec(select(Evaluation.issue_id)).all()
    assert list(judged) == [b]
    # Closing A was an edit of an issue merged away meanwhile: listed, like any edit made
    # concurrently with a deletion; nothing else is.
    closing = {"status", "closed_on", "closed_within_window", "resolution", "satisfaction"}
    closing |= {"evaluated_at", "resupervision"}
    assert {(table, field) for table, field, _ in conflicts(station)} <= {
        ("issue", f) for f in closing
    }
    assert _issue(station, a).deleted_at is not None


def test_a_cycle_of_merges_keeps_the_lowest_id_everywhere(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    one, two = trio["laptop1"], trio["laptop2"]
    a, b = issue_ids(one)[:2]
    assert a < b
    with one.store.write(one.info.actor()) as session:
        merge_issues(session=session, issue_id=a, into_id=b)
    with two.store.write(two.info.actor()) as session:
        merge_issues(session=session, issue_id=b, into_id=a)
    settle(trio, tmp_path)

    _same_everywhere(trio)
    for device in trio.values():
        kept, gone = _issue(device, a), _issue(device, b)
        assert (kept.deleted_at, kept.merged_into) == (None, None)
        assert gone.merged_into == a and gone.deleted_at is not None
        assert len(visits_of(device, a)) == 4 and visits_of(device, b) == []
        assert kept.visit_count == 4
        assert conflicts(device) == []


def test_merges_of_merges_made_apart_end_on_the_last(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    one, two = trio["laptop1"], trio["laptop2"]
    a, b, c = issue_ids(one)[:3]
    with one.store.write(one.info.actor()) as session:
        merge_issues(session=session, issue_id=a, into_id=b)
    with two.store.write(two.info.actor()) as session:
        merge_issues(session=session, issue_id=b, into_id=c)
    settle(trio, tmp_path)

    _same_everywhere(trio)
    station = trio["station"]
    assert [len(visits_of(station, i)) for i in (a, b, c)] == [0, 0, 6]
    assert conflicts(station) == []


def test_withdrawals_made_apart_close_the_issue_once(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    one, two = trio["laptop1"], trio["laptop2"]
    a = issue_ids(one)[0]
    first, second = visits_of(one, a)
    with one.store.write(one.info.actor()) as session:
        assert not withdraw_visit(session=session, visit_id=first, reason="不用了").issue_withdrawn
    two.clock.advance(timedelta(minutes=5))
    with two.store.write(two.info.actor()) as session:
        assert not withdraw_visit(session=session, visit_id=second, reason="已解决").issue_withdrawn
    settle(trio, tmp_path)

    _same_everywhere(trio)
    station = trio["station"]
    issue = _issue(station, a)
    assert issue.status == IssueStatus.closed and issue.withdrawn_at is not None
    with station.store.read() as session:
        closing = session.exec(
            select(Progress).where(
                Progress.issue_id == a, Progress.status_after == IssueStatus.closed
            )
        ).all()
        # Made on each device that found it to close, one record: its id is the same.
        makers = session.exec(
            select(ChangeLog.device_id).where(
                ChangeLog.table_name == "progress", ChangeLog.row_id == closing[0].id
            )
        ).all()
    assert [p.note for p in closing] == ["已解决"] and len(makers) >= 1
    assert conflicts(station) == []


def test_visits_merged_into_an_issue_withdrawn_meanwhile_go_back_to_triage(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    one, two = trio["laptop1"], trio["laptop2"]
    a, b = issue_ids(one)[:2]
    moved = visits_of(one, a)
    with one.store.write(one.info.actor()) as session:
        merge_issues(session=session, issue_id=a, into_id=b)
    with two.store.write(two.info.actor()) as session:
        for visit_id in visits_of(two, b):
            withdraw_visit(session=session, visit_id=visit_id, reason="问题已解决")
    assert _issue(two, b).withdrawn_at is not None
    settle(trio, tmp_path)

    _same_everywhere(trio)
    station = trio["station"]
    with station.store.read() as session:
        queue = {v.id for v in list_untriaged(session=session).items}
    assert queue == set(moved)
    assert _issue(station, b).withdrawn_at is not None
    assert conflicts(station) == []


def test_a_split_here_and_a_move_there_conflict_like_any_edit(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    one, two = trio["laptop1"], trio["laptop2"]
    a, b = issue_ids(one)[:2]
    _first, second = visits_of(one, a)
    with one.store.write(one.info.actor()) as session:
        split = split_issue(session=session, issue_id=a, visit_ids=[second])
    two.clock.advance(timedelta(minutes=1))
    with two.store.write(two.info.actor()) as session:
        move_visit(session=session, visit_id=second, issue_id=b)
    settle(trio, tmp_path)

    _same_everywhere(trio)
    station = trio["station"]
    # The later edit stands (the move, a minute later); the split's value is in the list.
    with station.store.read() as session:
        assert must_get(session, Visit, second).issue_id == b
        assert session.exec(select(Issue.id).where(col(Issue.split_from) == a)).all() == [
            split.new.id
        ]
    assert ("visit", "issue_id", f'"{split.new.id}"') in conflicts(station)


def test_a_laptop_that_only_takes_in_a_merge_writes_nothing_back(
    trio: dict[str, Device], tmp_path: Path
) -> None:
    one, two = trio["laptop1"], trio["laptop2"]
    a, b = issue_ids(one)[:2]
    with one.store.write(one.info.actor()) as session:
        merge_issues(session=session, issue_id=a, into_id=b)
    exchange(one, trio["station"], tmp_path)
    exchange(trio["station"], two, tmp_path)
    with two.store.read() as session:
        mine = session.exec(
            select(ChangeLog).where(ChangeLog.device_id == two.info.device_id)
        ).all()
    # Nothing to put in order: the merge came whole.
    assert [c for c in mine if c.table_name in ("issue", "visit", "progress")] == []
