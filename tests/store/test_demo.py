"""The demo station generator (fixtures/demo.py): deterministic, varied, and a consistent
station database by the rules `liaison check` applies."""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from fixtures.demo import build_demo
from store.core.clock import FrozenClock
from store.core.models import (
    Channel,
    Colour,
    Issue,
    IssueStatus,
    Resolution,
    Satisfaction,
    SuggestionStatus,
    Tier,
    VillageKind,
    VisitKind,
)
from store.core.settings import load_settings
from store.db import Store
from store.desk.issue_rows import issue_colour
from store.desk.visits import list_untriaged
from store.duty.dashboard import deputies_on_duty, last_handover
from store.station import open_store

TODAY = date(2026, 11, 24)
# Every table a change-log row may name, and its key column.
LOGGED_TABLES = {
    "station": "id",
    "device": "id",
    "deputy": "id",
    "shift": "id",
    "village": "id",
    "unit": "id",
    "category": "id",
    "constituent": "id",
    "issue": "id",
    "visit": "id",
    "progress": "id",
    "evaluation": "id",
    # The demo's deliberation sessions (fixtures/demo_sessions.py).
    "deliberation": "id",
    "deliberation_deputy": "id",
    "setting": "key",
    "draft_regulation": "id",
    "draft_article": "id",
    "legislative_opinion": "id",
    # The deputies' suggestions (fixtures/demo_suggestions.py).
    "suggestion": "id",
    "suggestion_deputy": "id",
    "suggestion_source": "id",
    "suggestion_step": "id",
    # Its observers and points (fixtures.demo_observers).
    "observation_point": "id",
    "observer": "id",
}
# Rows the station's own writes create (the migration's seed is the same on every device).
STATION_WRITTEN = [t for t in LOGGED_TABLES if t not in ("category", "setting")]


@pytest.fixture
def db(demo_path: Path) -> Iterator[sqlite3.Connection]:
    """The demo database through plain sqlite3, read-only."""
    conn = sqlite3.connect(f"file:{demo_path}?mode=ro", uri=True)
    yield conn
    conn.close()


@pytest.fixture
def demo(demo_path: Path, clock: FrozenClock) -> Iterator[Store]:
    opened = open_store(demo_path, clock=clock)
    yield opened
    opened.dispose()


def _digest(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        queries = [
            "SELECT id, text, summary, channel, kind, received_at, issue_id FROM visit ORDER BY id",
            "SELECT id, title, status, opened_on, due_on, visit_count FROM issue ORDER BY id",
            "SELECT id, name, phone FROM constituent ORDER BY id",
            "SELECT id, issue_id, status_after, note FROM progress ORDER BY id",
            "SELECT id, issue_id, satisfaction FROM evaluation ORDER BY id",
            # Written through the store, their ids drawn from the seed too (ids_from).
            "SELECT id, title, status, lead_deputy_id, drafted_on, submitted_on, satisfaction"
            " FROM suggestion ORDER BY id",
            "SELECT id, suggestion_id, step, day FROM suggestion_step ORDER BY id",
            # The observers and the visits that name them (fixtures.demo_observers).
            "SELECT id, name, phone, deputy_id, point_id FROM observer ORDER BY id",
            "SELECT id, observer_id, point_id FROM visit WHERE observer_id IS NOT NULL ORDER BY id",
        ]
        for query in queries:
            for row in conn.execute(query):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def _named_reference(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT 'village', id || name FROM village UNION ALL "
            "SELECT 'deputy', id || name FROM deputy UNION ALL "
            "SELECT 'unit', id || name FROM unit"
        ).fetchall()
        return sorted(rows)
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# Determinism


def test_same_seed_and_clock_build_the_same_station(tmp_path: Path, clock: FrozenClock) -> None:
    build_demo(tmp_path / "a.db", visits=150, clock=clock)
    build_demo(tmp_path / "b.db", visits=150, clock=FrozenClock(clock.now()))
    build_demo(tmp_path / "c.db", visits=150, seed=7, clock=clock)
    first, second = _digest(tmp_path / "a.db"), _digest(tmp_path / "b.db")
    assert first == second
    assert _digest(tmp_path / "c.db") != first


def _identity(path: Path) -> tuple[str, str]:
    """The station's id and its device's, as the file keeps them."""
    conn = sqlite3.connect(path)
    try:
        meta = dict(conn.execute("SELECT key, value FROM local_meta").fetchall())
        return meta["station_id"], meta["device_id"]
    finally:
        conn.close()


def test_same_seed_gives_the_same_reference_ids_but_a_station_of_its_own(
    tmp_path: Path, clock: FrozenClock
) -> None:
    """fixtures/demo.py: the same RNG draws give the same records, ids included; but two demos
    are two stations (issue 15): they shared their station and device ids, so one demo's bundles
    passed for the other's, and a hub took both for one station."""
    build_demo(tmp_path / "a.db", visits=20, clock=clock)
    build_demo(tmp_path / "b.db", visits=20, clock=FrozenClock(clock.now()))
    assert _named_reference(tmp_path / "a.db") == _named_reference(tmp_path / "b.db")
    a, b = _identity(tmp_path / "a.db"), _identity(tmp_path / "b.db")
    assert a[0] != b[0] and a[1] != b[1]


def test_a_demo_simulated_apart_is_the_same_station(tmp_path: Path, clock: FrozenClock) -> None:
    """From APART_FROM visits the simulation runs in a second process: the rows are the same."""
    build_demo(tmp_path / "here.db", visits=1200, clock=clock, apart=False)
    build_demo(tmp_path / "apart.db", visits=1200, clock=FrozenClock(clock.now()), apart=True)
    assert _digest(tmp_path / "here.db") == _digest(tmp_path / "apart.db")


@pytest.mark.parametrize("apart", [False, True])
def test_an_interrupted_demo_leaves_no_station(
    tmp_path: Path, clock: FrozenClock, apart: bool
) -> None:
    def interrupt(done: int, _of: int) -> None:
        if done >= 1000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_demo(tmp_path / "demo.db", visits=3000, clock=clock, progress=interrupt, apart=apart)
    assert list(tmp_path.iterdir()) == []


def test_build_demo_reports_progress(tmp_path: Path, clock: FrozenClock) -> None:
    calls: list[tuple[int, int]] = []
    build_demo(
        tmp_path / "demo.db", visits=30, clock=clock, progress=lambda n, t: calls.append((n, t))
    )
    assert calls[0] == (0, 30)
    assert calls[-1] == (30, 30)


def test_build_demo_refuses_an_existing_station(demo_path: Path, clock: FrozenClock) -> None:
    with pytest.raises(FileExistsError):
        build_demo(demo_path, visits=10, clock=clock)


# ---------------------------------------------------------------------------------------------
# Variety


def test_the_demo_has_a_realistic_station(db: sqlite3.Connection) -> None:
    kinds = dict(db.execute("SELECT kind, count(*) FROM village GROUP BY kind").fetchall())
    assert sum(kinds.values()) >= 10
    assert kinds[VillageKind.village] > 0 and kinds[VillageKind.community] > 0
    assert db.execute("SELECT count(*) FROM deputy").fetchone()[0] >= 12
    assert db.execute("SELECT count(*) FROM visit").fetchone()[0] == 600


def test_every_category_channel_and_kind_is_used(db: sqlite3.Connection) -> None:
    categories = {r[0] for r in db.execute("SELECT DISTINCT category_id FROM visit")}
    assert categories == {r[0] for r in db.execute("SELECT id FROM category")}
    assert len(categories) == 28
    channels = {r[0] for r in db.execute("SELECT DISTINCT channel FROM visit")}
    assert channels == {c.value for c in Channel}
    kinds = {r[0] for r in db.execute("SELECT DISTINCT kind FROM visit")}
    assert kinds == {k.value for k in VisitKind}


def test_issues_in_every_status(db: sqlite3.Connection) -> None:
    statuses = {r[0] for r in db.execute("SELECT DISTINCT status FROM issue")}
    assert statuses == {s.value for s in IssueStatus}


def test_open_issues_of_every_colour_and_reopened_ones(demo: Store) -> None:
    with demo.read() as session:
        settings = load_settings(session=session)
        issues = session.exec(select(Issue)).all()
    open_issues = [i for i in issues if i.status != IssueStatus.closed]
    colours = Counter(issue_colour(i, TODAY, settings) for i in open_issues)
    assert set(colours) == set(Colour)
    # Red for both reasons: overdue, and re-supervision.
    assert any(i.resupervision for i in open_issues)
    assert any(not i.resupervision and i.due_on < TODAY for i in open_issues)
    reopened = [i for i in issues if i.reopen_count > 0]
    assert any(i.status != IssueStatus.closed for i in reopened)
    assert any(i.status == IssueStatus.closed for i in reopened)
    closed_colours = {
        issue_colour(i, TODAY, settings) for i in issues if i.status == IssueStatus.closed
    }
    assert closed_colours == {Colour.green, Colour.yellow}


def test_evaluations_of_every_value(db: sqlite3.Connection) -> None:
    satisfactions = {r[0] for r in db.execute("SELECT DISTINCT satisfaction FROM evaluation")}
    assert satisfactions == {s.value for s in Satisfaction}
    resolutions = {r[0] for r in db.execute("SELECT DISTINCT resolution FROM evaluation")}
    assert resolutions == {r.value for r in Resolution}


def test_some_visits_await_triage(demo: Store) -> None:
    with demo.read() as session:
        page = list_untriaged(session=session)
    assert page.total > 0


def test_shifts_are_rostered_for_the_next_month(demo: Store) -> None:
    with demo.read() as session:
        for days in range(31):
            day = TODAY + timedelta(days=days)
            assert deputies_on_duty(session=session, day=day), day


def test_a_handover_note_was_left(demo: Store) -> None:
    with demo.read() as session:
        handover = last_handover(session=session, today=TODAY)
    assert handover is not None
    assert handover.note
    assert handover.duty_date < TODAY


# ---------------------------------------------------------------------------------------------
# Consistency, as `liaison check` sees it


def test_integrity_and_foreign_keys(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_bulk_load_leaves_every_index_and_trigger(
    db: sqlite3.Connection, station_path: Path
) -> None:
    """The demo drops indexes and the search index's triggers while it loads
    (store.changelog.bulk)."""
    query = "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY 2"
    fresh = sqlite3.connect(station_path)
    try:
        assert db.execute(query).fetchall() == fresh.execute(query).fetchall()
    finally:
        fresh.close()
    indexed = "SELECT count(*) FROM visit_fts WHERE visit_fts MATCH '希望尽快'"
    scanned = "SELECT count(*) FROM visit WHERE text LIKE '%希望尽快%'"
    assert db.execute(indexed).fetchone() == db.execute(scanned).fetchone() > (0,)


def test_every_visit_issue_exists(db: sqlite3.Connection) -> None:
    orphans = db.execute(
        "SELECT count(*) FROM visit v LEFT JOIN issue i ON i.id = v.issue_id"
        " WHERE v.issue_id IS NOT NULL AND i.id IS NULL"
    ).fetchone()
    assert orphans == (0,)


def test_every_issue_counts_its_visits(db: sqlite3.Connection) -> None:
    wrong = db.execute(
        "SELECT i.id, i.visit_count, (SELECT count(*) FROM visit v WHERE v.issue_id = i.id)"
        " FROM issue i"
        " WHERE i.visit_count != (SELECT count(*) FROM visit v WHERE v.issue_id = i.id)"
    ).fetchall()
    assert wrong == []
    assert db.execute("SELECT min(visit_count) FROM issue").fetchone() == (1,)


@pytest.mark.parametrize("table", list(LOGGED_TABLES))
def test_every_change_log_row_names_an_existing_record(db: sqlite3.Connection, table: str) -> None:
    key = LOGGED_TABLES[table]
    missing = db.execute(
        f"SELECT count(*) FROM change_log c WHERE c.table_name = ?"
        f" AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{key} = c.row_id)",
        (table,),
    ).fetchone()
    assert missing == (0,)


def test_change_log_names_only_known_tables(db: sqlite3.Connection) -> None:
    tables = {r[0] for r in db.execute("SELECT DISTINCT table_name FROM change_log")}
    assert tables <= set(LOGGED_TABLES)


@pytest.mark.parametrize("table", STATION_WRITTEN)
def test_every_station_record_has_its_insert_logged(db: sqlite3.Connection, table: str) -> None:
    unlogged = db.execute(
        f"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM change_log c"
        " WHERE c.table_name = ? AND c.row_id = t.id AND c.op = 'insert')",
        (table,),
    ).fetchone()
    assert unlogged == (0,)


def test_change_log_stamps_are_unique_and_ordered(db: sqlite3.Connection) -> None:
    stamps = [r[0] for r in db.execute("SELECT hlc FROM change_log ORDER BY seq")]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)


def test_open_issue_dates_follow_the_tier_windows(demo: Store) -> None:
    with demo.read() as session:
        settings = load_settings(session=session)
        issues = session.exec(select(Issue)).all()
    for issue in issues:
        window = settings.window_days[Tier(issue.tier)]
        assert issue.window_days == window
        assert issue.due_on == issue.opened_on + timedelta(days=window)
        assert issue.warn_on == issue.due_on - timedelta(days=window // 3)
        if issue.status == IssueStatus.closed:
            assert issue.closed_on is not None and issue.closed_on <= TODAY
            assert issue.closed_within_window == (issue.closed_on <= issue.due_on)
        else:
            assert issue.closed_on is None


def test_nothing_happens_after_the_demo_clocks_now(db: sqlite3.Connection) -> None:
    """The demo is built "now"; no visit, progress or evaluation may be stamped later."""
    now = "2026-11-24 02:00:00"  # 10:00 in Asia/Shanghai, as stored (UTC)
    for table, column in [("visit", "received_at"), ("progress", "at"), ("evaluation", "at")]:
        later = db.execute(
            f"SELECT count(*) FROM {table} WHERE {column} > ?",
            (now,),
        ).fetchone()
        assert later == (0,), table


def test_each_issue_history_leads_to_its_status(db: sqlite3.Connection) -> None:
    """Progress entries, in time order, form a chain from 听事 to the issue's status, and an
    evaluation never comes before the closing it judges."""
    broken = []
    for issue_id, status in db.execute("SELECT id, status FROM issue ORDER BY id"):
        steps = db.execute(
            "SELECT status_before, status_after FROM progress WHERE issue_id = ? ORDER BY at",
            (issue_id,),
        ).fetchall()
        current = IssueStatus.received.value
        for before, after in steps:
            if before != current:
                broken.append(issue_id)
                break
            current = after
        else:
            if current != status:
                broken.append(issue_id)
    early = db.execute(
        "SELECT count(*) FROM evaluation e WHERE NOT EXISTS (SELECT 1 FROM progress p"
        " WHERE p.issue_id = e.issue_id AND p.status_after = 'closed' AND p.at <= e.at)"
    ).fetchone()
    assert broken == []
    assert early == (0,)


def test_the_demo_has_deputies_suggestions(demo: Store) -> None:
    """One from the 飞线充电 issues closed 满意, one 不满意 → 再督办, one draft; the figures of the
    quarter count them."""
    from store.reports.stats import Period
    from store.suggestions.figures import suggestion_figures
    from store.suggestions.suggestions import get_suggestion, list_suggestions

    with demo.read() as session:
        page = list_suggestions(session=session)
        details = {
            r.status: get_suggestion(session=session, suggestion_id=r.id) for r in page.items
        }
        figures = suggestion_figures(session=session, period=Period.parse_quarter("2026Q4"))
    assert page.total == 3
    wires = details[SuggestionStatus.closed]
    assert "飞线充电" in wires.row.title and wires.row.satisfaction == Satisfaction.satisfied
    assert wires.sources and all("飞线充电" in s.text for s in wires.sources)
    assert len(wires.co_signers) == 2
    sent_back = details[SuggestionStatus.assigned]
    assert (
        sent_back.row.resupervised == 1 and sent_back.row.satisfaction == Satisfaction.unsatisfied
    )
    assert details[SuggestionStatus.draft].row.submitted_on is None
    assert (figures.submitted, figures.satisfied) == (1, 1)


def test_the_demo_has_a_problem_on_the_rise(demo: Store) -> None:
    """Hot words have something to find: 飞线充电 rises over the last month."""
    from store.hot_words.words import rising_words

    with demo.read() as session:
        words = rising_words(session=session, end=date(2026, 11, 25), days=30, limit=5)
    wires = next(w for w in words if w.word == "飞线充电")
    assert wires.rising and wires.count >= 2 * wires.previous


def test_the_demo_holds_sessions_with_visits_raised_and_votes(db: sqlite3.Connection) -> None:
    """fixtures/demo_sessions.py: a 百姓夜话 with the 议事活动 visits of its day and a vote, a
    民情茶馆, a 代表述职 with the voters' evaluation of its deputy, a 向人民报告."""
    held = {
        kind: (reporting, votes, raised)
        for kind, reporting, votes, raised in db.execute(
            "SELECT kind, reporting_deputy_id, satisfied + fairly + unsatisfied,"
            " (SELECT count(*) FROM visit v WHERE v.deliberation_id = d.id) FROM deliberation d"
        )
    }
    assert set(held) == {"evening_talk", "tea_house", "deputy_report", "report"}
    assert held["evening_talk"][1] and held["evening_talk"][2] >= 1
    assert held["deputy_report"][0] is not None and held["deputy_report"][1]
    raised = db.execute(
        "SELECT DISTINCT channel FROM visit WHERE deliberation_id IS NOT NULL"
    ).fetchall()
    assert raised == [("forum",)]
