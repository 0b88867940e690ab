"""Legislative consultation on screen at 80×24, as a deputy goes, in one app start: `r` on the
dashboard opens the list, which gives the hand-written draft's hand-computed adoption rate
(statistics' line: the stats snapshot, on the demo's draft); `a` loads a draft (a file that is
not one is said in the form); on its page an opinion is typed on 第一条 and marked adopted
(`1`), the summary exported (`x`); the hand-written draft's page shows the rate, names masked
until `v` (a logged reveal); a visit taken as an opinion, found by search, says where it went."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from desk_helpers import content, footer_width, notes, press, rows, settle
from legislation_fixture import O2_NAME, O2_PHONE, build_legislation
from small_station import Refs
from textual.widgets import DataTable, Input

from screens.dialogs.legislation_forms import DraftLoadModal, OpinionModal
from screens.legislation import DraftScreen, DraftsScreen
from screens.search import SearchScreen
from store.changelog.changes import Actor
from store.db import Store
from tui.app import LiaisonApp

# A title with what would be markup: shown on the page as typed, never read as markup.
DRAFT = "\n".join(
    (
        "临溪县养犬管理规定（草案）[/b]",
        "第一章　总则",
        "第一条　为了规范养犬行为，制定本规定。",
        "第二条　……",
    )
)


def _db(store: Store, sql: str) -> list[tuple[Any, ...]]:
    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchall()


async def test_a_draft_loaded_its_opinion_adopted_and_the_summary_exported(
    desk: LiaisonApp, store: Store, actor: Actor, refs: Refs, tmp_path: Path, prints: Path
) -> None:
    made = build_legislation(store, actor, refs)
    bad = tmp_path / "草案.docx"
    bad.write_bytes(b"PK\x03\x04\xff\xfe\x00\x00" * 64)
    good = tmp_path / "养犬.txt"
    good.write_bytes(DRAFT.encode("gbk"))
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "r")
        listed = desk.screen
        assert isinstance(listed, DraftsScreen)
        [row] = rows(listed.query_one("#drafts-table", DataTable))
        assert row[0].startswith("临溪县农村生活垃圾分类") and row[-1] == "60.0% (3/5)"

        await press(pilot, "a")
        form = desk.screen
        assert isinstance(form, DraftLoadModal)
        form.query_one("#draft-file", Input).value = str(bad)
        await press(pilot, "ctrl+s")
        assert desk.screen is form
        assert "无法读取草案文件" in content(form.query_one(".field-error"))
        form.query_one("#draft-file", Input).value = str(good)
        form.query_one("#draft-source", Input).value = "临溪县人大常委会法工委"
        await press(pilot, "ctrl+s")
        page = desk.screen
        assert isinstance(page, DraftScreen)
        articles = page.query_one("#draft-articles", DataTable)
        assert [r[0] for r in rows(articles)] == ["总体意见", "第一章", "第一条", "第二条"]
        assert "临溪县养犬管理规定（草案）[/b]" in content(page.query_one("#draft-summary"))
        # On a chapter heading an opinion is refused; on 第一条 it is typed.
        await press(pilot, "down", "a")
        assert desk.screen is page and any("章节标题" in n for n in notes(desk))
        await press(pilot, "down", "a")
        opinion = desk.screen
        assert isinstance(opinion, OpinionModal)
        opinion.query_one("#opinion-text", Input).value = "建议写明遛狗必须牵绳，我电话13955556666"
        opinion.query_one("#opinion-who", Input).value = "钱大妈"
        opinion.query_one("#opinion-place", Input).value = "东塘村"
        await press(pilot, "ctrl+s")
        [typed] = rows(page.query_one("#draft-opinions", DataTable))
        assert typed[1:3] == ["钱**", "东塘村"] and typed[-1] == "… 待反馈"
        assert "13955556666" not in content(page.query_one("#draft-opinion"))
        await press(pilot, "1")
        assert "采纳率 100.0% (1/1)" in content(page.query_one("#draft-summary"))
        # Its footer, ^z now among its keys, still fits 80 columns.
        assert footer_width(desk) <= 80
        assert rows(articles)[2][2:4] == ["1", "1"]
        await press(pilot, "x")
        await settle(pilot)
        assert any("立法意见汇总" in n and ".xlsx" in n for n in notes(desk))

        # The hand-written draft: its rate, and the givers' names masked until revealed.
        await press(pilot, "escape")
        assert isinstance(desk.screen, DraftsScreen)
        listed_rows = rows(listed.query_one("#drafts-table", DataTable))
        assert [r[-1] for r in listed_rows] == ["100.0% (1/1)", "60.0% (3/5)"]
        await press(pilot, "down", "enter")
        hand = desk.screen
        assert isinstance(hand, DraftScreen) and hand.draft_id == made.draft
        assert "采纳率 60.0% (3/5) · 待反馈 1" in content(hand.query_one("#draft-summary"))
        # The cursor to 第三条 (总体意见, 第一章, 第一条, 第二章 between).
        await press(pilot, "down", "down", "down", "down", "down")
        third = rows(hand.query_one("#draft-opinions", DataTable))
        assert [r[1] for r in third] == ["李**", "张**"]
        await press(pilot, "v")
        third = rows(hand.query_one("#draft-opinions", DataTable))
        assert [r[1] for r in third] == ["李大伯", O2_NAME]

        # 王秀英's 立法建议 visit, taken as an opinion on 第五条, is in no triage queue: found
        # by search, it says where it went instead of opening the queue.
        await press(pilot, "slash")
        for ch in "先教育后处罚":
            await pilot.press(ch)
        await settle(pilot)
        await press(pilot, "down", "enter")
        assert isinstance(desk.screen, SearchScreen)
        assert any("已作为立法意见" in n and "》第五条" in n for n in notes(desk)), notes(desk)

    assert _db(store, "SELECT count(*) FROM draft_regulation") == [(2,)]
    assert _db(store, "SELECT who, adoption FROM legislative_opinion WHERE who = '钱大妈'") == [
        ("钱大妈", "adopted")
    ]
    # The reveal is recorded: the visit's resident and the typed giver.
    assert sorted(
        _db(store, "SELECT table_name FROM access_log WHERE action = 'reveal_phone'")
    ) == [("constituent",), ("legislative_opinion",)]
    [md] = list(prints.glob("立法意见汇总-临溪县养犬*.md"))
    text = md.read_text(encoding="utf-8")
    assert "钱大妈" not in text and "13955556666" not in text and O2_PHONE not in text
