"""Phone and ID numbers inside residents' words (docs/rules/data.md): `mask_numbers` masks them as
the fields are masked, and leaves every other number as typed."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.core.validation import mask_id_number, mask_numbers, mask_phone

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        # Mobiles, alone, in words, at either end, twice.
        ("13957001234", "139****1234"),
        ("我的电话13957001234，请回电", "我的电话139****1234，请回电"),
        ("电话:13957001234", "电话:139****1234"),
        ("13957001234是我女儿的", "139****1234是我女儿的"),
        ("打13812341234或15900001111", "打138****1234或159****1111"),
        # With the country code (kept: it says nothing of whose) and in 3-4-4 groups.
        ("+8613957001234", "+86139****1234"),
        ("+86 139 5700 1234", "+86 139 **** 1234"),
        ("008613957001234", "008613*****1234"),  # 15 digits: masked as a legacy ID would be
        ("139 5700 1234", "139 **** 1234"),
        ("139-5700-1234", "139-****-1234"),
        # Landlines, with and without the hyphen: the area code and last four stay.
        ("0571-88001234", "0571-****1234"),
        ("010-1234567", "010-***4567"),
        ("057188001234", "057*****1234"),
        ("座机0571-88001234转分机", "座机0571-****1234转分机"),
        # ID numbers: 18 digits, X either case, the checksum not asked; 15-digit legacy ones.
        ("身份证33052219900101123X", "身份证330522********123X"),
        ("11010519491231002x号", "110105********002x号"),
        ("330522199001011234", "330522********1234"),
        ("330522900101123", "330522*****1123"),
        ("证号 11010519491231002X 请核对", "证号 110105********002X 请核对"),
        # Cut short by an ellipsis (a title, a summary, an excerpt): the digits left masked.
        ("请联系1395700…", "请联系139****…"),
        ("…7001234再联系", "…***1234再联系"),
        ("…5700123…", "…*******…"),
        ("身份证3305221990…", "身份证330*******…"),
    ],
)
def test_numbers_are_masked(typed: str, shown: str) -> None:
    assert mask_numbers(typed) == shown
    assert len(shown) == len(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "村口的路灯坏了三个月了，晚上孩子上学很不安全。",
        "2026-11-24 上午10:00 来的",
        "2026年11月24日",
        "20261124",
        "物业收了300元，又收了12000元没修",
        "3幢201室门口的下水道",
        "G60高速 5G 信号",
        "1234",
        "共计1395人",
        # Not inside a longer run of digits (an order or bank-card number is not a phone).
        "号码12313812341234",
        "订单13957001234567890123",
        "卡号6222021234567890123",
        # A phone's length but not a phone's first digits.
        "12957001234",
        "23957001234",
        # Four digits cut by an ellipsis (a year) are left alone.
        "到2026…",
        # Other scripts' digits are not what residents' numbers are written in.
        "13957001234".translate(ARABIC_INDIC),
        # Already masked: nothing left to do.
        "139****1234 330522********123X",
        "",
    ],
)
def test_other_text_is_untouched(typed: str) -> None:
    assert mask_numbers(typed) == typed


def test_full_width_digits_from_an_ime_are_masked_too() -> None:
    typed = "电话13957001234，身份证33052219900101123X，座机0571-88001234".translate(FULL_WIDTH)
    shown = mask_numbers(typed)
    assert shown == (
        "电话１３９****１２３４，身份证３３０５２２********１２３Ｘ，座机０５７１-****１２３４"
    )
    assert "１３９５７００" not in shown and "１９９００１０１" not in shown


def test_full_width_hyphen_and_mixed_widths() -> None:
    assert mask_numbers("０５７１－８８００１２３４") == "０５７１－****１２３４"
    assert mask_numbers("139５７００1234") == "139****1234"


def test_the_same_masks_as_the_fields() -> None:
    for phone in ("13957001234", "0571-88001234", "057188001234", "010-1234567"):
        assert mask_numbers(phone) == mask_phone(phone)
    for number in ("33052219900101123X", "330522199001011234", "330522900101123"):
        assert mask_numbers(number) == mask_id_number(number)


def test_replacements_for_slips() -> None:
    text = "电话13957001234，身份证33052219900101123X"
    assert mask_numbers(text, id_as="〔略〕") == "电话139****1234，身份证〔略〕"
    assert mask_numbers(text, id_as="〔略〕", phone_as="〔电话〕") == "电话〔电话〕，身份证〔略〕"


ALPHABET = st.sampled_from("0123456789０１２３４５６７８９Xx+-－ …路灯元号a")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_masking_keeps_length_and_is_idempotent(text: str) -> None:
    shown = mask_numbers(text)
    assert len(shown) == len(text)
    assert mask_numbers(shown) == shown
    # Only digits (of either width) become stars: words, separators and X stay where they were.
    for before, after in zip(text, shown, strict=True):
        assert after == before or (after == "*" and before in "0123456789０１２３４５６７８９")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Nd")), max_size=200))
def test_text_without_digits_is_returned_as_is(text: str) -> None:
    assert mask_numbers(text) is text


def test_masking_a_summary_costs_microseconds() -> None:
    # Painting a page runs it on every row: a few microseconds a summary (a loose bound here,
    # 25x what this machine measures, so a busy CI does not fail it).
    summaries = [
        "村口的路灯坏了三个月了，晚上孩子上学很不安全，希望尽快修好。",
        "3幢201室门口的下水道2026-11-24起堵了，物业收了300元没修",
        "我的电话13957001234，身份证33052219900101123X，请回电",
    ] * 100
    start = time.perf_counter()
    for text in summaries:
        mask_numbers(text)
    per_row = (time.perf_counter() - start) / len(summaries)
    assert per_row < 250e-6
