"""The store calls behind each screen, on a large station, against plain SQLite reads."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def run(db: Path, label: str) -> list[str]:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bench.common import median_ms, report
    from store.boards import board_counts, list_board
    from store.clock import FrozenClock, today
    from store.duty import load_dashboard
    from store.issues import get_issue
    from store.station import open_store
    from store.visits import list_untriaged

    clock = FrozenClock(datetime(2026, 11, 24, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    day = today(clock)
    store = open_store(db, clock=clock)
    raw = sqlite3.connect(db)

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
    raw.close()
    store.dispose()
    return lines
