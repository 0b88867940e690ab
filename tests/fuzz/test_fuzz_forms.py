"""Form validators fed hostile text (issue 7, part 6; docs/rules/data.md): each value is either
accepted, and then holds no control character but newline and tab, or refused with a catalogue key.
Never another exception."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fuzz_strategies import any_text, fuzz_settings, has_controls, hostile_text, in_catalogue
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from store.core.errors import FieldInvalid
from store.core.models import (
    Channel,
    EvaluationCreate,
    IssueStatus,
    ProgressCreate,
    Resolution,
    Satisfaction,
    VisitCreate,
    VisitKind,
)
from store.core.validation import (
    NAME_MAX,
    TEXT_MAX,
    clean_id_number,
    clean_name,
    clean_phone,
    clean_text,
    mask_id_number,
    mask_phone,
    strip_controls,
)
from store.desk.forms import field_errors

# docs/rules/data.md: a mobile, or a landline with its area code; ASCII digits only.
PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")

phones = st.one_of(
    hostile_text,
    st.from_regex(PHONE, fullmatch=True),
    # A valid number dressed up: spaces, +86, a trailing newline, other scripts' digits.
    st.tuples(
        st.sampled_from(["", "+86", " ", "\x1b[31m", "＋86"]),
        st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
        st.sampled_from(["", "\n", " ", "\x00", "\u3000"]),
    ).map("".join),
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True).map(
        lambda p: p.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    ),
)


def _refused_with_key(call: Callable[[], Any]) -> Any:
    """The value `call` returns, or None when it raises FieldInvalid with a catalogue key."""
    try:
        return call()
    except FieldInvalid as exc:
        assert in_catalogue(exc.key), exc.key
        return None


@fuzz_settings()
@given(value=phones)
@example(value="１３８１２３４１２３４")
@example(value="١٣٨١٢٣٤١٢٣٤")
@example(value="13812341234\n")
def test_clean_phone_accepts_only_the_spec_forms(value: str) -> None:
    phone = _refused_with_key(lambda: clean_phone(value))
    if phone is not None:
        assert PHONE.fullmatch(phone), phone
        masked = mask_phone(phone)
        assert len(masked) == len(phone) and masked[-4:] == phone[-4:]
        assert "*" in masked


@fuzz_settings()
@given(value=st.one_of(any_text, st.from_regex(r"[0-9]{17}[0-9Xx]", fullmatch=True)))
@example(value="１１０１０５１９４９１２３１００２Ｘ")
def test_clean_id_number_accepts_only_ascii_numbers(value: str) -> None:
    number = _refused_with_key(lambda: clean_id_number(value))
    if number is not None:
        assert re.fullmatch(r"[0-9]{17}[0-9X]|[0-9]{15}", number), number
        masked = mask_id_number(number)
        assert len(masked) == len(number) and masked[:6] == number[:6]


@fuzz_settings()
@given(value=any_text)
def test_clean_name_and_text_keep_no_controls(value: str) -> None:
    name = _refused_with_key(lambda: clean_name(value))
    if name is not None:
        assert 0 < len(name) <= NAME_MAX
        assert not has_controls(name) and "\n" not in name and "\t" not in name
        # What is kept is what was typed, whitespace folded.
        assert name == " ".join(strip_controls(value).split())
    text = _refused_with_key(lambda: clean_text(value))
    if text is not None:
        assert 0 < len(text) <= TEXT_MAX and not has_controls(text)
        assert text == strip_controls(value).strip()
        text.encode("utf-8")  # storable: no lone surrogate survives


def _form_keys(exc: ValidationError) -> dict[str, str]:
    keys = field_errors(exc)
    assert all(in_catalogue(k) for k in keys.values()), keys
    return keys


@fuzz_settings(0.5)
@given(phone=phones, name=any_text, text=any_text)
@example(phone="13812341234", name="\x1b[31m王阿姨\x1b[0m", text="[bold]路灯[/]\x00\ud800\n")
def test_visit_form_validates_or_names_a_key(phone: str, name: str, text: str) -> None:
    try:
        form = VisitCreate(
            phone=phone,
            name=name,
            village_id="v",
            category_id="c",
            channel=Channel.walk_in,
            kind=VisitKind.request,
            text=text,
        )
    except ValidationError as exc:
        assert set(_form_keys(exc)) <= {"phone", "name", "text"}
        return
    assert PHONE.fullmatch(form.phone)
    for value in (form.name, form.text):
        assert value and not has_controls(value)
    assert len(form.text) <= TEXT_MAX and len(form.name) <= NAME_MAX


@pytest.mark.parametrize("model", ["progress", "evaluation"])
@fuzz_settings(0.5)
@given(note=any_text)
def test_notes_are_kept_without_controls(model: str, note: str) -> None:
    try:
        if model == "progress":
            kept = ProgressCreate(status=IssueStatus.handling, note=note).note
        else:
            kept = EvaluationCreate(
                resolution=Resolution.resolved, satisfaction=Satisfaction.satisfied, note=note
            ).note
    except ValidationError as exc:  # pragma: no cover - a note is optional and cut, not refused
        _form_keys(exc)
        return
    assert len(kept) <= TEXT_MAX and not has_controls(kept)
    assert kept == strip_controls(note).strip()[:TEXT_MAX]
