"""Convergence (issue 6): a station and two laptops edit offline and exchange bundles in any
order, duplicates included, and any of them may be put back to an earlier backup at any moment,
by `liaison restore` or by copying the file back (issue 15). Afterwards all three hold the same
ledger and no edit is lost: each is the current value, or in the conflict list, or was
overwritten by a device that had seen it — unless it never left a device that was then put back
to a backup older than it (no sync can bring back what nobody else ever held). The records
include observers (民情观察员: personal data, their phones edited apart) and the visits through
them (issue 20, part 4).

Deputies' suggestions are among the records (issue 20): one held by every device from the
start, others drafted on any device; their steps taken where each device sees them (two devices
may take the same step while apart: both steps are kept, the suggestion's fields are edits like
any other), their titles rewritten.

Hypothesis draws the scenario. The examples are derandomised so CI sees the same ones every run;
`LIAISON_SYNC_EXAMPLES=500` explores more."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from legislation_fixture import DRAFT_TEXT
from small_station import NOW, SMALL_STATION
from sqlmodel import select
from store_rows import must_get
from sync_helpers import (
    DEVICES,
    Device,
    close_trio,
    exchange,
    ledger,
    log_on,
    make_trio,
    open_trio,
    settle,
)

from store.core.clock import FrozenClock
from store.core.models import (
    Adoption,
    Channel,
    Deliberation,
    DeliberationKind,
    Issue,
    IssueCorrection,
    LegislativeOpinion,
    ObservationPoint,
    Observer,
    PointKind,
    Satisfaction,
    Setting,
    Suggestion,
    SuggestionStatus,
    SuggestionStep,
    SyncConflict,
    Tier,
)
from store.core.settings import update_setting
from store.db import Store
from store.deliberations.deliberations import DeliberationIn, log_deliberation, record_vote
from store.desk.corrections import correct_issue
from store.desk.issues import change_unit
from store.legislation.drafts import get_draft, list_drafts, load_draft
from store.legislation.opinions import add_opinion, answer_opinion, list_opinions
from store.observers.observers import ObserverForm, add_observer, get_observer, update_observer
from store.observers.points import PointForm, add_point
from store.reference.lists import list_deputies, list_units
from store.station import StationInfo, load_station, open_store
from store.suggestions.suggestions import (
    answer_suggestion,
    assign_suggestion,
    draft_suggestion,
    edit_suggestion,
    evaluate_suggestion,
    next_step,
    submit_suggestion,
)
from store.sync.exchange import export_bundle, import_bundle
from store.sync.identity import restore_as_new_device
from store.trust.backup import backup_to

# 8 in CI, whose whole run must stay under 15 minutes (25 took about 70 s of it; the regroup
# property test now mixes moves, corrections and tellings too); LIAISON_SYNC_EXAMPLES=500 for a
# real search.
EXAMPLES = int(os.environ.get("LIAISON_SYNC_EXAMPLES", "8"))
# Shrinking a failure can take minutes; LIAISON_SYNC_SHRINK=0 reports the first one found.
PHASES = [p for p in Phase if os.environ.get("LIAISON_SYNC_SHRINK") != "0" or p != Phase.shrink]
DEVICE = st.sampled_from(DEVICES)
SETTING = "evaluation_grace_days"

OPS = st.one_of(
    st.tuples(st.just("unit"), DEVICE, st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("setting"), DEVICE, st.integers(3, 9)),
    # A correction of what was typed (issue 18): an issue's title.
    st.tuples(st.just("title"), DEVICE, st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("visit"), DEVICE),
    # Legislative consultation (issue 20): an opinion typed on an article of the template's
    # draft (an append), and the legislature's answer to one of its opinions (an edit).
    st.tuples(st.just("opinion"), DEVICE, st.integers(0, 2)),
    st.tuples(st.just("adopt"), DEVICE, st.integers(0, 1), st.sampled_from([*Adoption, None])),
    # A deliberation session held where the device is (议事活动, issue 20), a visit raised there;
    # and a vote recorded on a session the device holds (its counts edited like any field).
    st.tuples(st.just("session"), DEVICE),
    st.tuples(st.just("vote"), DEVICE, st.integers(0, 3), st.integers(0, 40)),
    # Deputies' suggestions (issue 20): drafted, a step taken, a title rewritten.
    st.tuples(st.just("suggest"), DEVICE),
    st.tuples(st.just("step"), DEVICE, st.integers(0, 3)),
    st.tuples(st.just("retitle"), DEVICE, st.integers(0, 3), st.integers(0, 3)),
    # An observer's phone edited (personal data, issue 20 part 4), and a visit through them.
    st.tuples(st.just("observer"), DEVICE, st.integers(0, 1), st.integers(0, 3)),
    st.tuples(st.just("wait"), DEVICE, st.integers(0, 180)),
    # A clock set a day and a half wrong, either way (clamped where it runs ahead).
    st.tuples(st.just("skew"), DEVICE, st.sampled_from([-36, 36])),
    st.tuples(st.just("export"), DEVICE, DEVICE),
    st.tuples(st.just("import"), st.integers(0, 50)),
    st.tuples(st.just("import"), st.integers(0, 50)),
    st.tuples(st.just("backup"), DEVICE),
    st.tuples(st.just("put_back"), DEVICE, st.sampled_from(["restore", "cp"])),
)


@dataclass(frozen=True)
class Edit:
    device: str
    device_id: str
    table: str
    row_id: str
    field: str
    value: Any


@dataclass
class World:
    devices: dict[str, Device]
    directory: Path
    issues: list[str]
    units: list[str]
    # The template's draft, its first articles, and its opinions.
    draft: str
    articles: list[str]
    opinions: list[str]
    # The station's observers and their point (made before the laptops joined).
    observers: list[str] = field(default_factory=list)
    point: str = ""
    edits: list[Edit] = field(default_factory=list)
    # Which edits each device holds; which edits were overwritten by a device holding them.
    known: dict[str, set[int]] = field(default_factory=dict)
    superseded: set[int] = field(default_factory=set)
    # Bundles made and not lost: (receiver, file, the edits the sender held).
    bundles: list[tuple[str, Path, frozenset[int]]] = field(default_factory=list)
    # Each device's last backup: its file, and the edits it held then.
    backups: dict[str, tuple[Path, frozenset[int]]] = field(default_factory=dict)
    # Edits that only a device put back to an older backup ever held: gone with it.
    gone: set[int] = field(default_factory=set)

    def edit(self, device: str, table: str, row_id: str, name: str, value: Any, was: Any) -> None:
        if value == was:
            return  # writing the value a field holds changes nothing, so logs nothing
        mine = self.known.setdefault(device, set())
        for n in mine:
            e = self.edits[n]
            if (e.table, e.row_id, e.field) == (table, row_id, name):
                self.superseded.add(n)
        device_id = self.devices[device].info.device_id
        self.edits.append(Edit(device, device_id, table, row_id, name, value))
        mine.add(len(self.edits) - 1)

    def put_back(self, name: str, how: str) -> None:
        if name not in self.backups:
            return
        backup, held = self.backups[name]
        device = self.devices[name]
        path = Path(str(device.store.engine.url.database))
        device.store.dispose()
        if how == "restore":
            restore_as_new_device(backup=backup, target=path, clock=device.clock)
        else:
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copy(backup, path)
        device.store = open_store(path, clock=device.clock)
        device.info = load_station(device.store)
        dropped = self.known.get(name, set()) - held
        self.known[name] = set(held)
        elsewhere = set().union(
            *(k for other, k in self.known.items() if other != name),
            *(carried for _, _, carried in self.bundles),
        )
        self.gone |= dropped - elsewhere


def _observers(store: Store, info: StationInfo) -> None:
    """Two observers at a trade point: edited apart on the devices, relaying their visits."""
    with store.write(info.actor()) as session:
        point = add_point(session=session, form=PointForm("骑手驿站", kind=PointKind.delivery))
        for name, phone in (("王建国", "13911110000"), ("李小红", "13922220000")):
            add_observer(session=session, form=ObserverForm(name, phone=phone, point_id=point.id))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trio, holding from the start observers, a suggestion (their steps and rewrites
    meet) and a draft with two opinions that the station loaded."""
    directory = make_trio(
        tmp_path_factory.mktemp("trio-property"),
        SMALL_STATION,
        NOW,
        suggestion=True,
        setup=_observers,
    )
    devices = {
        name: Device(name, store, load_station(store), FrozenClock(NOW))
        for name in DEVICES
        for store in [open_store(directory / f"{name}.db", clock=FrozenClock(NOW))]
    }
    station = devices["station"]
    try:
        with station.store.write(station.info.actor()) as session:
            draft = load_draft(session=session, text=DRAFT_TEXT)
            for article in draft.articles[:2]:
                add_opinion(
                    session=session, draft_id=draft.row.id, article_id=article.id, text="意见"
                )
        for name in DEVICES[1:]:
            exchange(station, devices[name], directory)
    finally:
        close_trio(devices)
    return directory


def _run(world: World, op: tuple[Any, ...]) -> None:
    kind = op[0]
    if kind == "unit":
        device = world.devices[op[1]]
        issue_id, unit_id = world.issues[op[2]], world.units[op[3]]
        with device.store.write(device.info.actor()) as session:
            was = must_get(session, Issue, issue_id).unit_id
            change_unit(session=session, issue_id=issue_id, unit_id=unit_id)
        world.edit(op[1], "issue", issue_id, "unit_id", unit_id, was)
    elif kind == "title":
        device = world.devices[op[1]]
        issue_id, title = world.issues[op[2]], f"第{op[3]}号路灯"
        with device.store.write(device.info.actor()) as session:
            issue = must_get(session, Issue, issue_id)
            was = issue.title
            correction = IssueCorrection(
                title=title, category_id=issue.category_id, lead_deputy_id=issue.lead_deputy_id
            )
            correct_issue(session=session, issue_id=issue_id, correction=correction)
        world.edit(op[1], "issue", issue_id, "title", title, was)
    elif kind == "setting":
        device = world.devices[op[1]]
        with device.store.write(device.info.actor()) as session:
            was = must_get(session, Setting, SETTING).value
            update_setting(session=session, key=SETTING, value=str(op[2]))
        world.edit(op[1], "setting", SETTING, "value", str(op[2]), was)
    elif kind in ("suggest", "step", "retitle"):
        _suggestion_op(world, op)
    elif kind == "visit":
        device = world.devices[op[1]]
        log_on(device.store, device.info, f"{device.name} 记下的第{len(world.edits)}件事")
    elif kind == "opinion":
        device = world.devices[op[1]]
        with device.store.write(device.info.actor()) as session:
            add_opinion(
                session=session,
                draft_id=world.draft,
                article_id=world.articles[op[2]],
                text=f"{device.name} 记下的第{len(world.edits)}条意见",
                who="王阿姨",
            )
    elif kind == "adopt":
        device = world.devices[op[1]]
        opinion_id, adoption = world.opinions[op[2]], op[3]
        with device.store.write(device.info.actor()) as session:
            before = must_get(session, LegislativeOpinion, opinion_id).adoption
            answer_opinion(session=session, opinion_id=opinion_id, adoption=adoption)
        value = adoption.value if adoption is not None else None
        world.edit(op[1], "legislative_opinion", opinion_id, "adoption", value, before)
    elif kind == "session":
        device = world.devices[op[1]]
        with device.store.write(device.info.actor()) as session:
            held = log_deliberation(
                session=session,
                deliberation_in=DeliberationIn(
                    kind=DeliberationKind.evening_talk,
                    held_on=device.clock.now().date(),
                    place=f"{device.name}的百姓夜话",
                    residents=20,
                ),
            )
        log_on(device.store, device.info, "夜话上说的路灯", deliberation_id=held.id)
    elif kind == "vote":
        device = world.devices[op[1]]
        with device.store.read() as session:
            sessions = session.exec(select(Deliberation).order_by(Deliberation.id)).all()
        if sessions:
            chosen = sessions[op[2] % len(sessions)]
            was = chosen.satisfied
            with device.store.write(device.info.actor()) as session:
                record_vote(
                    session=session,
                    deliberation_id=chosen.id,
                    satisfied=op[3],
                    fairly=1,
                    unsatisfied=1,
                )
            world.edit(op[1], "deliberation", chosen.id, "satisfied", op[3], was)
    elif kind == "observer":
        device = world.devices[op[1]]
        observer_id, phone = world.observers[op[2]], f"1390000{op[3]:04d}"
        with device.store.write(device.info.actor()) as session:
            was = must_get(session, Observer, observer_id).phone
            row = get_observer(session=session, observer_id=observer_id)
            form = ObserverForm(row.name, phone=phone, group=row.group, point_id=row.point_id)
            update_observer(session=session, observer_id=observer_id, form=form)
        world.edit(op[1], "observer", observer_id, "phone", phone, was)
        log_on(
            device.store,
            device.info,
            f"{device.name} 经观察员记下的第{len(world.edits)}件事",
            channel=Channel.observer,
            observer_id=observer_id,
            point_id=world.point,
        )
    elif kind == "wait":
        world.devices[op[1]].clock.advance(timedelta(minutes=op[2]))
    elif kind == "skew":
        world.devices[op[1]].clock.advance(timedelta(hours=op[2]))
    elif kind == "export" and op[1] != op[2]:
        src, dst = world.devices[op[1]], world.devices[op[2]]
        out = world.directory / f"b{len(world.bundles)}.bundle"
        export_bundle(store=src.store, out=out, to=dst.info.device_id)
        world.bundles.append((op[2], out, frozenset(world.known.get(op[1], set()))))
    elif kind == "import" and world.bundles:
        receiver, path, carried = world.bundles[op[1] % len(world.bundles)]
        device = world.devices[receiver]
        import_bundle(store=device.store, path=path)
        device.info = load_station(device.store)  # a copy put back may have taken a new id
        world.known.setdefault(receiver, set()).update(carried)
    elif kind == "backup":
        device = world.devices[op[1]]
        path = Path(str(device.store.engine.url.database))
        target = world.directory / f"{op[1]}-backup-{len(world.bundles)}-{len(world.edits)}.db"
        target.unlink(missing_ok=True)
        world.backups[op[1]] = (backup_to(path, target), frozenset(world.known.get(op[1], set())))
    elif kind == "put_back":
        world.put_back(op[1], op[2])


def _suggestion_op(world: World, op: tuple[Any, ...]) -> None:
    """Draft a suggestion on a device; or, on one of the suggestions it holds, take the next
    step (an evaluation 满意 or 不满意 by the draw) or rewrite the title."""
    device = world.devices[op[1]]
    with device.store.write(device.info.actor()) as session:
        if op[0] == "suggest":
            draft_suggestion(
                session=session,
                title=f"{device.name}的第{len(world.edits)}条建议",
                issue_ids=[world.issues[0]],
                lead_deputy_id=list_deputies(session=session)[0].id,
            )
            return
        held = session.exec(select(Suggestion).order_by(Suggestion.id)).all()
        if not held:
            return
        suggestion = held[op[2] % len(held)]
        sid = suggestion.id
        if op[0] == "retitle":
            title, was = f"第{op[3]}号建议", suggestion.title
            edit_suggestion(
                session=session,
                suggestion_id=sid,
                title=title,
                reason=suggestion.reason,
                proposal=suggestion.proposal,
            )
            world.edit(op[1], "suggestion", sid, "title", title, was)
            return
        step = next_step(SuggestionStatus(suggestion.status))
        if step == SuggestionStep.submitted:
            submit_suggestion(session=session, suggestion_id=sid, body="临溪县人大常委会")
        elif step == SuggestionStep.assigned:
            assign_suggestion(session=session, suggestion_id=sid, units="县住建局")
        elif step == SuggestionStep.answered:
            answer_suggestion(session=session, suggestion_id=sid, summary=f"{device.name}记的答复")
        elif step == SuggestionStep.evaluated:
            verdict = (Satisfaction.unsatisfied, Satisfaction.satisfied)[op[2] % 2]
            evaluate_suggestion(session=session, suggestion_id=sid, satisfaction=verdict)


def _current(device: Device, edit: Edit) -> Any:
    with device.store.read() as session:
        if edit.table == "setting":
            row = session.get(Setting, edit.row_id)
            return row.value if row else None
        if edit.table == "legislative_opinion":
            return must_get(session, LegislativeOpinion, edit.row_id).adoption
        if edit.table == "observer":
            return must_get(session, Observer, edit.row_id).phone
        if edit.table == "suggestion":
            return getattr(session.get(Suggestion, edit.row_id), edit.field)
        model = Deliberation if edit.table == "deliberation" else Issue
        return getattr(session.get(model, edit.row_id), edit.field)


def _listed(device: Device, edit: Edit) -> bool:
    with device.store.read() as session:
        rows = session.exec(
            select(SyncConflict).where(
                SyncConflict.table_name == edit.table,
                SyncConflict.row_id == edit.row_id,
                SyncConflict.field == edit.field,
                SyncConflict.lost_device_id == edit.device_id,
            )
        ).all()
    return any(_decoded(row.value) == edit.value for row in rows)


def _decoded(value: str) -> Any:
    import json

    return json.loads(value)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 25,
    phases=PHASES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=5, max_size=30))
def test_three_devices_converge_and_lose_no_edit(
    template: Path, tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[Any, ...]]
) -> None:
    directory = tmp_path_factory.mktemp("example")
    devices = open_trio(template, directory / "db", NOW)
    try:
        station = devices["station"]
        with station.store.read() as session:
            issues = [i.id for i in session.exec(select(Issue).order_by(Issue.id)).all()]
            units = [u.id for u in list_units(session=session) if u.tier == Tier.township]
            draft = list_drafts(session=session).items[0].id
            articles = [a.id for a in get_draft(session=session, draft_id=draft).articles]
            opinions = [o.id for o in list_opinions(session=session, draft_id=draft).items]
        world = World(devices, directory, issues, units[:4], draft, articles[:3], opinions)
        with station.store.read() as session:
            world.observers = [o.id for o in session.exec(select(Observer).order_by(Observer.id))]
            world.point = session.exec(select(ObservationPoint.id)).one()
        for op in ops:
            _run(world, op)
        settle(devices, directory)
        for device in devices.values():
            device.info = load_station(device.store)
        settle(devices, directory)
        ledgers = [ledger(d.store) for d in devices.values()]
        assert ledgers[0] == ledgers[1] == ledgers[2]
        for n, edit in enumerate(world.edits):
            if n in world.superseded or n in world.gone:
                continue
            assert _current(station, edit) == edit.value or _listed(station, edit), edit
    finally:
        close_trio(devices)
