"""Errors of the ledger import and export; each carries a catalogue key, never residents' data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from store.core.errors import N_, StoreError


@dataclass(frozen=True)
class RowError:
    """One bad cell of a ledger.

    `row` is the spreadsheet's row number (the header is row 1), `column` the header as the file
    spells it, `key` the catalogue key of the rule broken (with `params`), and `suggestion` the
    closest known name, when there is one.
    """

    row: int
    column: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    suggestion: str | None = None


class LedgerUnreadable(StoreError):
    """The file cannot be opened or decoded, or is neither .xlsx nor .csv."""

    key = N_("ledger.unreadable")


class LedgerMissingColumn(StoreError):
    """A required header is absent; `columns` names the missing ones (Chinese headers)."""

    key = N_("ledger.missing_column")

    def __init__(self, columns: Sequence[str]) -> None:
        super().__init__(columns="、".join(columns))
        self.columns = list(columns)


class LedgerInvalid(StoreError):
    """At least one row is bad; nothing was written. `errors` lists every bad cell."""

    key = N_("ledger.invalid")

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(count=len(errors))
        self.errors = list(errors)
