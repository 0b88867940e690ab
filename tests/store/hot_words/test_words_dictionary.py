"""The station's segmenter (jieba's dictionary, shipped with the store, in an empty rjieba
segmenter) cuts texts exactly as rjieba's own instance does: the same words are stored for a
visit whichever built them, so hot words compare like with like across upgrades."""

from __future__ import annotations

import gzip

from word_helpers import demo_phrases

from store.hot_words import words


def test_the_shipped_dictionary_cuts_as_rjiebas_own() -> None:
    import rjieba

    own = rjieba.Jieba()  # the dictionary built into the extension
    for term in words.DOMAIN_TERMS:
        own.add_word(term, None, None)
    ours = words._segmenter()
    corpus = demo_phrases()
    assert len(corpus) > 1_000
    corpus.append("新就业群体权益保障，外卖骑手和快递小哥没地方歇脚；APP上5G信号不好。")
    assert [ours.cut(text) for text in corpus] == [own.cut(text) for text in corpus]


def test_the_shipped_dictionary_is_jiebas_whole() -> None:
    import rjieba

    own = rjieba.Jieba()
    with gzip.open(words.DICTIONARY, "rt", encoding="utf-8") as lines:
        entries = [line.split() for line in lines]
    assert len(entries) == 349_045
    assert all(len(e) == 2 and e[1].isdigit() for e in entries)
    assert all(own.has_word(word) for word, _ in entries[::97])
