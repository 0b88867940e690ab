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
    # Other headers clerks write for it (import only; export writes `zh`).
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "date",
        "日期",
        "date",
        True,
        ("来访日期", "来访时间", "接待日期", "接待时间", "登记日期", "时间", "received"),
    ),
    Column("channel", "渠道", "channel", True, ("来访渠道", "来访方式", "反映渠道", "方式")),
    Column(
        "name",
        "姓名",
        "name",
        True,
        ("群众姓名", "来访人", "来访人姓名", "来访群众", "反映人", "resident"),
    ),
    Column(
        "phone",
        "电话",
        "phone",
        True,
        ("联系电话", "电话号码", "手机", "手机号", "手机号码", "联系方式", "phone number"),
    ),
    Column(
        "village",
        "村社",
        "village",
        True,
        (
            "村(社区)",
            "所在村(社区)",
            "所在村社",
            "所在村",
            "村社区",
            "村/社区",
            "所属村(社区)",
            "village or community",
        ),
    ),
    Column(
        "text",
        "内容",
        "text",
        True,
        ("反映内容", "诉求内容", "来访内容", "反映问题", "问题描述", "群众诉求", "words"),
    ),
    Column("category", "分类", "category", True, ("问题类别", "问题分类", "类别", "诉求类别")),
    Column("kind", "类型", "kind", True, ("诉求类型", "来访类型", "事项类型")),
    Column("tier", "层级", "tier", aliases=("办理层级", "交办层级", "分级")),
    Column("unit", "责任单位", "unit", aliases=("承办单位", "办理单位", "交办单位", "责任部门")),
    Column("status", "状态", "status", aliases=("办理状态", "办理进度")),
    Column(
        "satisfaction", "满意度", "satisfaction", aliases=("群众满意度", "满意度评价", "评价结果")
    ),
    Column("deputy", "代表", "deputy", aliases=("接待代表", "值班代表", "代表姓名")),
    # Who relayed a visit through an observer (民情观察员), and at which observation point
    # (store.ledger.through): beside 代表, who received it, the spec's columns keeping their
    # places (clerks' templates and formulas point at them). Optional: older ledgers name
    # neither.
    Column("observer", "观察员", "observer", aliases=("民情观察员", "观察员姓名")),
    Column("point", "观察点", "observation point", aliases=("民情观察点", "观察点名称")),
    # The deliberation session (议事活动) a visit was raised at, "百姓夜话 2026-11-24 文化礼堂"
    # (store.ledger.sessions). Optional.
    Column("session", "议事活动", "session", aliases=("议事活动名称",)),
    # Ours, not the spec's: rows of one issue share it, so an export imports back to the same
    # issues (docs/rules/ledger.md, round trip).
    Column("issue", "事项", "issue", aliases=("事项编号", "编号")),
    # Whether the resident agreed that their name and phone go to the handling unit (同意转交,
    # issue 7). Optional: paper ledgers from before it was asked import as not given.
    Column("consent", "同意转交", "consent"),
    # Whether the resident declined to be called back (不用回电, issue 18): they are told nothing
    # of the progress. Optional: absent or empty, they may be told.
    Column("no_callback", "不用回电", "no callback", aliases=("无需回电", "不需回电")),
    # The life (store.ledger.life): what the figures read, so that an exported ledger
    # imports back to the same figures. Optional: a ledger without them is given a life.
    Column("title", "标题", "title"),
    Column("lead", "主办代表", "lead deputy"),
    Column("opened", "受理日期", "accepted", aliases=("受理时间",)),
    Column("due", "期限", "due", aliases=("办理期限", "办结期限")),
    Column("warn", "预警日期", "warning"),
    Column("closed", "办结日期", "closed", aliases=("办结时间",)),
    Column("on_time", "按期办结", "on time"),
    Column("resolution", "解决情况", "resolution"),
    Column("evaluated", "评价日期", "evaluated"),
    Column("reopened", "再监督次数", "re-supervisions"),
    Column("evaluations", "评价记录", "evaluations"),
    # Its moves between tiers (升级/降级, store.ledger.life.Moved), one a line.
    Column("moves", "层级变动", "moves", aliases=("升降级记录", "升级降级")),
    # The issue's own category and village: after a merge, a split or a move its first visit's
    # may differ, and the figures by category and village count the issue's.
    Column("issue_category", "事项分类", "issue category"),
    Column("issue_village", "事项村社", "issue village"),
    # A visit the resident withdrew (撤回, store.desk.regroup): when, and why. Counted apart from
    # the figures, so the round trip must keep it.
    Column("withdrawn", "撤回日期", "withdrawn", aliases=("撤回时间",)),
    Column("withdrawn_reason", "撤回原因", "withdrawal reason"),
)
# Written by export for people to read; import ignores it (the colour follows from the data).
COLOUR_HEADER = "颜色"
BY_KEY = {c.key: c for c in COLUMNS}
# Full-width brackets and slashes as their ASCII forms, spaces gone: 所在村（社区） is 所在村(社区).
_HEADER_FOLD = str.maketrans({"（": "(", "）": ")", "／": "/", "\u3000": None, " ": None})


def _fold(header: str) -> str:
    return header.strip().lstrip("\ufeff").translate(_HEADER_FOLD).casefold()


_BY_HEADER = {_fold(h): c for c in COLUMNS for h in (c.zh, c.en, *c.aliases)}


def header_key(header: str) -> str | None:
    """The column a header names, in either language or as clerks write it; None if none."""
    column = _BY_HEADER.get(_fold(header))
    return None if column is None else column.key


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
        key = header_key(header)
        if key is not None and key not in found:
            found[key] = position
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
