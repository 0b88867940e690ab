"""Pure rules for residents' data (docs/rules/data.md): phones, ID numbers, text intake, masking."""

from __future__ import annotations

import re

from store.core.errors import FieldInvalid

TEXT_MAX = 10_000
NAME_MAX = 50
SUMMARY_MAX = 60

# Whole-string matches of ASCII digits only: `\d` would accept other scripts' digits, and `$`
# would accept a trailing newline.
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")
_ID18 = re.compile(r"[0-9]{17}[0-9Xx]")
_ID15 = re.compile(r"[0-9]{15}")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


# Unicode's control characters (category Cc: C0, DEL, C1) but newline and tab, and the
# surrogates (Cs), which cannot be stored as UTF-8. One pass of the regex engine instead of a
# category lookup per character: a ledger import cleans every cell of every row.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def strip_controls(value: str) -> str:
    """Remove control characters other than newline and tab (escape sequences, NUL, bells).

    Also drops lone surrogates, which cannot be stored as UTF-8."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", value)


def clean_text(value: str, *, field: str = "text", limit: int = TEXT_MAX) -> str:
    """A resident's words as kept: controls removed, surrounding blank lines trimmed."""
    text = strip_controls(value).strip()
    if not text:
        raise FieldInvalid("field.required", field)
    if len(text) > limit:
        raise FieldInvalid("field.too_long", field, limit=limit)
    return text


def clean_name(value: str, *, field: str = "name") -> str:
    """A name as kept: as a title is (one line, controls removed), at most NAME_MAX long."""
    return clean_title(value, field=field, limit=NAME_MAX)


# An issue's title is one line of at most this many characters: what triage makes of the first
# visit's words (store.desk.triage.TITLE_MAX) and what the ledger keeps (store.ledger.plan).
ISSUE_TITLE_MAX = 30


def clean_title(value: str, *, field: str = "title", limit: int = ISSUE_TITLE_MAX) -> str:
    """A title as kept: controls removed, on one line, spaces collapsed; required."""
    title = " ".join(strip_controls(value).split())
    if not title:
        raise FieldInvalid("field.required", field)
    if len(title) > limit:
        raise FieldInvalid("field.too_long", field, limit=limit)
    return title


def normalise_phone(value: str) -> str:
    """Spaces and a +86 prefix removed; the digits as the resident gave them."""
    phone = "".join(value.split())
    if phone.startswith("+86"):
        phone = phone[3:]
    return phone


def is_valid_phone(phone: str) -> bool:
    return bool(_MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone))


def clean_phone(value: str, *, field: str = "phone") -> str:
    phone = normalise_phone(value)
    if not phone:
        raise FieldInvalid("field.required", field)
    if not is_valid_phone(phone):
        raise FieldInvalid("field.phone", field)
    return phone


def is_valid_id_number(value: str) -> bool:
    """18 digits with a valid checksum (any first digit), or a legacy 15-digit number."""
    if _ID15.fullmatch(value):
        return True
    if not _ID18.fullmatch(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17].upper()


def clean_id_number(value: str, *, field: str = "id_number") -> str:
    number = value.strip().upper()
    if not is_valid_id_number(number):
        raise FieldInvalid("field.id_number", field)
    return number


def mask_phone(phone: str) -> str:
    """`13812341234` → `138****1234`; landlines keep the area code and last four digits."""
    if len(phone) <= 4:
        return "*" * len(phone)
    if _MOBILE.fullmatch(phone):
        return phone[:3] + "****" + phone[-4:]
    head, sep, _ = phone.partition("-")
    if sep:
        return head + "-" + "*" * (len(phone) - len(head) - 5) + phone[-4:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id_number(number: str) -> str:
    """`330522199001011234` → `330522********1234`."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_name(name: str) -> str:
    """`王秀英` → `王**`, `李明` → `李*`: the surname kept, each other character a `*` (a
    one-character name is all `*`). For the records whose names are masked unless revealed
    (a legislative opinion's giver, store.legislation; an observer who did not agree to be
    named in a report, store.observers)."""
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


# Numbers inside residents' words (mask_numbers). Digits are ASCII or full-width (０-９, what a
# Chinese IME types in full-width mode): a phone typed either way is still a phone. Never `\d`,
# which also takes Arabic-Indic, Devanagari... digits that no resident's number is written in.
_D = "[0-9\uff10-\uff19]"
_NUMBER_IN_TEXT = re.compile(
    # Not inside a longer run of digits: an order or bank-card number is not a phone.
    f"(?<!{_D})(?:"
    # ID numbers: 18 digits, the last of which may be X, or 15 (before 1999).
    f"(?P<id>{_D}{{17}}[0-9Xx\uff10-\uff19\uff38\uff58]|{_D}{{15}})"
    # Mobiles, with the country code kept in clear, and in the 3-4-4 groups residents write
    # (one separator, the same twice: 139 5700 1234, 139-5700-1234).
    rf"|(?P<cc>(?:\+|\uff0b|00)?[8\uff18][6\uff16][ \-\uff0d]?)?"
    rf"(?P<mobile>[1\uff11][3-9\uff13-\uff19]{_D}(?P<sep>[ \-\uff0d]?){_D}{{4}}(?P=sep){_D}{{4}})"
    # Landlines: area code, an optional hyphen, seven or eight digits.
    rf"|(?P<landline>[0\uff10]{_D}{{2,3}}[\-\uff0d]?{_D}{{7,8}})"
    # A run of five or more digits cut by an ellipsis (a title, a summary, an excerpt): it no
    # longer looks like a phone, yet its digits, joined to the masked number shown elsewhere,
    # would give the whole of it back.
    f"|(?P<cut>(?<=…){_D}{{5,}}|{_D}{{5,}}(?=…))"
    f")(?!{_D})"
)
# Where a number can start: a digit or the + of +86, four more digits or separators after it.
# Short runs (a house number, an amount) are passed over without trying the rest; a plain
# character class first lets the scan skip the words between at C speed.
_NUMBER_START = re.compile("[+\uff0b0-9\uff10-\uff19][0-9\uff10-\uff19 \\-\uff0d]{4}")
_DIGITS = re.compile(f"{_D}+")
_SEPARATOR = re.compile("[ \\-\uff0d]")
_MASK = "*"


def _star(number: str, head: int, tail: int) -> str:
    """Every digit of `number` but the first `head` and last `tail` as one `*` each; the
    separators stay, so the masked number is as long as the number."""
    n = len(number)
    if _SEPARATOR.search(number) is None:  # the usual case: digits only
        if n <= head + tail:
            return _MASK * n
        return number[:head] + _MASK * (n - head - tail) + number[n - tail :]
    digits = [i for i, ch in enumerate(number) if _SEPARATOR.fullmatch(ch) is None]
    hidden = set(digits[head : len(digits) - tail]) if len(digits) > head + tail else set(digits)
    return "".join(_MASK if i in hidden else ch for i, ch in enumerate(number))


def _mask_match(m: re.Match[str], id_as: str | None, phone_as: str | None) -> str:
    kind = m.lastgroup
    if kind == "id":
        return id_as if id_as is not None else _star(m.group(), 6, 4)
    if phone_as is not None:
        return phone_as
    if kind == "mobile":
        return (m.group("cc") or "") + _star(m.group("mobile"), 3, 4)
    if kind == "landline":
        landline = m.group()
        area = _SEPARATOR.search(landline)
        return _star(landline, area.start() if area else 3, 4)
    # A cut run: what the ellipsis left of a number's head keeps its first three digits, of
    # its tail its last four (as the whole number's mask would); cut on both sides, none.
    cut = m.group()
    before = m.string[m.start() - 1 : m.start()] == "…"
    after = m.string[m.end() : m.end() + 1] == "…"
    if before and after:
        return _MASK * len(cut)
    return _star(cut, 0, 4) if before else _star(cut, 3, 0)


def mask_numbers(text: str, *, id_as: str | None = None, phone_as: str | None = None) -> str:
    """A resident's words with the phone and ID numbers in them masked as the fields are
    (`138****1234`, `0571-****1234`, `330522********1234`), for the screen and exports.

    Masked: mobiles `1[3-9]` + 9 digits (also +86/0086/86 before them, kept in clear, and
    written 3-4-4 with one space or hyphen), landlines `0` + 2-3 digits, an optional hyphen,
    7-8 digits; 18-digit ID numbers (last X or x; checksum not asked: a mistyped one is still
    personal) and 15-digit ones; a run of 5+ digits that an ellipsis `…` cuts (its head keeps
    three digits, its tail four). None of these inside a longer run of digits. Digits are
    ASCII or full-width (０-９); a masked character becomes one `*`, so the result is exactly
    as long as `text` and a position in one is the same position in the other (search
    highlights rely on it). Dates, amounts, house numbers and short codes are left alone.

    Args:
        text: the words as stored.
        id_as: what an ID number becomes instead of its mask (a slip leaves it out).
        phone_as: what a phone or cut number becomes instead of its mask.
    Returns:
        The words as shown.
    """
    # One pass, jumping from digit run to digit run: `_NUMBER_IN_TEXT.sub` would try its
    # alternatives at every character of the words, ten times slower on long text.
    out: list[str] = []
    done = pos = 0
    while (found := _NUMBER_START.search(text, pos)) is not None:
        start = found.start()
        m = _NUMBER_IN_TEXT.match(text, start)
        if m is None:
            # No number starts inside this run of digits (it follows a digit); after a `+`,
            # one may start at the next character.
            if text[start] in "+\uff0b":
                pos = start + 1
            else:
                digits = _DIGITS.match(text, start)
                assert digits is not None  # the run of digits _NUMBER_START stopped at
                pos = digits.end()
            continue
        out.append(text[done:start])
        out.append(_mask_match(m, id_as, phone_as))
        done = pos = m.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def summarise(text: str, limit: int = SUMMARY_MAX) -> str:
    """The first non-empty line, cut to `limit` characters with an ellipsis."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = line.replace("\t", " ")
    return line if len(line) <= limit else line[: limit - 1] + "…"
