"""A desk whose terminal is gone leaves (issue 14's thin App keeps it apart).

The terminal can close without a hang-up signal reaching the desk (`make demo` in a window that
is closed: make gets the signal and waits for us). Textual would then read an endless end of
input, at most of a core, for ever. The desk checks every few seconds and leaves as on `q`; every
write was its own committed transaction, so nothing is lost."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from textual.app import App

# How often the desk checks that its terminal is still there, and its exit code when it is not
# (128 + SIGHUP, as if the hang-up signal had reached it).
TERMINAL_CHECK_SECONDS = 2.0
HARD_EXIT_SECONDS = 5.0
HUNG_UP = 129


def watch_terminal(app: App[Any]) -> None:
    """Leave when the terminal goes; nothing to watch headless or without a terminal."""
    if not app.is_headless and is_terminal():
        app.set_interval(TERMINAL_CHECK_SECONDS, lambda: _leave_if_gone(app))


def is_terminal() -> bool:
    # A hung-up terminal answers no terminal request (EIO): isatty() is then False.
    stdin = sys.__stdin__
    return stdin is not None and os.isatty(stdin.fileno())


def _leave_if_gone(app: App[Any]) -> None:
    if is_terminal():
        return
    app.exit(return_code=HUNG_UP)
    # Leaving can wait on a worker or on output to the terminal that is gone (seen about once in
    # four runs of tests/tui/test_terminal_gone.py since screens poll the database): a process
    # nobody sees must not stay, so it goes for certain a few seconds later.
    stop = threading.Timer(HARD_EXIT_SECONDS, os._exit, args=(HUNG_UP,))
    stop.daemon = True
    stop.start()
