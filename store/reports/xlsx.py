"""The quarterly report as a workbook: headline figures, tiers (with the visits not triaged and
the totals), units (with the colours of their issues), villages, categories, channels, units below
the floors, rising words.

A spreadsheet computes with it: counts are numbers, and a rate is its ratio as a number shown as a
percentage (`0.0%`), followed by its numerator and denominator in columns of their own; a rate with
nothing to divide by is an empty cell, not 0 %. Text cells a spreadsheet would run are
neutralised."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from store.ledger.columns import neutralise
from store.ledger.export import display_width
from store.reports.stats import Share

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from store.reports.quarterly_report import Cell, Name, QuarterReport, Text

_BOLD = Font(bold=True)
_BELOW = PatternFill("solid", fgColor="FDE8E8")
PERCENT = "0.0%"

Value = str | int | float | None


def _sheet(
    book: Workbook,
    title: str,
    headings: list[str],
    rows: Sequence[Sequence[Cell]],
    *,
    text: Text,
) -> Worksheet:
    """A sheet of `rows` under `headings`. A rate's heading is followed by its numerator's and
    denominator's, as each `Share` cell is followed by its two counts."""
    from store.reports.quarterly_report import rate_headings

    rates = rate_headings(text)
    # A workbook that is not write-only makes a Worksheet (the stubs say either kind).
    sheet: Worksheet = book.create_sheet(title[:31])
    head: list[str] = []
    for heading in headings:
        head.append(heading)
        if heading in rates:
            head.append(text("report.rate_numerator", rate=heading))
            head.append(text("report.rate_denominator", rate=heading))
    sheet.append([neutralise(h) for h in head])
    for cell in sheet[1]:
        cell.font = _BOLD
    for number, row in enumerate(rows, start=2):
        _append(sheet, row, number)
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 28
    for position, heading in enumerate(head[1:], start=2):
        width = max(8, display_width(heading) + 2)
        sheet.column_dimensions[get_column_letter(position)].width = width
    # Printed as the ledger is: A4 landscape, one page wide, the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    return sheet


def _append(sheet: Worksheet, row: Sequence[Cell], number: int) -> None:
    """`row` appended as the sheet's row `number` (told, not asked: openpyxl finds a sheet's
    last row by reading every cell, which made a county hub's report quadratic)."""
    values: list[Value] = []
    percents: list[int] = []
    for cell in row:
        if isinstance(cell, Share):
            percents.append(len(values) + 1)
            values += [cell.ratio, cell.numerator, cell.denominator]
        elif isinstance(cell, int):
            values.append(cell)  # counts stay numbers, so the sheet can sum them
        else:
            values.append(neutralise(cell))
    sheet.append(values)
    for column in percents:
        sheet.cell(row=number, column=column).number_format = PERCENT


def write_xlsx(report: QuarterReport, path: Path, *, text: Text, name: Name) -> None:
    from store.reports.quarterly_report import (
        below_headings,
        below_rows,
        footnote,
        group_headings,
        groupings,
        headline_rows,
        move_headings,
        move_tables,
        observer_headings,
        observer_rows,
        point_headings,
        point_rows,
        session_headings,
        session_rows,
        table_headings,
        tier_rows,
        unit_marks,
        unit_rows,
    )

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    title = text("report.title", station=report.station, period=report.period.title(text))
    # A rate's value is followed by its parts, in the headline's third and fourth columns.
    head = _sheet(
        book,
        text("report.headline"),
        [
            text("report.figure"),
            text("report.value"),
            text("report.numerator"),
            text("report.denominator"),
        ],
        [[title], *[list(r) for r in headline_rows(report, text)]],
        text=text,
    )
    for number, line in enumerate(footnote(report, text), start=head.max_row + 1):
        _append(head, [line], number)
    head.column_dimensions["A"].width = 40
    head.column_dimensions["B"].width = 24
    tiers = _sheet(
        book,
        text("report.by_tier"),
        table_headings(text, name),
        tier_rows(report, text, name),
        text=text,
    )
    for cell in tiers[tiers.max_row]:  # the totals
        cell.font = _BOLD
    units = _sheet(
        book,
        text("report.by_unit"),
        table_headings(text, name),
        unit_rows(report, name),
        text=text,
    )
    marks = unit_marks(report)
    lines = units.iter_rows(min_row=2, max_row=len(marks) + 1, max_col=units.max_column)
    for mark, cells in zip(marks, lines, strict=True):
        for cell in cells:
            if mark == "total":  # a county department's total across stations (a hub's report)
                cell.font = _BOLD
            elif mark == "below":
                cell.fill = _BELOW
    for section, rows in groupings(report, text, name):
        _sheet(book, section, group_headings(text), rows, text=text)
    # The moves section in one sheet, a row's grouping in its first column (a filter picks one).
    moves: list[list[Cell]] = [
        [grouping, *row] for grouping, rows in move_tables(report, text, name) for row in rows
    ]
    headings = [text("report.grouping"), text("stats.col.name"), *move_headings(text)]
    _sheet(book, text("report.moves"), headings, moves, text=text)
    sessions = _sheet(
        book,
        text("report.sessions"),
        session_headings(text),
        session_rows(report, text, name),
        text=text,
    )
    for cell in sessions[sessions.max_row]:  # the totals
        cell.font = _BOLD
    for section, headings, rows in (
        (text("report.observers"), observer_headings(text), observer_rows(report, text, name)),
        (text("report.points"), point_headings(text), point_rows(report, text, name)),
    ):
        sheet = _sheet(book, section, headings, rows, text=text)
        for cell in sheet[sheet.max_row]:  # the totals
            cell.font = _BOLD
    _sheet(book, text("report.below"), below_headings(text), below_rows(report, name), text=text)
    words: list[list[Cell]]
    if report.rising is None:
        words = [[text("report.no_words")]]
    else:
        words = [[w.word, w.count, w.previous] for w in report.rising]
    headings = [text("report.word"), text("report.count"), text("report.previous")]
    _sheet(book, text("report.rising"), headings, words, text=text)
    book.save(path)
