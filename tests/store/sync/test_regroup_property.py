"""Convergence of regrouping (issue 18, part 3): a station and two laptops merge, split, move,
unlink and withdraw offline, add visits and progress notes, and exchange bundles in any order,
duplicates included. Afterwards all three hold the same ledger and nothing is lost: every visit
is there, on a live issue or back in the triage queue; nothing hangs off a merged issue; no
chain of merges goes round; no visit still asked for sits on an issue closed as withdrawn; no
open issue has only withdrawn visits; every progress note is there, on a live issue; each issue
counts the visits still asked for on it.

Hypothesis draws the scenario, derandomised so CI sees the same examples every run; the examples
are bounded (LIAISON_REGROUP_EXAMPLES, 10 by default; runs of 100 and 120 passed) so CI stays
under its 15 minutes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from regroup_trio import make_regroup_trio
from small_station import NOW
from sqlmodel import Session, col, select
from sync_helpers import DEVICES, Device, close_trio, ledger, log_on, open_trio, settle

from store.core.errors import StoreError
from store.core.models import Issue, IssueStatus, Progress, ProgressCreate, Visit
from store.desk.issues import add_progress
from store.desk.regroup import (
    merge_issues,
    move_visit,
    split_issue,
    survivor_of,
    unlink_visit,
    withdraw_visit,
)
from store.desk.triage import link_visit
from store.station import load_station
from store.sync.exchange import export_bundle, import_bundle

EXAMPLES = int(os.environ.get("LIAISON_REGROUP_EXAMPLES", "10"))
PHASES = [p for p in Phase if os.environ.get("LIAISON_SYNC_SHRINK") != "0" or p != Phase.shrink]
DEVICE = st.sampled_from(DEVICES)
PICK = st.integers(0, 30)

OPS = st.one_of(
    st.tuples(st.just("merge"), DEVICE, PICK, PICK),
    st.tuples(st.just("split"), DEVICE, PICK, PICK),
    st.tuples(st.just("move"), DEVICE, PICK, PICK),
    st.tuples(st.just("unlink"), DEVICE, PICK),
    st.tuples(st.just("withdraw"), DEVICE, PICK),
    st.tuples(st.just("link"), DEVICE, PICK, PICK),
    st.tuples(st.just("visit"), DEVICE, PICK),
    st.tuples(st.just("progress"), DEVICE, PICK),
    st.tuples(st.just("wait"), DEVICE, st.integers(0, 90)),
    st.tuples(st.just("export"), DEVICE, DEVICE),
    st.tuples(st.just("import"), st.integers(0, 50)),
)


@dataclass
class World:
    devices: dict[str, Device]
    directory: Path
    visits: set[str] = field(default_factory=set)
    notes: set[str] = field(default_factory=set)
    bundles: list[tuple[str, Path]] = field(default_factory=list)
    done: int = 0


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_regroup_trio(tmp_path_factory.mktemp("regroup-property"))


def _open_issues(session: Session) -> list[Issue]:
    return list(
        session.exec(
            select(Issue)
            .where(col(Issue.deleted_at).is_(None), col(Issue.status) != IssueStatus.closed)
            .order_by(col(Issue.id))
        ).all()
    )


def _asked(session: Session, *, triaged: bool) -> list[str]:
    where = col(Visit.issue_id).is_not(None) if triaged else col(Visit.issue_id).is_(None)
    return list(
        session.exec(
            select(Visit.id)
            .where(where, col(Visit.deleted_at).is_(None), col(Visit.withdrawn_at).is_(None))
            .order_by(col(Visit.id))
        ).all()
    )


def _run(world: World, op: tuple[Any, ...]) -> None:
    kind = op[0]
    if kind == "wait":
        world.devices[op[1]].clock.advance(timedelta(minutes=op[2]))
        return
    if kind == "export":
        if op[1] != op[2]:
            src, dst = world.devices[op[1]], world.devices[op[2]]
            out = world.directory / f"b{len(world.bundles)}.bundle"
            export_bundle(store=src.store, out=out, to=dst.info.device_id)
            world.bundles.append((op[2], out))
        return
    if kind == "import":
        if world.bundles:
            receiver, path = world.bundles[op[1] % len(world.bundles)]
            import_bundle(store=world.devices[receiver].store, path=path)
        return
    device = world.devices[op[1]]
    device.clock.advance(timedelta(seconds=30))
    if kind == "visit":
        n = len(world.visits)
        row = log_on(device.store, device.info, f"第{n}件：路灯", phone=f"1360000{n:04d}")
        world.visits.add(row.id)
        op = ("link", op[1], 0, op[2])
    try:
        with device.store.write(device.info.actor()) as session:
            _regroup(session, world, op)
        world.done += 1
    except (StoreError, Nothing):
        # Refused (the last visit, the same issue...), or nothing to pick: nothing written.
        pass


class Nothing(Exception):
    """No record to pick for this step on this device."""


def _pick(items: list[Any], n: int) -> Any:
    if not items:
        raise Nothing()
    return items[n % len(items)]


def _regroup(session: Session, world: World, op: tuple[Any, ...]) -> None:
    kind = op[0]
    issues = [i.id for i in _open_issues(session)]
    if kind == "merge":
        merge_issues(session=session, issue_id=_pick(issues, op[2]), into_id=_pick(issues, op[3]))
    elif kind == "split":
        issue = _pick(issues, op[2])
        visits = session.exec(
            select(Visit.id)
            .where(Visit.issue_id == issue, col(Visit.withdrawn_at).is_(None))
            .order_by(col(Visit.id))
        ).all()
        split_issue(session=session, issue_id=issue, visit_ids=[_pick(list(visits), op[3])])
    elif kind == "move":
        move_visit(
            session=session,
            visit_id=_pick(_asked(session, triaged=True), op[2]),
            issue_id=_pick(issues, op[3]),
        )
    elif kind == "unlink":
        unlink_visit(session=session, visit_id=_pick(_asked(session, triaged=True), op[2]))
    elif kind == "withdraw":
        everyone = _asked(session, triaged=True) + _asked(session, triaged=False)
        withdraw_visit(session=session, visit_id=_pick(everyone, op[2]), reason="不用了")
    elif kind == "link":
        link_visit(
            session=session,
            visit_id=_pick(_asked(session, triaged=False), op[2]),
            issue_id=_pick(issues, op[3]),
        )
    elif kind == "progress":
        note = f"进展{len(world.notes)}"
        add_progress(
            session=session,
            issue_id=_pick(issues, op[2]),
            progress_in=ProgressCreate(status=IssueStatus.received, note=note),
        )
        world.notes.add(note)


def _check(device: Device, world: World) -> None:
    with device.store.read() as session:
        issues = {i.id: i for i in session.exec(select(Issue)).all()}
        visits = session.exec(select(Visit).where(col(Visit.deleted_at).is_(None))).all()
        assert world.visits <= {v.id for v in visits}
        for visit in visits:
            if visit.issue_id is None:
                continue
            issue = issues[visit.issue_id]
            assert issue.deleted_at is None, "a visit on a merged or deleted issue"
            if visit.withdrawn_at is None:
                assert issue.withdrawn_at is None, "a visit still asked for hidden"
        for issue in issues.values():
            if issue.merged_into is not None and issue.deleted_at is not None:
                assert issues[survivor_of(session=session, issue_id=issue.id)].deleted_at is None
            if issue.deleted_at is not None:
                continue
            mine = [v for v in visits if v.issue_id == issue.id]
            asked = [v for v in mine if v.withdrawn_at is None]
            assert issue.visit_count == len(asked)
            if mine and not asked:
                assert issue.status == IssueStatus.closed, "an open issue only withdrawn"
        notes = session.exec(select(Progress).where(col(Progress.note).in_(world.notes))).all()
        assert {p.note for p in notes} == world.notes
        assert all(issues[p.issue_id].deleted_at is None for p in notes)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 25,
    phases=PHASES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=6, max_size=24))
def test_regrouping_apart_converges_and_loses_no_visit(
    template: Path, tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[Any, ...]]
) -> None:
    directory = tmp_path_factory.mktemp("example")
    devices = open_trio(template, directory / "db", NOW)
    try:
        with devices["station"].store.read() as session:
            known = set(session.exec(select(Visit.id)).all())
        world = World(devices, directory, visits=known)
        for op in ops:
            _run(world, op)
        settle(devices, directory)
        for device in devices.values():
            device.info = load_station(device.store)
        settle(devices, directory)
        ledgers = [ledger(d.store) for d in devices.values()]
        assert ledgers[0] == ledgers[1] == ledgers[2]
        for device in devices.values():
            _check(device, world)
    finally:
        close_trio(devices)
