"""Tamper evidence that holds (issue 15, part 2): what a sceptical reviewer did with the `sqlite3`
tool, and what `liaison check` now says of it.

- (b) a resident's entry whose seal `s:salt` is replaced by `p:` + its digest used to let name and
  phone be rewritten freely: an entry sealed `p:` must hold no personal value and be named by a
  purge's redaction record, chained after it;
- (c) records edited in place (`visit.text`, `visit.consent_forward`, `issue.unit_id`) went
  unnoticed: every record is compared with the fold of its log;
- `check --quick` checks what changed since the last full check.
(2(a), an entry unsealed and re-sealed by the next write, is in tests/store/changelog.)"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from store.changelog.chain import PERSONAL_FIELDS, _personal_digest
from store.changelog.changes import Actor
from store.changelog.conflict_list import AGGREGATES, DERIVED
from store.changelog.field_clock import META_FIELDS
from store.changelog.lean import entry_values
from store.core.clock import FrozenClock
from store.core.models import SYNCED_TABLES, Tier
from store.db import Store, make_engine, sqlite_url
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.trust.check import CheckReport, check_database
from store.trust.purge import purge_residents


def _check(path: Path, quick: bool = False) -> CheckReport:
    engine = make_engine(sqlite_url(path))
    try:
        return check_database(engine=engine, quick=quick)
    finally:
        engine.dispose()


def _edited(report: CheckReport) -> set[tuple[str, str]]:
    return {
        (f.params["table"], f.params["row"])
        for f in report.findings
        if f.key == "check.record_edited"
    }


def _broken(report: CheckReport) -> int | None:
    found = [f for f in report.findings if f.key == "check.chain_broken"]
    return found[0].params["seq"] if found else None


# -- (c) records edited in place -------------------------------------------------------------------


def test_the_records_the_reviewer_edited_are_named(demo_copy_path: Path) -> None:
    assert _check(demo_copy_path).ok
    with sqlite3.connect(demo_copy_path) as db:
        visit, other = [r[0] for r in db.execute("SELECT id FROM visit LIMIT 2")]
        (issue,) = db.execute("SELECT id FROM issue LIMIT 1").fetchone()
        (unit,) = db.execute(
            "SELECT id FROM unit WHERE id <> (SELECT unit_id FROM issue WHERE id = ?)", (issue,)
        ).fetchone()
        db.execute("UPDATE visit SET text = '改过的原话' WHERE id = ?", (visit,))
        db.execute("UPDATE visit SET consent_forward = 1 - consent_forward WHERE id = ?", (other,))
        db.execute("UPDATE issue SET unit_id = ? WHERE id = ?", (unit, issue))
    report = _check(demo_copy_path)
    assert _edited(report) == {("visit", visit), ("visit", other), ("issue", issue)}
    fields = {f.params["field"] for f in report.findings if f.key == "check.record_edited"}
    assert fields == {"text", "consent_forward", "unit_id"}


def _other_value(value: Any) -> Any:
    if isinstance(value, bool) or value in (0, 1) and isinstance(value, int):
        return 1 - int(value)
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 1.5
    if isinstance(value, str):
        # Dates and instants as SQLite stores them: moved a day; other text: changed.
        for kind in (date, datetime):
            try:
                moved = kind.fromisoformat(value) + timedelta(days=1)
            except ValueError:
                continue
            return str(moved)
        return value + "改"
    return "改"


def test_one_column_of_one_row_changed_at_random_is_named_each_time(demo_copy_path: Path) -> None:
    """Many times: a table chosen at random, a row, a column the log holds; changed with the
    sqlite3 tool, named by the check, put back."""
    rng = random.Random(20261206)
    tables = [(str(m.__tablename__), m.__table__) for m in SYNCED_TABLES]  # type: ignore[attr-defined]
    db = sqlite3.connect(demo_copy_path, isolation_level=None)
    try:
        tried = 0
        while tried < 25:
            name, table = rng.choice(tables)
            skip = META_FIELDS | AGGREGATES.get(name, frozenset()) | DERIVED.get(name, frozenset())
            columns = [c.name for c in table.columns if c.name not in skip]
            key = "key" if name == "setting" else "id"
            rows = db.execute(
                f'SELECT "{key}" FROM "{name}" r WHERE EXISTS (SELECT 1 FROM change_log c'
                f' WHERE c.table_name = ? AND c.row_id = r."{key}")',
                (name,),
            ).fetchall()
            if not rows or not columns:
                continue
            (row_id,) = rng.choice(rows)
            column = rng.choice(columns)
            (value,) = db.execute(
                f'SELECT "{column}" FROM "{name}" WHERE "{key}" = ?', (row_id,)
            ).fetchone()
            try:
                db.execute(
                    f'UPDATE "{name}" SET "{column}" = ? WHERE "{key}" = ?',
                    (_other_value(value), row_id),
                )
            except sqlite3.IntegrityError:
                continue  # a unique column: another tool could not write it either
            tried += 1
            report = _check(demo_copy_path)
            assert (name, row_id) in _edited(report), (name, column, value)
            db.execute(f'UPDATE "{name}" SET "{column}" = ? WHERE "{key}" = ?', (value, row_id))
        assert _check(demo_copy_path).ok
    finally:
        db.close()


# -- (b) a purge's seal forged ---------------------------------------------------------------------


@pytest.fixture
def purged(
    store: Store, actor: Actor, clock: FrozenClock, make_issue: Callable[..., IssueRow]
) -> Store:
    """One resident purged for real (their issue closed six years ago), one still held."""
    gone = make_issue(tier=Tier.village, name="周旧事", phone="13700001111", text="旧路灯")
    with store.write(actor) as session:
        close_issue(session=session, issue_id=gone.id, evaluation_in=None)
    clock.advance(timedelta(days=6 * 366))
    make_issue(tier=Tier.village, name="吴在办", phone="13722223333", text="新的事")
    with store.write(actor) as session:
        assert purge_residents(session=session, today=clock.now().date()).residents == 1
    return store


def test_a_real_purge_passes_the_check(purged: Store, station_path: Path) -> None:
    assert _check(station_path).ok


@pytest.mark.parametrize("rewrite", ["other name", "emptied"])
def test_a_forged_purge_seal_is_named(purged: Store, station_path: Path, rewrite: str) -> None:
    with purged.engine.begin() as conn:
        seq, fields, seal, layout, row_id, device_id = conn.execute(
            text(
                "SELECT seq, fields, seal, layout, row_id, device_id FROM change_log"
                " WHERE table_name = 'constituent' AND seal LIKE 's:%' AND fields LIKE '%吴在办%'"
                " ORDER BY seq LIMIT 1"
            )
        ).one()
        values = entry_values(conn, fields, layout, row_id, device_id)
        forged = "p:" + _personal_digest(seal, values, PERSONAL_FIELDS["constituent"])
        for name in PERSONAL_FIELDS["constituent"]:
            if name in values:
                values[name] = "郑冒名" if rewrite == "other name" and name == "name" else ""
        conn.execute(
            text("UPDATE change_log SET fields = :f, seal = :s, layout = NULL WHERE seq = :q"),
            {"f": json.dumps(values, ensure_ascii=False), "s": forged, "q": seq},
        )
    assert _broken(_check(station_path)) == seq


# -- check --quick ---------------------------------------------------------------------------------


def test_quick_checks_what_changed_since_the_last_full_check(
    store: Store, station_path: Path, make_issue: Callable[..., IssueRow]
) -> None:
    first = make_issue(tier=Tier.village, text="第一件")
    assert _check(station_path).ok  # full: notes how far it got
    second = make_issue(tier=Tier.village, text="第二件")
    with sqlite3.connect(station_path) as db:
        db.execute("UPDATE issue SET title = '改过' WHERE id = ?", (second.id,))
        db.execute("UPDATE issue SET title = '也改过' WHERE id = ?", (first.id,))
    quick = _check(station_path, quick=True)
    # Quick sees the record the log changed since the mark; only a full check reads them all.
    assert ("issue", second.id) in _edited(quick) and ("issue", first.id) not in _edited(quick)
    assert {("issue", second.id), ("issue", first.id)} <= _edited(_check(station_path))


def test_quick_after_a_sound_full_check_passes(
    store: Store, station_path: Path, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue(tier=Tier.village, text="第一件")
    assert _check(station_path).ok
    make_issue(tier=Tier.village, text="第二件")
    assert _check(station_path, quick=True).ok


def test_quick_names_an_entry_tampered_after_the_last_full_check(
    store: Store, station_path: Path, make_issue: Callable[..., IssueRow]
) -> None:
    make_issue(tier=Tier.village, text="第一件")
    assert _check(station_path).ok
    make_issue(tier=Tier.village, text="第二件")
    with sqlite3.connect(station_path) as db:
        (seq,) = db.execute("SELECT max(seq) FROM change_log").fetchone()
        db.execute("UPDATE change_log SET deputy_id = NULL WHERE seq = ?", (seq,))
    assert _broken(_check(station_path, quick=True)) == seq


def test_quick_still_reads_every_page_of_the_file(
    store: Store, station_path: Path, make_issue: Callable[..., IssueRow]
) -> None:
    """A quick check asks SQLite for its quick check (every page, not every index against its
    table): a file damaged since the last full check is still named."""
    make_issue(tier=Tier.village, text="第一件")
    assert _check(station_path).ok
    store.dispose()
    data = bytearray(station_path.read_bytes())
    for offset in range(2 * 4096, len(data), 4096):
        data[offset : offset + 64] = b"\xa5" * 64
    station_path.write_bytes(bytes(data))
    report = _check(station_path, quick=True)
    assert not report.ok
    assert {f.key for f in report.findings} <= {"check.integrity", "check.unreadable"}
