"""A draft's text cut into its articles (no database): Chinese numbers up to the hundreds, 之一
articles, chapter headings kept as headings, a table of contents skipped, a 第N条 inside an
article's paragraph left in it; a file in UTF-8 or GBK, refused when empty or binary."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.legislation.parse import (
    DraftEmpty,
    DraftFileMissing,
    DraftUnreadable,
    DraftWithoutArticles,
    chinese_number,
    parse_draft,
    read_draft_file,
)

DRAFT = """浙江省电动自行车管理条例（草案）
（征求意见稿）

目　录
第一章　总则
第二章　充电和停放
第三章　附则

第一章　总则
第一条　为了加强电动自行车管理，制定本条例。
第二条 本条例适用于本省行政区域。
　　法律、行政法规另有规定的，从其规定。
第二章　充电和停放
第十条　住宅小区应当配建集中充电设施。
第十条之一　禁止在楼道内充电。
第十一条　违反第十条规定的，责令改正。
第十条规定的集中充电设施，由物业服务人管理。
第二十三条　……
第一百条　……
第三章 附则
第一百零一条　本条例自公布之日起施行。
"""


@pytest.mark.parametrize(
    ("text", "number"),
    [("一", 1), ("十", 10), ("十一", 11), ("二十三", 23), ("一百", 100), ("一百零三", 103),
     ("一百一十", 110), ("两百", 200), ("12", 12), ("１２", 12)],
)  # fmt: skip
def test_chinese_numbers(text: str, number: int) -> None:
    assert chinese_number(text) == number


def test_articles_headings_and_the_contents() -> None:
    draft = parse_draft(DRAFT)
    assert draft.title == "浙江省电动自行车管理条例（草案）"
    assert [(p.label, p.number) for p in draft.parts] == [
        ("第一章", None),
        ("第一条", 1),
        ("第二条", 2),
        ("第二章", None),
        ("第十条", 10),
        ("第十条之一", 10),
        ("第十一条", 11),
        ("第二十三条", 23),
        ("第一百条", 100),
        ("第三章", None),
        ("第一百零一条", 101),
    ]
    parts = {p.label: p.text for p in draft.parts}
    assert parts["第一章"] == "总则" and parts["第三章"] == "附则"
    assert parts["第二条"] == "本条例适用于本省行政区域。\n法律、行政法规另有规定的，从其规定。"
    # A paragraph that starts with an earlier article's number stays in its article.
    assert parts["第十一条"].endswith("\n第十条规定的集中充电设施，由物业服务人管理。")
    assert len(draft.articles) == 8


def test_bad_texts_and_files(tmp_path: Path) -> None:
    with pytest.raises(DraftWithoutArticles):
        parse_draft("关于电动自行车管理的几点意见\n一、充电难\n二、停车难")
    with pytest.raises(DraftEmpty):
        parse_draft(" \n\u3000\n")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(DRAFT.encode("gbk"))
    assert parse_draft(read_draft_file(gbk)).articles[0].label == "第一条"
    bom = tmp_path / "bom.txt"
    bom.write_bytes(DRAFT.encode("utf-8-sig"))
    assert parse_draft(read_draft_file(bom)).title.startswith("浙江省")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(DraftEmpty):
        read_draft_file(empty)
    binary = tmp_path / "draft.docx"
    binary.write_bytes(b"PK\x03\x04\x00\x00\xff\xfe" * 50)
    with pytest.raises(DraftUnreadable):
        read_draft_file(binary)
    with pytest.raises(DraftFileMissing):
        read_draft_file(tmp_path / "missing.txt")
