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
    assert all(len(e) == 3 and e[1].isdigit() and e[2].isalpha() for e in entries)
    assert all(own.has_word(word) for word, _, _ in entries[::97])


def test_the_shipped_dictionary_tags_words_as_rjiebas_own() -> None:
    """The part-of-speech tags hot words choose their words by are jieba's (a station's terms
    and nouns aside): the station's segmenter tags each dictionary word as rjieba's own does."""
    import rjieba

    own = rjieba.Jieba()
    ours = words._segmenter()
    with gzip.open(words.DICTIONARY, "rt", encoding="utf-8") as lines:
        sample = [line.split()[0] for n, line in enumerate(lines) if n % 101 == 0]
    station = set(words.DOMAIN_TERMS) | words.STATION_NOUNS
    checked = 0
    for word in sample:
        theirs = own.tag(word, False)
        if len(theirs) != 1 or word in station:
            continue  # cut in two as a text (a rarer word than its parts)
        assert ours.tag(word, False) == theirs, word
        checked += 1
    assert checked > 3_000
    assert ours.tag("幼儿园", False) == [("幼儿园", words.STATION_TAG)]
    assert own.tag("幼儿园", False) == [("幼儿园", "nr")]
