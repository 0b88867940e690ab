"""Residents' names in pinyin, so a deputy finds 张晓明 by typing `zxm` or `zhangxiaoming`.

pypinyin is imported on first use (about 0.17 s): only writes of residents and search need it."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

# A surname is read differently from the same character in a word (单 is shàn, not dān, as a
# surname). pypinyin reads characters as words do, so the first character of a name gets the
# surname reading when it has one of these.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "覃": "qin",
    "缪": "miao",
    "尉": "yu",
    "乐": "yue",
    "秘": "bi",
    "翟": "zhai",
    "召": "shao",
    "种": "chong",
    "员": "yun",
    "华": "hua",
    "任": "ren",
    "冼": "xian",
}

PINYIN_MAX = 200
INITIALS_MAX = 50


# Large enough for a county's distinct names (the demo has 5,400): a miss costs about 0.1 ms.
@lru_cache(maxsize=16384)
def name_syllables(name: str) -> tuple[str, ...]:
    """The pinyin of each character of `name`, lower case without tones; other characters
    (Latin letters, digits) are kept as they are, spaces dropped."""
    # Without its phrase dictionary pypinyin takes 13 MiB instead of 56 (issue 4: 120 MiB in
    # all); names are read character by character anyway (the same readings for every one of
    # the demo's 3,870 names), and surnames through SURNAME_READINGS.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    from pypinyin import Style, lazy_pinyin

    name = name.strip()
    if not name:
        return ()
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="default")]
    first = SURNAME_READINGS.get(name[0])
    if first and syllables:
        syllables[0] = first
    return tuple(s for s in (x.strip() for x in syllables) if s)


def name_keys(name: str) -> dict[str, str]:
    """The derived search columns of a resident: full pinyin and initials."""
    syllables = name_syllables(name)
    return {
        "name_pinyin": "".join(syllables)[:PINYIN_MAX],
        "name_initials": "".join(s[0] for s in syllables)[:INITIALS_MAX],
    }


def fill_constituent(values: dict[str, Any]) -> dict[str, Any]:
    """store.derived hook: the pinyin columns of a resident row being written."""
    return name_keys(str(values.get("name") or ""))
