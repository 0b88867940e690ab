"""Retention (issue 7, part 3): residents whose issues all closed more than N years ago lose
their name and phone, everywhere in the database and on every device; statistics stay."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from small_station import NOW, SMALL_STATION
from sqlalchemy import bindparam, text
from sqlmodel import select
from store_rows import must_get
from sync_helpers import close_trio, exchange, later, log_on, make_trio, open_trio

from store.changelog.chain import PERSONAL_FIELDS
from store.changelog.changes import Actor, _encode_fields
from store.changelog.lean import logged_values
from store.core.clock import FrozenClock
from store.core.models import Adoption, Constituent, LegislativeOpinion, Tier, Visit
from store.core.pinyin import name_keys
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.desk.triage import open_issue
from store.desk.visits import VisitRow
from store.legislation.drafts import load_draft
from store.legislation.opinions import add_opinion, answer_opinion
from store.reference.lists import list_units
from store.trust.check import check_database
from store.trust.erase import erase_purged_values
from store.trust.purge import plan_purge, purge_cutoff, purge_residents

pytestmark = pytest.mark.both_backends

OLD_NAME, OLD_PHONE = "钱旧事", "13911112222"
BOTH_NAME, BOTH_PHONE = "孙两头", "13933334444"
NEW_NAME, NEW_PHONE = "李新事", "13955556666"
SIX_YEARS = timedelta(days=6 * 366)
TYPED = "周立言"
DRAFT = "临溪县村庄规划条例（草案）\n\n第一条　为了规范村庄规划，制定本条例。\n"


def _today(clock: FrozenClock) -> date:
    return clock.now().astimezone(clock.tz).date()


@pytest.fixture
def aged(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> Store:
    """Three residents: one whose only issue closed six years ago; one with such an issue and
    an issue still open; one whose issue closed last week."""
    old = make_issue(tier=Tier.village, name=OLD_NAME, phone=OLD_PHONE, text="旧路灯坏了")
    both = make_issue(tier=Tier.village, name=BOTH_NAME, phone=BOTH_PHONE, text="旧水沟堵了")
    with store.write(actor) as session:
        close_issue(session=session, issue_id=old.id, evaluation_in=None)
        close_issue(session=session, issue_id=both.id, evaluation_in=None)
    clock.advance(SIX_YEARS)
    make_issue(tier=Tier.village, name=BOTH_NAME, phone=BOTH_PHONE, text="新的事还开着")
    recent = make_issue(tier=Tier.village, name=NEW_NAME, phone=NEW_PHONE, text="上周办结的事")
    with store.write(actor) as session:
        close_issue(session=session, issue_id=recent.id, evaluation_in=None)
    return store


def _log_holds(store: Store, secret: str) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM change_log WHERE fields LIKE :s"), {"s": f"%{secret}%"}
            ).scalar_one()
        )


def _figures(store: Store) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT status, closed_on, visit_count, tier FROM issue ORDER BY opened_on, id"
                )
            )
        ]


def test_the_dry_run_names_who_would_go_and_changes_nothing(
    aged: Store, clock: FrozenClock
) -> None:
    with aged.read() as session:
        plan = plan_purge(session=session, today=_today(clock))
    assert plan.years == 5
    assert plan.cutoff == purge_cutoff(_today(clock), 5)
    assert [(c.name, c.phone_masked) for c in plan.residents.items] == [(OLD_NAME, "139****2222")]
    assert plan.residents.total == 1 and plan.issues == 1
    assert plan.residents.items[0].last_closed_on == NOW.date()
    assert _log_holds(aged, OLD_PHONE) > 0
    # A shorter period reaches nobody more here; a longer one nobody at all.
    with aged.read() as session:
        assert plan_purge(session=session, today=_today(clock), years=7).residents.total == 0


def test_a_purge_removes_names_and_phones_and_keeps_the_figures(
    aged: Store, actor: Actor, clock: FrozenClock
) -> None:
    figures = _figures(aged)
    with aged.write(actor) as session:
        result = purge_residents(session=session, today=_today(clock))
    assert result.residents == 1 and result.entries >= 1
    with aged.read() as session:
        people = {p.phone: p for p in session.exec(select(Constituent))}
        assert OLD_PHONE not in people
        gone = people[""]
        assert (gone.name, gone.id_number, gone.name_pinyin, gone.name_initials) == (
            "", None, "", ""
        )  # fmt: skip
        assert gone.purged_at is not None
        assert {BOTH_PHONE, NEW_PHONE} <= set(people)
    for secret in (OLD_NAME, OLD_PHONE):
        assert _log_holds(aged, secret) == 0
    assert _log_holds(aged, BOTH_PHONE) > 0
    assert _figures(aged) == figures
    # The chain still verifies over the rewritten entries; nothing else is off.
    report = check_database(engine=aged.engine)
    assert report.ok, report.findings
    # Nothing is left to purge: a second run changes nothing.
    with aged.write(actor) as session:
        assert purge_residents(session=session, today=_today(clock)).residents == 0


def test_a_purge_reaches_the_other_devices_by_sync(tmp_path: Path) -> None:
    devices = open_trio(make_trio(tmp_path / "t", SMALL_STATION, NOW, issues=0), tmp_path, NOW)
    try:
        station, laptop = devices["station"], devices["laptop1"]
        visit = log_on(laptop.store, laptop.info, "村里的旧事", phone=OLD_PHONE)
        with laptop.store.write(laptop.info.actor()) as session:
            unit = next(u for u in list_units(session=session) if u.tier == Tier.village)
            issue = open_issue(
                session=session, visit_id=visit.id, tier=Tier.village, unit_id=unit.id
            )
            close_issue(session=session, issue_id=issue.id, evaluation_in=None)
            # An opinion typed with who gave it (a name), answered: purged by the same rule.
            draft = load_draft(session=session, text=DRAFT, source="县人大常委会", day=NOW.date())
            opinion = add_opinion(
                session=session, draft_id=draft.row.id, article_id=None, text="好。", who=TYPED
            )
            answer_opinion(session=session, opinion_id=opinion.id, adoption=Adoption.adopted)
        exchange(laptop, station, tmp_path)
        with laptop.store.read() as session:
            resident_id = must_get(session, Visit, visit.id).constituent_id
        for device in devices.values():
            device.clock.advance(SIX_YEARS)
        # Meanwhile, offline, the laptop corrects the resident's name: the station purges
        # without knowing it.
        with laptop.store.write(laptop.info.actor()) as session:
            person = must_get(session, Constituent, resident_id)
            person.name = "王阿姨改名"
        later(station)
        with station.store.write(station.info.actor()) as session:
            result = purge_residents(session=session, today=_today(station.clock))
        assert (result.residents, result.opinions) == (1, 1)
        # The laptop's older edit arrives after the purge: it is removed on arrival.
        exchange(laptop, station, tmp_path)
        exchange(station, laptop, tmp_path)
        for device in (station, laptop):
            with device.store.read() as session:
                person = must_get(session, Constituent, resident_id)
                assert (person.name, person.phone) == ("", "")
                assert must_get(session, LegislativeOpinion, opinion.id).who == ""
            for secret in (OLD_PHONE, "王阿姨", TYPED):
                assert _log_holds(device.store, secret) == 0, (device.name, secret)
            report = check_database(engine=device.store.engine)
            assert report.ok, (device.name, report.findings)
    finally:
        close_trio(devices)


@pytest.fixture
def sqlite_only(backend: str) -> Iterator[None]:
    if backend != "sqlite":
        pytest.skip("the file's bytes: SQLite")
    yield


def test_the_file_keeps_no_trace_of_a_purged_phone(
    aged: Store, actor: Actor, clock: FrozenClock, station_path: Path, sqlite_only: None
) -> None:
    with aged.write(actor) as session:
        purge_residents(session=session, today=_today(clock))
    with aged.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    aged.dispose()
    data = station_path.read_bytes()
    wal = station_path.with_name(station_path.name + "-wal")
    data += wal.read_bytes() if wal.exists() else b""
    for secret in (OLD_NAME, OLD_PHONE):
        assert secret.encode() not in data
    assert BOTH_PHONE.encode() in data


def test_a_purge_leaves_no_value_in_lean_entries_nor_in_older_ones(
    aged: Store, actor: Actor, clock: FrozenClock, backend: str
) -> None:
    """A resident's entries written lean (schema 0026, store.changelog.lean) and one written
    before, as a JSON object: the purge rewrites both, each as it was written, and the chain
    still verifies; on SQLite, once erased, the file holds none of the values."""
    entries = "SELECT seq, row_id, device_id, fields, layout FROM change_log WHERE seq IN :seqs"
    with aged.engine.begin() as conn:
        found = conn.execute(
            text(
                "SELECT seq, row_id, device_id, fields, layout FROM change_log"
                " WHERE table_name = 'constituent' AND fields LIKE :phone ORDER BY seq"
            ),
            {"phone": f"%{OLD_PHONE}%"},
        ).all()
        assert found and all(r.layout is not None for r in found)
        # The first as an earlier version wrote it. A resident's entry links its values, not
        # how they are written: the chain holds.
        older = found[0]
        conn.execute(
            text("UPDATE change_log SET fields = :f, layout = NULL WHERE seq = :s"),
            {"f": _encode_fields(logged_values(conn, older)), "s": older.seq},
        )
    assert check_database(engine=aged.engine).ok
    with aged.write(actor) as session:
        assert purge_residents(session=session, today=_today(clock)).residents == 1
    with aged.engine.connect() as conn:
        rewritten = conn.execute(
            text(entries).bindparams(bindparam("seqs", expanding=True)),
            {"seqs": [r.seq for r in found]},
        ).all()
        for entry in rewritten:
            values = logged_values(conn, entry)
            assert not any(values.get(k) for k in PERSONAL_FIELDS["constituent"]), entry.seq
            assert (entry.layout is None) == (entry.seq == older.seq)
            assert OLD_PHONE not in entry.fields and OLD_NAME not in entry.fields
    report = check_database(engine=aged.engine)
    assert report.ok, report.findings
    if backend != "sqlite":
        return
    path = Path(str(aged.engine.url.database))
    assert erase_purged_values(aged.engine).complete
    aged.dispose()
    data = path.read_bytes()
    for secret in (OLD_NAME, OLD_PHONE, name_keys(OLD_NAME)["name_pinyin"]):
        assert secret.encode() not in data, secret
    assert BOTH_PHONE.encode() in data
