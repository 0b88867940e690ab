"""Retention (PIPL minimisation, docs/rules/data.md, issue 7): residents' personal data on issues
closed more than N years ago (setting `purge_after_years`) is removed; statistics stay.

A resident is purged when every visit of theirs ended on or before the cut-off: a visit ends when
its issue closes, or, a 立法建议 visit taken as a legislative opinion (and on no issue), when
every opinion taken from it ended. An opinion ends when the legislature answered it, or, never
answered, when its draft's consultation closed (the draft's due day); with neither it has not
ended. One visit still open, reopened, untriaged or ended more recently keeps the resident.
Purging empties their name and phone (and ID number, and the pinyin derived from the name) and
stamps `purged_at`, as an ordinary logged update: it reaches the other devices by sync.

Who gave an opinion typed at the desk (store.legislation.opinions: a name, no phone) goes by the
same rule: once the opinion ended on or before the cut-off its `who` is emptied, a logged update
too. An opinion's `who` is written only when it is given, so a change that empties it is its
purge (the mark the other devices redact by; no `purged_at` column is needed).

Each device then removes the old values from its own change-log entries too (`redact_purged`, on
the spot and in every merge), keeping the hash chain verifiable (store.changelog.chain). Visits,
issues, opinions and their figures are untouched."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, text
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from store.changelog.chain import (
    LOG_TABLE,
    PERSONAL_FIELDS,
    REDACT_OP,
    redact_entries,
    redaction_record,
)
from store.changelog.changes import log_local_entry, write_context
from store.changelog.conflict_list import derive_conflicts, listed_rows
from store.changelog.field_clock import chunks
from store.changelog.lean import entry_values
from store.core.models import ChangeLog, ChangeLogLayout, Constituent, LegislativeOpinion
from store.core.paging import PAGE_SIZE, Page
from store.core.settings import load_settings
from store.core.validation import mask_phone

# The row a redaction record is about: the change log itself.
REDACTION_ROW = "redaction"
# What a purged resident's personal fields hold from then on.
PURGED_VALUES: dict[str, Any] = {
    "name": "",
    "phone": "",
    "id_number": None,
    "name_pinyin": "",
    "name_initials": "",
}
OPINION = "legislative_opinion"
# What a purged opinion's `who` holds from then on.
PURGED_OPINION: dict[str, Any] = {"who": ""}


def _stamped(value: Any) -> bool:
    return value is not None


def _emptied(value: Any) -> bool:
    return isinstance(value, str) and not value


# Per table with personal fields (store.changelog.chain): the field a purge writes and the test
# of its value that tells a purge from other writes of it, and what the personal fields hold
# after it. An observer's purge (民情观察员, store.observers.retention) empties their name and
# phone as a resident's does.
_PURGES: dict[str, tuple[str, Callable[[Any], bool], dict[str, Any]]] = {
    "constituent": ("purged_at", _stamped, PURGED_VALUES),
    OPINION: ("who", _emptied, PURGED_OPINION),
    "observer": ("purged_at", _stamped, {"name": "", "phone": ""}),
}

# The day an opinion ended: answered, else its consultation closed (o an opinion, d its draft).
_OPINION_ENDED = "coalesce(o.answered_on, d.due_on)"
_OPINION_DRAFT = "legislative_opinion o JOIN draft_regulation d ON d.id = o.draft_id"
# The day visit `v` ended: its issue closed; on no issue, its opinions all ended (the last of
# them); NULL while it has not (or it is untriaged and no opinion).
_VISIT_ENDED = f"""CASE WHEN v.issue_id IS NOT NULL
  THEN (SELECT i.closed_on FROM issue i WHERE i.id = v.issue_id)
  ELSE (SELECT CASE WHEN count(*) = count({_OPINION_ENDED}) THEN max({_OPINION_ENDED}) END
        FROM {_OPINION_DRAFT} WHERE o.visit_id = v.id AND o.deleted_at IS NULL)
END"""
_DUE = f"""
FROM constituent c
WHERE c.purged_at IS NULL AND c.deleted_at IS NULL
  AND EXISTS (SELECT 1 FROM visit v WHERE v.constituent_id = c.id AND v.deleted_at IS NULL)
  AND NOT EXISTS (
    SELECT 1 FROM visit v
    WHERE v.constituent_id = c.id AND v.deleted_at IS NULL
      AND CASE WHEN ({_VISIT_ENDED}) <= :cutoff THEN 0 ELSE 1 END = 1
  )
"""
_LAST_CLOSED = (
    f"(SELECT max({_VISIT_ENDED}) FROM visit v"
    " WHERE v.constituent_id = c.id AND v.deleted_at IS NULL)"
)
_ISSUES = (
    "SELECT count(DISTINCT v.issue_id) FROM visit v"
    f" WHERE v.deleted_at IS NULL AND v.constituent_id IN (SELECT c.id {_DUE})"
)
# Opinions typed with who gave them, ended on or before the cut-off.
_OPINIONS_DUE = f"""
FROM {_OPINION_DRAFT}
WHERE o.deleted_at IS NULL AND o.visit_id IS NULL AND o.who <> ''
  AND {_OPINION_ENDED} <= :cutoff
"""


@dataclass(frozen=True)
class PurgeCandidate:
    constituent_id: str
    name: str
    phone_masked: str
    village: str
    last_closed_on: date


@dataclass(frozen=True)
class PurgePlan:
    """Who a purge would reach: residents whose visits all ended on or before `cutoff`, and
    the opinions typed with who gave them that ended then (counted: names are not listed)."""

    years: int
    cutoff: date
    residents: Page[PurgeCandidate]
    issues: int
    opinions: int = 0


@dataclass(frozen=True)
class PurgeResult:
    residents: int
    entries: int
    cutoff: date
    opinions: int = 0


# The tables whose rows a purge empties, and a merge redacts the log of (store.sync.merge).
PERSONAL_TABLES = tuple(_PURGES)
# What each table's personal fields hold once purged.
PURGED_BY_TABLE: dict[str, dict[str, Any]] = {table: v for table, (_, _, v) in _PURGES.items()}


def purge_cutoff(today: date, years: int) -> date:
    """The same day `years` years before `today` (29 February becomes the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def plan_purge(
    *,
    session: Session,
    today: date,
    years: int | None = None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> PurgePlan:
    """What `purge_residents` would remove (the dry run), a page of residents at a time.

    Args:
        years: the retention period; the station's `purge_after_years` setting by default.
    """
    years = years or load_settings(session=session).purge_after_years
    cutoff = purge_cutoff(today, years)
    conn = session.connection()
    params = {"cutoff": cutoff, "offset": offset, "limit": limit}
    total = conn.execute(text(f"SELECT count(*) {_DUE}"), params).scalar_one()
    rows = conn.execute(
        text(
            "SELECT c.id, c.name, c.phone,"
            " (SELECT g.name FROM village g WHERE g.id = c.village_id),"
            f" {_LAST_CLOSED} AS last_closed {_DUE}"
            " ORDER BY last_closed, c.id LIMIT :limit OFFSET :offset"
        ),
        params,
    )
    items = tuple(
        PurgeCandidate(
            constituent_id=row[0],
            name=row[1],
            phone_masked=mask_phone(row[2]),
            village=row[3] or "",
            last_closed_on=_as_date(row[4]),
        )
        for row in rows
    )
    issues = conn.execute(text(_ISSUES), params).scalar_one()
    opinions = conn.execute(text(f"SELECT count(*) {_OPINIONS_DUE}"), params).scalar_one()
    return PurgePlan(
        years, cutoff, Page(items, int(total), offset, limit), int(issues), int(opinions)
    )


def purge_residents(
    *,
    session: Session,
    today: date,
    years: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PurgeResult:
    """Remove the personal data of every resident `plan_purge` names, in this transaction.

    Args:
        progress: called now and then with (residents done, residents in all).
    """
    ctx = write_context(session)
    years = years or load_settings(session=session).purge_after_years
    cutoff = purge_cutoff(today, years)
    conn = session.connection()
    ids = [
        r[0] for r in conn.execute(text(f"SELECT c.id {_DUE} ORDER BY c.id"), {"cutoff": cutoff})
    ]
    now = ctx.clock.now()
    entries = 0
    for done, part in enumerate(chunks(ids, 500)):
        people = session.exec(select(Constituent).where(col(Constituent.id).in_(part)))
        for person in people:
            person.name = PURGED_VALUES["name"]
            person.phone = PURGED_VALUES["phone"]
            person.id_number = PURGED_VALUES["id_number"]
            person.purged_at = now
        session.flush()
        entries += redact_purged(session, part)
        if progress is not None:
            progress(min((done + 1) * 500, len(ids)), len(ids))
    opinions = [
        r[0]
        for r in conn.execute(
            text(f"SELECT o.id {_OPINIONS_DUE} ORDER BY o.id"), {"cutoff": cutoff}
        )
    ]
    for part in chunks(opinions, 500):
        for opinion in session.exec(
            select(LegislativeOpinion).where(col(LegislativeOpinion.id).in_(part))
        ):
            opinion.who = PURGED_OPINION["who"]
        session.flush()
        entries += redact_purged(session, part, OPINION)
    return PurgeResult(residents=len(ids), entries=entries, cutoff=cutoff, opinions=len(opinions))


def redact_purged(session: OrmSession, row_ids: Iterable[str], table: str = "constituent") -> int:
    """Remove purged residents' (or opinions', or observers') old values from this device's
    change-log entries: every entry ordered before a row's purge (by its stamp, as sync orders
    changes) takes the purge's values, and a redaction record chained after them names what was
    removed by its digest (store.changelog.chain). Idempotent; also run by every merge, since an
    entry may arrive after its purge. Returns how many entries changed.

    Args:
        table: a table of `PERSONAL_TABLES` (the residents' by default)."""
    conn = session.connection()
    mark, is_purge, purged_values = _PURGES[table]
    purges: dict[str, tuple[str, dict[str, Any]]] = {}
    log = ChangeLog.__table__  # type: ignore[attr-defined]
    layouts = ChangeLogLayout.__table__  # type: ignore[attr-defined]
    # The entries that write the mark: by their JSON object, or by their layout's keys
    # (store.changelog.lean); of those, the purges are the ones whose value passes the test.
    lean_purges = sa_select(layouts.c.id).where(
        or_(layouts.c.spec.contains(f'"{mark}"'), layouts.c.spec.contains(f'"{mark}='))
    )
    for part in chunks(sorted(set(row_ids))):
        found = conn.execute(
            sa_select(
                log.c.row_id,
                func.coalesce(log.c.clamped_hlc, log.c.hlc),
                log.c.fields,
                log.c.layout,
                log.c.device_id,
            ).where(
                log.c.table_name == table,
                log.c.row_id.in_(part),
                or_(
                    and_(log.c.layout.is_(None), log.c.fields.like(f'%"{mark}": %')),
                    log.c.layout.in_(lean_purges),
                ),
            )
        )
        for row_id, stamp, text_, layout_id, device_id in found:
            fields = entry_values(conn, text_, layout_id, row_id, device_id)
            if mark not in fields or not is_purge(fields[mark]):
                continue
            if row_id not in purges or stamp > purges[row_id][0]:
                purges[row_id] = (stamp, fields)
    sealed: list[list[str]] = []
    for row_id, (stamp, fields) in purges.items():
        values = {k: fields.get(k, purged_values[k]) for k in PERSONAL_FIELDS[table]}
        sealed += redact_entries(
            conn, table_name=table, row_id=row_id, values=values, before_stamp=stamp
        )
    changed = len(sealed)
    if sealed:
        log_local_entry(
            session,
            table_name=LOG_TABLE,
            row_id=REDACTION_ROW,
            op=REDACT_OP,
            fields=redaction_record(sealed),
        )
        # The conflict list holds losing values of these rows: derived again from the log.
        listed = listed_rows(conn, table, purges)
        if listed:
            derive_conflicts(conn, table, listed)
    return changed


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
