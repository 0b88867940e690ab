"""Hostile input for the fuzz tests (issue 7, part 6), and their shared settings.

Every fuzz test runs a bounded, derandomised number of examples so CI sees the same ones on
every run; `LIAISON_FUZZ_EXAMPLES=2000` explores further on a developer's machine (the count
is scaled per test, so the cheap ones always try more than the ones that write a database)."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tui.i18n import catalogue

F = TypeVar("F", bound=Callable[..., Any])

# The budget of the cheapest tests; the others take a fraction of it (see `fuzz_settings`).
EXAMPLES = int(os.environ.get("LIAISON_FUZZ_EXAMPLES", "200"))

# What a terminal, Rich, a spreadsheet or SQLite might interpret if it leaked through as is.
ADVERSARIAL = [
    "\x1b[31m",  # ANSI colour
    "\x1b[2J\x1b[H",  # clear screen
    "\x1b]8;;http://example.com\x1b\\",  # OSC 8 hyperlink
    "\x1b]0;title\x07",  # OSC window title, ended by a bell
    "\x9b31m",  # the 8-bit CSI
    "[bold]",
    "[/]",
    "[link=http://example.com]",
    "[/link]",
    "\\[",
    "\x00",
    "\x07",
    "\x7f",
    "\ud800",  # lone surrogates: not encodable as UTF-8
    "\udfff",
    "\u202e",  # right-to-left override
    "\ufeff",
    "\u2028",
    "𠀀",  # astral CJK
    "😀",
    "👨\u200d👩\u200d👧",
    "１３８１２３４１２３４",  # full-width digits
    "١٣٨١٢٣٤١٢٣٤",  # Arabic-Indic digits
    "१३८",  # Devanagari digits
    "13812341234",
    "010-12345678",
    "+86",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x")',
    "+",
    "-",
    "@",
    '"',
    "'",
    "*",
    "NEAR",
    "AND",
    "OR",
    "NOT",
    "(",
    ")",
    "^",
    ":",
    "%",
    "_",
    "王阿姨",
    "路灯",
]

hostile_text: st.SearchStrategy[str] = st.lists(
    st.one_of(st.sampled_from(ADVERSARIAL), st.text(max_size=12)), max_size=24
).map("".join)

# Over the 10,000-character limit of a resident's words, and just at it.
huge_text: st.SearchStrategy[str] = st.one_of(
    st.integers(10_001, 12_000).map(lambda n: "长" * n),
    st.integers(9_990, 10_010).map(lambda n: "\x1b[31m" + "a" * n + "\n"),
)

any_text: st.SearchStrategy[str] = st.one_of(hostile_text, huge_text)


def fuzz_settings(share: float = 1.0) -> Callable[[F], F]:
    """Settings of a fuzz test that costs 1/`share` of the cheapest: a bounded, derandomised
    run. Function-scoped fixtures are fine here: every example checks its own before/after."""
    return settings(
        max_examples=max(1, int(EXAMPLES * share)),
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def has_controls(text: str) -> bool:
    """Whether `text` holds a control character other than newline and tab (docs/rules/data.md), or
    a lone surrogate."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t" for ch in text)


def in_catalogue(key: str) -> bool:
    return key in catalogue("zh")
