"""store.trust.check: a sound station passes; each broken invariant is found, named and kept
private."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from store.core.models import Tier
from store.db import Store, make_engine, sqlite_url
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.trust.check import CheckReport, check_database
from tui.i18n import catalogue, set_language, t

# What a resident said and who they are: none of it may reach a report.
# Every test that uses `store` runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

WORDS = "桥下的排水沟堵了半年，一下雨就淹到门口"
NAME = "钱秘密"
PHONE = "13987654321"


def _check(path: Path) -> CheckReport:
    engine = make_engine(sqlite_url(path))
    try:
        return check_database(engine=engine)
    finally:
        engine.dispose()


def _keys(report: CheckReport) -> set[str]:
    return {f.key for f in report.findings}


def _assert_private(report: CheckReport) -> None:
    shown = [repr(report)]
    for lang in ("zh", "en"):
        set_language(lang)
        shown += [t(f.key, **f.params) for f in report.findings]
    set_language("zh")
    for finding in report.findings:
        assert finding.key in catalogue("zh")
    for text in shown:
        for secret in (WORDS, NAME, PHONE, WORDS[:6]):
            assert secret not in text


def _raw(path: Path) -> sqlite3.Connection:
    # A bare connection: foreign keys off, no change log, as a broken tool would write.
    return sqlite3.connect(path, isolation_level=None)


@pytest.fixture
def issue(make_issue: Callable[..., IssueRow]) -> IssueRow:
    return make_issue(tier=Tier.village, text=WORDS, name=NAME, phone=PHONE)


@pytest.fixture
def db(station_path: Path, issue: IssueRow, store: Store) -> Iterator[sqlite3.Connection]:
    conn = _raw(station_path)
    yield conn
    conn.close()


def test_a_fresh_station_passes(station_path: Path) -> None:
    report = _check(station_path)
    assert report.ok, report.findings


def test_the_demo_station_passes(demo_copy_path: Path) -> None:
    report = _check(demo_copy_path)
    assert report.ok, report.findings


def test_a_station_after_real_work_passes(
    station_path: Path, issue: IssueRow, make_visit: Callable[..., VisitRow]
) -> None:
    make_visit(text=WORDS)
    assert _check(station_path).ok


def test_a_visit_whose_issue_is_gone(
    station_path: Path, issue: IssueRow, db: sqlite3.Connection
) -> None:
    (visit_id,) = db.execute("SELECT id FROM visit WHERE issue_id = ?", (issue.id,)).fetchone()
    db.execute("DELETE FROM progress WHERE issue_id = ?", (issue.id,))
    db.execute("DELETE FROM issue WHERE id = ?", (issue.id,))
    report = _check(station_path)
    by_key = {f.key: f for f in report.findings}
    assert by_key["check.visit_issue_missing"].params["first"] == visit_id
    assert by_key["check.visit_issue_missing"].params["count"] == 1
    assert by_key["check.foreign_key"].params["table"] == "visit"
    assert by_key["check.foreign_key"].params["parent"] == "issue"
    assert by_key["check.log_row_missing"].params["table"] == "issue"
    assert not report.ok
    _assert_private(report)


def test_a_visit_of_a_deleted_issue(
    station_path: Path, issue: IssueRow, db: sqlite3.Connection
) -> None:
    db.execute("UPDATE issue SET deleted_at = '2026-11-24 03:00:00' WHERE id = ?", (issue.id,))
    # Deleted around the store: the record no longer matches its log either (issue 15).
    assert _keys(_check(station_path)) == {"check.visit_issue_deleted", "check.record_edited"}


def test_a_wrong_visit_count(station_path: Path, issue: IssueRow, db: sqlite3.Connection) -> None:
    db.execute("UPDATE issue SET visit_count = visit_count + 1 WHERE id = ?", (issue.id,))
    report = _check(station_path)
    assert [(f.key, f.params["first"]) for f in report.findings] == [
        ("check.visit_count", issue.id)
    ]
    _assert_private(report)


@pytest.mark.parametrize(
    ("sql", "key"),
    [
        ("UPDATE issue SET warn_on = date(due_on, '+1 day')", "check.issue_warn_after_due"),
        ("UPDATE issue SET closed_on = '2026-11-24'", "check.issue_open_dated"),
        ("UPDATE issue SET status = 'closed'", "check.issue_closed_undated"),
    ],
)
def test_inconsistent_issue_dates(
    station_path: Path, db: sqlite3.Connection, sql: str, key: str
) -> None:
    db.execute(sql)
    assert _keys(_check(station_path)) == {key, "check.record_edited"}


def test_a_row_the_change_log_names_is_gone(
    station_path: Path, make_visit: Callable[..., VisitRow], db: sqlite3.Connection
) -> None:
    loose = make_visit(text=WORDS, name=NAME, phone=PHONE)
    db.execute("DELETE FROM visit WHERE id = ?", (loose.id,))
    report = _check(station_path)
    # The visit's stored words outlive it too (derived data, repairable).
    assert sorted(f.key for f in report.findings) == ["check.log_row_missing", "check.words"]
    finding = next(f for f in report.findings if f.key == "check.log_row_missing")
    assert finding.params["table"] == "visit"
    assert finding.params["count"] == 1
    (seq,) = db.execute(
        "SELECT min(seq) FROM change_log WHERE table_name = 'visit' AND row_id = ?", (loose.id,)
    ).fetchone()
    assert finding.params["first"] == seq
    _assert_private(report)


def test_a_row_without_a_log_entry(station_path: Path, db: sqlite3.Connection) -> None:
    (station_id,) = db.execute("SELECT id FROM station").fetchone()
    db.execute(
        "INSERT INTO village (id, created_at, updated_at, device_id, station_id, name, kind,"
        " position) VALUES ('v-unlogged', '2026-11-24', '2026-11-24', 'd', ?, ?, 'village', 9)",
        (station_id, NAME),
    )
    report = _check(station_path)
    assert [(f.key, f.params["table"], f.params["first"]) for f in report.findings] == [
        ("check.row_unlogged", "village", "v-unlogged")
    ]
    _assert_private(report)


def test_seeded_rows_need_no_log_but_others_do(station_path: Path, db: sqlite3.Connection) -> None:
    assert _check(station_path).ok  # 28 seeded categories and the settings, none logged
    db.execute("UPDATE category SET device_id = 'elsewhere' WHERE name = '其他'")
    report = _check(station_path)
    assert [(f.key, f.params["table"]) for f in report.findings] == [
        ("check.row_unlogged", "category")
    ]


def test_a_foreign_key_violation(
    station_path: Path, issue: IssueRow, db: sqlite3.Connection
) -> None:
    (visit_id,) = db.execute("SELECT id FROM visit").fetchone()
    db.execute("UPDATE visit SET village_id = 'no-such-village' WHERE id = ?", (visit_id,))
    report = _check(station_path)
    finding, edited = report.findings
    assert finding.key == "check.foreign_key"
    assert finding.params == {"table": "visit", "parent": "village", "count": 1, "first": visit_id}
    assert edited.key == "check.record_edited"
    assert edited.params == {"table": "visit", "row": visit_id, "field": "village_id"}
    _assert_private(report)


# The last edit of a record: the triage's link of the visit (a notice queued after it is new).
LAST_UPDATE = "SELECT max(seq) FROM change_log WHERE op = 'update'"


def test_stamps_that_go_backwards(station_path: Path, db: sqlite3.Connection) -> None:
    (seq,) = db.execute(LAST_UPDATE).fetchone()
    db.execute("UPDATE change_log SET hlc = '000000000000001.00000' WHERE seq = ?", (seq,))
    report = _check(station_path)
    found = {f.key: f.params for f in report.findings}
    # The edited entry no longer wins its fields, so its record differs from the log too.
    assert found.keys() == {"check.hlc_order", "check.chain_broken", "check.record_edited"}
    assert found["check.hlc_order"]["first"] == seq
    # An entry edited around the store breaks the hash chain there, too.
    assert found["check.chain_broken"]["seq"] == seq


def test_other_devices_stamps_are_not_ordered_by_seq(
    station_path: Path, db: sqlite3.Connection
) -> None:
    (seq,) = db.execute(LAST_UPDATE).fetchone()
    db.execute(
        "UPDATE change_log SET hlc = '000000000000001.00000', device_id = 'laptop' WHERE seq = ?",
        (seq,),
    )
    # The hash chain notices the edit (another device's stamps follow their own order), and the
    # record no longer matches what the edited log says of it.
    assert _keys(_check(station_path)) == {"check.chain_broken", "check.record_edited"}


def test_a_damaged_file(station_path: Path, issue: IssueRow, store: Store) -> None:
    store.dispose()
    data = bytearray(station_path.read_bytes())
    for offset in range(2 * 4096, len(data), 4096):
        data[offset : offset + 64] = b"\xa5" * 64
    station_path.write_bytes(bytes(data))
    report = _check(station_path)
    assert not report.ok
    assert _keys(report) <= {"check.integrity", "check.unreadable"}
    _assert_private(report)
