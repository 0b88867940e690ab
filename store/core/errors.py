"""Store errors: each carries a catalogue key and its parameters; the interface translates them."""

from __future__ import annotations

from typing import Any


class StoreError(Exception):
    """Base of every error the store raises on purpose. Never carries residents' data."""

    key = "error.store"

    def __init__(self, key: str | None = None, **params: Any) -> None:
        self.key = key or type(self).key
        self.params = params
        super().__init__(self.key)


class FieldInvalid(StoreError, ValueError):
    """One input field is invalid; `key` names the rule, `field` the field."""

    key = "error.field"

    def __init__(self, key: str, field: str = "", **params: Any) -> None:
        super().__init__(key, **params)
        self.field = field


class FormInvalid(StoreError):
    """Several fields are invalid at once: `errors` maps field name to catalogue key."""

    key = "error.form"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__()
        self.errors = errors


class NotFound(StoreError):
    key = "error.not_found"


class VisitNotFound(NotFound):
    key = "error.visit_not_found"


class IssueNotFound(NotFound):
    key = "error.issue_not_found"


class DeputyNotFound(NotFound):
    key = "error.deputy_not_found"


class UnitNotFound(NotFound):
    key = "error.unit_not_found"


class ShiftNotFound(NotFound):
    key = "error.shift_not_found"


class InvalidStatusMove(StoreError):
    key = "error.status_move"


class VisitAlreadyTriaged(StoreError):
    key = "error.visit_triaged"


class UnitTierMismatch(StoreError):
    key = "error.unit_tier"


class ReadOnlySession(StoreError):
    """A write was attempted outside `write_session`: it would escape the change log."""

    key = "error.read_only"


class StationMissing(StoreError):
    key = "error.station_missing"


class DatabaseTooNew(StoreError):
    key = "error.db_too_new"


class DatabaseBusy(StoreError):
    key = "error.db_busy"


class DatabaseUnreadable(StoreError):
    key = "error.db_unreadable"


class DatabaseEncrypted(StoreError):
    """An encrypted database (SQLCipher) opened without its passphrase."""

    key = "error.db_encrypted"


class WrongPassphrase(StoreError):
    """The passphrase does not open the encrypted database (or the file is damaged: SQLCipher
    cannot tell the two apart). Nothing was written."""

    key = "error.db_wrong_passphrase"


class SyncRefused(StoreError):
    """A sync bundle that is not taken in (not a bundle, altered, foreign, wrong passphrase…);
    `key` says which, and nothing was changed."""

    key = "sync.refused"
