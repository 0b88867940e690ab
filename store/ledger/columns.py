"""The ledger's columns (docs/rules/ledger.md) and the cell rules every ledger shares (formula
neutralising)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from store.ledger.errors import LedgerMissingColumn


@dataclass(frozen=True)
class Column:
    """One ledger column: its field name in code, its Chinese header and its English alias."""

    key: str
    zh: str
    en: str
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("date", "日期", "date", True),
    Column("channel", "渠道", "channel", True),
    Column("name", "姓名", "name", True),
    Column("phone", "电话", "phone", True),
    Column("village", "村社", "village", True),
    Column("text", "内容", "text", True),
    Column("category", "分类", "category", True),
    Column("kind", "类型", "kind", True),
    Column("tier", "层级", "tier"),
    Column("unit", "责任单位", "unit"),
    Column("status", "状态", "status"),
    Column("satisfaction", "满意度", "satisfaction"),
    Column("deputy", "代表", "deputy"),
    # Ours, not the spec's: rows of one issue share it, so an export imports back to the same
    # issues (docs/rules/ledger.md, round trip).
    Column("issue", "事项", "issue"),
    # Whether the resident agreed that their name and phone go to the handling unit (同意转交,
    # issue 7). Optional: paper ledgers from before it was asked import as not given.
    Column("consent", "同意转交", "consent"),
    # The life (store.ledger.life): what the figures read, so that an exported ledger
    # imports back to the same figures. Optional: a ledger without them is given a life.
    Column("title", "标题", "title"),
    Column("lead", "主办代表", "lead deputy"),
    Column("opened", "受理日期", "accepted"),
    Column("due", "期限", "due"),
    Column("warn", "预警日期", "warning"),
    Column("closed", "办结日期", "closed"),
    Column("on_time", "按期办结", "on time"),
    Column("resolution", "解决情况", "resolution"),
    Column("evaluated", "评价日期", "evaluated"),
    Column("reopened", "再监督次数", "re-supervisions"),
    Column("evaluations", "评价记录", "evaluations"),
)
# Written by export for people to read; import ignores it (the colour follows from the data).
COLOUR_HEADER = "颜色"
BY_KEY = {c.key: c for c in COLUMNS}
_BY_HEADER = {h.casefold(): c for c in COLUMNS for h in (c.zh, c.en)}

# docs/rules/data.md: what a spreadsheet would run as a formula, and its neutralised form.
_FORMULA_LIKE = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def map_headers(headers: Sequence[str]) -> dict[str, int]:
    """Where each known column is, from a header row in either language, in any order.

    Args:
        headers: the first row's cells as text.
    Returns:
        column key → 0-based position (the first one, when a header repeats).
    Raises:
        LedgerMissingColumn: naming every required column that is absent.
    """
    found: dict[str, int] = {}
    for position, header in enumerate(headers):
        column = _BY_HEADER.get(header.strip().lstrip("\ufeff").strip().casefold())
        if column is not None and column.key not in found:
            found[column.key] = position
    missing = [c.zh for c in COLUMNS if c.required and c.key not in found]
    if missing:
        raise LedgerMissingColumn(missing)
    return found


def is_formula_like(value: str) -> bool:
    """True when a spreadsheet would read `value` as a formula (or an already quoted one)."""
    return _FORMULA_LIKE.match(value) is not None


def neutralise(value: str) -> str:
    """A CSV cell a spreadsheet will not run: one `'` before anything formula-like.

    Values that already start with quotes before such a character get one more, so that
    `restore` gives back exactly what was written."""
    return "'" + value if _FORMULA_LIKE.match(value) else value


def restore(value: str) -> str:
    """The text `neutralise` was given: one leading `'` removed from a neutralised cell."""
    return value[1:] if _NEUTRALISED.match(value) else value
