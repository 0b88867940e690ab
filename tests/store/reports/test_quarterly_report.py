"""The quarterly report (store.reports.quarterly_report) on the hand-worked quarter: the same
figures as the screen, read back from the .xlsx, and a self-contained, escaped HTML file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from stats_fixture import TODAY, TZ, build_quarter

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.errors import FieldInvalid
from store.core.models import Issue, Unit
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.visits import VisitRow
from store.reports.quarterly_report import QuarterReport, build_report, write_report
from store.reports.stats import Period
from tui.i18n import label, set_language, t

Q3 = Period.parse_quarter("2026Q3")
HOSTILE = "=1+1<script>alert(1)</script>"


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
    set_language("zh")
    out = tmp_path / "q3.xlsx"
    write_report(report, out, text=t, name=label)
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["头条数字", "分层级", "分责任单位", "低于底线的责任单位", "上升热词"]
    head = {r[0]: r[1] for r in book["头条数字"].iter_rows(min_row=2, values_only=True)}
    assert head["来访"] == 8 and head["事项"] == 6 and head["超期"] == 2
    assert head["两月办结率"] == "60.0% (3/5)"
    assert head["未满两个月、尚未办结的事项（不计入两月办结率）"] == 1  # E
    assert head["满意率"] == "80.0% (4/5)"
    assert head["直接源自群众"] == "75.0% (6/8)"
    tiers = list(book["分层级"].iter_rows(min_row=2, values_only=True))
    assert tiers[0][:7] == ("村级", 4, 3, 1, 1, "66.7%", "75.0%")
    # Colours of the period's issues: village ■1 ▲0 ●2; county ■1 ▲1 ●0.
    assert tiers[0][8:] == (1, 0, 2) and tiers[2][8:] == (1, 1, 0)
    units = [r[0] for r in book["分责任单位"].iter_rows(min_row=2, values_only=True)]
    assert f"'{HOSTILE}（县级）" in units  # neutralised: a spreadsheet will not run it
    assert not any(str(v).startswith("=") for v in units)


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
