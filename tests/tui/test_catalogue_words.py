"""Words of the catalogue a reader would stumble on (issue 17): English that keeps Chinese
punctuation, and a returning resident called 回访群众 (回访 is a follow-up call)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from tui.i18n import set_language, t

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = ROOT / "tui" / "locale" / "en" / "LC_MESSAGES" / "liaison.po"
FULL_WIDTH = "：、，。（）　"
# English texts that show Chinese data as the station writes it, punctuation and all; none yet.
QUOTES_CHINESE: set[str] = set()


def test_english_uses_english_punctuation() -> None:
    with ENGLISH.open("rb") as file:
        catalogue = read_po(file)
    wrong = {}
    for message in catalogue:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string
        texts = [strings] if isinstance(strings, str) else [s for s in strings or () if s]
        if key and key not in QUOTES_CHINESE:
            found = [text for text in texts if any(mark in text for mark in FULL_WIDTH)]
            if found:
                wrong[key] = found
    assert wrong == {}


def test_a_returning_resident_is_not_called_a_follow_up() -> None:
    set_language("zh")
    note = t("log.returning", name="王阿姨", village="东塘村", count=2)
    assert "回访" not in note and "再次来访" in note
    set_language("en")
    assert t("log.returning", name="王阿姨", village="东塘村", count=2).startswith(
        "Returning resident"
    )
