"""Retention of legislative opinions (issue 20 part 2, docs/rules/data.md): who gave an opinion,
typed at the desk, is a name like a resident's and goes by the same rule. An opinion's matter
ends when the legislature answers it, or, never answered, when its draft's consultation closed
(the draft's due day); more than `purge_after_years` later its name is removed from the record,
the change log (on every device, by sync:
tests/store/trust/test_purge.py) and the file. A 立法建议 visit taken as an opinion
ends the same way, so its resident is purged like one whose issue closed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from legislation_fixture import RESIDENTS, VISIT_PHONES, build_legislation
from pg_files import relation_bytes
from small_station import Refs
from sqlalchemy import text
from sqlmodel import select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import LegislativeOpinion
from store.db import Store
from store.legislation.drafts import load_draft
from store.legislation.opinions import add_opinion
from store.trust.check import check_database
from store.trust.erase import erase_purged_values
from store.trust.purge import plan_purge, purge_residents

pytestmark = pytest.mark.both_backends

# Typed with the fixture's opinions (O3, O5): in no one's words, so nowhere once purged.
TYPED = ("陈美华", "赵德明")
RECENT = "周新意"
DRAFT = "临溪县村庄规划条例（草案）\n\n第一条　为了规范村庄规划，制定本条例。\n"
SIX_YEARS = timedelta(days=6 * 366)


def _today(clock: FrozenClock) -> date:
    return clock.now().astimezone(clock.tz).date()


def _log_holds(store: Store, secret: str) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM change_log WHERE fields LIKE :s"), {"s": f"%{secret}%"}
            ).scalar_one()
        )


@pytest.fixture
def aged(store: Store, actor: Actor, refs: Refs, clock: FrozenClock) -> Store:
    """The hand-written draft's opinions (given and answered in autumn 2026; O4 never answered,
    its draft's consultation closed 2026-10-31), then six years on a new opinion typed on a
    draft with no due day, not answered yet."""
    build_legislation(store, actor, refs)
    clock.advance(SIX_YEARS)
    with store.write(actor) as session:
        draft = load_draft(session=session, text=DRAFT, source="县人大常委会", day=_today(clock))
        add_opinion(
            session=session,
            draft_id=draft.row.id,
            article_id=draft.articles[0].id,
            text="村庄规划要听村民的。",
            who=RECENT,
        )
    return store


def _whos(store: Store) -> set[str]:
    with store.read() as session:
        return {o.who for o in session.exec(select(LegislativeOpinion))}


def test_typed_names_and_opinion_residents_go_when_their_opinions_ended_long_ago(
    aged: Store, actor: Actor, clock: FrozenClock
) -> None:
    with aged.read() as session:
        plan = plan_purge(session=session, today=_today(clock))
    # 张建国, 陈美华, 赵德明 typed and answered in 2026; the unsigned one has no name to remove.
    assert plan.opinions == 3
    # The two residents whose only visits became opinions: ended on their answer (O1, 11-05)
    # or, O4 never answered, when the consultation closed (10-31).
    assert sorted((c.name, c.last_closed_on) for c in plan.residents.items) == sorted(
        [(RESIDENTS[0], date(2026, 11, 5)), (RESIDENTS[1], date(2026, 10, 31))]
    )
    assert _whos(aged) >= {*TYPED, RECENT}
    with aged.write(actor) as session:
        result = purge_residents(session=session, today=_today(clock))
    assert (result.residents, result.opinions) == (2, 3)
    assert _whos(aged) == {"", RECENT}
    # (李大伯's phone is in his words, which stay, as every resident's words do.)
    for secret in (*TYPED, *RESIDENTS, VISIT_PHONES[1]):
        assert _log_holds(aged, secret) == 0, secret
    assert _log_holds(aged, RECENT) > 0
    report = check_database(engine=aged.engine)
    assert report.ok, report.findings
    with aged.write(actor) as session:
        again = purge_residents(session=session, today=_today(clock))
    assert (again.residents, again.opinions) == (0, 0)


@pytest.fixture
def sqlite_only(backend: str) -> Iterator[None]:
    if backend != "sqlite":
        pytest.skip("the file's bytes: SQLite")
    yield


def test_the_file_keeps_no_typed_name_after_the_purge(
    aged: Store, actor: Actor, clock: FrozenClock, station_path: Path, sqlite_only: None
) -> None:
    with aged.write(actor) as session:
        purge_residents(session=session, today=_today(clock))
    assert erase_purged_values(aged.engine).complete
    aged.dispose()
    data = station_path.read_bytes()
    wal = station_path.with_name(station_path.name + "-wal")
    data += wal.read_bytes() if wal.exists() else b""
    for secret in TYPED:
        assert secret.encode() not in data, secret
    assert RECENT.encode() in data


def test_on_postgresql_the_table_files_keep_no_typed_name(
    aged: Store, actor: Actor, clock: FrozenClock, backend: str, request: pytest.FixtureRequest
) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL's files")
    data = request.getfixturevalue("pg_server").data
    with aged.write(actor) as session:
        purge_residents(session=session, today=_today(clock))
    assert erase_purged_values(aged.engine).complete
    tables = ("legislative_opinion", "change_log", "sync_conflict")
    found = relation_bytes(aged, data, tables)
    assert RECENT.encode() in found, "the files read are the ones that hold the names"
    for secret in TYPED:
        assert secret.encode() not in found, secret
