"""The audit trail (操作留痕): who changed what and when, read off the change log, newest first.

Every write is in the change log (store.changelog.changes), the access log's events included (a
phone revealed, a ledger exported in clear: store.trust.reveals), so one indexed query over it is
the whole trail. Filters: one issue (its own changes and those of its visits, progress entries,
evaluations, residents and links, and the reveals of its residents' phones), one deputy, one
device, one table. Personal values (residents' names and words; deputies' phones and PINs) are
never returned: such a field comes back `hidden`, its name only. Residents' phones and ID numbers
come back masked, as every screen shows them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from store.changelog.chain import PERSONAL_FIELDS
from store.changelog.changes import to_json_value
from store.changelog.field_clock import META_FIELDS
from store.changelog.lean import entry_values
from store.core.models import (
    AccessLog,
    Category,
    ChangeLog,
    ChangeOp,
    Deliberation,
    Deputy,
    Device,
    DraftRegulation,
    Evaluation,
    Issue,
    IssueMove,
    LeaderVisitIssue,
    LegislativeOpinion,
    MicroProject,
    MicroProjectIssue,
    Notice,
    ObservationPoint,
    Progress,
    Suggestion,
    SuggestionSource,
    UnansweredCall,
    Unit,
    Village,
    Visit,
)
from store.core.paging import PAGE_SIZE, Page
from store.core.validation import mask_id_number, mask_phone

# Values never shown on the audit screen, by table: a resident's personal data (what a purge
# removes, store.changelog.chain) and their village group, what they said (the issue page shows the
# words to whoever opens it; the trail says only that they changed), and a deputy's own phone
# and PIN.
HIDDEN_FIELDS: dict[str, frozenset[str]] = {
    "constituent": frozenset({*PERSONAL_FIELDS["constituent"], "group_name"}),
    # An observer (民情观察员) is under the residents' rules: the name hidden, the phone masked.
    "observer": frozenset(PERSONAL_FIELDS["observer"]),
    "visit": frozenset({"text", "summary"}),
    "deputy": frozenset({"phone", "pin_hash"}),
    # A legislative opinion typed at the desk: who gave it (a name) and their words.
    "legislative_opinion": frozenset({"who", "text"}),
}

# Personal numbers shown masked rather than hidden, as every screen shows them (docs/rules/data.md):
# a corrected phone reads 138****1234→139****1111.
MASKED_FIELDS: dict[str, dict[str, Callable[[str], str]]] = {
    "constituent": {"phone": mask_phone, "id_number": mask_id_number},
    "observer": {"phone": mask_phone},
}

# Columns a change may write that say nothing to a reader: the deletion mark (the op says it)
# and the station a record belongs to (a station has one).
_QUIET = frozenset({"deleted_at", "station_id"})

# The op of an access-log event (a reveal): shown as what was done, not as a new record.
ACCESS = "access"


@dataclass(frozen=True)
class AuditField:
    """One field a change wrote: its value before (when the log knows it) and after. A hidden
    field carries neither."""

    name: str
    old: Any = None
    new: Any = None
    hidden: bool = False
    # False when the value before is unknown (a new record, or a change from before the log
    # kept what each write overwrote).
    has_old: bool = False


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: datetime
    deputy: str | None
    device: str
    table_name: str
    row_id: str
    # ChangeOp's value, or ACCESS for a reveal.
    op: str
    fields: tuple[AuditField, ...]
    # The issue the record belongs to (enter opens it), and its title.
    issue_id: str | None = None
    issue_title: str | None = None
    # A reference record's own name (a unit, a village, a deputy...), when it has one.
    subject: str = ""
    # An access event: what was done (store.trust.reveals' actions) and to which table's row.
    action: str | None = None
    target_table: str | None = None
    # An export's number of visits.
    count: int | None = None


def _issue_scope(issue_id: str) -> ColumnElement[bool]:
    """The change-log rows of one issue and of everything that hangs off it. Each branch is a
    (table_name, row_id) lookup on ix_change_log_row."""
    visits = select(col(Visit.id)).where(Visit.issue_id == issue_id)
    residents = select(col(Visit.constituent_id)).where(Visit.issue_id == issue_id)
    reveals = select(col(AccessLog.id)).where(
        AccessLog.table_name == "constituent", col(AccessLog.row_id).in_(residents)
    )
    branches: list[tuple[str, Any]] = [
        ("visit", visits),
        ("progress", select(col(Progress.id)).where(Progress.issue_id == issue_id)),
        ("evaluation", select(col(Evaluation.id)).where(Evaluation.issue_id == issue_id)),
        (
            "unanswered_call",
            select(col(UnansweredCall.id)).where(UnansweredCall.issue_id == issue_id),
        ),
        ("issue_move", select(col(IssueMove.id)).where(IssueMove.issue_id == issue_id)),
        ("notice", select(col(Notice.id)).where(Notice.issue_id == issue_id)),
        ("constituent", residents),
        (
            "leader_visit_issue",
            select(col(LeaderVisitIssue.id)).where(LeaderVisitIssue.issue_id == issue_id),
        ),
        (
            "micro_project_issue",
            select(col(MicroProjectIssue.id)).where(MicroProjectIssue.issue_id == issue_id),
        ),
        (
            "suggestion_source",
            select(col(SuggestionSource.id)).where(SuggestionSource.issue_id == issue_id),
        ),
        # A legislative opinion given in one of the issue's visits.
        (
            "legislative_opinion",
            select(col(LegislativeOpinion.id)).where(col(LegislativeOpinion.visit_id).in_(visits)),
        ),
        ("access_log", reveals),
    ]
    return or_(
        and_(col(ChangeLog.table_name) == "issue", col(ChangeLog.row_id) == issue_id),
        *(
            and_(col(ChangeLog.table_name) == table, col(ChangeLog.row_id).in_(ids))
            for table, ids in branches
        ),
    )


def audit_query(
    *,
    issue_id: str | None = None,
    deputy_id: str | None = None,
    device_id: str | None = None,
    table: str | None = None,
) -> Any:
    """The trail's rows, newest first (by stamp, then by when this device wrote them)."""
    # SQLAlchemy's own select: SQLModel's is typed for up to four columns.
    query = sa_select(
        col(ChangeLog.seq),
        col(ChangeLog.at),
        col(ChangeLog.device_id),
        col(ChangeLog.deputy_id),
        col(ChangeLog.table_name),
        col(ChangeLog.row_id),
        col(ChangeLog.op),
        col(ChangeLog.fields),
        col(ChangeLog.base),
        col(ChangeLog.layout),
    )
    if issue_id is not None:
        query = query.where(_issue_scope(issue_id))
    if deputy_id is not None:
        query = query.where(col(ChangeLog.deputy_id) == deputy_id)
    if device_id is not None:
        query = query.where(col(ChangeLog.device_id) == device_id)
    if table is not None:
        query = query.where(col(ChangeLog.table_name) == table)
    return query.order_by(col(ChangeLog.hlc).desc(), col(ChangeLog.seq).desc())


def list_audit(
    *,
    session: Session,
    issue_id: str | None = None,
    deputy_id: str | None = None,
    device_id: str | None = None,
    table: str | None = None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> Page[AuditRow]:
    """One page of the audit trail, newest first.

    Counting a whole change log would read every row of it: the page reads `limit + 1` rows
    instead, and `total` is what is known (the rows up to this page, plus one if there is more).

    Args:
        session: a read session.
        issue_id: only this issue and what hangs off it (visits, progress, evaluations, its
            residents, its links, reveals of its residents' phones).
        deputy_id: only what this deputy did (on duty when it was written).
        device_id: only what was written on this device.
        table: only changes of this table.
        offset, limit: the page.
    Returns:
        A page of AuditRow; personal values hidden.
    """
    query = audit_query(issue_id=issue_id, deputy_id=deputy_id, device_id=device_id, table=table)
    found = session.execute(query.offset(offset).limit(limit + 1)).all()
    more = len(found) > limit
    found = list(found[:limit])
    conn = session.connection()
    deputies = _names(session, Deputy, {r.deputy_id for r in found if r.deputy_id})
    devices = _names(session, Device, {r.device_id for r in found})
    logged = [_parse(conn, r) for r in found]
    olds = _old_values(conn, logged)
    access = _access_events(session, found)
    links = _issue_links(session, found, access, issue_id)
    titles = _issue_titles(session, set(links.values()))
    subjects = _subjects(session, found)
    items = []
    for r, (fields, base) in zip(found, logged, strict=True):
        event = access.get(r.row_id) if r.table_name == "access_log" else None
        linked = links.get((r.table_name, r.row_id))
        items.append(
            AuditRow(
                seq=r.seq,
                at=r.at,
                deputy=deputies.get(r.deputy_id) if r.deputy_id else None,
                device=devices.get(r.device_id, ""),
                table_name=r.table_name,
                row_id=r.row_id,
                op=ACCESS if event is not None else r.op,
                fields=() if event is not None else _fields(r.table_name, r.op, fields, base, olds),
                issue_id=linked,
                issue_title=titles.get(linked) if linked else None,
                subject=subjects.get((r.table_name, r.row_id), ""),
                action=event.action if event else None,
                target_table=event.table_name if event else None,
                count=_count(event),
            )
        )
    total = offset + len(items) + (1 if more else 0)
    return Page(tuple(items), total, offset, limit)


def _count(event: AccessLog | None) -> int | None:
    if event is None or event.table_name != "ledger":
        return None
    return int(event.row_id) if event.row_id.isdigit() else None


def _parse(conn: Any, row: Any) -> tuple[dict[str, Any], dict[str, str]]:
    fields = entry_values(conn, row.fields, row.layout, row.row_id, row.device_id)
    return fields, json.loads(row.base) if row.base else {}


def _names(session: Session, model: Any, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    query = select(model.id, model.name).where(col(model.id).in_(sorted(ids)))
    return {row_id: name for row_id, name in session.execute(query)}


_CHANGE_AT = text(
    "SELECT fields, layout, row_id FROM change_log WHERE device_id = :device AND hlc = :hlc"
    " ORDER BY seq LIMIT 1"
)


def _old_values(
    conn: Any, logged: list[tuple[dict[str, Any], dict[str, str]]]
) -> dict[str, dict[str, Any]]:
    """The fields of each change an update overwrote (its base names them "<stamp> <device>"),
    by that name: one lookup on ix_change_log_device_id_hlc each."""
    names = {name for _fields, base in logged for name in base.values()}
    found: dict[str, dict[str, Any]] = {}
    for name in sorted(names):
        hlc, _, device = name.partition(" ")
        row = conn.execute(_CHANGE_AT, {"device": device, "hlc": hlc}).first()
        if row is not None:
            found[name] = entry_values(conn, row.fields, row.layout, row.row_id, device)
    return found


def _fields(
    table: str,
    op: str,
    fields: dict[str, Any],
    base: dict[str, str],
    olds: dict[str, dict[str, Any]],
) -> tuple[AuditField, ...]:
    """What a change wrote, minus the columns every write sets. A deletion is the mark alone."""
    if op == ChangeOp.delete:
        return ()
    personal = HIDDEN_FIELDS.get(table, frozenset())
    masks = MASKED_FIELDS.get(table, {})
    out = []
    for name, value in fields.items():
        if name in META_FIELDS or name in _QUIET:
            continue
        if name in masks:
            if op == ChangeOp.insert and not value:
                continue
            source = olds.get(base.get(name, ""))
            old = source.get(name) if source else None
            out.append(
                AuditField(
                    name,
                    old=masks[name](str(old)) if old else None,
                    new=masks[name](str(value)) if value else None,
                    has_old=source is not None and name in source,
                )
            )
            continue
        if name in personal:
            out.append(AuditField(name, hidden=True))
            continue
        if op == ChangeOp.insert and value in (None, "", False):
            continue  # a new record's empty columns say nothing
        source = olds.get(base.get(name, ""))
        has_old = source is not None and name in source
        out.append(
            AuditField(
                name,
                old=to_json_value(source[name]) if has_old and source else None,
                new=value,
                has_old=has_old,
            )
        )
    return tuple(out)


def _access_events(session: Session, found: list[Any]) -> dict[str, AccessLog]:
    """The access-log records behind the page's access-log rows, by id."""
    ids = sorted({r.row_id for r in found if r.table_name == "access_log"})
    if not ids:
        return {}
    query = select(AccessLog).where(col(AccessLog.id).in_(ids))
    return {event.id: event for event in session.scalars(query)}


# Tables whose records hang off one issue, by their issue column.
_BY_ISSUE: dict[str, Any] = {
    "visit": Visit,
    "progress": Progress,
    "evaluation": Evaluation,
    "unanswered_call": UnansweredCall,
    "issue_move": IssueMove,
    "notice": Notice,
    "leader_visit_issue": LeaderVisitIssue,
    "micro_project_issue": MicroProjectIssue,
    "suggestion_source": SuggestionSource,
}


def _issue_links(
    session: Session,
    found: list[Any],
    access: dict[str, AccessLog],
    issue_id: str | None,
) -> dict[tuple[str, str], str]:
    """The issue each row of the page belongs to, by (table, row id): one query a table. A
    resident (and a reveal of their phone) belongs to the issue shown, else to the issue of
    their latest visit."""
    wanted: dict[str, set[str]] = {}
    for r in found:
        wanted.setdefault(r.table_name, set()).add(r.row_id)
    residents = set(wanted.get("constituent", ()))
    for event in access.values():
        if event.table_name == "constituent":
            residents.add(event.row_id)
    links: dict[tuple[str, str], str] = {}
    for row_id in wanted.get("issue", ()):
        links[("issue", row_id)] = row_id
    for table, model in _BY_ISSUE.items():
        ids = wanted.get(table)
        if ids:
            query = select(model.id, model.issue_id).where(col(model.id).in_(sorted(ids)))
            for row_id, linked in session.execute(query):
                if linked:
                    links[(table, row_id)] = linked
    issue_of: dict[str, str] = {}
    if residents and issue_id is not None:
        issue_of = dict.fromkeys(residents, issue_id)
    elif residents:
        query = (
            select(col(Visit.constituent_id), col(Visit.issue_id))
            .where(
                col(Visit.constituent_id).in_(sorted(residents)), col(Visit.issue_id).is_not(None)
            )
            .order_by(col(Visit.received_at))
        )
        issue_of = {person: linked for person, linked in session.execute(query)}
    for row_id in wanted.get("constituent", ()):
        if row_id in issue_of:
            links[("constituent", row_id)] = issue_of[row_id]
    for event_id, event in access.items():
        if event.table_name == "constituent" and event.row_id in issue_of:
            links[("access_log", event_id)] = issue_of[event.row_id]
    return links


# Reference records named by their own (non-personal) name or title.
_NAMED: dict[str, tuple[Any, Any]] = {
    "unit": (Unit, Unit.name),
    "village": (Village, Village.name),
    "category": (Category, Category.name),
    "deputy": (Deputy, Deputy.name),
    "device": (Device, Device.name),
    "micro_project": (MicroProject, MicroProject.title),
    "suggestion": (Suggestion, Suggestion.title),
    "draft_regulation": (DraftRegulation, DraftRegulation.title),
    # A deliberation session by its place (its topics may be long, or a resident's words).
    "deliberation": (Deliberation, Deliberation.place),
    # An observation point by its name (a place, not a person); an observer is not named here.
    "observation_point": (ObservationPoint, ObservationPoint.name),
}


def _subjects(session: Session, found: list[Any]) -> dict[tuple[str, str], str]:
    """Each reference record's name, by (table, row id); a setting's key."""
    wanted: dict[str, set[str]] = {}
    for r in found:
        wanted.setdefault(r.table_name, set()).add(r.row_id)
    subjects = {("setting", key): key for key in wanted.get("setting", ())}
    for table, (model, name) in _NAMED.items():
        ids = wanted.get(table)
        if ids:
            query = select(model.id, name).where(col(model.id).in_(sorted(ids)))
            subjects.update({(table, row_id): value for row_id, value in session.execute(query)})
    return subjects


def _issue_titles(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    query = select(col(Issue.id), col(Issue.title)).where(col(Issue.id).in_(sorted(ids)))
    return {issue: title for issue, title in session.execute(query)}
