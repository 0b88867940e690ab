"""An issue's life in the ledger (docs/rules/ledger.md): the dates, the verdict and the evaluation
history that the figures read, so that an exported ledger imports back to the same figures.

Every row of an issue carries the same values; a ledger written by hand may give them on one
row only, and the rows of an issue may not contradict each other."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from store.core.models import MoveReason, Resolution, Satisfaction, Tier
from store.desk.moves import clean_note
from store.ledger.values import choice_names, parse_date

# The columns of this module, in the order the export writes them (store.ledger.columns).
LIFE_KEYS = (
    "title",
    "lead",
    "opened",
    "due",
    "warn",
    "closed",
    "on_time",
    "resolution",
    "evaluated",
    "reopened",
    "evaluations",
    "moves",
    "issue_category",
    "issue_village",
)
RESOLUTIONS = choice_names(Resolution)
SATISFACTIONS = choice_names(Satisfaction)
TIERS = choice_names(Tier)
REASONS = choice_names(MoveReason)
YES = ("是", "yes", "y", "true", "1", "✓", "√")
NO = ("否", "no", "n", "false", "0", "✗", "×")
_YES_NO = {word: True for word in YES} | {word: False for word in NO}
# One evaluation a line: "2026-08-01 10:20 未解决 不满意 沈国强" (the deputy is optional). Lines
# may also be separated by "；" when a clerk types them into one line.
_EVALUATION = re.compile(r"(\S+\s+[0-9]{1,2}:[0-9]{2})\s+(\S+)\s+(\S+)(?:\s+(.+))?")
_SEPARATORS = re.compile(r"[\n；;]+")


@dataclass(frozen=True)
class Judged:
    """One evaluation of the history: when (station time), the verdict, and who took it."""

    at: datetime
    resolution: Resolution
    satisfaction: Satisfaction
    deputy: str | None = None


@dataclass(frozen=True)
class Moved:
    """One move between tiers of the history (升级/降级, store.desk.moves), as a ledger line:
    `2026-07-20 10:00 | 村级→乡级 | 东塘村村委会→青石镇人民政府 | 本级无力解决 |
    2026-07-16→2026-08-19 | 沈国强 | 说明` (the due dates of the tier left and of the new one; the
    deputy and the words optional). Whether the tier left was on time follows from the first due
    date, as it did when the move was made."""

    at: datetime
    from_tier: Tier
    to_tier: Tier
    from_unit: str
    to_unit: str
    reason: MoveReason
    from_due: date
    to_due: date
    deputy: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Life:
    """What one row says of its issue's life; None where it says nothing.

    `lead` is "" when the file has the 主办代表 column and the row leaves it empty (the issue has
    no lead deputy), None when the file has no such column (the import decides)."""

    title: str | None = None
    lead: str | None = None
    opened: date | None = None
    due: date | None = None
    warn: date | None = None
    closed: date | None = None
    on_time: bool | None = None
    resolution: Resolution | None = None
    evaluated: datetime | None = None
    reopened: int | None = None
    evaluations: tuple[Judged, ...] | None = None
    moves: tuple[Moved, ...] | None = None
    # The category and village by name, when not its first visit's (store.ledger.plan
    # checks the category is known; a village it does not know is added).
    category: str | None = None
    village: str | None = None

    def said(self) -> bool:
        """Whether the row says anything of its issue's life."""
        return any(getattr(self, f.name) not in (None, "") for f in fields(self))

    def merged(self, other: Life) -> Life | None:
        """What two rows of one issue say together; None when they contradict each other."""
        if other is self or other == self:
            return self
        values: dict[str, Any] = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if mine is None or mine == "":
                values[f.name] = theirs if theirs is not None else mine
            elif theirs is None or theirs == "" or theirs == mine:
                values[f.name] = mine
            else:
                return None
        return replace(self, **values)


def parse_yes_no(value: str) -> bool | None:
    """是/否 (and the usual spellings); None when empty. Raises ValueError when not understood."""
    value = value.strip().casefold()
    if not value:
        return None
    if value not in _YES_NO:
        raise ValueError(value)
    return _YES_NO[value]


def parse_count(value: str) -> int | None:
    """A whole number of times, 0 or more; None when empty. Raises ValueError otherwise."""
    value = value.strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 4:
        raise ValueError(value)
    return int(value)


def parse_evaluations(value: str) -> tuple[Judged, ...] | None:
    """The evaluation history cell, oldest first; None when empty.

    Raises:
        ValueError: with the 1-based number of the first line that cannot be read.
    """
    lines = [line.strip() for line in _SEPARATORS.split(value) if line.strip()]
    if not lines:
        return None
    out = []
    for number, line in enumerate(lines, start=1):
        match = _EVALUATION.fullmatch(line)
        at = parse_date(match.group(1)) if match else None
        if match is None or at is None:
            raise ValueError(number)
        resolution = RESOLUTIONS.get(match.group(2).casefold())
        satisfaction = SATISFACTIONS.get(match.group(3).casefold())
        if resolution is None or satisfaction is None:
            raise ValueError(number)
        deputy = " ".join((match.group(4) or "").split()) or None
        out.append(Judged(at, resolution, satisfaction, deputy))
    return tuple(sorted(out, key=lambda judged: judged.at))


def format_evaluations(history: list[Judged]) -> str:
    """The evaluation history as one cell, a line each, as `parse_evaluations` reads it."""
    return "\n".join(
        " ".join(
            part
            for part in (
                judged.at.strftime("%Y-%m-%d %H:%M"),
                judged.resolution.zh,
                judged.satisfaction.zh,
                judged.deputy or "",
            )
            if part
        )
        for judged in history
    )


_ARROW = "→"
_FIELD = "|"


def _pair(value: str) -> tuple[str, str] | None:
    before, arrow, after = value.partition(_ARROW)
    before, after = " ".join(before.split()), " ".join(after.split())
    return (before, after) if arrow and before and after else None


def _day(value: str) -> date | None:
    parsed = parse_date(value)
    return parsed.date() if parsed is not None and parsed.time() == datetime.min.time() else None


def parse_moves(value: str) -> tuple[Moved, ...] | None:
    """The moves cell (one move a line, `Moved`), oldest first; None when empty.

    Raises:
        ValueError: with the 1-based number of the first line that cannot be read.
    """
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    if not lines:
        return None
    out = []
    for number, line in enumerate(lines, start=1):
        parts = [part.strip() for part in line.split(_FIELD, 6)]
        moved = _moved(parts) if len(parts) >= 5 else None
        if moved is None:
            raise ValueError(number)
        out.append(moved)
    return tuple(sorted(out, key=lambda moved: moved.at))


def _moved(parts: list[str]) -> Moved | None:
    at = parse_date(parts[0])
    tiers, units, dues = _pair(parts[1]), _pair(parts[2]), _pair(parts[4])
    reason = REASONS.get(parts[3].casefold())
    if at is None or tiers is None or units is None or dues is None or reason is None:
        return None
    from_tier, to_tier = TIERS.get(tiers[0].casefold()), TIERS.get(tiers[1].casefold())
    from_due, to_due = _day(dues[0]), _day(dues[1])
    if from_tier is None or to_tier is None or from_due is None or to_due is None:
        return None
    if from_tier == to_tier:
        return None
    deputy = " ".join(parts[5].split()) if len(parts) > 5 else ""
    note = clean_note(parts[6]) if len(parts) > 6 else ""
    return Moved(at, from_tier, to_tier, *units, reason, from_due, to_due, deputy or None, note)


def format_moves(moves: list[Moved]) -> str:
    """The moves as one cell, a line each, as `parse_moves` reads them."""
    lines = []
    for moved in moves:
        parts = [
            moved.at.strftime("%Y-%m-%d %H:%M"),
            f"{moved.from_tier.zh}{_ARROW}{moved.to_tier.zh}",
            f"{moved.from_unit}{_ARROW}{moved.to_unit}",
            moved.reason.zh,
            f"{moved.from_due.isoformat()}{_ARROW}{moved.to_due.isoformat()}",
        ]
        if moved.deputy or moved.note:
            parts.append(moved.deputy or "")
        if moved.note:
            parts.append(moved.note)
        lines.append(f" {_FIELD} ".join(parts))
    return "\n".join(lines)
