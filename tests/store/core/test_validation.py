"""Residents' data rules (docs/rules/data.md): phones, ID numbers, masking, control characters,
limits, and the visit form's per-field errors."""

from __future__ import annotations

from typing import Any

import pytest

from store.core.errors import FieldInvalid, FormInvalid
from store.core.models import Channel, VisitCreate, VisitKind
from store.core.validation import (
    NAME_MAX,
    TEXT_MAX,
    clean_id_number,
    clean_name,
    clean_phone,
    clean_text,
    is_valid_id_number,
    is_valid_phone,
    mask_id_number,
    mask_phone,
    normalise_phone,
    strip_controls,
    summarise,
)
from store.desk.forms import validate_form

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


# ---------------------------------------------------------------------------------------------
# Phones


@pytest.mark.parametrize(
    "phone",
    [
        "13812341234",
        "19999999999",
        "15000000000",
        "0571-87654321",
        "057187654321",
        "010-12345678",
        "021-1234567",
        "0571-1234567",
    ],
)
def test_valid_phones(phone: str) -> None:
    assert is_valid_phone(phone)
    assert clean_phone(phone) == phone


@pytest.mark.parametrize(
    "phone",
    [
        pytest.param("12812341234", id="second-digit-2"),
        pytest.param("10812341234", id="second-digit-0"),
        pytest.param("1381234123", id="ten-digits"),
        pytest.param("138123412345", id="twelve-digits"),
        pytest.param("23812341234", id="not-1"),
        pytest.param("13812341234".translate(FULL_WIDTH), id="full-width"),
        pytest.param("13812341234".translate(ARABIC_INDIC), id="arabic-indic"),
        pytest.param("13812341234".translate(DEVANAGARI), id="devanagari"),
        pytest.param("1381234123４", id="one-full-width-digit"),
        pytest.param("13812341234\n", id="trailing-newline"),
        pytest.param("138-1234-1234", id="dashed-mobile"),
        pytest.param("0571-123456", id="landline-too-short"),
        pytest.param("0571-123456789", id="landline-too-long"),
        pytest.param("571-87654321", id="landline-no-0"),
        pytest.param("0571--87654321", id="double-dash"),
        pytest.param("1381234123a", id="letter"),
        pytest.param("", id="empty"),
    ],
)
def test_invalid_phones(phone: str) -> None:
    assert not is_valid_phone(phone)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 1234 1234", "13812341234"),
        ("+86 138 1234 1234", "13812341234"),
        ("+8613812341234", "13812341234"),
        ("  13812341234  ", "13812341234"),
        ("0571 8765 4321", "057187654321"),
    ],
)
def test_clean_phone_ignores_spaces_and_country_code(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored
    assert clean_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("", "field.required"),
        ("   ", "field.required"),
        ("12345", "field.phone"),
        ("13812341234".translate(FULL_WIDTH), "field.phone"),
        ("13812341234".translate(ARABIC_INDIC), "field.phone"),
        ("+8513812341234", "field.phone"),
    ],
)
def test_clean_phone_refuses_with_a_key(typed: str, key: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        clean_phone(typed)
    assert caught.value.key == key
    assert caught.value.field == "phone"


def test_phone_errors_carry_no_phone_number() -> None:
    with pytest.raises(FieldInvalid) as caught:
        clean_phone("12812349876")
    assert "12812349876" not in str(caught.value)
    assert "12812349876" not in repr(caught.value.params)


# ---------------------------------------------------------------------------------------------
# ID numbers: the check character is computed here from ISO 7064 MOD 11-2, independently of
# the table the store uses.


def _mod_11_2(first17: str) -> str:
    """ISO 7064 MOD 11-2: weights 2**(17 - i) mod 11, check = (12 - sum mod 11) mod 11."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def _valid_id(first17: str) -> str:
    return first17 + _mod_11_2(first17)


def _prefix_with_x(start: str) -> str:
    """The first 17-digit prefix from `start` upwards whose check character is X."""
    number = int(start)
    while _mod_11_2(str(number)) != "X":
        number += 1
    return str(number)


def _wrong(number: str) -> str:
    check = _mod_11_2(number[:17])
    other = next(c for c in "0123456789X" if c != check)
    return number[:17] + other


def test_mod_11_2_agrees_with_the_published_weights() -> None:
    assert [2 ** (17 - i) % 11 for i in range(17)] == [
        7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
    ]  # fmt: skip
    # The published check table '10X98765432', indexed by the weighted sum mod 11.
    for remainder, check in enumerate("10X98765432"):
        value = (12 - remainder) % 11
        assert check == ("X" if value == 10 else str(value))
    # A textbook example: 11010519491231002X.
    assert _mod_11_2("11010519491231002") == "X"


VALID_IDS = [
    pytest.param(_valid_id("33052219900101123"), id="zhejiang"),
    pytest.param(_valid_id("11010519491231002"), id="beijing-x"),
    pytest.param(_valid_id(_prefix_with_x("33052219850615000")), id="x-check"),
    pytest.param(_valid_id("91330522199001015"), id="starts-with-9"),
    pytest.param(_valid_id(_prefix_with_x("93052219900101000")), id="starts-with-9-x"),
    pytest.param(_valid_id("00000000000000000"), id="all-zero"),
]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_id_numbers(number: str) -> None:
    assert len(number) == 18
    assert is_valid_id_number(number)
    assert clean_id_number(number) == number


def test_x_cases_really_end_in_x() -> None:
    assert _valid_id(_prefix_with_x("33052219850615000")).endswith("X")
    assert _valid_id(_prefix_with_x("93052219900101000")).startswith("9")


def test_lower_case_x_is_accepted_and_stored_upper() -> None:
    number = _valid_id(_prefix_with_x("33052219850615000"))
    assert is_valid_id_number(number.lower())
    assert clean_id_number(number.lower()) == number


@pytest.mark.parametrize(
    "number",
    [
        pytest.param(_wrong(_valid_id("33052219900101123")), id="bad-check"),
        pytest.param(_wrong(_valid_id("91330522199001015")), id="starts-with-9-bad-check"),
        pytest.param(_wrong(_valid_id(_prefix_with_x("33052219850615000"))), id="x-expected"),
        pytest.param(_valid_id("33052219900101123")[:17], id="seventeen"),
        pytest.param(_valid_id("33052219900101123") + "0", id="nineteen"),
        pytest.param("3305221990010", id="thirteen"),
        pytest.param("33052219900101123X"[:16] + "X" + "1", id="x-inside"),
        pytest.param(_valid_id("33052219900101123").translate(FULL_WIDTH), id="full-width"),
        pytest.param(_valid_id("33052219900101123").translate(ARABIC_INDIC), id="arabic-indic"),
        pytest.param(_valid_id("33052219900101123") + "\n", id="trailing-newline"),
        pytest.param("33052290010112".translate(FULL_WIDTH) + "3", id="legacy-full-width"),
        pytest.param("", id="empty"),
    ],
)
def test_invalid_id_numbers(number: str) -> None:
    assert not is_valid_id_number(number)


@pytest.mark.parametrize("number", ["330522900101123", "110105491231002"])
def test_legacy_15_digit_numbers_need_no_checksum(number: str) -> None:
    assert is_valid_id_number(number)
    assert clean_id_number(number) == number


def test_clean_id_number_refuses_with_a_key() -> None:
    with pytest.raises(FieldInvalid) as caught:
        clean_id_number(_wrong(_valid_id("33052219900101123")))
    assert caught.value.key == "field.id_number"


# ---------------------------------------------------------------------------------------------
# Masking


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812341234", "138****1234"),
        ("19900001111", "199****1111"),
        ("0571-87654321", "0571-****4321"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("phone", ["057187654321", "010-12345678", "021-1234567"])
def test_masked_landlines_hide_the_middle(phone: str) -> None:
    masked = mask_phone(phone)
    assert len(masked) == len(phone)
    assert masked.endswith(phone[-4:])
    assert masked[:3] == phone[:3]
    assert "*" in masked
    # The subscriber number is not readable from the mask.
    assert phone[-8:] not in masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("330522199001011234", "330522********1234"),
        ("33052219850615123X", "330522********123X"),
        ("330522900101123", "330522*****1123"),
    ],
)
def test_mask_id_number(number: str, masked: str) -> None:
    assert mask_id_number(number) == masked


# ---------------------------------------------------------------------------------------------
# Control characters and limits


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        pytest.param("a\x1b[31mb", "a[31mb", id="esc"),
        pytest.param("a\x00b", "ab", id="nul"),
        pytest.param("a\x07b", "ab", id="bel"),
        pytest.param("a\x08b", "ab", id="backspace"),
        pytest.param("a\x7fb", "ab", id="del"),
        pytest.param("a\x85b", "ab", id="c1-nel"),
        pytest.param("a\x9b31mb", "a31mb", id="c1-csi"),
        pytest.param("a\x9d0;title\x9cb", "a0;titleb", id="c1-osc"),
        pytest.param("line 1\nline 2", "line 1\nline 2", id="newline"),
        pytest.param("a\tb", "a\tb", id="tab"),
        pytest.param("a\r\nb", "a\nb", id="crlf"),
        pytest.param("路灯坏了😀👨‍👩‍👧", "路灯坏了😀👨‍👩‍👧", id="emoji"),
        pytest.param("𠀀𪚥", "𠀀𪚥", id="cjk-ext-b"),
        pytest.param("[bold red]x[/]", "[bold red]x[/]", id="rich-markup"),
        pytest.param("全角　空格", "全角　空格", id="ideographic-space"),
    ],
)
def test_strip_controls(typed: str, kept: str) -> None:
    assert strip_controls(typed) == kept


def test_strip_controls_removes_every_c0_and_c1_but_newline_and_tab() -> None:
    controls = "".join(chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)])
    # Tab and newline stay; a lone carriage return becomes a newline.
    assert strip_controls(f"<{controls}>") == "<\t\n\n>"


@pytest.mark.parametrize("length", [1, TEXT_MAX])
def test_text_up_to_the_limit_is_kept(length: int) -> None:
    text = ("民" * length)[:length]
    assert clean_text(text) == text


def test_text_over_the_limit_is_refused() -> None:
    with pytest.raises(FieldInvalid) as caught:
        clean_text("民" * (TEXT_MAX + 1))
    assert caught.value.key == "field.too_long"
    assert caught.value.params["limit"] == 10_000


def test_text_limit_counts_characters_not_bytes() -> None:
    text = "𠀀" * TEXT_MAX
    assert clean_text(text) == text


def test_text_limit_is_applied_after_stripping_controls() -> None:
    text = "民" * TEXT_MAX + "\x00" * 10
    assert clean_text(text) == "民" * TEXT_MAX


@pytest.mark.parametrize("typed", ["", "   ", "\n\t\n", "\x1b\x00"])
def test_empty_text_is_required(typed: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        clean_text(typed)
    assert caught.value.key == "field.required"


def test_limits_are_the_specs() -> None:
    assert TEXT_MAX == 10_000
    assert NAME_MAX == 50


def test_names_up_to_fifty_characters() -> None:
    assert clean_name("欧" * 50) == "欧" * 50
    with pytest.raises(FieldInvalid) as caught:
        clean_name("欧" * 51)
    assert caught.value.key == "field.too_long"


def test_names_collapse_whitespace_and_lose_controls() -> None:
    assert clean_name("  王\x1b 阿姨\n ") == "王 阿姨"
    with pytest.raises(FieldInvalid) as caught:
        clean_name(" \x07 ")
    assert caught.value.key == "field.required"


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("路灯坏了\n第二行", "路灯坏了"),
        ("\n\n  第一行  \n", "第一行"),
        ("a\tb", "a b"),
        ("民" * 60, "民" * 60),
        ("民" * 61, "民" * 59 + "…"),
    ],
)
def test_summarise(text: str, summary: str) -> None:
    assert summarise(text) == summary


# ---------------------------------------------------------------------------------------------
# The visit form: per-field catalogue keys


def _form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "phone": "138 1234 1234",
        "name": "王阿姨",
        "village_id": "v-1",
        "channel": "walk_in",
        "kind": "request",
        "category_id": "c-1",
        "text": "路灯坏了",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not ...}


def test_a_valid_form_is_cleaned() -> None:
    visit = validate_form(VisitCreate, _form(text="  路灯\x1b坏了\n", name=" 王 阿姨 "))
    assert visit.phone == "13812341234"
    assert visit.name == "王 阿姨"
    assert visit.text == "路灯坏了"
    assert visit.channel == Channel.walk_in
    assert visit.kind == VisitKind.request


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"phone": ...}, {"phone": "field.required"}),
        ({"phone": ""}, {"phone": "field.required"}),
        ({"phone": "12345"}, {"phone": "field.phone"}),
        ({"phone": "１３８１２３４１２３４"}, {"phone": "field.phone"}),
        ({"name": ""}, {"name": "field.required"}),
        ({"name": "欧" * 51}, {"name": "field.too_long"}),
        ({"text": ""}, {"text": "field.required"}),
        ({"text": "民" * 10_001}, {"text": "field.too_long"}),
        ({"village_id": ""}, {"village_id": "field.required"}),
        ({"village_id": ...}, {"village_id": "field.required"}),
        ({"category_id": ""}, {"category_id": "field.required"}),
        ({"channel": "carrier_pigeon"}, {"channel": "field.choice"}),
        ({"kind": "rant"}, {"kind": "field.choice"}),
        (
            {"phone": "1", "name": "", "text": "", "channel": "x"},
            {
                "phone": "field.phone",
                "name": "field.required",
                "text": "field.required",
                "channel": "field.choice",
            },
        ),
    ],
)
def test_form_errors_are_per_field(overrides: dict[str, Any], errors: dict[str, str]) -> None:
    with pytest.raises(FormInvalid) as caught:
        validate_form(VisitCreate, _form(**overrides))
    assert caught.value.errors == errors


def test_form_errors_carry_no_residents_data() -> None:
    with pytest.raises(FormInvalid) as caught:
        validate_form(VisitCreate, _form(phone="12898765432", name="欧" * 51))
    shown = f"{caught.value!s} {caught.value!r} {caught.value.errors!r} {caught.value.params!r}"
    assert "12898765432" not in shown
    assert "欧欧" not in shown
