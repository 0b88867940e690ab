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

BARE = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("READY-MARK")
    def on_mount(self):
        self.set_timer(0.3, self.exit)
Bare().run()
"""


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


def run(db: Path) -> list[str]:
    from bench.common import report

    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    env.pop("LIAISON_DB", None)
    floor = statistics.median(
        time_to_text([sys.executable, "-c", BARE], b"READY-MARK", env) for _ in range(5)
    )
    app = [sys.executable, "-c", "from tui.cli import main; main()", "--db", str(db)]
    # First paint: the opening screen, before the store has loaded.
    first = statistics.median(time_to_text(app, "正在打开".encode(), env) for _ in range(5))
    # The dashboard's colour counts are drawn once the first store read has landed.
    ours = statistics.median(time_to_text(app, "合计".encode(), env) for _ in range(5))
    return [
        report("start-up to the first paint", first * 1000, "bare Textual app", floor * 1000),
        report("start-up to the dashboard's counts", ours * 1000, "bare Textual app", floor * 1000),
    ]
