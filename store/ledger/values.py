"""Parsing one ledger cell: dates, the spec's named choices, and close-name suggestions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)

# Whole-string, ASCII digits only (docs/rules/data.md). Excel in China also writes 2026/6/1 and
# 2026.6.1.
_DATE = re.compile(
    r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})"
    r"(?:[ T]([0-9]{1,2}):([0-9]{2})(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
)


def parse_date(value: str) -> datetime | None:
    """A station-local wall-clock time to the minute, or None when `value` is not a date.

    Seconds, when a spreadsheet adds them, are dropped: the ledger keeps minutes."""
    match = _DATE.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute = match.groups()
    try:
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
    except ValueError:
        return None


# The ways a ledger says yes or no to 同意转交, casefolded: Chinese, English, digits, ticks, and
# the TRUE/FALSE of a spreadsheet's boolean cell.
CONSENT_YES = ("是", "同意", "yes", "y", "true", "1", "✓", "✔", "√", "☑")
CONSENT_NO = ("否", "不同意", "no", "n", "false", "0", "✗", "✘", "×", "☐")
_CONSENT = {word: True for word in CONSENT_YES} | {word: False for word in CONSENT_NO}


def parse_consent(value: str) -> bool | None:
    """A 同意转交 cell: True or False (an empty cell is not consent), None when not understood."""
    value = value.strip().casefold()
    return _CONSENT.get(value) if value else False


def choice_names(enum: type[E]) -> dict[str, E]:
    """Every accepted spelling of an enum's members: the Chinese name and the English code,
    casefolded."""
    names: dict[str, E] = {}
    for member in enum:
        names[member.zh.casefold()] = member  # type: ignore[attr-defined]
        names[member.value.casefold()] = member
    return names


def closest(value: str, known: Iterable[str]) -> str | None:
    """The known name closest to `value`, when one is close enough to suggest."""
    found = difflib.get_close_matches(value.strip(), list(known), n=1, cutoff=0.4)
    return found[0] if found else None
