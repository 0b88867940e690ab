"""The store calls behind each screen, on a large station, against plain SQLite reads; and the SQL
of the dashboard and a board's counts: its own time, and every statement's query plan."""

from __future__ import annotations

import re
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Tables that grow with the visits: a plan that reads one of them whole fails the bench.
BIG_TABLES = {
    "visit",
    "issue",
    "progress",
    "evaluation",
    "constituent",
    "change_log",
    "word_use",
    "word_visit",
    "word_day",
}
_SCAN = re.compile(r"^SCAN (\w+)(.*)$")
_ALIAS = re.compile(r'(?:FROM|JOIN)\s+"?(\w+)"?\s+(?:AS\s+)?"?(\w+)"?', re.IGNORECASE)
_KEYWORDS = {"WHERE", "JOIN", "LEFT", "INNER", "ON", "GROUP", "ORDER", "LIMIT", "CROSS", "USING"}


@contextmanager
def captured_sql(engine: Any) -> Iterator[list[tuple[str, Any, float]]]:
    """Every statement run on `engine` meanwhile, with its parameters and its time in ms (from
    the cursor's execute to the end of fetching is not included: SQLite does most work at
    execute for aggregates, and pages are 50 rows)."""
    from sqlalchemy import event

    seen: list[tuple[str, Any, float]] = []

    def before(
        _conn: Any, _cursor: Any, statement: str, params: Any, _ctx: Any, many: bool
    ) -> None:
        _conn.info["bench_t0"] = time.perf_counter()

    def after(conn: Any, _cursor: Any, statement: str, params: Any, _ctx: Any, many: bool) -> None:
        elapsed = (time.perf_counter() - conn.info.pop("bench_t0")) * 1000
        seen.append((statement, params, elapsed))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def _queries(seen: list[tuple[str, Any, float]]) -> list[tuple[str, Any, float]]:
    return [s for s in seen if s[0].lstrip().upper().startswith(("SELECT", "WITH"))]


def plan_faults(raw: sqlite3.Connection, statement: str, params: Any) -> list[str]:
    """The steps of a statement's plan that read a big table whole (not through an index)."""
    # SQLite names a table by its alias in plans ("SCAN v", "SCAN visit_1").
    aliases = {t: t for t in BIG_TABLES}
    for table, alias in _ALIAS.findall(statement):
        if table in BIG_TABLES and alias.upper() not in _KEYWORDS:
            aliases[alias] = table
    faults = []
    for _id, _parent, _unused, detail in raw.execute(f"EXPLAIN QUERY PLAN {statement}", params):
        match = _SCAN.match(detail)
        if match and match.group(1) in aliases and "INDEX" not in match.group(2):
            faults.append(f"{detail} ({aliases[match.group(1)]})")
    return faults


def check_plans(raw: sqlite3.Connection, name: str, seen: list[tuple[str, Any, float]]) -> int:
    """Print a loud line for each statement whose plan scans a big table; returns how many."""
    from bench.common import warn

    bad = 0
    for statement, params, _ms in _queries(seen):
        faults = plan_faults(raw, statement, params)
        if faults:
            bad += 1
            short = " ".join(statement.split())[:160]
            warn(f"{name}: plan scans {', '.join(faults)} — {short}")
    return bad


def sql_ms(engine: Any, fn: Callable[[], object], repeat: int = 15) -> tuple[float, list[Any]]:
    """The median over runs of the summed time of `fn`'s statements, and one run's statements."""
    fn()
    totals = []
    runs = []
    for _ in range(repeat):
        with captured_sql(engine) as seen:
            fn()
        totals.append(sum(ms for *_rest, ms in _queries(seen)))
        runs.append(seen)
    return statistics.median(totals), runs[-1]


def run(db: Path, label: str) -> list[str]:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bench.common import median_ms, report
    from store.core.clock import FrozenClock, today
    from store.desk.board import board_counts, list_board
    from store.desk.issue_page import get_issue
    from store.desk.visits import list_untriaged
    from store.duty.dashboard import load_dashboard
    from store.station import open_store

    clock = FrozenClock(datetime(2026, 11, 24, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    day = today(clock)
    store = open_store(db, clock=clock)
    raw = sqlite3.connect(f"file:{db}?mode=ro", uri=True)

    def floor_page() -> None:
        raw.execute("SELECT * FROM issue ORDER BY id LIMIT 50").fetchall()

    floor = median_ms(floor_page, repeat=30)
    lines = []

    def board() -> None:
        with store.read() as s:
            list_board(session=s, today=day)
            board_counts(session=s, today=day)

    def queue() -> None:
        with store.read() as s:
            list_untriaged(session=s)

    def dashboard() -> None:
        with store.read() as s:
            load_dashboard(session=s, today=day, tz=clock.tz)

    with store.read() as s:
        first = list_board(session=s, today=day).items[0].id

    def issue() -> None:
        with store.read() as s:
            get_issue(session=s, issue_id=first, today=day)

    for name, fn in [
        ("board page + colour counts", board),
        ("triage queue page", queue),
        ("dashboard", dashboard),
        ("issue page", issue),
    ]:
        lines.append(report(f"{name} ({label})", median_ms(fn), "raw 50-row read", floor))
        with captured_sql(store.engine) as seen:
            fn()
        check_plans(raw, name, seen)

    def counts() -> None:
        with store.read() as s:
            load_dashboard(session=s, today=day, tz=clock.tz)
            board_counts(session=s, today=day)

    total, seen = sql_ms(store.engine, counts)
    statements = len(_queries(seen))
    lines.append(
        report(
            f"SQL of dashboard + board counts, {statements} queries ({label})",
            total,
            "raw 50-row read",
            floor,
            target_ms=30,
        )
    )
    raw.close()
    store.dispose()
    return lines
