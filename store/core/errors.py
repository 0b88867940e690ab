"""Store errors: each carries a catalogue key and its parameters; the interface translates them."""

from __future__ import annotations

from typing import Any


def N_(key: str) -> str:
    """Marks a catalogue key that is not translated here (gettext's `gettext_noop`): the store
    names its messages by key, the interface translates them, and `make catalogue` finds them
    through this mark, or as the first argument of an error (pyproject.toml, [tool.babel])."""
    return key


class StoreError(Exception):
    """Base of every error the store raises on purpose. Never carries residents' data."""

    key = N_("error.store")

    def __init__(self, key: str | None = None, **params: Any) -> None:
        self.key = key or type(self).key
        self.params = params
        super().__init__(self.key)


class FieldInvalid(StoreError, ValueError):
    """One input field is invalid; `key` names the rule, `field` the field."""

    key = N_("error.field")

    def __init__(self, key: str, field: str = "", **params: Any) -> None:
        super().__init__(key, **params)
        self.field = field


class FormInvalid(StoreError):
    """Several fields are invalid at once: `errors` maps field name to catalogue key."""

    key = N_("error.form")

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__()
        self.errors = errors


class NotFound(StoreError):
    key = N_("error.not_found")


class VisitNotFound(NotFound):
    key = N_("error.visit_not_found")


class IssueNotFound(NotFound):
    key = N_("error.issue_not_found")


class DeputyNotFound(NotFound):
    key = N_("error.deputy_not_found")


class UnitNotFound(NotFound):
    key = N_("error.unit_not_found")


class ShiftNotFound(NotFound):
    key = N_("error.shift_not_found")


class ResidentNotFound(NotFound):
    key = N_("error.resident_not_found")


class ResidentPurged(StoreError):
    """A resident whose personal data was purged (store.trust.purge): nothing left to correct."""

    key = N_("error.resident_purged")


class PhoneTaken(StoreError):
    """A resident's phone corrected to one another resident already has. Two people are never
    merged unasked: the deputy is told, and may say the visit was that resident's
    (store.desk.corrections.move_visit_to_resident). Carries the other's id, never their data."""

    key = N_("error.phone_taken")

    def __init__(self, other_id: str) -> None:
        super().__init__()
        self.other_id = other_id


class InvalidStatusMove(StoreError):
    key = N_("error.status_move")


class VisitAlreadyTriaged(StoreError):
    key = N_("error.visit_triaged")


class IssueMerged(IssueNotFound):
    """The issue was merged into another (store.desk.regroup); `survivor` names the issue it
    lives on as, so that the interface can open that one instead."""

    key = N_("error.issue_merged")


class VisitNotTriaged(StoreError):
    """The visit waits in the triage queue: it is on no issue to unlink or move it from."""

    key = N_("error.visit_not_triaged")


class VisitWithdrawn(StoreError):
    """The resident withdrew the visit (撤回): it is closed, not moved or withdrawn again."""

    key = N_("error.visit_withdrawn")


class LastVisitOnIssue(StoreError):
    """Unlinking or moving the issue's last visit still asked for would leave an issue about
    nothing: withdraw the visit, or merge the issue into the other, instead."""

    key = N_("error.last_visit")


class SameIssue(StoreError):
    """A visit moved to the issue it is on, or an issue merged into itself."""

    key = N_("error.same_issue")


class SplitInvalid(StoreError):
    """A split must take some of the issue's visits still asked for, not none and not all;
    `key` says which (or that a visit chosen is not on the issue)."""

    key = N_("error.split_none")


class UnitTierMismatch(StoreError):
    key = N_("error.unit_tier")


class TierMoveInvalid(StoreError):
    """A move to another tier that cannot be made: to the tier the issue is at, or of a closed
    issue (reopen it first)."""

    key = N_("error.move_tier")


class ReadOnlySession(StoreError):
    """A write was attempted outside `write_session`: it would escape the change log."""

    key = N_("error.read_only")


class StationMissing(StoreError):
    key = N_("error.station_missing")


class DatabaseTooNew(StoreError):
    key = N_("error.db_too_new")


class DatabaseBusy(StoreError):
    key = N_("error.db_busy")


class DatabaseUnreadable(StoreError):
    key = N_("error.db_unreadable")


class DatabaseReadOnly(StoreError):
    """The database's file cannot be written (its permissions, an immutable file, a read-only
    disk): not a damaged one, which a restore would replace."""

    key = N_("error.db_read_only")


class DatabaseEncrypted(StoreError):
    """An encrypted database (SQLCipher) opened without its passphrase."""

    key = N_("error.db_encrypted")


class WrongPassphrase(StoreError):
    """The passphrase does not open the encrypted database (or the file is damaged: SQLCipher
    cannot tell the two apart). Nothing was written."""

    key = N_("error.db_wrong_passphrase")


class SyncRefused(StoreError):
    """A sync bundle that is not taken in (not a bundle, altered, foreign, wrong passphrase…);
    `key` says which, and nothing was changed."""

    key = N_("sync.refused")


class HubRefused(StoreError):
    """A duty desk's write asked of a county hub's database, where nobody is on duty
    (store.core.hub_mark): logging a visit, triage, a shift or its handover."""

    key = N_("error.hub_no_duty")
