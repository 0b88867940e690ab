"""Every field a change log entry can carry has a name in the interface language.

Seen: printing a slip gave the issue its number, and the audit trail read
"slip_year （空）→2026；slip_mark …": columns added after the names were written showed as code."""

from __future__ import annotations

from sqlmodel import SQLModel

import store.core.models  # noqa: F401  (registers every table)
from store.core.models import Record
from tui.i18n import set_language
from tui.names import AUDIT_FIELDS, FIELDS, audit_field_name

# Kept by the write session on every record and shown in their own columns of the trail.
BOOKKEEPING = {"id", "created_at", "updated_at", "device_id"}


def _logged_columns() -> set[tuple[str, str]]:
    logged = {
        str(model.__tablename__)
        for model in Record.__subclasses__()
        if getattr(model, "__table__", None) is not None
    }
    return {
        (table.name, column.name)
        for table in SQLModel.metadata.sorted_tables
        if table.name in logged
        for column in table.columns
        if column.name not in BOOKKEEPING
    }


def test_every_logged_field_has_a_name_in_both_languages() -> None:
    columns = _logged_columns()
    assert ("issue", "slip_seq") in columns and ("leader_visit", "topic") in columns
    unnamed = sorted(c for c in columns if c[1] not in FIELDS and c[1] not in AUDIT_FIELDS)
    assert unnamed == []
    try:
        for language in ("zh", "en"):
            set_language(language)
            shown = {field: audit_field_name(field) for _table, field in columns}
            assert all(name and name != field for field, name in shown.items()), shown
    finally:
        set_language("zh")


def test_the_suggestions_records_and_terms_have_names() -> None:
    """Seen trying the suggestions by hand: the audit trail named a co-signer's record
    `suggestion_depu…`, its table's name, and a suggestion's change `状态 answered→assigned`."""
    from screens.base.labels import value_name
    from tui.names import TABLES

    logged = {str(m.__tablename__) for m in Record.__subclasses__()}
    suggestions = {name for name in logged if name.startswith("suggestion")}
    assert suggestions == {
        "suggestion",
        "suggestion_deputy",
        "suggestion_source",
        "suggestion_step",
    }
    assert suggestions <= set(TABLES)
    assert value_name("suggestion", "status", "answered", {}) == "已答复"
    assert value_name("suggestion_step", "step", "evaluated", {}) == "代表测评"
    assert value_name("suggestion_step", "satisfaction", "unsatisfied", {}) == "不满意"
