"""Every domain term has a name in both languages: a member without an English name would stop
the English interface the moment a screen shows it. Its Chinese name is the store's own (the
ledger's value), so the catalogue and the store never disagree."""

from __future__ import annotations

import inspect
from enum import StrEnum

import pytest

import store.core.enums
from tui.i18n import ENUM_LABELS, catalogue, label, set_language

NAMED = [
    enum
    for _, enum in inspect.getmembers(store.core.enums, inspect.isclass)
    if issubclass(enum, StrEnum) and enum is not StrEnum and hasattr(enum, "zh")
]


@pytest.mark.parametrize("enum", NAMED, ids=lambda e: e.__name__)
def test_every_member_is_named_in_chinese_and_english(enum: type[StrEnum]) -> None:
    zh, en = catalogue("zh"), catalogue("en")
    try:
        for member in enum:
            key = ENUM_LABELS[enum][member.value].key
            assert zh[key] == (member.zh,), key  # type: ignore[attr-defined]
            assert en[key][0] and en[key] != zh[key], key
            set_language("zh")
            assert label(member) == member.zh  # type: ignore[attr-defined]
            set_language("en")
            assert label(member) == en[key][0]
    finally:
        set_language("zh")
