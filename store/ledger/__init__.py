"""The ledger (台账): importing visits from spreadsheets and exporting them (docs/rules/ledger.md),
headless."""

from store.ledger.apply import ImportSummary, apply_import, import_ledger
from store.ledger.columns import COLOUR_HEADER, COLUMNS, Column, map_headers
from store.ledger.errors import LedgerInvalid, LedgerMissingColumn, LedgerUnreadable, RowError
from store.ledger.export import export_ledger, issue_ref
from store.ledger.plan import ImportPlan, plan_import
from store.ledger.reader import LedgerFile, LedgerRow, read_ledger

__all__ = [
    "COLOUR_HEADER",
    "COLUMNS",
    "Column",
    "ImportPlan",
    "ImportSummary",
    "LedgerFile",
    "LedgerInvalid",
    "LedgerMissingColumn",
    "LedgerRow",
    "LedgerUnreadable",
    "RowError",
    "apply_import",
    "export_ledger",
    "import_ledger",
    "issue_ref",
    "map_headers",
    "plan_import",
    "read_ledger",
]
