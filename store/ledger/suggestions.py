"""The deputies' suggestions (代表建议) as a clerk files them: one suggestion a row, from the draft
to the deputies' satisfaction with the reply. A sheet of its own in the ledger's .xlsx (the
import reads the first sheet only), or a file of its own (`liaison export suggestions`, .xlsx or
.csv). Terms are their Chinese names, as in the ledger; numbers in the texts (a phone quoted
in an issue's title, say) are masked unless revealed."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.core.files import written_whole
from store.core.models import (
    Deputy,
    Satisfaction,
    Suggestion,
    SuggestionDeputy,
    SuggestionSource,
    SuggestionStatus,
)
from store.core.rows import live
from store.core.validation import mask_numbers
from store.ledger.columns import is_formula_like, neutralise
from store.ledger.errors import LedgerUnreadable
from store.ledger.life import NO, YES
from store.suggestions.figures import from_residents

if TYPE_CHECKING:
    from openpyxl import Workbook

SHEET = "代表建议"
HEADERS: tuple[str, ...] = (
    "案由",
    "领衔代表",
    "附议代表",
    "办理状态",
    "起草日期",
    "提交机关",
    "提交日期",
    "承办单位",
    "答复日期",
    "答复摘要",
    "代表满意度",
    "再督办次数",
    "来源数",
    "直接源自群众",
    "问题类别",
)
# Columns a reader needs wide (案由, 答复摘要) and the rest, in characters of the sheet.
_WIDTHS = {
    "案由": 40,
    "答复摘要": 50,
    "附议代表": 20,
    "承办单位": 24,
    "提交机关": 20,
    "问题类别": 30,
}
_WIDTH = 12

Value = str | int | date


def suggestion_rows(*, session: Session, reveal: bool = False) -> list[list[Value]]:
    """Every suggestion, in the order drafted: the sheet's rows under HEADERS.

    Args:
        reveal: the numbers in the texts in full (masked otherwise, like residents' words).
    """
    sources = (
        select(SuggestionSource.suggestion_id, func.count().label("n"))
        .where(live(SuggestionSource))
        .group_by(col(SuggestionSource.suggestion_id))
        .subquery()
    )
    found = session.exec(
        select(Suggestion, Deputy.name, func.coalesce(sources.c.n, 0), from_residents())
        .join(Deputy, col(Deputy.id) == Suggestion.lead_deputy_id)
        .outerjoin(sources, sources.c.suggestion_id == Suggestion.id)
        .where(live(Suggestion))
        .order_by(col(Suggestion.drafted_on), col(Suggestion.id))
    ).all()
    co_signers: dict[str, list[str]] = defaultdict(list)
    for suggestion_id, name in session.exec(
        select(SuggestionDeputy.suggestion_id, Deputy.name)
        .join(Deputy, col(Deputy.id) == SuggestionDeputy.deputy_id)
        .where(live(SuggestionDeputy))
        .distinct()
        .order_by(col(SuggestionDeputy.suggestion_id), col(Deputy.name))
    ).all():
        co_signers[suggestion_id].append(name)

    def text(value: str) -> str:
        return value if reveal else mask_numbers(value)

    rows: list[list[Value]] = []
    for s, lead, n, direct in found:
        rows.append(
            [
                text(s.title),
                lead,
                "、".join(co_signers.get(s.id, [])),
                SuggestionStatus(s.status).zh,
                s.drafted_on,
                s.submitted_to,
                s.submitted_on or "",
                s.handling_units,
                s.answered_on or "",
                text(s.answer),
                Satisfaction(s.satisfaction).zh if s.satisfaction else "",
                s.resupervised,
                int(n),
                YES[0] if direct else NO[0],
                text(s.basis),
            ]
        )
    return rows


def _csv_text(value: Value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def add_sheet(workbook: Workbook, rows: list[list[Value]]) -> None:
    """The 代表建议 sheet, after the workbook's others (a write-only workbook's too)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(SHEET)
    for position, heading in enumerate(HEADERS, start=1):
        width = _WIDTHS.get(heading, _WIDTH)
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def header(value: str) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        return cell

    def typed(value: Value) -> Any:
        if isinstance(value, date):
            # Written as its midnight, shown as a day (as the ledger's days).
            cell = WriteOnlyCell(sheet, value=datetime.combine(value, time()))
            cell.number_format = "yyyy-mm-dd"
            return cell
        if isinstance(value, str) and is_formula_like(value):
            # Text, never a formula (as the ledger's cells).
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
        return value

    sheet.append([header(h) for h in HEADERS])
    for row in rows:
        sheet.append([typed(v) for v in row])


def export_suggestions(*, session: Session, out: Path, reveal: bool = False) -> int:
    """Write the suggestions to `out` (.xlsx or .csv, by its suffix), whole or not at all.

    Returns:
        How many suggestions were written.

    Raises:
        LedgerUnreadable: `out` is neither .xlsx nor .csv (key `ledger.unsupported`).
    """
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise LedgerUnreadable("ledger.unsupported")
    rows = suggestion_rows(session=session, reveal=reveal)
    with written_whole(out) as partial:
        if suffix == ".csv":
            # UTF-8 with a BOM, as the ledger: Excel in China opens BOM-less CSV as GBK.
            with partial.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(HEADERS)
                for row in rows:
                    writer.writerow([neutralise(_csv_text(v)) for v in row])
        else:
            from openpyxl import Workbook

            workbook = Workbook(write_only=True)
            add_sheet(workbook, rows)
            workbook.save(partial)
    return len(rows)
