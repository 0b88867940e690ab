"""The quarterly report (xlsx and HTML) carries the suggestions' figures of the hand-written set
(tests/helpers/suggestion_fixture.py), and the visits' share under its own name."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from small_station import TODAY, Refs
from suggestion_fixture import build_suggestions

from store.changelog.changes import Actor
from store.db import Store
from store.reports.quarterly_report import build_report, write_report
from store.reports.stats import Period
from tui.i18n import label, t


def test_the_report_reproduces_the_hand_computed_suggestion_figures(
    store: Store, actor: Actor, refs: Refs, tmp_path: Path
) -> None:
    build_suggestions(store, actor, refs)
    with store.read() as session:
        report = build_report(
            session=session, period=Period.parse_quarter("2026Q4"), today=TODAY, tz=store.clock.tz
        )
    write_report(report, tmp_path / "q4.xlsx", text=t, name=label)
    write_report(report, tmp_path / "q4.html", text=t, name=label)
    sheet = load_workbook(tmp_path / "q4.xlsx")["头条数字"]
    assert isinstance(sheet, Worksheet)
    head = {r[0]: r[1:] for r in sheet.iter_rows(values_only=True)}
    assert head["提交代表建议（件）"][0] == 3
    assert head["建议直接源自群众的比例"] == (1 / 3, 1, 3)
    assert head["建议答复满意率"] == (0.5, 2, 4)
    # The visits' share keeps its figure under a name that says it counts visits.
    assert "来访直接源自群众" in head
    page = (tmp_path / "q4.html").read_text(encoding="utf-8")
    assert "建议直接源自群众的比例" in page and "33.3% (1/3)" in page and "50.0% (2/4)" in page
