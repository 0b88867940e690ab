"""The quarterly report (store.reports.quarterly_report) on the hand-worked quarter: the same
figures as the screen, read back from the .xlsx, and a self-contained, escaped HTML file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from stats_fixture import TODAY, TZ, build_quarter

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.errors import FieldInvalid
from store.core.models import Channel, Issue, Unit
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.reports.quarterly_report import QuarterReport, build_report, write_report
from store.reports.stats import Figures, Period, period_figures
from tui.i18n import label, set_language, t

Q3 = Period.parse_quarter("2026Q3")
HOSTILE = "=1+1<script>alert(1)</script>"
# The rates of every figure table, each followed by its numerator and denominator.
RATES = ("两月办结率", "满意率", "来访直接源自群众")
FIGURE_SHEETS = ("分层级", "分责任单位", "分村社", "分类别", "分渠道")


def sheet_of(book: Workbook, title: str) -> Worksheet:
    """One sheet by its title: a worksheet (openpyxl types it as perhaps a chart sheet)."""
    sheet = book[title]
    assert isinstance(sheet, Worksheet)
    return sheet


def records(sheet: Worksheet) -> list[dict[str, Any]]:
    """The sheet's rows below its header, as {heading: value}."""
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(map(str, header), row, strict=True)) for row in rows]


def written(report: QuarterReport, tmp_path: Path) -> Workbook:
    out = tmp_path / "q3.xlsx"
    write_report(report, out, text=t, name=label)
    return load_workbook(out)


def quarter_totals(store: Store) -> Figures:
    with store.read() as session:
        return period_figures(session=session, period=Q3, today=TODAY, tz=TZ)


@pytest.fixture
def report(
    store: Store,
    clock: FrozenClock,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
) -> QuarterReport:
    ids = build_quarter(
        store=store, clock=clock, actor=actor, make_visit=make_visit, make_issue=make_issue
    )
    # C's unit named like markup and a formula: escaped in HTML, neutralised in cells.
    with store.write(actor) as session:
        issue = session.get(Issue, ids["C"])
        assert issue is not None
        unit = session.get(Unit, issue.unit_id)
        assert unit is not None
        unit.name = HOSTILE
    with store.read() as session:
        return build_report(session=session, period=Q3, today=TODAY, tz=TZ)


def test_report_figures_match_the_hand_count(report: QuarterReport) -> None:
    assert report.totals.opened == 6 and report.totals.done == 3 and report.totals.decided == 5
    assert [r.key for r in report.tiers] == ["village", "township", "county"]
    # Floors 80% / 90%: the village committee (2/3 done, 3/4 satisfied) and the county unit
    # (0/1 done) are below; the township unit (1/1, 1/1) is not.
    # 青石村's committee: 2/2 done but 3/4 satisfied; 东塘村's: D 0/1 done; C's county unit 0/1.
    # The township unit (B: 1/1 done, 1/1 satisfied) is not below.
    assert {r.name for r in report.below} == {"青石村村委会", "东塘村村委会", HOSTILE}


def test_xlsx_reads_back(report: QuarterReport, tmp_path: Path) -> None:
    book = written(report, tmp_path)
    assert book.sheetnames == [
        "头条数字",
        "分层级",
        "分责任单位",
        "分村社",
        "分类别",
        "分渠道",
        "升级、降级与按期办结",
        "议事活动",
        "民情观察员",
        "民情观察点",
        "低于底线的责任单位",
        "上升热词",
    ]
    head = {r[0]: r[1:] for r in sheet_of(book, "头条数字").iter_rows(values_only=True)}
    assert head["指标"] == ("数值", "分子", "分母")
    assert head["来访"][0] == 8 and head["事项"][0] == 6 and head["超期"][0] == 2
    assert head["两月办结率"] == (0.6, 3, 5)
    assert head["未满两个月、尚未办结的事项（不计入两月办结率）"][0] == 1  # E
    assert head["满意率"] == (0.8, 4, 5)
    assert head["来访直接源自群众"] == (0.75, 6, 8)
    tiers = records(sheet_of(book, "分层级"))
    village = tiers[0]
    assert village["名称"] == "村级" and village["来访"] == 4 and village["事项"] == 3
    assert (village["在办"], village["超期"]) == (1, 1)
    assert village["两月办结率"] == pytest.approx(2 / 3) and village["满意率"] == 0.75
    # Colours of the period's issues: village ■1 ▲0 ●2; county ■1 ▲1 ●0.
    assert list(village.values())[-3:] == [1, 0, 2] and list(tiers[2].values())[-3:] == [1, 1, 0]
    units = [r["名称"] for r in records(sheet_of(book, "分责任单位"))]
    assert f"'{HOSTILE}（县级）" in units  # neutralised: a spreadsheet will not run it
    assert not any(str(v).startswith("=") for v in units)
    # The units below the floors are shaded, whole rows, and only they.
    shaded = {
        str(row[0].value).split("（")[0].lstrip("'")
        for row in sheet_of(book, "分责任单位").iter_rows(min_row=2)
        if all(cell.fill.fgColor.rgb == "00FDE8E8" for cell in row)
    }
    assert shaded == {r.name for r in report.below}


def test_xlsx_rates_are_numbers_beside_their_parts(report: QuarterReport, tmp_path: Path) -> None:
    book = written(report, tmp_path)
    checked = 0
    head = sheet_of(book, "头条数字")
    for value, numerator, denominator in head.iter_rows(min_row=2, min_col=2, max_col=4):
        if isinstance(denominator.value, int):
            checked += _is_share(value, numerator.value, denominator.value)
    for title in FIGURE_SHEETS:
        sheet = sheet_of(book, title)
        headings = [c.value for c in sheet[1]]
        for rate in RATES:
            at = headings.index(rate)
            assert headings[at + 1 : at + 3] == [f"{rate}·分子", f"{rate}·分母"]
            for row in sheet.iter_rows(min_row=2):
                checked += _is_share(row[at], row[at + 1].value, row[at + 2].value)
    # No rate anywhere is text any more.
    for sheet in book.worksheets:
        for values in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.endswith("%") for v in values), values
    assert checked > 20


def _is_share(cell: Any, numerator: Any, denominator: Any) -> int:
    """A rate is its numerator over its denominator, a number shown as a percentage, or an
    empty cell when there is nothing to divide by (no figure, rather than 0 %)."""
    assert isinstance(numerator, int) and isinstance(denominator, int)
    assert cell.number_format == "0.0%"
    if denominator == 0:
        assert cell.value is None
    else:
        # A number (a ratio of exactly 1 or 0 reads back as an int), never text.
        assert isinstance(cell.value, int | float) and 0 <= cell.value <= 1
        assert cell.value == pytest.approx(numerator / denominator)
    return 1


def test_xlsx_sheets_per_village_category_and_channel_add_up(
    report: QuarterReport, store: Store, tmp_path: Path
) -> None:
    totals = quarter_totals(store)
    book = written(report, tmp_path)
    for title in ("分村社", "分类别", "分渠道"):
        rows = records(sheet_of(book, title))
        assert rows, title
        # Every visit has a village, a category and a channel; every issue too.
        assert sum(r["来访"] for r in rows) == totals.visits, title
        assert sum(r["事项"] for r in rows) == totals.opened, title
        assert sum(r["满意率·分母"] for r in rows) == totals.evaluated, title
    villages = {r["名称"]: r["来访"] for r in records(sheet_of(book, "分村社"))}
    assert set(villages) == {"青石村", "东塘村"}
    channels = {r["名称"]: r["来访"] for r in records(sheet_of(book, "分渠道"))}
    # Named as the screen names them; U's visit is there although never triaged.
    assert channels[label(Channel.deputy_code)] == 1 and channels[label(Channel.walk_in)] == 2


def test_xlsx_tier_rows_with_the_untriaged_add_up_to_the_total(
    report: QuarterReport, store: Store, tmp_path: Path
) -> None:
    totals = quarter_totals(store)
    rows = records(sheet_of(written(report, tmp_path), "分层级"))
    *groups, total = rows
    assert [r["名称"] for r in groups] == ["村级", "乡级", "县级", "未分办"]
    assert total["名称"] == "合计"
    untriaged = groups[-1]
    # U: one visit, by a deputy's code (direct), triaged to no issue.
    assert (untriaged["来访"], untriaged["事项"], untriaged["来访直接源自群众·分子"]) == (1, 0, 1)
    assert untriaged["两月办结率"] is None and untriaged["两月办结率·分母"] == 0
    # Every count adds up, the rates' numerators and denominators included.
    for heading in total:
        if heading not in ("名称", *RATES):
            assert sum(r[heading] for r in groups) == total[heading], heading
    assert total["来访"] == totals.visits and total["事项"] == totals.opened
    assert total["两月办结率·分子"] == totals.done and total["两月办结率·分母"] == totals.decided
    assert total["满意率"] == pytest.approx(0.8)


def test_html_is_self_contained_and_escaped(report: QuarterReport, tmp_path: Path) -> None:
    set_language("en")
    try:
        out = tmp_path / "q3.html"
        write_report(report, out, text=t, name=label)
    finally:
        set_language("zh")
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") == 3 and "@page" in page and "A4" in page
    assert "<script" not in page and "src=" not in page and "href=" not in page
    assert "=1+1&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "60.0% (3/5)" in page and "Done within two months" in page
    # The untriaged visit has its row, so the tier table adds up to its total.
    assert "<td>Not triaged</td><td>1</td>" in page and "<td>Total</td><td>8</td>" in page
    for section in ("By village", "By category", "By channel"):
        assert f"<h2>{section}</h2>" in page
    # No phones and no resident's text: single rising words only.
    assert "13900000000" not in page and "又来反映积水" not in page
    assert "<td>积水</td><td>2</td><td>0</td>" in page  # A's two visits, none the quarter before


def test_unknown_format_is_refused_and_nothing_written(
    report: QuarterReport, tmp_path: Path
) -> None:
    with pytest.raises(FieldInvalid) as caught:
        write_report(report, tmp_path / "q3.pdf", text=t, name=label)
    assert caught.value.key == "report.format"
    assert list(tmp_path.glob("q3*")) == []
