"""The deputies' suggestions where a clerk looks for them: the ledger's .xlsx has a 代表建议 sheet
(the import still reads the first), and `liaison export suggestions` writes them alone (.csv or
.xlsx), one a row, from the hand-written set of tests/helpers/suggestion_fixture.py."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from small_station import DEPUTY, OTHER_DEPUTY, Refs
from suggestion_fixture import BODY, build_suggestions
from typer.testing import CliRunner

from store.changelog.changes import Actor
from store.db import Store
from store.ledger import LedgerUnreadable, export_ledger, read_ledger
from store.ledger.suggestions import HEADERS, SHEET
from tui.cli import cli

TODAY = date(2026, 11, 24)


def test_the_ledger_and_its_own_export_list_every_suggestion(
    store: Store, actor: Actor, refs: Refs, tmp_path: Path
) -> None:
    build_suggestions(store, actor, refs)
    ledger = tmp_path / "台账.xlsx"
    with store.read() as session:
        visits = export_ledger(session=session, out=ledger, today=TODAY)
    book = load_workbook(ledger, read_only=True)
    assert book.sheetnames == ["台账", SHEET]
    sheet = [list(r) for r in book[SHEET].iter_rows(values_only=True)]
    book.close()
    # The import reads the visits' sheet only.
    assert len(read_ledger(ledger).rows) == visits

    db = str(store.engine.url.database)
    out = tmp_path / "代表建议.csv"
    done = CliRunner().invoke(cli, ["--db", db, "export", "suggestions", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "5" in done.output
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == HEADERS == tuple(sheet[0])
    by_title = {r[0]: dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}
    assert list(by_title) == [
        "夜间施工噪音",
        "电动车集中充电",
        "路灯维修机制",
        "停车位规划",
        "充电与停车统筹",
    ]
    s1, s2, s3 = by_title["电动车集中充电"], by_title["路灯维修机制"], by_title["夜间施工噪音"]
    assert (s1["领衔代表"], s1["附议代表"], s1["办理状态"]) == (DEPUTY, OTHER_DEPUTY, "已办结")
    assert (s1["提交机关"], s1["提交日期"], s1["承办单位"]) == (
        BODY,
        "2026-10-10",
        "县住建局、县供电公司",
    )
    assert (s1["答复日期"], s1["答复摘要"], s1["代表满意度"]) == (
        "2026-10-20",
        "年底前建成两处充电棚",
        "满意",
    )
    # A resident's own visit among its sources (到站来访) or not (民情观察员, 领导进站).
    assert [r["直接源自群众"] for r in (s1, s2, s3)] == ["是", "否", "是"]
    assert (s2["代表满意度"], s2["再督办次数"], s2["来源数"]) == ("基本满意", "1", "1")
    # 不满意, sent back (再督办): awaiting a new answer.
    assert (s3["办理状态"], s3["代表满意度"]) == ("已交办", "不满意")
    draft = by_title["充电与停车统筹"]
    assert (draft["办理状态"], draft["提交日期"], draft["来源数"]) == ("草拟中", "", "2")
    # The same rows in the ledger's sheet, days as Excel days.
    assert [r[0] for r in sheet[1:]] == list(by_title)
    assert sheet[2][6] == datetime(2026, 10, 10)

    wrong = CliRunner().invoke(cli, ["--db", db, "export", "suggestions", "--out", "x.txt"])
    # Refused as the ledger's export is (main() prints the message in one line).
    assert isinstance(wrong.exception, LedgerUnreadable)
