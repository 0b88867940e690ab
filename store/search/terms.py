"""What a search box's text means: terms, LIKE patterns and FTS5 strings that are always literal.

Nothing a deputy types is ever SQL or FTS5 syntax: `%`, `_` and `\\` are escaped in LIKE
patterns, and every FTS5 term is one double-quoted string (its own double quotes doubled), so
`AND`, `*`, `-`, `NEAR(` and `"` are searched for as text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from store.core.validation import strip_controls

# A trigram index finds substrings of three characters or more; shorter ones need LIKE, and
# must not use the trigram index at all (SQLite 3.40 returns nothing for them: docs/performance.md).
TRIGRAM = 3
QUERY_MAX = 100
TERMS_MAX = 5
# Residents are found by the last digits of a phone from this many digits on.
PHONE_DIGITS_MIN = 4
LIKE_ESCAPE = "\\"

_DIGITS = re.compile(r"[0-9]+")
_LETTERS = re.compile(r"[a-z]+")
_PHONE_SEPARATORS = re.compile(r"[\s\-]")
_PINYIN_SEPARATORS = re.compile(r"[\s']")


class ResidentMatch(StrEnum):
    """How a query finds residents."""

    name = "name"
    pinyin = "pinyin"
    phone = "phone"
    none = "none"


@dataclass(frozen=True)
class Query:
    """A search box's text, understood."""

    text: str
    # Whitespace-separated terms; a hit has every one of them.
    terms: tuple[str, ...]
    resident_match: ResidentMatch
    # For residents: the name, the pinyin (lower case, no spaces) or the phone digits.
    resident_key: str

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def long_terms(self) -> tuple[str, ...]:
        """Terms the trigram index can find."""
        return tuple(term for term in self.terms if len(term) >= TRIGRAM)

    @property
    def short_terms(self) -> tuple[str, ...]:
        return tuple(term for term in self.terms if len(term) < TRIGRAM)


def parse_query(text: str) -> Query:
    """Understand what was typed: control characters dropped, cut to QUERY_MAX characters and
    TERMS_MAX terms. Digits look for phones, Latin letters for pinyin, anything else for names."""
    text = strip_controls(text).strip()[:QUERY_MAX]
    terms = tuple(dict.fromkeys(text.split()))[:TERMS_MAX]
    match, key = ResidentMatch.none, ""
    if terms:
        phone = _PHONE_SEPARATORS.sub("", text)
        pinyin = _PINYIN_SEPARATORS.sub("", text).lower()
        if _DIGITS.fullmatch(phone):
            if len(phone) >= PHONE_DIGITS_MIN:
                match, key = ResidentMatch.phone, phone
        elif _LETTERS.fullmatch(pinyin):
            match, key = ResidentMatch.pinyin, pinyin
        else:
            match, key = ResidentMatch.name, "".join(terms)
    return Query(text=text, terms=terms, resident_match=match, resident_key=key)


def escape_like(value: str) -> str:
    """`value` with LIKE's wildcards and the escape character itself made literal."""
    return (
        value.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def contains_pattern(value: str) -> str:
    return f"%{escape_like(value)}%"


def prefix_pattern(value: str) -> str:
    return f"{escape_like(value)}%"


def fts_string(term: str) -> str:
    """One FTS5 string: whatever it holds is matched as text, never as query syntax."""
    return '"' + term.replace('"', '""') + '"'


def fts_query(terms: tuple[str, ...]) -> str:
    """All of `terms` (FTS5 ANDs strings side by side)."""
    return " ".join(fts_string(term) for term in terms)


def prefix_upper_bound(prefix: str) -> str:
    """The least string greater than every string starting with `prefix` (ASCII keys), so that a
    prefix is a range an index can serve: `zxm` ≤ key < `zxn`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def could_be_pinyin(key: str) -> bool:
    """Whether lower-case letters may start a full pinyin and not only initials: every syllable
    of a name has a vowel, so `zxm` is initials only, `zh` and `zha` may be either. One letter
    is both, and the initials find it."""
    if len(key) < 2:
        return False
    return key in ("zh", "ch", "sh") or any(v in key for v in "aeiouv")


def find_spans(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where each term occurs in `text` (case-insensitive), for highlighting: (start, end)."""
    folded = text.lower()
    if len(folded) != len(text):  # a few letters change length in lower case: match exactly
        folded = text
    spans = []
    for term in terms:
        needle = term.lower() if folded is not text else term
        if not needle:
            continue
        start = folded.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + len(needle))
    return sorted(spans)
