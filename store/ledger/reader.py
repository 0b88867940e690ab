"""Reading a ledger file (.xlsx or .csv, UTF-8 with or without BOM, or GBK) into text rows."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from store.ledger.columns import COLUMNS, map_headers, restore
from store.ledger.errors import LedgerUnreadable

_BLANK = {column.key: "" for column in COLUMNS}


@dataclass(frozen=True)
class LedgerRow:
    """One non-blank row: its spreadsheet row number (the header is row 1) and its cells."""

    number: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class LedgerFile:
    """A ledger as read: its headers as the file spells them, where each known column is, and
    its non-blank rows."""

    headers: tuple[str, ...]
    columns: dict[str, int]
    rows: tuple[LedgerRow, ...]

    def header(self, key: str) -> str | None:
        """The file's own spelling of a column's header, or None when the file lacks it."""
        position = self.columns.get(key)
        return None if position is None else self.headers[position].strip()

    def cell(self, row: LedgerRow, key: str) -> str:
        """A cell's text, or "" when the column or the cell is absent."""
        position = self.columns.get(key)
        if position is None or position >= len(row.cells):
            return ""
        return row.cells[position]

    def by_key(self, row: LedgerRow) -> dict[str, str]:
        """Every known column's cell of a row, by key ("" where absent): a row is checked cell
        by cell some forty times, and one dict made per row costs less than finding each."""
        cells = row.cells
        width = len(cells)
        return _BLANK | {key: cells[at] for key, at in self.columns.items() if at < width}


def read_ledger(path: Path) -> LedgerFile:
    """Read a ledger spreadsheet.

    Args:
        path: an .xlsx file (first sheet) or a .csv file in UTF-8 (BOM or not) or GBK.
    Returns:
        The header row and every non-blank row, cells as text.
    Raises:
        LedgerUnreadable: the file is missing, damaged, not decodable or of another type.
        LedgerMissingColumn: a required header is absent.
    """
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        records = _xlsx_records(path)
    elif suffix == ".csv":
        records = _csv_records(path)
    else:
        raise LedgerUnreadable("ledger.unsupported")
    if not records:
        headers: tuple[str, ...] = ()
    else:
        headers = records[0]
    columns = map_headers(headers)
    rows = tuple(
        LedgerRow(number, cells)
        for number, cells in enumerate(records[1:], start=2)
        if any(c.strip() for c in cells)
    )
    return LedgerFile(headers=headers, columns=columns, rows=rows)


def _csv_records(path: Path) -> list[tuple[str, ...]]:
    try:
        data = path.read_bytes()
    except OSError:
        raise LedgerUnreadable() from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in China saves "CSV" in the ANSI code page: GBK, of which GB18030 is a superset.
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise LedgerUnreadable() from None
    try:
        # Our own exports neutralise formula-like cells with a quote; take it off again.
        return [
            tuple(restore(cell) for cell in record)
            for record in csv.reader(io.StringIO(text, newline=""))
        ]
    except csv.Error:
        raise LedgerUnreadable() from None


def _xlsx_records(path: Path) -> list[tuple[str, ...]]:
    # openpyxl costs about 0.1 s to import; only .xlsx files need it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        raise LedgerUnreadable() from None
    try:
        sheet = workbook.worksheets[0]
        # values_only skips building a cell object per value: several times faster.
        rows = sheet.iter_rows(values_only=True)
        return [tuple(_text(v) for v in values) for values in rows]
    except (KeyError, ValueError, zipfile.BadZipFile):
        raise LedgerUnreadable() from None
    finally:
        workbook.close()


def _text(value: Any) -> str:
    """A cell value as the text a person would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time():
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        # A phone typed into a number cell comes back as 13812345678.0.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
