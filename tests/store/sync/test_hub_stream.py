"""Pushes and pulls in bounded memory (issue 19, part 1; store.sync.stream, store.sync.hub), on
PostgreSQL and on a SQLite file: the version vector read by a skip scan equals the log grouped
by device, through the (device_id, hlc) index; a push or a pull cut short after some batches
leaves those batches in, and its retry ends where one uninterrupted push or pull ends, with the
regrouping rule's work alike (it runs after each batch)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import STATION_A, build_station
from pg import PgServer
from regroup_trio import issue_ids, make_regroup_trio
from small_station import NOW
from sqlalchemy import Connection, MetaData, insert, text
from sync_helpers import close_trio, ledger, log_on, open_trio, settle

import fixtures.demo as demo_module
import store.sync.hub as hub_module
from fixtures.demo import build_demo
from store.changelog.chain import LOG_TABLE
from store.core.clock import FrozenClock
from store.core.models import ChangeLog, IssueStatus, ProgressCreate
from store.db import Store
from store.desk.issues import add_progress
from store.desk.regroup import merge_issues
from store.desk.triage import link_visit
from store.ledger import import_ledger
from store.station import (
    DeputyIn,
    StationIn,
    StationInfo,
    VillageIn,
    init_station,
    load_station,
    open_store,
)
from store.sync.hub import (
    CONFIGURATION_TABLES,
    HubExchange,
    init_hub,
    open_hub,
    pull_from_hub,
    push_to_hub,
)
from store.sync.merge import CHANGE_COLUMNS, MergeResult
from store.sync.stream import (
    batches,
    changes_since,
    foreign_keys,
    parents,
    stream,
    version_vector,
)
from store.trust.backup import backup_to

# -- the version vector ---------------------------------------------------------------------------

_GROUPED = (
    f"SELECT device_id, max(hlc) FROM change_log WHERE table_name <> '{LOG_TABLE}' "
    "GROUP BY device_id"
)


def _grouped(conn: Connection) -> dict[str, str]:
    return {device: hlc for device, hlc in conn.execute(text(_GROUPED))}


def _add_changes(conn: Connection, devices: int, each: int, *, apart: bool = False) -> None:
    """`each` changes of each of `devices` devices, and above them a seal-like record about
    the device's own log (left out of the vector); a device of such records alone. `apart`:
    each device's stamps after the previous one's, as stations pushed one after another."""
    log = ChangeLog.__table__  # type: ignore[attr-defined]
    at = datetime(2026, 9, 1, tzinfo=UTC)
    rows: list[dict[str, Any]] = []
    for d in range(devices):
        device = f"{d:08d}-0000-4000-8000-000000000000"
        for n in range(each):
            stamp = 1_700_000_000_000 + (d * each + n if apart else n * 7 + d)
            rows.append(_row(device, f"{stamp:015d}.00000", "visit", at))
        rows.append(_row(device, f"{1_800_000_000_000:015d}.00000", LOG_TABLE, at))
    rows.append(_row("ffffffff-only-seals", f"{1_800_000_000_000:015d}.00001", LOG_TABLE, at))
    conn.execute(insert(log), rows)


def _row(device: str, hlc: str, table: str, at: datetime) -> dict[str, Any]:
    return {
        "hlc": hlc,
        "device_id": device,
        "table_name": table,
        "row_id": hlc,
        "op": "insert",
        "fields": "{}",
        "at": at,
    }


@pytest.mark.both_backends
def test_the_version_vector_is_the_log_grouped_by_device(store: Store) -> None:
    with store.engine.connect() as conn:
        assert version_vector(conn) == _grouped(conn) != {}
        _add_changes(conn, devices=60, each=5)
        vector = version_vector(conn)
        assert vector == _grouped(conn)
        assert len(vector) == 61 and "ffffffff-only-seals" not in vector
        conn.execute(text("DELETE FROM change_log"))
        assert version_vector(conn) == _grouped(conn) == {}
        conn.rollback()


@pytest.mark.both_backends
def test_the_version_vector_seeks_through_the_device_stamp_index(store: Store) -> None:
    with store.engine.connect() as conn:
        # Devices apart in time, as on a hub: PostgreSQL once walked the stamps' index backwards
        # from the newest change to find each older device's greatest.
        _add_changes(conn, devices=6, each=3000, apart=True)
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE change_log"))
            sql = "EXPLAIN " + _vector_sql()
            plan = [row[0] for row in conn.execute(text(sql), {"log": LOG_TABLE})]
            scans = [line for line in plan if " on change_log" in line]
            assert scans and all("ix_change_log_device_id_hlc" in line for line in scans), plan
        else:
            sql = "EXPLAIN QUERY PLAN " + _vector_sql()
            plan = [row[-1] for row in conn.execute(text(sql), {"log": LOG_TABLE})]
            on_log = [line for line in plan if "change_log" in line or " c " in f" {line} "]
            assert on_log and all("ix_change_log_device_id_hlc" in line for line in on_log), plan
        assert any("ix_change_log_device_id_hlc" in line for line in plan), plan
        conn.rollback()


def _vector_sql() -> str:
    from store.sync.stream import _VECTOR

    return str(_VECTOR)


# -- hubs: one pushed to whole, one cut short and retried -----------------------------------------


@dataclass
class Hubs:
    whole: Store
    cut: Store
    info: StationInfo


@pytest.fixture(params=["sqlite", "postgresql"])
def hubs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Hubs]:
    """Two copies of one new hub (the same hub device, the same county)."""
    clock = FrozenClock(NOW, tz="Asia/Shanghai")
    targets: list[Path | str]
    if request.param == "sqlite":
        init_hub(target=tmp_path / "hub.db", county="临溪县", clock=clock)
        targets = [backup_to(tmp_path / "hub.db", tmp_path / f"hub{n}.db") for n in (1, 2)]
    else:
        make: Callable[[], str] = request.getfixturevalue("pg_url_factory")
        server: PgServer = request.getfixturevalue("pg_server")
        first = make()
        init_hub(target=first, county="临溪县", clock=clock)
        name = first.rsplit("/", 1)[1]
        targets = [server.create_database(template=name) for _ in (1, 2)]
    opened = [open_hub(target, clock=clock) for target in targets]
    yield Hubs(opened[0][0], opened[1][0], opened[0][1])
    for hub, _ in opened:
        hub.dispose()
    if request.param == "postgresql":
        for target in targets:
            server.drop_database(str(target))


class Cut(Exception):
    """The connection lost in the middle of a batch."""


@pytest.fixture
def cut_at(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], list[MergeResult]]:
    """Make the k-th batch's merge fail after it has written (its transaction rolls back)."""

    def arm(k: int) -> list[MergeResult]:
        merged: list[MergeResult] = []
        real = hub_module._merge

        def failing(session: Any, changes: Any, clamps: Any) -> MergeResult:
            result = real(session, changes, clamps)
            if len(merged) + 1 == k:
                monkeypatch.setattr(hub_module, "_merge", real)
                raise Cut
            merged.append(result)
            return result

        monkeypatch.setattr(hub_module, "_merge", failing)
        return merged

    return arm


@pytest.fixture(scope="module")
def regrouped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A station whose laptops regrouped apart (a merge here and a note there on the issue
    merged; a cycle of merges), all settled: its log interleaves three devices' changes, and
    the rule's own writes."""
    directory = tmp_path_factory.mktemp("stream")
    devices = open_trio(make_regroup_trio(directory / "trio"), directory / "work", NOW)
    try:
        one, two = devices["laptop1"], devices["laptop2"]
        a, b, c, d = issue_ids(one)[:4]
        for device in devices.values():
            device.clock.advance(timedelta(hours=1))
        with one.store.write(one.info.actor()) as session:
            merge_issues(session=session, issue_id=a, into_id=b)
            merge_issues(session=session, issue_id=c, into_id=d)
        with two.store.write(two.info.actor()) as session:
            add_progress(
                session=session,
                issue_id=a,
                progress_in=ProgressCreate(status=IssueStatus.received, note="村里说下周修"),
            )
            merge_issues(session=session, issue_id=d, into_id=c)
        visit = log_on(two.store, two.info, "我家门口的路灯也坏了", phone="13611112222")
        with two.store.write(two.info.actor()) as session:
            link_visit(session=session, visit_id=visit.id, issue_id=a)
        settle(devices, directory)
    finally:
        close_trio(devices)
    return directory / "work" / "station.db"


def _station(source: Path, tmp_path: Path, name: str) -> Store:
    return open_store(
        backup_to(source, tmp_path / f"{name}.db"), clock=FrozenClock(NOW + timedelta(hours=2))
    )


def _stamps(store: Store, but: str = "") -> set[tuple[str, str]]:
    """The changes held, by name (device, stamp); those of device `but` left out."""
    with store.read() as session:
        rows = session.connection().execute(
            text(f"SELECT device_id, hlc FROM change_log WHERE table_name <> '{LOG_TABLE}'")
        )
        return {(device, hlc) for device, hlc in rows if device != but}


def test_the_changes_come_in_stamp_order_across_devices_in_batches(
    regrouped: Path, tmp_path: Path
) -> None:
    station = _station(regrouped, tmp_path, "station")
    try:
        with station.read() as session:
            conn = session.connection()
            vector = version_vector(conn)
            assert len(vector) == 3
            since = dict.fromkeys(vector, "")
            rows = list(changes_since(conn, since, page=4))
            assert [(r[0], r[2]) for r in rows] == sorted((r[0], r[2]) for r in rows)
            assert len(rows) == len(_stamps(station))
            cut = list(batches(rows, size=7))
            assert [len(b) for b in cut[:-1]] == [7] * (len(cut) - 1)
            assert sum(cut, []) == rows
            assert list(batches(rows, size=10_000, budget=1)) == [[row] for row in rows]
    finally:
        station.dispose()


def test_a_push_cut_short_keeps_its_batches_and_its_retry_ends_as_one_push(
    regrouped: Path, tmp_path: Path, hubs: Hubs, cut_at: Callable[[int], list[MergeResult]]
) -> None:
    station = _station(regrouped, tmp_path, "station")
    try:
        whole = push_to_hub(station=station, hub=hubs.whole)
        with station.read() as session:
            conn = session.connection()
            order = list(changes_since(conn, dict.fromkeys(version_vector(conn), "")))
        seen: list[tuple[int, int]] = []
        merged = cut_at(3)
        with pytest.raises(Cut):
            push_to_hub(station=station, hub=hubs.cut, batch=7, progress=_heard(seen))
        # Batches 1 and 2 are in, the third is not: the hub holds the first 14 changes.
        assert len(merged) == 2
        assert _stamps(hubs.cut, but=hubs.info.device_id) < _stamps(station)
        first = {(row[2], row[0]) for row in order[:14]}
        assert first <= _stamps(hubs.cut) and not {(r[2], r[0]) for r in order[14:21]} & (
            _stamps(hubs.cut)
        )
        assert seen[0] == (0, len(order)) and seen[1:] == [(7, len(order)), (14, len(order))]

        retried = push_to_hub(station=station, hub=hubs.cut, batch=7)
        assert retried.merge.new == whole.merge.new - 14
        assert retried.merge.known == 0
        assert _values(hubs.cut) == _values(hubs.whole)
        hub = hubs.info.device_id
        assert _stamps(hubs.cut, but=hub) == _stamps(hubs.whole, but=hub) == _stamps(station)
        assert push_to_hub(station=station, hub=hubs.cut, batch=7).merge.new == 0
        # What the hub wrote itself, a batch ahead of the station's own redirects, holds the
        # same values: coming back to the station, it changes none.
        before = _values(station)
        pull_from_hub(station=station, hub=hubs.cut, batch=7)
        assert _values(station) == before
    finally:
        station.dispose()


def test_a_push_in_batches_sums_what_it_took_in(
    regrouped: Path, tmp_path: Path, hubs: Hubs
) -> None:
    station = _station(regrouped, tmp_path, "station")
    try:
        whole = push_to_hub(station=station, hub=hubs.whole)
        seen: list[tuple[int, int]] = []
        cut = push_to_hub(station=station, hub=hubs.cut, batch=5, progress=_heard(seen))
        assert (cut.merge.new, cut.merge.by_table, cut.merge.conflicts) == (
            whole.merge.new,
            whole.merge.by_table,
            whole.merge.conflicts,
        )
        assert seen[-1] == (whole.merge.new, whole.merge.new)
        assert _values(hubs.cut) == _values(hubs.whole)
        hub = hubs.info.device_id
        assert _stamps(hubs.cut, but=hub) == _stamps(hubs.whole, but=hub)
    finally:
        station.dispose()


# -- closed cuts: a batch holds the records its changes point at ----------------------------------


def _change(hlc: int, table: str, row_id: str, **fields: str) -> list[Any]:
    values = dict.fromkeys(CHANGE_COLUMNS)
    values.update(
        hlc=f"{hlc:015d}.00000",
        device_id="d",
        table_name=table,
        row_id=row_id,
        op="insert",
        fields=json.dumps(fields),
        at="2026-09-01T00:00:00+00:00",
    )
    return [values[name] for name in CHANGE_COLUMNS]


def test_the_foreign_keys_come_from_the_schema() -> None:
    keys = foreign_keys()
    assert {("issue_id", "issue"), ("constituent_id", "constituent")} <= set(keys["visit"])
    assert ("issue_id", "issue") in keys["progress"]
    assert ("village_id", "village") in keys["unit"]
    assert "category" not in keys and "setting" not in keys
    assert parents(_change(1, "visit", "v", issue_id="i", text='"issue_id"')) == {("issue", "i")}
    assert parents(_change(1, "visit", "v", issue_id=None, text="")) == set()  # type: ignore[arg-type]


def test_a_batch_runs_on_to_the_insert_of_what_it_points_at() -> None:
    """Two visits stamped before their issue (a bulk load written children first), then
    changes that point back only: the first batch runs on to the issue, the rest cut at size."""
    rows = [
        _change(1, "visit", "v1", issue_id="i"),
        _change(2, "visit", "v2", issue_id="i"),
        _change(3, "constituent", "c"),
        _change(4, "issue", "i"),
        *(_change(5 + n, "progress", f"p{n}", issue_id="i") for n in range(5)),
    ]
    places = {("issue", "i"): (rows[3][0], "d")}
    asked: list[set[tuple[str, str]]] = []

    def inserted(refs: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
        asked.append(set(refs))
        return {ref: places[ref] for ref in refs if ref in places}

    cut = list(batches(rows, size=1, inserted=inserted))
    assert [len(b) for b in cut] == [4, 1, 1, 1, 1, 1]
    assert sum(cut, []) == rows
    # Looked up when the batch was full, and again only once it had reached the issue.
    assert asked[:2] == [{("issue", "i")}, {("issue", "i")}]
    # Without the lookup: cut at size, whatever the rows point at.
    assert [len(b) for b in batches(rows, size=1)] == [1] * len(rows)


# tests/store/ledger/test_real_ledger.py's ledger and station.
LEDGER = Path(__file__).resolve().parents[2] / "data" / "ledgers" / "shanbei.csv"
LEDGER_NOW = datetime(2026, 12, 1, 10, 0)
SHANBEI = StationIn(
    name="山北代表联络站",
    township="和平镇",
    county="长兴县",
    deputies=[DeputyIn("王建国"), DeputyIn("李秀英")],
    villages=[VillageIn("山北村"), VillageIn("东岙村")],
)


@pytest.fixture(scope="module")
def bulk_loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Stations written by bulk loads in one transaction each: a ledger import (80 rows); a
    60-visit demo written 10 visits at a time (issues held back from one write to a later one,
    as at 20,000 visits); the same demo had it written each part's children first."""
    directory = tmp_path_factory.mktemp("bulk")
    made = {"ledger": directory / "ledger.db", "demo": directory / "demo.db"}
    clock = FrozenClock(LEDGER_NOW)
    init_station(engine_path=made["ledger"], station=SHANBEI, clock=clock)
    ledger_station = open_store(made["ledger"], clock=clock)
    try:
        import_ledger(store=ledger_station, actor=load_station(ledger_station).actor(), path=LEDGER)
    finally:
        ledger_station.dispose()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_module, "CHUNK_VISITS", 10)
        build_demo(made["demo"], visits=60, clock=FrozenClock(NOW, tz="Asia/Shanghai"))
        children_first = demo_module._Tables.models

        def reversed_models(tables: Any) -> list[tuple[type[Any], list[dict[str, Any]]]]:
            return list(reversed(children_first(tables)))

        patch.setattr(demo_module._Tables, "models", reversed_models)
        made["children first"] = directory / "children-first.db"
        build_demo(made["children first"], visits=60, clock=FrozenClock(NOW, tz="Asia/Shanghai"))
    return made


def _closed_blocks(store: Store) -> list[int]:
    """The stream cut at every closed point (batches of one change at least): its blocks."""
    with store.read() as session:
        conn = session.connection()
        since = dict.fromkeys(version_vector(conn), "")
        return [len(b) for b in stream(conn, since, CONFIGURATION_TABLES, size=1)]


@pytest.mark.parametrize("kind", ["ledger", "demo", "children first"])
def test_a_bulk_loaded_station_pushes_in_closed_batches_as_one_push(
    kind: str,
    bulk_loaded: dict[str, Path],
    tmp_path: Path,
    hubs: Hubs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    station = _station(bulk_loaded[kind], tmp_path, "station")
    try:
        blocks = _closed_blocks(station)
        # Loaders that write parents first leave every point closed; written children first,
        # each write is a block that cannot be cut.
        assert max(blocks) == 1 if kind != "children first" else max(blocks) > 10
        whole = push_to_hub(station=station, hub=hubs.whole)
        real = hub_module._merge
        sizes: list[int] = []

        def merge(session: Any, changes: list[list[Any]], clamps: Any) -> MergeResult:
            sizes.append(len(changes))
            return real(session, changes, clamps)

        monkeypatch.setattr(hub_module, "_merge", merge)
        size = 7
        cut = push_to_hub(station=station, hub=hubs.cut, batch=size)
        assert len(sizes) > 1 and sum(sizes) == whole.merge.new == cut.merge.new
        assert max(sizes) <= size + max(blocks)
        if kind == "children first":
            assert max(sizes) > size  # the block went whole
        else:
            assert set(sizes[:-1]) == {size}
        assert (cut.merge.by_table, cut.merge.conflicts) == (
            whole.merge.by_table,
            whole.merge.conflicts,
        )
        assert _values(hubs.cut) == _values(hubs.whole)
        hub = hubs.info.device_id
        assert _stamps(hubs.cut, but=hub) == _stamps(hubs.whole, but=hub) == _stamps(station)
    finally:
        station.dispose()


def _values(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """The ledger without who last wrote a record and when. The hub, a batch ahead of the
    station's own redirects of a merge, writes them itself, as any device that took in part of
    the changes does (store.sync.regroup_rule): the same values, but its stamp may be the later
    one, so the hub may be the last writer of a record the station redirected."""
    with store.read() as session:
        meta = MetaData()
        meta.reflect(session.connection())
    kept = {
        name: [i for i, column in enumerate(table.columns) if column.name not in _WRITER]
        if _WRITER <= set(table.columns.keys())
        else list(range(len(table.columns)))
        for name, table in meta.tables.items()
    }
    return {
        name: sorted((tuple(row[i] for i in kept[name]) for row in rows), key=repr)
        for name, rows in ledger(store).items()
        if name not in _ROWID_KEYED
    }


_WRITER = {"updated_at", "device_id"}
# SQLite's search index of residents' names, keyed by each resident's rowid: the order the
# rows were inserted in, which batches change (store.search.index); not a record of its own.
_ROWID_KEYED = {"constituent_name_char"}


def _heard(seen: list[tuple[int, int]]) -> Callable[[int, int], None]:
    def hear(done: int, total: int) -> None:
        if not seen or seen[-1] != (done, total):
            seen.append((done, total))

    return hear


# -- pulls ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    directory = tmp_path_factory.mktemp("small")
    made = build_station(directory / "a.db", STATION_A, extra=False)
    return directory / "a.db", made.issues


def _supervise_all(hub: Store, info: StationInfo, issues: list[str]) -> None:
    for n, issue_id in enumerate(issues):
        try:
            with hub.write(info.actor()) as session:
                add_progress(
                    session=session,
                    issue_id=issue_id,
                    progress_in=ProgressCreate(status=IssueStatus.supervising, note=f"督办{n}"),
                )
        except Exception:  # noqa: BLE001 — a closed issue takes no note: the others do
            continue


def test_a_pull_cut_short_keeps_its_batches_and_its_retry_ends_as_one_pull(
    small: tuple[Path, dict[str, str]],
    tmp_path: Path,
    hubs: Hubs,
    cut_at: Callable[[int], list[MergeResult]],
) -> None:
    source, issues = small
    # Two copies of one station, and one hub that one of them pushed to: what each pulls is
    # the same.
    a1, a2 = _station(source, tmp_path, "a1"), _station(source, tmp_path, "a2")
    hub = hubs.cut
    try:
        push_to_hub(station=a1, hub=hub)
        _supervise_all(hub, hubs.info, sorted(issues.values()))
        whole: HubExchange = pull_from_hub(station=a1, hub=hub)
        assert whole.merge.new >= 6
        before = _stamps(a2)
        merged = cut_at(2)
        with pytest.raises(Cut):
            pull_from_hub(station=a2, hub=hub, batch=3)
        # The first batch is in (of its three changes, those for this station), the second
        # is not.
        assert len(merged) == 1 and 0 < merged[0].new <= 3
        assert len(_stamps(a2) - before) == merged[0].new and _stamps(a2) < _stamps(a1)
        retried = pull_from_hub(station=a2, hub=hub, batch=3)
        assert retried.merge.new == whole.merge.new - merged[0].new
        assert ledger(a2) == ledger(a1)
        assert pull_from_hub(station=a2, hub=hub, batch=3).merge.new == 0
    finally:
        a1.dispose()
        a2.dispose()
