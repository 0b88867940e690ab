"""Deputies' suggestions (代表建议): a lead deputy (领衔) and co-signers (附议) draft one — 案由,
理由, 建议 — from issues and visits; it is submitted (to which body, when), assigned to handling
units, answered (the reply's date and summary), and the deputies record their satisfaction
with the reply: 满意 or 基本满意 closes it, 不满意 sends it back for a new answer (再督办).

Every write is one transaction of the caller's `write_session`, so the change log records it
under the deputy on duty and sync carries it; each step is also added as a `suggestion_step`
(only ever added: two devices' steps never conflict; the suggestion's own fields conflict like
any edit)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from store.changelog.changes import write_context
from store.core.clock import today as today_of
from store.core.errors import N_, DeputyNotFound, FieldInvalid, NotFound, StoreError
from store.core.models import (
    Deputy,
    Issue,
    Satisfaction,
    Suggestion,
    SuggestionDeputy,
    SuggestionSource,
    SuggestionStatus,
    SuggestionStep,
    SuggestionStepEntry,
    Visit,
)
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import get_live, live
from store.core.validation import TEXT_MAX, strip_controls

TITLE_MAX = 100
BODY_MAX = 100
UNITS_MAX = 200
BASIS_MAX = 100
# The stage each step may be taken from, and the stage it leads to (evaluation: below).
_STEPS: dict[SuggestionStep, tuple[tuple[SuggestionStatus, ...], SuggestionStatus]] = {
    SuggestionStep.submitted: ((SuggestionStatus.draft,), SuggestionStatus.submitted),
    SuggestionStep.assigned: ((SuggestionStatus.submitted,), SuggestionStatus.assigned),
    SuggestionStep.answered: ((SuggestionStatus.assigned,), SuggestionStatus.answered),
    SuggestionStep.evaluated: ((SuggestionStatus.answered,), SuggestionStatus.closed),
}


class SuggestionNotFound(NotFound):
    key = N_("error.suggestion_not_found")


class SuggestionStepInvalid(StoreError):
    """The step does not follow from the suggestion's stage."""

    key = N_("error.suggestion_step")


class SuggestionDayInvalid(StoreError):
    """A step's day after today, or before the suggestion's last step (its life would read out
    of order)."""

    key = N_("error.suggestion_day_future")


class SuggestionNeedsLead(StoreError):
    """No lead deputy given and no deputy on duty."""

    key = N_("error.suggestion_needs_lead")


class SourceNotFound(NotFound):
    key = N_("error.suggestion_source_not_found")


@dataclass(frozen=True)
class SuggestionRow:
    """A suggestion as the list shows it."""

    id: str
    title: str
    lead_deputy: str
    status: SuggestionStatus
    drafted_on: date
    submitted_on: date | None
    satisfaction: Satisfaction | None
    resupervised: int
    sources: int


@dataclass(frozen=True)
class SourceRow:
    """An issue or a visit a suggestion was drawn from."""

    id: str
    issue_id: str | None
    visit_id: str | None
    # The issue's title, or the visit's words (the resident's own: shown as text, never markup).
    text: str
    # The issue's opening day, or when the visit was received (UTC).
    opened_on: date | None
    received_at: datetime | None


@dataclass(frozen=True)
class StepRow:
    step: SuggestionStep
    day: date
    note: str
    satisfaction: Satisfaction | None
    deputy: str | None


@dataclass(frozen=True)
class SuggestionDetail:
    row: SuggestionRow
    reason: str
    proposal: str
    basis: str
    lead_deputy_id: str
    # Names, by name; their ids in the same order (the form ticks them).
    co_signers: tuple[str, ...]
    co_signer_ids: tuple[str, ...]
    submitted_to: str
    handling_units: str
    assigned_on: date | None
    answered_on: date | None
    answer: str
    evaluated_on: date | None
    sources: tuple[SourceRow, ...]
    steps: tuple[StepRow, ...]


# ---------------------------------------------------------------------------------------------
# Rules


def clean_line(value: str, field: str, limit: int, *, required: bool = True) -> str:
    """One line: controls removed, runs of white space made one space."""
    line = " ".join(strip_controls(value).split())
    if required and not line:
        raise FieldInvalid("field.required", field)
    if len(line) > limit:
        raise FieldInvalid("field.too_long", field, limit=limit)
    return line


def clean_body(value: str, field: str, *, required: bool = False) -> str:
    body = strip_controls(value).strip()
    if required and not body:
        raise FieldInvalid("field.required", field)
    if len(body) > TEXT_MAX:
        raise FieldInvalid("field.too_long", field, limit=TEXT_MAX)
    return body


def next_step(status: SuggestionStatus) -> SuggestionStep | None:
    """The step a suggestion at this stage awaits (None once closed)."""
    for step, (before, _after) in _STEPS.items():
        if status in before:
            return step
    return None


# ---------------------------------------------------------------------------------------------
# Reading


def _rows(
    session: Session, where: Sequence[object], limit: int, offset: int
) -> list[SuggestionRow]:
    counts = (
        select(SuggestionSource.suggestion_id, func.count().label("n"))
        .where(live(SuggestionSource))
        .group_by(col(SuggestionSource.suggestion_id))
        .subquery()
    )
    # Those awaiting a step first (draft to answered), closed last; newest first within.
    closed_last = case((col(Suggestion.status) == SuggestionStatus.closed, 1), else_=0)
    found = session.exec(
        select(Suggestion, Deputy.name, func.coalesce(counts.c.n, 0))
        .join(Deputy, col(Deputy.id) == Suggestion.lead_deputy_id)
        .outerjoin(counts, counts.c.suggestion_id == Suggestion.id)
        .where(live(Suggestion), *where)  # type: ignore[arg-type]
        .order_by(closed_last, col(Suggestion.drafted_on).desc(), col(Suggestion.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return [_to_row(s, lead, int(n)) for s, lead, n in found]


def _to_row(suggestion: Suggestion, lead: str, sources: int) -> SuggestionRow:
    return SuggestionRow(
        id=suggestion.id,
        title=suggestion.title,
        lead_deputy=lead,
        status=SuggestionStatus(suggestion.status),
        drafted_on=suggestion.drafted_on,
        submitted_on=suggestion.submitted_on,
        satisfaction=Satisfaction(suggestion.satisfaction) if suggestion.satisfaction else None,
        resupervised=suggestion.resupervised,
        sources=sources,
    )


def list_suggestions(
    *,
    session: Session,
    status: SuggestionStatus | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Page[SuggestionRow]:
    """Suggestions, those awaiting a step first, closed last; newest first within.

    Args:
        status: only those at this stage.
    """
    where = [] if status is None else [col(Suggestion.status) == status]
    total = session.exec(
        select(func.count()).select_from(Suggestion).where(live(Suggestion), *where)
    ).one()
    return Page(tuple(_rows(session, where, limit, offset)), int(total), offset, limit)


def get_suggestion_row(*, session: Session, suggestion_id: str) -> SuggestionRow:
    """Raises:
    SuggestionNotFound: no such suggestion."""
    rows = _rows(session, [col(Suggestion.id) == suggestion_id], 1, 0)
    if not rows:
        raise SuggestionNotFound()
    return rows[0]


def suggestion_sources(*, session: Session, suggestion_id: str) -> tuple[SourceRow, ...]:
    """A suggestion's sources: its issues (oldest first), then its visits (oldest first)."""
    issues = session.exec(
        select(col(SuggestionSource.id), col(Issue.id), col(Issue.title), col(Issue.opened_on))
        .join(Issue, col(Issue.id) == SuggestionSource.issue_id)
        .where(SuggestionSource.suggestion_id == suggestion_id, live(SuggestionSource))
        .order_by(col(Issue.opened_on), col(Issue.id))
    ).all()
    visits = session.exec(
        select(col(SuggestionSource.id), col(Visit.id), col(Visit.text), col(Visit.received_at))
        .join(Visit, col(Visit.id) == SuggestionSource.visit_id)
        .where(SuggestionSource.suggestion_id == suggestion_id, live(SuggestionSource))
        .order_by(col(Visit.received_at), col(Visit.id))
    ).all()
    out = [SourceRow(s, i, None, title, opened, None) for s, i, title, opened in issues]
    out += [SourceRow(s, None, v, words, None, at) for s, v, words, at in visits]
    return tuple(out)


def get_suggestion(*, session: Session, suggestion_id: str) -> SuggestionDetail:
    """A suggestion with its co-signers, sources and steps (in the order they were taken).

    Raises:
        SuggestionNotFound: no such suggestion.
    """
    row = get_suggestion_row(session=session, suggestion_id=suggestion_id)
    suggestion = session.get(Suggestion, suggestion_id)
    assert suggestion is not None
    # Each once: two devices apart may have added the same deputy (store.suggestions.co_signers).
    co_signers = session.exec(
        select(Deputy.id, Deputy.name)
        .join(SuggestionDeputy, col(SuggestionDeputy.deputy_id) == Deputy.id)
        .where(SuggestionDeputy.suggestion_id == suggestion_id, live(SuggestionDeputy))
        .distinct()
        .order_by(col(Deputy.name), col(Deputy.id))
    ).all()
    steps = session.exec(
        select(SuggestionStepEntry, Deputy.name)
        .outerjoin(Deputy, col(Deputy.id) == SuggestionStepEntry.deputy_id)
        .where(SuggestionStepEntry.suggestion_id == suggestion_id, live(SuggestionStepEntry))
        # Steps of one day in the order of the life (a frozen or coarse clock makes them equal).
        .order_by(
            col(SuggestionStepEntry.day),
            col(SuggestionStepEntry.created_at),
            case(
                {step.value: rank for rank, step in enumerate(SuggestionStep)},
                value=col(SuggestionStepEntry.step),
            ),
            col(SuggestionStepEntry.id),
        )
    ).all()
    return SuggestionDetail(
        row=row,
        reason=suggestion.reason,
        proposal=suggestion.proposal,
        basis=suggestion.basis,
        lead_deputy_id=suggestion.lead_deputy_id,
        co_signers=tuple(name for _id, name in co_signers),
        co_signer_ids=tuple(deputy_id for deputy_id, _name in co_signers),
        submitted_to=suggestion.submitted_to,
        handling_units=suggestion.handling_units,
        assigned_on=suggestion.assigned_on,
        answered_on=suggestion.answered_on,
        answer=suggestion.answer,
        evaluated_on=suggestion.evaluated_on,
        sources=suggestion_sources(session=session, suggestion_id=suggestion_id),
        steps=tuple(
            StepRow(
                step=SuggestionStep(e.step),
                day=e.day,
                note=e.note,
                satisfaction=Satisfaction(e.satisfaction) if e.satisfaction else None,
                deputy=name,
            )
            for e, name in steps
        ),
    )


# ---------------------------------------------------------------------------------------------
# Writing


def _suggestion(session: Session, suggestion_id: str) -> Suggestion:
    return get_live(session, Suggestion, suggestion_id, SuggestionNotFound)


def _log_step(
    session: Session,
    suggestion: Suggestion,
    step: SuggestionStep,
    day: date,
    note: str = "",
    satisfaction: Satisfaction | None = None,
) -> None:
    session.add(
        SuggestionStepEntry(
            suggestion_id=suggestion.id,
            step=step,
            day=day,
            note=note,
            satisfaction=satisfaction,
            deputy_id=write_context(session).actor.deputy_id,
        )
    )


def _day(session: Session, day: date | None, suggestion: Suggestion | None = None) -> date:
    """The day a step is taken: today when not given; a day given is neither after today nor,
    for a suggestion's step, before its last step (found trying the desk by hand: a reply
    dated before the assignment, and an assignment dated tomorrow, were taken as typed).

    Raises:
        SuggestionDayInvalid.
    """
    today = today_of(write_context(session).clock)
    if day is None:
        return today
    if day > today:
        raise SuggestionDayInvalid()
    if suggestion is not None:
        last = session.exec(
            select(func.max(SuggestionStepEntry.day)).where(
                SuggestionStepEntry.suggestion_id == suggestion.id, live(SuggestionStepEntry)
            )
        ).one()
        if last is not None and day < last:
            raise SuggestionDayInvalid(N_("error.suggestion_day_before"), day=last.isoformat())
    return day


def draft_suggestion(
    *,
    session: Session,
    title: str,
    reason: str = "",
    proposal: str = "",
    issue_ids: Sequence[str] = (),
    visit_ids: Sequence[str] = (),
    lead_deputy_id: str | None = None,
    co_signer_ids: Sequence[str] = (),
    basis: str = "",
    day: date | None = None,
) -> SuggestionRow:
    """Draft a suggestion from issues and visits.

    Args:
        title: 案由 (one line, required).
        reason, proposal: 理由 and 建议 (may be written later: `edit_suggestion`).
        issue_ids, visit_ids: its sources (each once).
        lead_deputy_id: 领衔; defaults to the deputy on duty.
        co_signer_ids: 附议 (the lead is never also a co-signer).
        basis: the class of problems the sources were picked as (a hot word, a category...).
        day: the day it was drafted (today by default).

    Raises:
        SuggestionNeedsLead, DeputyNotFound, SourceNotFound, FieldInvalid.
    """
    ctx = write_context(session)
    lead = lead_deputy_id or ctx.actor.deputy_id
    if lead is None:
        raise SuggestionNeedsLead()
    get_live(session, Deputy, lead, DeputyNotFound)
    suggestion = Suggestion(
        station_id=ctx.actor.station_id,
        title=clean_line(title, "title", TITLE_MAX),
        reason=clean_body(reason, "reason"),
        proposal=clean_body(proposal, "proposal"),
        basis=clean_line(basis, "basis", BASIS_MAX, required=False),
        lead_deputy_id=lead,
        status=SuggestionStatus.draft,
        drafted_on=_day(session, day),
    )
    session.add(suggestion)
    session.flush()
    for deputy_id in dict.fromkeys(co_signer_ids):
        if deputy_id != lead:
            get_live(session, Deputy, deputy_id, DeputyNotFound)
            session.add(SuggestionDeputy(suggestion_id=suggestion.id, deputy_id=deputy_id))
    add_sources(
        session=session, suggestion_id=suggestion.id, issue_ids=issue_ids, visit_ids=visit_ids
    )
    _log_step(session, suggestion, SuggestionStep.drafted, suggestion.drafted_on)
    session.flush()
    return get_suggestion_row(session=session, suggestion_id=suggestion.id)


def edit_suggestion(
    *, session: Session, suggestion_id: str, title: str, reason: str, proposal: str
) -> SuggestionRow:
    """Rewrite 案由, 理由 and 建议 (each field a logged change only if it changed).

    Raises:
        SuggestionNotFound, FieldInvalid.
    """
    suggestion = _suggestion(session, suggestion_id)
    values = {
        "title": clean_line(title, "title", TITLE_MAX),
        "reason": clean_body(reason, "reason"),
        "proposal": clean_body(proposal, "proposal"),
    }
    for name, value in values.items():
        if getattr(suggestion, name) != value:
            setattr(suggestion, name, value)
    session.add(suggestion)
    session.flush()
    return get_suggestion_row(session=session, suggestion_id=suggestion_id)


def add_sources(
    *,
    session: Session,
    suggestion_id: str,
    issue_ids: Sequence[str] = (),
    visit_ids: Sequence[str] = (),
) -> int:
    """Attach issues and visits as sources; those already attached are skipped. Returns how
    many were added.

    Raises:
        SuggestionNotFound, SourceNotFound (an issue or visit that does not exist).
    """
    _suggestion(session, suggestion_id)
    have = session.exec(
        select(SuggestionSource.issue_id, SuggestionSource.visit_id).where(
            SuggestionSource.suggestion_id == suggestion_id, live(SuggestionSource)
        )
    ).all()
    issues_had = {i for i, _ in have if i}
    visits_had = {v for _, v in have if v}
    added = 0
    for issue_id in dict.fromkeys(issue_ids):
        if issue_id not in issues_had:
            get_live(session, Issue, issue_id, SourceNotFound)
            session.add(SuggestionSource(suggestion_id=suggestion_id, issue_id=issue_id))
            added += 1
    for visit_id in dict.fromkeys(visit_ids):
        if visit_id not in visits_had:
            get_live(session, Visit, visit_id, SourceNotFound)
            session.add(SuggestionSource(suggestion_id=suggestion_id, visit_id=visit_id))
            added += 1
    session.flush()
    return added


def remove_source(*, session: Session, source_id: str) -> None:
    """Take a source off its suggestion (attached by mistake); kept as deleted.

    Raises:
        SourceNotFound.
    """
    source = get_live(session, SuggestionSource, source_id, SourceNotFound)
    source.deleted_at = write_context(session).clock.now()
    session.add(source)
    session.flush()


def _take(session: Session, suggestion_id: str, step: SuggestionStep) -> Suggestion:
    suggestion = _suggestion(session, suggestion_id)
    before, _after = _STEPS[step]
    if suggestion.status not in before:
        raise SuggestionStepInvalid()
    return suggestion


def submit_suggestion(
    *, session: Session, suggestion_id: str, body: str, day: date | None = None
) -> SuggestionRow:
    """Submit a drafted suggestion to a body (e.g. 县人大常委会) on a day (today by default).

    Raises:
        SuggestionNotFound, SuggestionStepInvalid (not a draft), FieldInvalid (body),
        SuggestionDayInvalid.
    """
    suggestion = _take(session, suggestion_id, SuggestionStep.submitted)
    suggestion.submitted_to = clean_line(body, "body", BODY_MAX)
    suggestion.submitted_on = _day(session, day, suggestion)
    suggestion.status = SuggestionStatus.submitted
    session.add(suggestion)
    _log_step(
        session,
        suggestion,
        SuggestionStep.submitted,
        suggestion.submitted_on,
        suggestion.submitted_to,
    )
    session.flush()
    return get_suggestion_row(session=session, suggestion_id=suggestion_id)


def assign_suggestion(
    *, session: Session, suggestion_id: str, units: str, day: date | None = None
) -> SuggestionRow:
    """Record the handling units (承办单位) it was assigned to.

    Raises:
        SuggestionNotFound, SuggestionStepInvalid (not submitted), FieldInvalid (units),
        SuggestionDayInvalid.
    """
    suggestion = _take(session, suggestion_id, SuggestionStep.assigned)
    suggestion.handling_units = clean_line(units, "units", UNITS_MAX)
    suggestion.assigned_on = _day(session, day, suggestion)
    suggestion.status = SuggestionStatus.assigned
    session.add(suggestion)
    _log_step(
        session,
        suggestion,
        SuggestionStep.assigned,
        suggestion.assigned_on,
        suggestion.handling_units,
    )
    session.flush()
    return get_suggestion_row(session=session, suggestion_id=suggestion_id)


def answer_suggestion(
    *, session: Session, suggestion_id: str, summary: str, day: date | None = None
) -> SuggestionRow:
    """Record the reply (its date and summary); the deputies' satisfaction is awaited.

    Raises:
        SuggestionNotFound, SuggestionStepInvalid (not assigned), FieldInvalid (summary),
        SuggestionDayInvalid.
    """
    suggestion = _take(session, suggestion_id, SuggestionStep.answered)
    suggestion.answer = clean_body(summary, "summary", required=True)
    suggestion.answered_on = _day(session, day, suggestion)
    suggestion.satisfaction = None
    suggestion.evaluated_on = None
    suggestion.status = SuggestionStatus.answered
    session.add(suggestion)
    _log_step(
        session, suggestion, SuggestionStep.answered, suggestion.answered_on, suggestion.answer
    )
    session.flush()
    return get_suggestion_row(session=session, suggestion_id=suggestion_id)


def evaluate_suggestion(
    *,
    session: Session,
    suggestion_id: str,
    satisfaction: Satisfaction,
    note: str = "",
    day: date | None = None,
) -> SuggestionRow:
    """The deputies' satisfaction with the reply: 满意 or 基本满意 closes the suggestion;
    不满意 sends it back to the handling units for a new answer (再督办).

    Raises:
        SuggestionNotFound, SuggestionStepInvalid (not answered), FieldInvalid (note),
        SuggestionDayInvalid.
    """
    suggestion = _take(session, suggestion_id, SuggestionStep.evaluated)
    on = _day(session, day, suggestion)
    suggestion.satisfaction = satisfaction
    suggestion.evaluated_on = on
    if satisfaction == Satisfaction.unsatisfied:
        suggestion.status = SuggestionStatus.assigned
        suggestion.resupervised += 1
    else:
        suggestion.status = SuggestionStatus.closed
    session.add(suggestion)
    _log_step(
        session, suggestion, SuggestionStep.evaluated, on, clean_body(note, "note"), satisfaction
    )
    session.flush()
    return get_suggestion_row(session=session, suggestion_id=suggestion_id)
