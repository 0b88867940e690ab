"""A desk whose terminal goes away leaves, even when no hang-up signal reaches it (`make demo` in
a window that is closed: make gets the signal, the desk does not). It used to read an endless end
of input at most of a core, for ever. Driven for real: `liaison --db` in a pseudo-terminal whose
other end is then closed."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _read_until(master: int, marker: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        if time.monotonic() > deadline:
            raise AssertionError(f"{marker!r} never appeared: {seen[-500:]!r}")
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            seen += os.read(master, 65536)
    return seen


def test_the_desk_leaves_when_its_terminal_is_closed(station_path: Path) -> None:
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    argv = [sys.executable, "-c", "from tui.cli import main; main()", "--db", str(station_path)]
    # Not the session leader of this terminal, so closing it sends no hang-up signal.
    desk = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    try:
        _read_until(master, "值班台".encode(), timeout=60)
        os.close(master)
        master = -1
        assert desk.wait(timeout=15) == 129  # 128 + SIGHUP, as if the signal had come
    finally:
        if desk.poll() is None:
            desk.kill()
            desk.wait()
        if master >= 0:
            os.close(master)
