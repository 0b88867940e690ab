"""Opinions on a draft (立法意见) and the legislature's answers to them.

An opinion is on one article or on the whole draft (总体意见), in the words it was given in.
It comes from a visit of kind 立法建议 (the visit's resident gave it; the visit's village is
where, and a session's visit will name its session there), or it is typed at the desk with who
(a name: personal data, which screens and exports mask unless revealed) and where. The answer
marks it adopted, partly adopted or not adopted (store.core.enums.Adoption), with a day and a
note; answering again replaces it, and clearing it makes the opinion await an answer again.

Every write is one transaction of the caller's `write_session`, logged and synced: opinions are
only added (two devices' opinions never conflict); an answer is an edit of the opinion, which
conflicts like any edit when two devices answer it apart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from store.changelog.changes import write_context
from store.core.clock import to_local
from store.core.clock import today as today_of
from store.core.errors import N_, FieldInvalid, NotFound, StoreError
from store.core.models import (
    Adoption,
    Channel,
    Constituent,
    Deputy,
    DraftArticle,
    DraftRegulation,
    LegislativeOpinion,
    Village,
    Visit,
    VisitKind,
)
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import get_live, live
from store.core.validation import NAME_MAX, TEXT_MAX, strip_controls
from store.legislation.drafts import DraftNotFound
from store.suggestions.suggestions import clean_line

PLACE_MAX = 100
ANSWER_MAX = 2000


class ArticleNotFound(NotFound):
    """Not an article of this draft (or a heading, which takes no opinions)."""

    key = N_("error.article_not_found")


class OpinionNotFound(NotFound):
    key = N_("error.opinion_not_found")


class OpinionVisitNotFound(NotFound):
    key = N_("error.opinion_visit_not_found")


class NotLegislativeVisit(StoreError):
    """An opinion is taken from a visit of kind 立法建议 only."""

    key = N_("error.not_legislative_visit")


@dataclass(frozen=True)
class OpinionRow:
    """An opinion as the draft's page and the summary show it. `who` is the name in clear (the
    typed one, or the visit's resident's; empty once purged or when not given): whoever shows it
    masks it unless revealed."""

    id: str
    draft_id: str
    article_id: str | None
    # 第十一条, or "" for the draft as a whole.
    article: str
    text: str
    who: str
    # The resident's record, when the opinion came from a visit (a reveal is logged against it).
    resident_id: str | None
    place: str
    channel: Channel | None
    visit_id: str | None
    given_on: date
    deputy: str | None
    adoption: Adoption | None
    answered_on: date | None
    answer: str


@dataclass(frozen=True)
class LegislativeVisit:
    """A visit of kind 立法建议 offered as an opinion's source."""

    id: str
    received_at: datetime
    resident: str
    village: str
    summary: str
    # The resident's words (shown as text, never markup).
    text: str
    # How many opinions on this draft were already taken from it.
    used: int


# ---------------------------------------------------------------------------------------------
# Reading

_Article = aliased(DraftArticle)


def _query(where: Sequence[object]) -> Any:
    return (
        select(  # type: ignore[call-overload]
            LegislativeOpinion,
            _Article.label,
            _Article.position,
            Constituent.id,
            Constituent.name,
            Village.name,
            Visit.channel,
            Deputy.name,
        )
        .outerjoin(_Article, col(_Article.id) == LegislativeOpinion.article_id)
        .outerjoin(Visit, col(Visit.id) == LegislativeOpinion.visit_id)
        .outerjoin(Constituent, col(Constituent.id) == Visit.constituent_id)
        .outerjoin(Village, col(Village.id) == Visit.village_id)
        .outerjoin(Deputy, col(Deputy.id) == LegislativeOpinion.deputy_id)
        .where(live(LegislativeOpinion), *where)
    )


def _to_row(found: tuple[object, ...]) -> OpinionRow:
    o, label, _position, resident_id, resident, village, channel, deputy = found
    assert isinstance(o, LegislativeOpinion)
    from_visit = o.visit_id is not None
    return OpinionRow(
        id=o.id,
        draft_id=o.draft_id,
        article_id=o.article_id,
        article=str(label or ""),
        text=o.text,
        who=str(resident or "") if from_visit else o.who,
        resident_id=str(resident_id) if from_visit and resident_id else None,
        # A place typed with the opinion says more than the visit's village.
        place=o.place or (str(village or "") if from_visit else ""),
        channel=Channel(str(channel)) if from_visit and channel else None,
        visit_id=o.visit_id,
        given_on=o.given_on,
        deputy=str(deputy) if deputy else None,
        adoption=Adoption(o.adoption) if o.adoption else None,
        answered_on=o.answered_on,
        answer=o.answer,
    )


def _row_of(session: Session, o: LegislativeOpinion) -> OpinionRow:
    """The row of an opinion just written, from the records the session holds (lookups by key,
    not the list's joins: a demo writes a few dozen in a few milliseconds)."""
    article = session.get(DraftArticle, o.article_id) if o.article_id else None
    visit = session.get(Visit, o.visit_id) if o.visit_id else None
    resident = session.get(Constituent, visit.constituent_id) if visit else None
    village = session.get(Village, visit.village_id) if visit else None
    deputy = session.get(Deputy, o.deputy_id) if o.deputy_id else None
    return _to_row(
        (
            o,
            article.label if article else None,
            article.position if article else None,
            resident.id if resident else None,
            resident.name if resident else None,
            village.name if village else None,
            visit.channel if visit else None,
            deputy.name if deputy else None,
        )
    )


def _order() -> tuple[object, ...]:
    # The draft as a whole first, then article by article as the text runs; oldest first within.
    return (
        col(_Article.position).is_not(None),
        col(_Article.position),
        col(LegislativeOpinion.given_on),
        col(LegislativeOpinion.created_at),
        col(LegislativeOpinion.id),
    )


def list_opinions(
    *,
    session: Session,
    draft_id: str,
    article_id: str | None = None,
    whole_draft: bool = False,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Page[OpinionRow]:
    """A draft's opinions, article by article (those on the whole draft first).

    Args:
        article_id: only those on this article.
        whole_draft: only those on the whole draft (总体意见).
    """
    where: list[object] = [LegislativeOpinion.draft_id == draft_id]
    if article_id is not None:
        where.append(LegislativeOpinion.article_id == article_id)
    elif whole_draft:
        where.append(col(LegislativeOpinion.article_id).is_(None))
    total = session.exec(
        select(func.count()).select_from(LegislativeOpinion).where(live(LegislativeOpinion), *where)  # type: ignore[arg-type]
    ).one()
    found = session.exec(_query(where).order_by(*_order()).limit(limit).offset(offset)).all()
    return Page(tuple(_to_row(f) for f in found), int(total), offset, limit)


def all_opinions(*, session: Session, draft_id: str) -> tuple[OpinionRow, ...]:
    """Every opinion of a draft, in the order of `list_opinions`: what its summary prints (a
    draft gathers hundreds, not thousands)."""
    where = [LegislativeOpinion.draft_id == draft_id]
    found = session.exec(_query(where).order_by(*_order())).all()
    return tuple(_to_row(f) for f in found)


def get_opinion(*, session: Session, opinion_id: str) -> OpinionRow:
    """Raises:
    OpinionNotFound."""
    found = session.exec(_query([LegislativeOpinion.id == opinion_id])).first()
    if found is None:
        raise OpinionNotFound()
    return _to_row(found)


def legislative_visits(
    *, session: Session, draft_id: str, before: datetime | None = None, limit: int = PAGE_SIZE
) -> list[LegislativeVisit]:
    """The visits of kind 立法建议 (not withdrawn), newest first: an opinion's sources.

    Args:
        draft_id: the draft whose opinions each visit's `used` counts.
        before: only those received before this instant (UTC).
    """
    until = [] if before is None else [col(Visit.received_at) < before]
    used = (
        select(col(LegislativeOpinion.visit_id), func.count().label("n"))
        .where(LegislativeOpinion.draft_id == draft_id, live(LegislativeOpinion))
        .group_by(col(LegislativeOpinion.visit_id))
        .subquery()
    )
    found = session.exec(
        select(Visit, Constituent.name, Village.name, func.coalesce(used.c.n, 0))
        .join(Constituent, col(Constituent.id) == Visit.constituent_id)
        .join(Village, col(Village.id) == Visit.village_id)
        .outerjoin(used, used.c.visit_id == Visit.id)
        .where(
            live(Visit),
            col(Visit.kind) == VisitKind.legislative,
            col(Visit.withdrawn_at).is_(None),
            *until,
        )
        .order_by(col(Visit.received_at).desc(), col(Visit.id))
        .limit(limit)
    ).all()
    return [
        LegislativeVisit(v.id, v.received_at, resident, village, v.summary, v.text, int(n))
        for v, resident, village, n in found
    ]


def opinion_places(*, session: Session, visit_id: str) -> tuple[tuple[str, str], ...]:
    """Where a 立法建议 visit went once taken as opinions: (the draft's title, the article's
    label, "" for the draft as a whole) each, in the drafts' and the articles' order. Empty
    while it is not an opinion (it waits for triage then: store.desk.visits.awaiting_triage)."""
    found = session.exec(
        select(DraftRegulation.title, _Article.label)
        .join(LegislativeOpinion, col(LegislativeOpinion.draft_id) == DraftRegulation.id)
        .outerjoin(_Article, col(_Article.id) == LegislativeOpinion.article_id)
        .where(LegislativeOpinion.visit_id == visit_id, live(LegislativeOpinion))
        .order_by(
            col(DraftRegulation.loaded_on),
            col(DraftRegulation.id),
            col(_Article.position).is_not(None),
            col(_Article.position),
        )
    ).all()
    return tuple((str(title), str(label or "")) for title, label in found)


# ---------------------------------------------------------------------------------------------
# Writing


def add_opinion(
    *,
    session: Session,
    draft_id: str,
    article_id: str | None,
    text: str = "",
    visit_id: str | None = None,
    who: str = "",
    place: str = "",
    day: date | None = None,
) -> OpinionRow:
    """Log an opinion on an article of a draft (or on the whole draft: `article_id` None).

    Args:
        text: the words; a visit's own words when empty and `visit_id` is given.
        visit_id: the 立法建议 visit it was given in (its resident is who gave it).
        who: who gave it, when typed (a name, up to 50 characters; may stay empty).
        place: where it was given (a place, a meeting); for a visit, its village by default.
        day: the day it was given (the visit's day, else today, by default).

    Raises:
        DraftNotFound, ArticleNotFound, OpinionVisitNotFound, NotLegislativeVisit,
        FieldInvalid (no words, too long).
    """
    ctx = write_context(session)
    get_live(session, DraftRegulation, draft_id, DraftNotFound)
    if article_id is not None:
        article = session.get(DraftArticle, article_id)
        if (
            article is None
            or article.deleted_at is not None
            or article.draft_id != draft_id
            or article.number is None
        ):
            raise ArticleNotFound()
    words = strip_controls(text).strip()
    given_on = day
    if visit_id is not None:
        visit = get_live(session, Visit, visit_id, OpinionVisitNotFound)
        if visit.kind != VisitKind.legislative:
            raise NotLegislativeVisit()
        words = words or visit.text
        if given_on is None:
            given_on = to_local(visit.received_at, ctx.clock.tz).date()
        who = ""  # the visit's resident: a name kept once, on the resident
    if not words:
        raise FieldInvalid("field.required", "text")
    if len(words) > TEXT_MAX:
        raise FieldInvalid("field.too_long", "text", limit=TEXT_MAX)
    opinion = LegislativeOpinion(
        draft_id=draft_id,
        article_id=article_id,
        text=words,
        visit_id=visit_id,
        who=clean_line(who, "who", NAME_MAX, required=False),
        place=clean_line(place, "place", PLACE_MAX, required=False),
        given_on=given_on or today_of(ctx.clock),
        deputy_id=ctx.actor.deputy_id,
    )
    session.add(opinion)
    session.flush()
    return _row_of(session, opinion)


def answer_opinion(
    *,
    session: Session,
    opinion_id: str,
    adoption: Adoption | None,
    note: str = "",
    day: date | None = None,
) -> OpinionRow:
    """Record the legislature's answer: adopted, partly adopted or not adopted, the day (today
    by default) and its note (反馈说明); None takes the answer back (awaiting one again).

    Raises:
        OpinionNotFound, FieldInvalid (the note too long).
    """
    opinion = get_live(session, LegislativeOpinion, opinion_id, OpinionNotFound)
    answer = strip_controls(note).strip()
    if len(answer) > ANSWER_MAX:
        raise FieldInvalid("field.too_long", "note", limit=ANSWER_MAX)
    values: dict[str, object] = {
        "adoption": adoption.value if adoption is not None else None,
        "answered_on": (day or today_of(write_context(session).clock)) if adoption else None,
        "answer": answer if adoption else "",
    }
    # Each field a logged change only if it changed.
    for name, value in values.items():
        if getattr(opinion, name) != value:
            setattr(opinion, name, value)
    session.add(opinion)
    session.flush()
    return _row_of(session, opinion)
