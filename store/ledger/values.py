"""Parsing one ledger cell: dates, the spec's named choices, and close-name suggestions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from store.core.models import Channel, IssueStatus, Satisfaction, Tier, VisitKind

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
    """A 同意转交 cell: True or False (an empty cell is not consent), None when not understood.
    A 不用回电 cell reads the same way (an empty cell has not declined)."""
    value = value.strip().casefold()
    return _CONSENT.get(value) if value else False


# What clerks write for the spec's choices besides their names (docs/rules/ledger.md): a
# status 在办, a channel 微信, a tier 镇级. Only spellings that can mean one member: 意见建议 could
# be either, and stays an error with a suggestion.
SPELLINGS: dict[type[StrEnum], dict[str, tuple[str, ...]]] = {
    IssueStatus: {
        "received": ("已受理", "受理", "待办", "未办"),
        "handling": ("在办", "办理中", "正在办理", "未办结", "处理中"),
        "supervising": ("督办", "督办中"),
        "evaluating": ("待评价", "评价中"),
        "closed": ("办结", "已完成", "完成", "已解决"),
    },
    Channel: {
        "walk_in": ("来访", "到站", "现场", "现场来访", "来站"),
        "deputy_code": ("扫码", "代表码扫码"),
        "phone": ("来电", "电话来访", "热线"),
        "observer": ("观察员", "民情观察点"),
        "home_visit": ("走访", "上门", "上门走访", "入户"),
        "forum": ("议事会", "民主议事", "恳谈会"),
        "online": ("微信", "网上", "线上", "小程序", "短信", "网络留言"),
        "leader_visit": ("领导接访", "领导进站接访"),
    },
    VisitKind: {
        "request": ("投诉", "求助", "反映"),
        "consultation": ("询问",),
    },
    Tier: {
        "village": ("村", "村里"),
        "township": ("乡", "镇", "镇级", "乡镇", "乡镇级", "街道", "街道级"),
        "county": ("县", "县里", "区级", "市级"),
    },
    Satisfaction: {
        "fairly": ("比较满意", "较满意"),
        "unsatisfied": ("不太满意",),
    },
}


def choice_names(enum: type[E]) -> dict[str, E]:
    """Every accepted spelling of an enum's members: the Chinese name, the English code and the
    clerks' usual spellings (`SPELLINGS`), casefolded."""
    names: dict[str, E] = {}
    for member in enum:
        names[member.zh.casefold()] = member  # type: ignore[attr-defined]
        names[member.value.casefold()] = member
        for spelling in SPELLINGS.get(enum, {}).get(member.value, ()):
            names.setdefault(spelling.casefold(), member)
    return names


def closest(value: str, known: Iterable[str]) -> str | None:
    """The known name closest to `value`, when one is close enough to suggest."""
    found = difflib.get_close_matches(value.strip(), list(known), n=1, cutoff=0.4)
    return found[0] if found else None
