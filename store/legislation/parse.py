"""A draft regulation's text, read and cut into its articles: no database here.

A draft as legislatures publish it for comment: a title (浙江省电动自行车管理条例（草案）), maybe
a table of contents (目录), chapter and section headings (第一章 总则, 第二节 …) and the
articles, each starting a line with 第N条 (第一条, 第十一条, 第二十三条, 第一百条, 第十条之一;
Arabic 第12条 is read too) and running until the next article or heading. A line that starts
with 第N条 but does not number the next article (N not above the last one: 依照第五条… at the
start of a paragraph) is part of the article it is in. Headings are kept as headings, never
as articles.

The file is UTF-8 (a byte-order mark allowed) or GBK (GB 18030, what Windows editors in China
save); anything else, an empty file or a text with no article is refused with one error."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from store.core.errors import N_, StoreError
from store.core.validation import strip_controls

# A law of a few hundred articles is well under 1 MB; a bigger file is not a draft.
FILE_MAX = 2 * 1024 * 1024
TITLE_MAX = 100
LABEL_MAX = 50

_NUMERAL = "零〇一二两三四五六七八九十百千0-9０-９"
_SPACE = "[ \t\u3000]"
_ARTICLE = re.compile(
    f"^{_SPACE}*(?P<label>第(?P<n>[{_NUMERAL}]+)条(?:之(?P<sub>[一二三四五六七八九十]+))?)"
    f"{_SPACE}*(?P<rest>.*)$"
)
_HEADING = re.compile(
    f"^{_SPACE}*(?P<label>第(?P<n>[{_NUMERAL}]+)(?P<kind>[编章节])){_SPACE}*(?P<rest>.*)$"
)
# A heading is a short line (第三章　电动自行车的登记和通行): a longer one is a sentence.
HEADING_MAX = 40
_CONTENTS = re.compile(f"^{_SPACE}*目{_SPACE}*录{_SPACE}*$")
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


class DraftUnreadable(StoreError):
    """Not a text file in UTF-8 or GBK (or too large to be a draft)."""

    key = N_("error.draft_unreadable")


class DraftFileMissing(StoreError):
    """No file at the path given (or a folder)."""

    key = N_("error.draft_file_missing")


class DraftEmpty(StoreError):
    key = N_("error.draft_empty")


class DraftWithoutArticles(StoreError):
    """A text in which no line starts with 第一条 (or any 第N条)."""

    key = N_("error.draft_no_articles")


@dataclass(frozen=True)
class Part:
    """An article (`number` set: 11 for 第十一条 and 第十一条之一) or a heading (`number` None)."""

    label: str
    text: str
    number: int | None = None

    @property
    def is_heading(self) -> bool:
        return self.number is None


@dataclass(frozen=True)
class ParsedDraft:
    title: str
    parts: tuple[Part, ...]

    @property
    def articles(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if not p.is_heading)


def chinese_number(text: str) -> int:
    """`十一` → 11, `二十三` → 23, `一百` → 100, `一百零三` → 103, `12` → 12.

    Raises:
        ValueError: not a number.
    """
    text = text.translate(_FULL_WIDTH)
    if text.isascii() and text.isdigit():
        return int(text)
    total = digit = 0
    seen = False
    for ch in text:
        if ch in _DIGITS:
            digit, seen = _DIGITS[ch], True
        elif ch in _UNITS:
            # 十一: a unit with no digit before it counts once (一十一).
            total += (digit if seen else 1) * _UNITS[ch]
            digit, seen = 0, False
        else:
            raise ValueError(text)
    return total + digit


def read_draft_file(path: Path) -> str:
    """The text of a draft file: UTF-8 (with or without a byte-order mark), else GBK.

    Raises:
        DraftFileMissing: no file there.
        DraftUnreadable: too large, unreadable, or in neither encoding.
        DraftEmpty: nothing but white space in it.
    """
    if not path.is_file():
        raise DraftFileMissing()
    try:
        if path.stat().st_size > FILE_MAX:
            raise DraftUnreadable()
        data = path.read_bytes()
    except OSError:
        raise DraftUnreadable() from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # A binary file may decode as GB 18030 (it maps most byte pairs): text has no NULs.
        if "\x00" in text:
            break
        if not text.strip():
            raise DraftEmpty()
        return text
    raise DraftUnreadable()


def _one_line(text: str, limit: int) -> str:
    line = " ".join(strip_controls(text).split())
    return line[:limit]


def parse_draft(text: str) -> ParsedDraft:
    """Cut a draft's text into its title, headings and articles.

    Raises:
        DraftEmpty: nothing but white space.
        DraftWithoutArticles: no line starts an article.
    """
    lines = strip_controls(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(line.strip() for line in lines):
        raise DraftEmpty()
    title = ""
    parts: list[tuple[str, int | None, list[str]]] = []
    last = 0
    # A table of contents lists the headings once before the text does: skipped until the
    # first heading comes again.
    contents: list[str] | None = None
    for raw in lines:
        line = raw.strip(" \t\u3000")
        if not line:
            continue
        if _CONTENTS.match(line) and not parts:
            contents = []
            continue
        heading = _HEADING.match(line) if len(line) <= HEADING_MAX else None
        if heading is not None:
            label = heading.group("label")
            if contents is not None:
                if label not in contents:
                    contents.append(label)
                    continue
                contents = None
            parts.append((label, None, [heading.group("rest") or ""]))
            continue
        article = _ARTICLE.match(line)
        if article is not None:
            number = chinese_number(article.group("n"))
            # 第十条之一 follows 第十条 under its number; anything else must count up.
            if number > last or (article.group("sub") and number == last):
                contents = None
                parts.append((article.group("label"), number, [article.group("rest")]))
                last = number
                continue
        if contents is not None:
            continue  # the contents' other lines (页码, 附则…)
        if parts:
            parts[-1][2].append(line)
        elif not title:
            title = line
    if not any(number is not None for _label, number, _lines in parts):
        raise DraftWithoutArticles()
    return ParsedDraft(
        title=_one_line(title, TITLE_MAX),
        parts=tuple(
            Part(
                label=label[:LABEL_MAX],
                # A heading is one line; an article keeps its paragraphs.
                text=_one_line(" ".join(body), 200)
                if number is None
                else "\n".join(b for b in body if b),
                number=number,
            )
            for label, number, body in parts
        ),
    )
