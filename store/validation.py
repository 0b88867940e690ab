"""Pure rules for residents' data (spec §8): phones, ID numbers, text intake, masking."""

from __future__ import annotations

import re
import unicodedata

from store.errors import FieldInvalid

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


def strip_controls(value: str) -> str:
    """Remove control characters other than newline and tab (escape sequences, NUL, bells).

    Also drops lone surrogates, which cannot be stored as UTF-8."""
    out = []
    for ch in value.replace("\r\n", "\n").replace("\r", "\n"):
        if ch in "\n\t":
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat == "Cc" or cat == "Cs":
            continue
        out.append(ch)
    return "".join(out)


def clean_text(value: str, *, field: str = "text", limit: int = TEXT_MAX) -> str:
    """A resident's words as kept: controls removed, surrounding blank lines trimmed."""
    text = strip_controls(value).strip()
    if not text:
        raise FieldInvalid("field.required", field)
    if len(text) > limit:
        raise FieldInvalid("field.too_long", field, limit=limit)
    return text


def clean_name(value: str, *, field: str = "name") -> str:
    name = " ".join(strip_controls(value).split())
    if not name:
        raise FieldInvalid("field.required", field)
    if len(name) > NAME_MAX:
        raise FieldInvalid("field.too_long", field, limit=NAME_MAX)
    return name


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


def summarise(text: str, limit: int = SUMMARY_MAX) -> str:
    """The first non-empty line, cut to `limit` characters with an ellipsis."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = line.replace("\t", " ")
    return line if len(line) <= limit else line[: limit - 1] + "…"
