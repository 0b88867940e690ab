"""Every domain term has a name in both languages: a member without an English name would stop
the English interface the moment a screen shows it."""

from __future__ import annotations

import inspect
from enum import StrEnum

import pytest

import store.core.enums
from tui.i18n import ENUM_EN, label, set_language

NAMED = [
    enum
    for _, enum in inspect.getmembers(store.core.enums, inspect.isclass)
    if issubclass(enum, StrEnum) and enum is not StrEnum and hasattr(enum, "zh")
]


@pytest.mark.parametrize("enum", NAMED, ids=lambda e: e.__name__)
def test_every_member_is_named_in_chinese_and_english(enum: type[StrEnum]) -> None:
    try:
        for member in enum:
            set_language("zh")
            assert label(member)
            set_language("en")
            assert label(member) == ENUM_EN[(enum, member.value)]
    finally:
        set_language("zh")
