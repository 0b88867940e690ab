"""The quarterly report as a workbook: headline figures, tiers, units (with the colours of their
issues), units below the floors, rising words. Cells a spreadsheet would run are neutralised."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from store.ledger.columns import neutralise

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from store.reports.quarterly_report import Name, QuarterReport, Text

_BOLD = Font(bold=True)
_BELOW = PatternFill("solid", fgColor="FDE8E8")


def _sheet(book: Workbook, title: str, headings: list[str], rows: list[list[str]]) -> Worksheet:
    # A workbook that is not write-only makes a Worksheet (the stubs say either kind).
    sheet: Worksheet = book.create_sheet(title[:31])
    sheet.append([neutralise(h) for h in headings])
    for cell in sheet[1]:
        cell.font = _BOLD
    for row in rows:
        sheet.append([_value(v) for v in row])
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 28
    return sheet


def _value(value: str) -> str | int:
    # Counts stay numbers, so the sheet can sum them; anything else is text, neutralised.
    return int(value) if value.isascii() and value.isdigit() else neutralise(value)


def write_xlsx(report: QuarterReport, path: Path, *, text: Text, name: Name) -> None:
    from store.reports.quarterly_report import (
        below_headings,
        below_rows,
        footnote,
        headline_rows,
        table_headings,
        tier_rows,
        unit_rows,
    )

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    title = text("report.title", station=report.station, period=report.period.title(text))
    notes = [[line, ""] for line in footnote(report, text)]
    head = _sheet(
        book,
        text("report.headline"),
        [text("report.figure"), text("report.value")],
        [[title, ""], *[list(r) for r in headline_rows(report, text)], *notes],
    )
    head.column_dimensions["A"].width = 40
    head.column_dimensions["B"].width = 24
    _sheet(book, text("report.by_tier"), table_headings(text, name), tier_rows(report, name))
    units = _sheet(
        book, text("report.by_unit"), table_headings(text, name), unit_rows(report, name)
    )
    for i, row in enumerate(report.units, start=2):
        if row in report.below:
            for cell in units[i]:
                cell.fill = _BELOW
    _sheet(book, text("report.below"), below_headings(text), below_rows(report, name))
    if report.rising is None:
        words = [[text("report.no_words"), "", ""]]
    else:
        words = [[w.word, str(w.count), str(w.previous)] for w in report.rising]
    headings = [text("report.word"), text("report.count"), text("report.previous")]
    _sheet(book, text("report.rising"), headings, words)
    book.save(path)
