"""Draft regulations (法规草案): loaded from their text, listed with their opinions' counts and
adoption rate, and read article by article.

A draft is loaded in one write: the draft and each of its headings and articles (store.legislation
.parse), all or nothing, so a text that cannot be read leaves the database as it was. The rows
are only added, never edited: two devices' drafts never conflict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from store.changelog.changes import write_context
from store.core.clock import today as today_of
from store.core.errors import N_, NotFound
from store.core.models import Adoption, DraftArticle, DraftRegulation, LegislativeOpinion
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import live
from store.legislation.parse import TITLE_MAX, parse_draft
from store.reports.stats import Share
from store.suggestions.suggestions import clean_line

SOURCE_MAX = 100


class DraftNotFound(NotFound):
    key = N_("error.draft_not_found")


@dataclass(frozen=True)
class Counts:
    """Opinions and the legislature's answers to them."""

    opinions: int = 0
    adopted: int = 0
    partly: int = 0
    not_adopted: int = 0

    @property
    def answered(self) -> int:
        return self.adopted + self.partly + self.not_adopted

    @property
    def awaiting(self) -> int:
        return self.opinions - self.answered

    @property
    def adoption_rate(self) -> Share:
        """采纳率: (采纳 + 部分采纳) / answered (docs: store.legislation.figures)."""
        return Share(self.adopted + self.partly, self.answered)


@dataclass(frozen=True)
class DraftRow:
    """A draft as the list shows it."""

    id: str
    title: str
    source: str
    loaded_on: date
    due_on: date | None
    articles: int
    counts: Counts


@dataclass(frozen=True)
class ArticleRow:
    """An article with its opinions' counts, or a heading (`number` None)."""

    id: str
    label: str
    text: str
    number: int | None
    counts: Counts

    @property
    def is_heading(self) -> bool:
        return self.number is None


@dataclass(frozen=True)
class DraftDetail:
    row: DraftRow
    parts: tuple[ArticleRow, ...]
    # The opinions on the draft as a whole (总体意见), not on one article.
    general: Counts

    @property
    def articles(self) -> tuple[ArticleRow, ...]:
        return tuple(p for p in self.parts if not p.is_heading)


# ---------------------------------------------------------------------------------------------
# Reading


def _counted(group: object) -> object:
    """Opinions' counts grouped by `group` (draft or article), for an outer join."""
    answers = col(LegislativeOpinion.adoption)
    return (
        select(
            group,  # type: ignore[call-overload]
            func.count().label("n"),
            func.sum(case((answers == Adoption.adopted, 1), else_=0)).label("adopted"),
            func.sum(case((answers == Adoption.partly, 1), else_=0)).label("partly"),
            func.sum(case((answers == Adoption.not_adopted, 1), else_=0)).label("not_adopted"),
        )
        .where(live(LegislativeOpinion))
        .group_by(group)
        .subquery()
    )


def _counts(n: object, adopted: object, partly: object, not_adopted: object) -> Counts:
    return Counts(int(n or 0), int(adopted or 0), int(partly or 0), int(not_adopted or 0))  # type: ignore[call-overload]


def _rows(session: Session, where: Sequence[object], limit: int, offset: int) -> list[DraftRow]:
    counts = _counted(col(LegislativeOpinion.draft_id))
    articles = (
        select(col(DraftArticle.draft_id), func.count().label("n"))
        .where(live(DraftArticle), col(DraftArticle.number).is_not(None))
        .group_by(col(DraftArticle.draft_id))
        .subquery()
    )
    found = session.exec(
        select(  # type: ignore[call-overload]
            DraftRegulation,
            articles.c.n,
            counts.c.n,  # type: ignore[attr-defined]
            counts.c.adopted,  # type: ignore[attr-defined]
            counts.c.partly,  # type: ignore[attr-defined]
            counts.c.not_adopted,  # type: ignore[attr-defined]
        )
        .outerjoin(articles, articles.c.draft_id == DraftRegulation.id)
        .outerjoin(counts, counts.c.draft_id == DraftRegulation.id)  # type: ignore[attr-defined]
        .where(live(DraftRegulation), *where)
        .order_by(col(DraftRegulation.loaded_on).desc(), col(DraftRegulation.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        DraftRow(
            id=d.id,
            title=d.title,
            source=d.source,
            loaded_on=d.loaded_on,
            due_on=d.due_on,
            articles=int(n_articles or 0),
            counts=_counts(*rest),
        )
        for d, n_articles, *rest in found
    ]


def list_drafts(*, session: Session, limit: int = PAGE_SIZE, offset: int = 0) -> Page[DraftRow]:
    """Drafts, the latest loaded first, with their articles' and opinions' counts."""
    total = session.exec(
        select(func.count()).select_from(DraftRegulation).where(live(DraftRegulation))
    ).one()
    return Page(tuple(_rows(session, [], limit, offset)), int(total), offset, limit)


def get_draft_row(*, session: Session, draft_id: str) -> DraftRow:
    """Raises:
    DraftNotFound: no such draft."""
    rows = _rows(session, [col(DraftRegulation.id) == draft_id], 1, 0)
    if not rows:
        raise DraftNotFound()
    return rows[0]


def get_draft(*, session: Session, draft_id: str) -> DraftDetail:
    """A draft with its headings and articles in the order of the text, each article with its
    opinions' counts, and the counts of the opinions on the whole draft.

    Raises:
        DraftNotFound: no such draft.
    """
    row = get_draft_row(session=session, draft_id=draft_id)
    counts = _counted(col(LegislativeOpinion.article_id))
    parts = session.exec(
        select(  # type: ignore[call-overload]
            DraftArticle,
            counts.c.n,  # type: ignore[attr-defined]
            counts.c.adopted,  # type: ignore[attr-defined]
            counts.c.partly,  # type: ignore[attr-defined]
            counts.c.not_adopted,  # type: ignore[attr-defined]
        )
        .outerjoin(counts, counts.c.article_id == DraftArticle.id)  # type: ignore[attr-defined]
        .where(DraftArticle.draft_id == draft_id, live(DraftArticle))
        .order_by(col(DraftArticle.position))
    ).all()
    answers = col(LegislativeOpinion.adoption)
    general = session.exec(
        select(
            func.count(),
            func.sum(case((answers == Adoption.adopted, 1), else_=0)),
            func.sum(case((answers == Adoption.partly, 1), else_=0)),
            func.sum(case((answers == Adoption.not_adopted, 1), else_=0)),
        ).where(
            LegislativeOpinion.draft_id == draft_id,
            col(LegislativeOpinion.article_id).is_(None),
            live(LegislativeOpinion),
        )
    ).one()
    return DraftDetail(
        row=row,
        parts=tuple(
            ArticleRow(a.id, a.label, a.text, a.number, _counts(*rest)) for a, *rest in parts
        ),
        general=_counts(*general),
    )


# ---------------------------------------------------------------------------------------------
# Writing


def load_draft(
    *,
    session: Session,
    text: str,
    title: str = "",
    source: str = "",
    due_on: date | None = None,
    day: date | None = None,
) -> DraftDetail:
    """Load a draft from its text: the draft, its headings and its articles.

    Args:
        text: the draft's text (store.legislation.parse.read_draft_file reads a file).
        title: the draft's name; its first line (the text's own title) when empty.
        source: the body that asked for opinions (征求意见的机关).
        due_on: the last day for opinions.
        day: the day it was loaded (today by default).

    Raises:
        DraftEmpty, DraftWithoutArticles: nothing is written.
        FieldInvalid: no title given and none in the text; a title or source too long.
    """
    ctx = write_context(session)
    parsed = parse_draft(text)
    draft = DraftRegulation(
        station_id=ctx.actor.station_id,
        title=clean_line(title.strip() or parsed.title, "title", TITLE_MAX),
        source=clean_line(source, "source", SOURCE_MAX, required=False),
        loaded_on=day or today_of(ctx.clock),
        due_on=due_on,
    )
    session.add(draft)
    session.flush()
    parts = [
        DraftArticle(
            draft_id=draft.id,
            position=position,
            number=part.number,
            label=part.label,
            text=part.text,
        )
        for position, part in enumerate(parsed.parts)
    ]
    session.add_all(parts)
    session.flush()
    # As `get_draft` would read it back: nothing is counted yet.
    return DraftDetail(
        row=DraftRow(
            id=draft.id,
            title=draft.title,
            source=draft.source,
            loaded_on=draft.loaded_on,
            due_on=draft.due_on,
            articles=len(parsed.articles),
            counts=Counts(),
        ),
        parts=tuple(ArticleRow(a.id, a.label, a.text, a.number, Counts()) for a in parts),
        general=Counts(),
    )
