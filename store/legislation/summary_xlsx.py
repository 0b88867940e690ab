"""The summary of opinions (立法意见汇总) as a workbook: one opinion a row (sheet 意见汇总), and the
counts per article with the adoption rate (sheet 按条款统计). Counts are numbers and the rate a
ratio shown as a percentage, so a spreadsheet can compute with them; text cells a spreadsheet
would run are neutralised; personal data masked as in the other formats."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from store.ledger.columns import neutralise
from store.legislation.summary import (
    GENERAL,
    Summary,
    answer_text,
    article_counts,
    giver,
    masked_words,
)
from store.reports.xlsx import PERCENT

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")

OPINION_HEADINGS = (
    "序号",
    "条款",
    "意见内容",
    "提出人",
    "地点",
    "提出日期",
    "采纳情况",
    "反馈说明",
)
OPINION_WIDTHS = (6, 12, 60, 10, 16, 12, 10, 30)
COUNT_HEADINGS = ("条款", "意见数", "采纳", "部分采纳", "未采纳", "待反馈", "采纳率")


def _setup(sheet: Worksheet, headings: tuple[str, ...], widths: tuple[int, ...]) -> None:
    sheet.append(list(headings))
    for cell in sheet[1]:
        cell.font = _BOLD
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "1:1"


def write_summary_xlsx(summary: Summary, path: Path) -> None:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    title = f"《{summary.detail.row.title}》立法意见汇总"
    opinions: Worksheet = book.create_sheet("意见汇总")
    _setup(opinions, OPINION_HEADINGS, OPINION_WIDTHS)
    names = summary.names
    for n, o in enumerate(summary.opinions, 1):
        opinions.append(
            [
                n,
                neutralise(o.article or GENERAL),
                neutralise(masked_words(o.text, names)),
                neutralise(giver(o)),
                neutralise(o.place),
                o.given_on,
                answer_text(o),
                neutralise(masked_words(o.answer, names)),
            ]
        )
        opinions.cell(row=opinions.max_row, column=6).number_format = "yyyy-mm-dd"
        opinions.cell(row=opinions.max_row, column=3).alignment = _WRAP
    counts: Worksheet = book.create_sheet("按条款统计")
    _setup(counts, COUNT_HEADINGS, (14, 8, 8, 10, 8, 8, 10))
    for label, c in [*article_counts(summary.detail), ("合计", summary.detail.row.counts)]:
        counts.append(
            [
                neutralise(label),
                c.opinions,
                c.adopted,
                c.partly,
                c.not_adopted,
                c.awaiting,
                c.adoption_rate.ratio,
            ]
        )
        counts.cell(row=counts.max_row, column=7).number_format = PERCENT
    for cell in counts[counts.max_row]:
        cell.font = _BOLD
    counts.append([])
    counts.append([neutralise(title)])
    counts.append([neutralise(f"{summary.station}　{summary.today.isoformat()}")])
    book.save(path)
