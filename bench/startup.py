"""Time to first useful screen in a real terminal (a pty), against a bare Textual app."""

from __future__ import annotations

import os
import pty
import select
import statistics
import subprocess
import sys
import time
from pathlib import Path

# A Textual app with a header and footer that reads one row from the same database in compose,
# started the same way as the desk: `{imports}` and `{read}` (which sets `newest`) make the two.
_FLOOR_APP = """
import sys
from sqlmodel import Session, create_engine, select, text
from textual.app import App
from textual.widgets import Footer, Header, Static
{imports}
engine = create_engine("sqlite:///" + sys.argv[1])
class Floor(App):
    def compose(self):
        yield Header()
        with Session(engine) as session:
            newest = {read}
        yield Static("READY-MARK " + newest)
        yield Footer()
Floor().run()
"""
# The stack floor (issue 4): SQLModel imported, the row read by SQL.
FLOOR = _FLOOR_APP.format(
    imports="",
    read='session.exec(text("SELECT id FROM visit ORDER BY received_at DESC LIMIT 1")).one()[0]',
)
# The same with the station's schema defined (its 32 SQLModel tables imported, mapped, and the
# row read through one of them): what any screen of this store costs before its own work. Not a
# target's floor; it tells how much of the gap is the schema itself (BENCHMARKS.md).
FLOOR_WITH_SCHEMA = _FLOOR_APP.format(
    imports="from store.core.models import Visit",
    read="session.exec(select(Visit.id).order_by(Visit.received_at.desc()).limit(1)).one()",
)


def time_to_text(argv: list[str], marker: bytes, env: dict[str, str], timeout: float = 20) -> float:
    """Seconds from spawn until `marker` appears on the terminal; then the process is killed."""
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
                if marker in seen:
                    return time.perf_counter() - start
        raise RuntimeError(f"{marker!r} never appeared")
    finally:
        proc.kill()
        proc.wait()
        os.close(master)


def _wall(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def run(db: Path, label: str) -> list[str]:
    from bench.common import report

    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    env.pop("LIAISON_DB", None)
    floor = statistics.median(
        time_to_text([sys.executable, "-c", FLOOR, str(db)], b"READY-MARK", env) for _ in range(5)
    )
    schema = statistics.median(
        time_to_text([sys.executable, "-c", FLOOR_WITH_SCHEMA, str(db)], b"READY-MARK", env)
        for _ in range(5)
    )
    app = [sys.executable, "-c", "from tui.cli import main; main()", "--db", str(db)]
    # First paint: the opening screen, before the store has loaded.
    first = statistics.median(time_to_text(app, "正在打开".encode(), env) for _ in range(5))
    # The dashboard's colour counts are drawn once the first store read has landed.
    ours = statistics.median(time_to_text(app, "合计".encode(), env) for _ in range(5))
    lines = [
        report(
            f"start-up to the first paint ({label})",
            first * 1000,
            "Textual + SQLModel + 1 row",
            floor * 1000,
        ),
        report(
            f"start-up to the dashboard's figures ({label})",
            ours * 1000,
            "Textual + SQLModel + 1 row",
            floor * 1000,
            target_ratio=1.25,
        ),
        report(
            f"  the floor with the station's schema ({label})",
            schema * 1000,
            "Textual + SQLModel + 1 row",
            floor * 1000,
        ),
    ]
    # Commands that show no screen never import Textual (tui/cli.py).
    bare = statistics.median(_wall([sys.executable, "-c", "pass"], env) for _ in range(7))
    helps = statistics.median(
        _wall([sys.executable, "-c", "from tui.cli import main; main()", "--help"], env)
        for _ in range(7)
    )
    lines.append(
        report("liaison --help", helps * 1000, "python -c pass", bare * 1000, target_ms=200)
    )
    return lines
