"""Stored values in the interface language: what the sync screen's conflict list and the audit
trail show for a value (records' and fields' names are tui.names)."""

from __future__ import annotations

from enum import StrEnum

from store.core.models import (
    Channel,
    DayKind,
    DeliberationKind,
    DeputyLevel,
    IssueStatus,
    MoveReason,
    NoticeEvent,
    NoticeWay,
    ProjectStatus,
    Resolution,
    Satisfaction,
    SuggestionStatus,
    SuggestionStep,
    Tier,
    VillageKind,
    VisitKind,
)
from tui.i18n import label, t
from tui.names import yes_no

# Fields whose values are domain terms: shown by their names (the same column name means
# different terms in different tables, hence the table).
ENUM_FIELDS: dict[tuple[str, str], type[StrEnum]] = {
    ("issue", "tier"): Tier,
    ("issue", "kind"): VisitKind,
    ("unit", "tier"): Tier,
    ("issue", "status"): IssueStatus,
    ("micro_project", "status"): ProjectStatus,
    ("issue", "resolution"): Resolution,
    ("evaluation", "resolution"): Resolution,
    ("issue", "satisfaction"): Satisfaction,
    ("evaluation", "satisfaction"): Satisfaction,
    ("visit", "channel"): Channel,
    ("visit", "kind"): VisitKind,
    ("progress", "status_before"): IssueStatus,
    ("progress", "status_after"): IssueStatus,
    ("deputy", "level"): DeputyLevel,
    ("village", "kind"): VillageKind,
    ("calendar_day", "kind"): DayKind,
    ("issue_move", "from_tier"): Tier,
    ("issue_move", "to_tier"): Tier,
    ("issue_move", "reason"): MoveReason,
    ("notice", "event"): NoticeEvent,
    ("notice", "way"): NoticeWay,
    ("deliberation", "kind"): DeliberationKind,
    # Deputies' suggestions (issue 20): seen as `状态 answered→assigned` in the audit trail.
    ("suggestion", "status"): SuggestionStatus,
    ("suggestion", "satisfaction"): Satisfaction,
    ("suggestion_step", "step"): SuggestionStep,
    ("suggestion_step", "satisfaction"): Satisfaction,
}


def value_name(table: str, field: str, value: str, names: dict[str, str]) -> str:
    """A stored value as a deputy reads it: a name for an id, a term for an enum value."""
    if value == "":
        return t("sync.empty")
    if value in ("true", "false"):
        return yes_no(value == "true")
    if field.endswith("_id") and value in names:
        return names[value]
    enum = ENUM_FIELDS.get((table, field))
    if enum is not None:
        try:
            return label(enum(value))
        except ValueError:
            return value
    return value
