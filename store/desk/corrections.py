"""Correcting what was typed: a saved visit's own fields, a resident's details, an issue's title,
category and lead deputy (领衔代表).

Every correction is an ordinary logged update in the caller's write transaction (the change log
records who, when, before and after; sync carries it; a concurrent edit of the same field on
another device is a conflict like any other: docs/rules/sync.md). Nothing is written unless the
whole correction is valid.

What the figures read follows the correction (docs/rules/figures.md): a visit counts by its own
category and village, an issue by its own. An issue took its category and village from its
first visit when it was opened; while it still carries that visit's old value, correcting the
visit corrects the issue too (the issue was never told otherwise). An issue's kind and counts
are worked out from its visits again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from store.changelog.changes import write_context
from store.core.clock import today as today_of
from store.core.errors import (
    N_,
    FormInvalid,
    PhoneTaken,
    ResidentNotFound,
    ResidentPurged,
    VisitNotFound,
)
from store.core.models import (
    Category,
    Channel,
    Constituent,
    Deputy,
    Issue,
    IssueCorrection,
    ResidentCorrection,
    Village,
    Visit,
    VisitCorrection,
)
from store.core.rows import get_live, live
from store.core.validation import summarise
from store.desk.issue_rows import IssueRow, live_issue, written_row
from store.desk.notices import apply_no_callback
from store.desk.urgency import pressing_kind
from store.desk.visits import VisitRow, apply_consent, visit_row

# ---------------------------------------------------------------------------------------------
# Reading what a correction starts from


@dataclass(frozen=True)
class ResidentFacts:
    """A resident as the correction form shows them, and how many visits a correction touches."""

    id: str
    name: str
    phone: str
    village_id: str
    village: str
    # Their visits (each shows the corrected name and phone).
    visits: int
    # Of those, the ones logged in the resident's present village (a corrected village moves
    # them; a visit from a village the resident lived in before stays where it was).
    village_visits: int
    last_visit_at: datetime | None = None


def get_resident(*, session: Session, constituent_id: str) -> ResidentFacts:
    """A resident's details and visit counts.

    Raises:
        ResidentNotFound: no such resident (or deleted).
        ResidentPurged: their personal data was purged.
    """
    person = get_live(session, Constituent, constituent_id, ResidentNotFound)
    if person.purged_at is not None:
        raise ResidentPurged()
    village = session.get(Village, person.village_id)
    visits, here, last = session.exec(
        select(
            func.count(),
            func.coalesce(
                func.sum(case((col(Visit.village_id) == person.village_id, 1), else_=0)), 0
            ),
            func.max(Visit.received_at),
        ).where(Visit.constituent_id == person.id, live(Visit))
    ).one()
    return ResidentFacts(
        id=person.id,
        name=person.name,
        phone=person.phone,
        village_id=person.village_id,
        village=village.name if village else "",
        visits=int(visits),
        village_visits=int(here),
        last_visit_at=last,
    )


def other_resident_with_phone(
    *, session: Session, phone: str, besides: str | None = None
) -> str | None:
    """The live resident (other than `besides`) last seen with this phone, or None."""
    query = select(Constituent.id).where(
        Constituent.phone == phone,
        live(Constituent),
        col(Constituent.purged_at).is_(None),
    )
    if besides is not None:
        query = query.where(Constituent.id != besides)
    found = session.exec(query.order_by(col(Constituent.updated_at).desc()).limit(1)).first()
    return found


# ---------------------------------------------------------------------------------------------
# A visit's own fields


@dataclass(frozen=True)
class VisitCorrected:
    """What `correct_visit` did."""

    row: VisitRow
    # The visit's fields that changed (VisitCorrection's names).
    changed: tuple[str, ...]
    # Visits whose consent changed: the resident's others on the same issue included.
    consent_visits: int = 0
    # Visits whose 不用回电 changed, the same way (store.desk.notices.apply_no_callback).
    no_callback_visits: int = 0
    # The issue's category followed the visit's (its name), or None.
    issue_category: str | None = None


def correct_visit(
    *, session: Session, visit_id: str, correction: VisitCorrection
) -> VisitCorrected:
    """Correct a saved visit's channel, kind, category, words, consent (同意转交) and 不用回电.
    A visit corrected away from the observer channel (民情观察员) names no observer or point.

    Consent and 不用回电 are the resident's answers about the issue, so they change on their
    other visits on the same issue too (store.desk.visits.set_consent,
    store.desk.notices.apply_no_callback: declining drops their notices not yet told). A new
    category is the issue's too when the issue still carries the one it took from this visit,
    its first.

    Args:
        session: a write session.
        visit_id: the visit.
        correction: the validated form (VisitCorrection).
    Returns:
        The visit as it now reads, what changed, and what followed.
    Raises:
        VisitNotFound: no such visit, or it was deleted.
        FormInvalid: the category does not exist.
    """
    write_context(session)
    visit = get_live(session, Visit, visit_id, VisitNotFound)
    category = session.exec(
        select(Category.name).where(Category.id == correction.category_id, live(Category))
    ).first()
    if category is None:
        raise FormInvalid({"category_id": N_("field.choice")})
    changed: list[str] = []
    old_category = visit.category_id
    for name in ("channel", "kind", "category_id", "text"):
        value = getattr(correction, name)
        if getattr(visit, name) != value:
            setattr(visit, name, value)
            changed.append(name)
    if "text" in changed:
        visit.summary = summarise(visit.text)
    if visit.channel != Channel.observer and (visit.observer_id or visit.point_id):
        # No longer through an observer: it names none (store.observers), so that it is
        # counted for nobody.
        visit.observer_id = visit.point_id = None
    consent_visits = 0
    if bool(visit.consent_forward) != correction.consent_forward:
        consent_visits = apply_consent(
            session=session, visit=visit, consent=correction.consent_forward
        )
        changed.append("consent_forward")
    no_callback_visits = 0
    if correction.no_callback is not None and bool(visit.no_callback) != correction.no_callback:
        no_callback_visits = apply_no_callback(
            session=session, visit=visit, no_callback=correction.no_callback
        )
        changed.append("no_callback")
    session.flush()
    issue_category = None
    if visit.issue_id is not None and {"kind", "category_id"} & set(changed):
        issue = live_issue(session, visit.issue_id)
        if "kind" in changed:
            _rework_kind(session, issue)
        if (
            "category_id" in changed
            and issue.category_id == old_category
            and _first_visit(session, issue.id) == visit.id
        ):
            issue.category_id = visit.category_id
            issue_category = category
        session.flush()
    return VisitCorrected(
        row=visit_row(session=session, visit_id=visit.id),
        changed=tuple(changed),
        consent_visits=consent_visits,
        no_callback_visits=no_callback_visits,
        issue_category=issue_category,
    )


def _first_visit(session: Session, issue_id: str) -> str | None:
    """The issue's earliest live visit: the one it took its title, category and village from."""
    return session.exec(
        select(Visit.id)
        .where(Visit.issue_id == issue_id, live(Visit))
        .order_by(col(Visit.received_at), col(Visit.id))
        .limit(1)
    ).first()


def _rework_kind(session: Session, issue: Issue) -> None:
    """The issue's kind from its visits as they now are (a corrected kind may lower it)."""
    kinds = session.exec(select(Visit.kind).where(Visit.issue_id == issue.id, live(Visit))).all()
    kind = pressing_kind(kinds)
    if issue.kind != kind:
        issue.kind = kind


# ---------------------------------------------------------------------------------------------
# A resident's details


@dataclass(frozen=True)
class ResidentCorrected:
    """What `correct_resident` did."""

    # The resident's fields that changed (ResidentCorrection's names).
    changed: tuple[str, ...]
    # Their visits: all show the corrected name and phone.
    visits: int
    # Visits moved to the corrected village, and issues whose village followed.
    village_visits: int = 0
    village_issues: int = 0


def correct_resident(
    *,
    session: Session,
    constituent_id: str,
    correction: ResidentCorrection,
    share_phone: bool = False,
) -> ResidentCorrected:
    """Correct a resident's name, phone or village, once, for all their visits.

    A corrected village moves the visits logged in the village the resident had (not those from
    a village they lived in before), and the issues that took their village from one of them.

    Args:
        session: a write session.
        constituent_id: the resident.
        correction: the validated form (ResidentCorrection).
        share_phone: the deputy said the corrected phone is shared with the resident who has it
            already (a household: two people, one phone, as the log form allows).
    Returns:
        What changed and how many visits and issues it touched.
    Raises:
        ResidentNotFound, ResidentPurged.
        FormInvalid: the village does not exist.
        PhoneTaken: another resident has the corrected phone (nothing is written: the deputy
            decides, see `move_visit_to_resident`).
    """
    write_context(session)
    person = get_live(session, Constituent, constituent_id, ResidentNotFound)
    if person.purged_at is not None:
        raise ResidentPurged()
    village = session.exec(
        select(Village.id).where(Village.id == correction.village_id, live(Village))
    ).first()
    if village is None:
        raise FormInvalid({"village_id": N_("field.choice")})
    if correction.phone != person.phone and not share_phone:
        other = other_resident_with_phone(
            session=session, phone=correction.phone, besides=person.id
        )
        if other is not None:
            raise PhoneTaken(other)
    changed = [n for n in ("phone", "name") if getattr(person, n) != getattr(correction, n)]
    for name in changed:
        setattr(person, name, getattr(correction, name))
    moved = issues = 0
    old_village = person.village_id
    if old_village != correction.village_id:
        changed.append("village_id")
        person.village_id = correction.village_id
        moved, issues = _move_village(session, person.id, old_village, correction.village_id)
    session.flush()
    visits = session.exec(
        select(func.count()).where(Visit.constituent_id == person.id, live(Visit))
    ).one()
    return ResidentCorrected(
        changed=tuple(changed), visits=int(visits), village_visits=moved, village_issues=issues
    )


def _move_village(session: Session, person_id: str, old: str, new: str) -> tuple[int, int]:
    """The resident's visits in village `old` to `new`, and the issues that took their village
    from one of them (their first visit) and still carry it. Returns (visits, issues) moved."""
    visits = session.exec(
        select(Visit).where(Visit.constituent_id == person_id, Visit.village_id == old, live(Visit))
    ).all()
    for visit in visits:
        visit.village_id = new
    moved = {v.id for v in visits}
    issues = 0
    for issue_id in sorted({v.issue_id for v in visits if v.issue_id}):
        issue = live_issue(session, issue_id)
        if issue.village_id == old and _first_visit(session, issue_id) in moved:
            issue.village_id = new
            issues += 1
    return len(visits), issues


def move_visit_to_resident(*, session: Session, visit_id: str, constituent_id: str) -> VisitRow:
    """Say a visit was made by another, known resident (its phone was typed wrong and is theirs):
    the visit goes to them; the resident it was logged under, left with no visit, is deleted (a
    logged deletion: a record made by the typing mistake). Repeats (重复诉求) and the issue's
    counts are worked out again.

    Raises:
        VisitNotFound, ResidentNotFound, ResidentPurged.
    """
    ctx = write_context(session)
    visit = get_live(session, Visit, visit_id, VisitNotFound)
    person = get_live(session, Constituent, constituent_id, ResidentNotFound)
    if person.purged_at is not None:
        raise ResidentPurged()
    before = visit.constituent_id
    if before == person.id:
        return visit_row(session=session, visit_id=visit.id)
    visit.constituent_id = person.id
    session.flush()
    if visit.issue_id is not None:
        recount_issue(session=session, issue_id=visit.issue_id)
    left = session.exec(
        select(func.count()).where(Visit.constituent_id == before, live(Visit))
    ).one()
    old = session.get(Constituent, before)
    if not left and old is not None and old.deleted_at is None:
        old.deleted_at = ctx.clock.now()
    session.flush()
    return visit_row(session=session, visit_id=visit.id)


def recount_issue(*, session: Session, issue_id: str) -> None:
    """An issue's visit facts from its visits as they now are: which are repeats (a resident's
    second and later visits, by time received), the counts, kind and whether a resident is
    vulnerable (困难群体)."""
    issue = live_issue(session, issue_id)
    rows = session.exec(
        select(Visit, Constituent.vulnerable)
        .join(Constituent, col(Constituent.id) == Visit.constituent_id)
        .where(Visit.issue_id == issue_id, live(Visit))
        .order_by(col(Visit.received_at), col(Visit.id))
    ).all()
    seen: set[str] = set()
    repeats = 0
    for visit, _vulnerable in rows:
        repeat = visit.constituent_id in seen
        seen.add(visit.constituent_id)
        repeats += repeat
        if bool(visit.is_repeat) != repeat:
            visit.is_repeat = repeat
    facts = {
        "visit_count": len(rows),
        "repeat_count": repeats,
        "kind": pressing_kind(v.kind for v, _ in rows),
        "vulnerable": any(vulnerable for _, vulnerable in rows),
    }
    for name, value in facts.items():
        if getattr(issue, name) != value:
            setattr(issue, name, value)


# ---------------------------------------------------------------------------------------------
# An issue's own fields


def correct_issue(*, session: Session, issue_id: str, correction: IssueCorrection) -> IssueRow:
    """Correct an issue's title, category and lead deputy (领衔代表), open or closed.

    Raises:
        IssueNotFound.
        FormInvalid: the category or the deputy does not exist.
    """
    ctx = write_context(session)
    issue = live_issue(session, issue_id)
    errors = {}
    found = session.exec(
        select(Category.id).where(Category.id == correction.category_id, live(Category))
    ).first()
    if found is None:
        errors["category_id"] = N_("field.choice")
    lead = correction.lead_deputy_id
    if (
        lead is not None
        and session.exec(select(Deputy.id).where(Deputy.id == lead, live(Deputy))).first() is None
    ):
        errors["lead_deputy_id"] = N_("field.choice")
    if errors:
        raise FormInvalid(errors)
    for name in ("title", "category_id", "lead_deputy_id"):
        value = getattr(correction, name)
        if getattr(issue, name) != value:
            setattr(issue, name, value)
    return written_row(session, issue.id, today_of(ctx.clock))


@dataclass(frozen=True)
class IssueFields:
    """An issue's correctable fields as saved, with the names the form shows."""

    id: str
    title: str
    category_id: str
    category: str
    lead_deputy_id: str | None
    lead_deputy: str


def get_issue_fields(*, session: Session, issue_id: str) -> IssueFields:
    """What the issue's correction form opens with.

    Raises:
        IssueNotFound.
    """
    issue = live_issue(session, issue_id)
    category = session.get(Category, issue.category_id)
    lead = session.get(Deputy, issue.lead_deputy_id) if issue.lead_deputy_id else None
    return IssueFields(
        id=issue.id,
        title=issue.title,
        category_id=issue.category_id,
        category=category.name if category else "",
        lead_deputy_id=issue.lead_deputy_id,
        lead_deputy=lead.name if lead else "",
    )
