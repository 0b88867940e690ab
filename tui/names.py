"""The store's names for its records, fields and kinds, in the interface language.

Each key is spelled out, so that extraction finds it (`make catalogue`); a name the catalogue
does not know shows as itself."""

from __future__ import annotations

from collections.abc import Callable

from tui.i18n import shown, t, tn

# Kinds of record (tables), for the sync screen's conflicts and the audit trail.
TABLES: dict[str, str] = {
    "issue": t("sync.table.issue"),
    "visit": t("sync.table.visit"),
    "progress": t("sync.table.progress"),
    "evaluation": t("sync.table.evaluation"),
    "unanswered_call": t("sync.table.unanswered_call"),
    "issue_move": t("sync.table.issue_move"),
    "notice": t("sync.table.notice"),
    "constituent": t("sync.table.constituent"),
    "deputy": t("sync.table.deputy"),
    "shift": t("sync.table.shift"),
    "village": t("sync.table.village"),
    "unit": t("sync.table.unit"),
    "category": t("sync.table.category"),
    "setting": t("sync.table.setting"),
    "micro_project": t("sync.table.micro_project"),
    "milestone": t("sync.table.milestone"),
    "leader_visit": t("sync.table.leader_visit"),
    "suggestion": t("sync.table.suggestion"),
    "suggestion_source": t("sync.table.suggestion_source"),
    "suggestion_step": t("sync.table.suggestion_step"),
    "draft_regulation": t("sync.table.draft_regulation"),
    "draft_article": t("sync.table.draft_article"),
    "legislative_opinion": t("sync.table.legislative_opinion"),
    "deliberation": t("sync.table.deliberation"),
    "deliberation_deputy": t("sync.table.deliberation_deputy"),
    "suggestion_deputy": t("sync.table.suggestion_deputy"),
    "observer": t("sync.table.observer"),
    "observation_point": t("sync.table.observation_point"),
    "calendar_day": t("sync.table.calendar_day"),
    "station": t("sync.table.station"),
    "device": t("sync.table.device"),
}

# Fields, as the sync screen names them.
FIELDS: dict[str, str] = {
    "title": t("sync.field.title"),
    "tier": t("sync.field.tier"),
    "unit_id": t("sync.field.unit_id"),
    "status": t("sync.field.status"),
    "lead_deputy_id": t("sync.field.lead_deputy_id"),
    "deputy_id": t("sync.field.deputy_id"),
    "category_id": t("sync.field.category_id"),
    "village_id": t("sync.field.village_id"),
    "due_on": t("sync.field.due_on"),
    "name": t("sync.field.name"),
    "phone": t("sync.field.phone"),
    "id_number": t("sync.field.id_number"),
    "group_name": t("sync.field.group_name"),
    "vulnerable": t("sync.field.vulnerable"),
    "consent_forward": t("sync.field.consent_forward"),
    "no_callback": t("sync.field.no_callback"),
    "text": t("sync.field.text"),
    "summary": t("sync.field.summary"),
    "note": t("sync.field.note"),
    "channel": t("sync.field.channel"),
    "kind": t("sync.field.kind"),
    "issue_id": t("sync.field.issue_id"),
    "resolution": t("sync.field.resolution"),
    "satisfaction": t("sync.field.satisfaction"),
    "handover_note": t("sync.field.handover_note"),
    "value": t("sync.field.value"),
    "deleted_at": t("sync.field.deleted_at"),
    "merged_into": t("sync.field.merged_into"),
    "withdrawn_reason": t("sync.field.withdrawn_reason"),
}

# Fields the sync screen does not name, for the audit trail.
AUDIT_FIELDS: dict[str, str] = {
    "answer": t("audit.field.answer"),
    "answered_on": t("audit.field.answered_on"),
    "assigned_on": t("audit.field.assigned_on"),
    "basis": t("audit.field.basis"),
    "drafted_on": t("audit.field.drafted_on"),
    "evaluated_on": t("audit.field.evaluated_on"),
    "handling_units": t("audit.field.handling_units"),
    "proposal": t("audit.field.proposal"),
    "resupervised": t("audit.field.resupervised"),
    "submitted_on": t("audit.field.submitted_on"),
    "submitted_to": t("audit.field.submitted_to"),
    "suggestion_id": t("audit.field.suggestion_id"),
    "visit_id": t("audit.field.visit_id"),
    "step": t("audit.field.step"),
    "source": t("audit.field.source"),
    "loaded_on": t("audit.field.loaded_on"),
    "draft_id": t("audit.field.draft_id"),
    "number": t("audit.field.number"),
    "label": t("audit.field.label"),
    "article_id": t("audit.field.article_id"),
    "who": t("audit.field.who"),
    "place": t("audit.field.place"),
    "given_on": t("audit.field.given_on"),
    "adoption": t("audit.field.adoption"),
    "officials": t("audit.field.officials"),
    "residents": t("audit.field.residents"),
    "topics": t("audit.field.topics"),
    "decisions": t("audit.field.decisions"),
    "reporting_deputy_id": t("audit.field.reporting_deputy_id"),
    "satisfied": t("audit.field.satisfied"),
    "fairly": t("audit.field.fairly"),
    "unsatisfied": t("audit.field.unsatisfied"),
    "deliberation_id": t("audit.field.deliberation_id"),
    "at": t("audit.field.at"),
    "received_at": t("audit.field.received_at"),
    "opened_on": t("audit.field.opened_on"),
    "warn_on": t("audit.field.warn_on"),
    "window_days": t("audit.field.window_days"),
    "closed_on": t("audit.field.closed_on"),
    "closed_within_window": t("audit.field.closed_within_window"),
    "evaluated_at": t("audit.field.evaluated_at"),
    "resupervision": t("audit.field.resupervision"),
    "reopen_count": t("audit.field.reopen_count"),
    "visit_count": t("audit.field.visit_count"),
    "repeat_count": t("audit.field.repeat_count"),
    "is_repeat": t("audit.field.is_repeat"),
    "constituent_id": t("audit.field.constituent_id"),
    "status_before": t("audit.field.status_before"),
    "status_after": t("audit.field.status_after"),
    "duty_date": t("audit.field.duty_date"),
    "handed_over_at": t("audit.field.handed_over_at"),
    "acknowledged_at": t("audit.field.acknowledged_at"),
    "acknowledged_by": t("audit.field.acknowledged_by"),
    "active": t("audit.field.active"),
    "level": t("audit.field.level"),
    "position": t("audit.field.position"),
    "action": t("audit.field.action"),
    "table_name": t("audit.field.table_name"),
    "row_id": t("audit.field.row_id"),
    "score": t("audit.field.score"),
    "pin_hash": t("audit.field.pin_hash"),
    "slip_year": t("audit.field.slip_year"),
    "slip_mark": t("audit.field.slip_mark"),
    "slip_seq": t("audit.field.slip_seq"),
    "leader": t("audit.field.leader"),
    "topic": t("audit.field.topic"),
    "leader_visit_id": t("audit.field.leader_visit_id"),
    "description": t("audit.field.description"),
    "started_on": t("audit.field.started_on"),
    "done_on": t("audit.field.done_on"),
    "published": t("audit.field.published"),
    "micro_project_id": t("audit.field.micro_project_id"),
    "quarter": t("audit.field.quarter"),
    "held_on": t("audit.field.held_on"),
    "finalised": t("audit.field.finalised"),
    "review_id": t("audit.field.review_id"),
    "target_id": t("audit.field.target_id"),
    "target_kind": t("audit.field.target_kind"),
    "township": t("audit.field.township"),
    "county": t("audit.field.county"),
    "timezone": t("audit.field.timezone"),
    "name_pinyin": t("audit.field.name_pinyin"),
    "name_initials": t("audit.field.name_initials"),
    "purged_at": t("audit.field.purged_at"),
    "day": t("audit.field.day"),
    "station_id": t("audit.field.station_id"),
    "sign_key": t("audit.field.sign_key"),
    "box_key": t("audit.field.box_key"),
    "key_cert": t("audit.field.key_cert"),
    "retired_at": t("audit.field.retired_at"),
    "retire_cert": t("audit.field.retire_cert"),
    "round": t("audit.field.round"),
    "gave_up": t("audit.field.gave_up"),
    "tier_since": t("audit.field.tier_since"),
    "moved_at": t("audit.field.moved_at"),
    "from_tier": t("audit.field.from_tier"),
    "to_tier": t("audit.field.to_tier"),
    "from_unit_id": t("audit.field.from_unit_id"),
    "to_unit_id": t("audit.field.to_unit_id"),
    "reason": t("audit.field.reason"),
    "from_due_on": t("audit.field.from_due_on"),
    "from_on_time": t("audit.field.from_on_time"),
    "to_due_on": t("audit.field.to_due_on"),
    "event": t("audit.field.event"),
    "occasion": t("audit.field.occasion"),
    "told_at": t("audit.field.told_at"),
    "way": t("audit.field.way"),
    "tries": t("audit.field.tries"),
    "last_try_at": t("audit.field.last_try_at"),
    "split_from": t("audit.field.split_from"),
    "withdrawn_at": t("audit.field.withdrawn_at"),
    "observer_id": t("audit.field.observer_id"),
    "point_id": t("audit.field.point_id"),
    "group_kind": t("audit.field.group_kind"),
    "appointed_on": t("audit.field.appointed_on"),
    "retired_on": t("audit.field.retired_on"),
    "consent_named": t("audit.field.consent_named"),
}

# Devices: the station's own, a laptop, a county hub.
DEVICE_KINDS: dict[str, str] = {
    "station": t("sync.device_kind.station"),
    "laptop": t("sync.device_kind.laptop"),
    "hub": t("sync.device_kind.hub"),
}

# What a change did to its record.
OPS: dict[str, str] = {
    "insert": t("audit.op.insert"),
    "update": t("audit.op.update"),
    "delete": t("audit.op.delete"),
}

# What an access event was.
ACTIONS: dict[str, str] = {
    "reveal_phone": t("audit.action.reveal_phone"),
    "export_revealed": t("audit.action.export_revealed"),
}

# How many records of a kind an import brought, the most telling kinds first (the rest are
# counted together: `others`).
KINDS: dict[str, Callable[[int], str]] = {
    "visit": lambda n: tn("sync.kind.visit", n),
    "issue": lambda n: tn("sync.kind.issue", n),
    "progress": lambda n: tn("sync.kind.progress", n),
    "evaluation": lambda n: tn("sync.kind.evaluation", n),
    "issue_move": lambda n: tn("sync.kind.issue_move", n),
    "constituent": lambda n: tn("sync.kind.constituent", n),
    "shift": lambda n: tn("sync.kind.shift", n),
    "deputy": lambda n: tn("sync.kind.deputy", n),
    "device": lambda n: tn("sync.kind.device", n),
    "conflict_resolution": lambda n: tn("sync.kind.conflict_resolution", n),
}


def others(count: int) -> str:
    return tn("sync.kind.other", count)


def name_in(names: dict[str, str], name: str) -> str:
    """`name`'s entry in `names` in the current language, else `name` itself."""
    text = names.get(name)
    return name if text is None else shown(text)


def table_name(table: str) -> str:
    return name_in(TABLES, table)


def field_name(field: str) -> str:
    return name_in(FIELDS, field)


def audit_field_name(field: str) -> str:
    """A field's name in the audit trail: its own words first, then the sync screen's."""
    return name_in(AUDIT_FIELDS, field) if field in AUDIT_FIELDS else field_name(field)


def device_kind_name(kind: str) -> str:
    return name_in(DEVICE_KINDS, kind)


def yes_no(value: bool) -> str:
    return t("sync.true") if value else t("sync.false")
