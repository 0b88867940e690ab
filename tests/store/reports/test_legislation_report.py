"""The quarterly report (xlsx and HTML) carries the opinions on drafts and the adoption rate of
the hand-written draft (tests/helpers/legislation_fixture.py), with its definition; the two
立法建议 visits taken as opinions are counted on a row of their own, not as waiting for triage."""

from __future__ import annotations

from pathlib import Path

from legislation_fixture import Q4_GIVEN, build_legislation
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from small_station import TODAY, Refs

from store.changelog.changes import Actor
from store.db import Store
from store.reports.quarterly_report import build_report, write_report
from store.reports.stats import Period
from tui.i18n import label, t


def test_the_report_reproduces_the_hand_computed_adoption_rate(
    store: Store, actor: Actor, refs: Refs, tmp_path: Path
) -> None:
    build_legislation(store, actor, refs)
    with store.read() as session:
        report = build_report(
            session=session, period=Period.parse_quarter("2026Q4"), today=TODAY, tz=store.clock.tz
        )
    write_report(report, tmp_path / "q4.xlsx", text=t, name=label)
    write_report(report, tmp_path / "q4.html", text=t, name=label)
    sheet = load_workbook(tmp_path / "q4.xlsx")["头条数字"]
    assert isinstance(sheet, Worksheet)
    head = {r[0]: r[1:] for r in sheet.iter_rows(values_only=True)}
    assert head["收集立法意见（条）"][0] == Q4_GIVEN
    assert head["立法意见采纳率"] == (0.5, 2, 4)
    tiers = load_workbook(tmp_path / "q4.xlsx")["分层级"]
    assert isinstance(tiers, Worksheet)
    visits = {r[0]: r[1] for r in tiers.iter_rows(min_row=2, values_only=True)}
    # The fixture's two visits (李大伯, 王秀英) went to the draft, none waits for triage.
    assert (visits["转立法意见"], visits["未分办"], visits["合计"]) == (2, 0, 2)
    page = (tmp_path / "q4.html").read_text(encoding="utf-8")
    assert "立法意见采纳率" in page and "50.0% (2/4)" in page and "含部分采纳" in page
