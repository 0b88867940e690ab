"""Words extracted in another process while a ledger is imported (store.hot_words.words.
words_ahead): the same words as extracted here, and the import's path never builds the
segmenter when every text is known."""

from __future__ import annotations

import pytest

from store.hot_words import words
from store.hot_words.words import extract_many, words_ahead

TEXTS = [
    "村口的路灯坏了三天，晚上看不见路",
    "楼道里堆满杂物，还有人飞线充电",
    "Wi-Fi 信号差，APP 打不开",
    "",
]


def test_words_from_the_other_process_are_the_words_cut_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    here = words._extract(TEXTS)
    with words_ahead(TEXTS):
        assert words._ahead is not None
        known = words._ahead.words()
        assert known == dict(zip(TEXTS, here, strict=True))

        def no_segmenter() -> None:
            raise AssertionError("the segmenter was built here")

        monkeypatch.setattr(words, "_segmenter", no_segmenter)
        assert extract_many(TEXTS) == here
        monkeypatch.undo()
        # A text the other process was not given is cut here.
        assert extract_many([*TEXTS, "桥头的水管漏水"])[-1] == words._extract(["桥头的水管漏水"])[0]
    assert words._ahead is None
