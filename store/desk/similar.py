"""Similar issues and visits: which open issues look like the same problem as a visit, and which
other untriaged visits look like it, with the reasons shown to the deputy ("同村 · 同类 · 共有词：
飞线充电").

Open issues are first narrowed in SQL (the resident's own, the same category, the same village;
at most CANDIDATES), then scored in Python by the words they share with the visit (Jaccard, words
stored when each visit was written: store.hot_words.words) plus the same category and village.

"Nearby" villages: the store knows no geography (villages have a name, a kind and a list
position, no coordinates or neighbours), and every village of a station lies in its township.
So another village of the station earns no points of its own: an issue there is proposed on the
same category and shared words alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, or_
from sqlmodel import Session, col, select

from store.core.errors import VisitNotFound
from store.core.models import Issue, Visit
from store.core.settings import load_settings
from store.desk.issue_rows import IssueRow, open_clause, rows_query, to_row
from store.desk.visits import awaiting_triage, resident_open_issues
from store.hot_words.words import extract_many, extract_words, words_of_issues

# Open issues scored in Python for one visit: the likeliest by category and village, then the
# most recently opened. Words are read for these only.
CANDIDATES = 200
# The score: shared words weigh most (a Jaccard index, 0..1, times this), then the category,
# then the village. Words decide between issues of one category and village; the category
# outweighs the village, because one problem recurs across villages more often than two
# problems of one village are the same.
WORDS_WEIGHT = 4.0
CATEGORY_WEIGHT = 2.0
VILLAGE_WEIGHT = 1.5
# The resident has already come about this issue: a repeat (重复诉求) is likeliest of all.
OWN_WEIGHT = 6.0
# Untriaged visits compared with one visit: the newest of the same category or village.
VISIT_CANDIDATES = 300


@dataclass(frozen=True)
class Likeness:
    """Why two things look alike."""

    same_village: bool
    same_category: bool
    shared_words: tuple[str, ...]
    jaccard: float

    @property
    def alike(self) -> bool:
        """Looks like the same problem: a word in common within one category and village, or
        two words in common within one category or one village."""
        shared = len(self.shared_words)
        if self.same_category and self.same_village:
            return shared >= 1
        return shared >= 2 and (self.same_category or self.same_village)


@dataclass(frozen=True)
class Suggestion:
    """An open issue offered for linking a visit, with its score and reasons."""

    row: IssueRow
    score: float
    likeness: Likeness
    # The visit's resident already came about this issue (重复诉求).
    own: bool

    @property
    def proposed(self) -> bool:
        """Shown to the deputy unasked, as probably the same problem."""
        return self.own or self.likeness.alike


def _likeness(
    words: list[str],
    other: set[str],
    same_village: bool,
    same_category: bool,
) -> Likeness:
    mine = set(words)
    union = mine | other
    shared = tuple(w for w in words if w in other)
    return Likeness(
        same_village=same_village,
        same_category=same_category,
        shared_words=shared,
        jaccard=len(shared) / len(union) if union else 0.0,
    )


def _score(likeness: Likeness, own: bool) -> float:
    return (
        WORDS_WEIGHT * likeness.jaccard
        + CATEGORY_WEIGHT * likeness.same_category
        + VILLAGE_WEIGHT * likeness.same_village
        + OWN_WEIGHT * own
    )


def suggest_issues(
    *, session: Session, visit_id: str, today: date, limit: int = 20
) -> list[Suggestion]:
    """Open issues that may be the same problem as this visit, likeliest first: the resident's
    own open issues, then by shared words, same category and same village.

    Raises:
        VisitNotFound: no such visit.
    """
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise VisitNotFound()
    own = set(resident_open_issues(session=session, constituent_id=visit.constituent_id))
    same_category = col(Issue.category_id) == visit.category_id
    same_village = col(Issue.village_id) == visit.village_id
    mine = col(Issue.id).in_(own) if own else None
    rank = case(
        *([(mine, 0)] if mine is not None else []),
        (and_(same_category, same_village), 1),
        (same_category, 2),
        else_=3,
    )
    wanted = or_(same_category, same_village, *([mine] if mine is not None else []))
    rows = session.exec(
        rows_query()
        .where(open_clause(), wanted)
        .order_by(rank, col(Issue.opened_on).desc(), col(Issue.id))
        .limit(CANDIDATES)
    ).all()
    if not rows:
        return []
    words = extract_words(visit.text)
    issue_words = words_of_issues(session=session, issue_ids=[r[0].id for r in rows])
    settings = load_settings(session=session)
    found = []
    for order, found_row in enumerate(rows):
        issue = found_row[0]
        likeness = _likeness(
            words,
            issue_words.get(issue.id, set()),
            issue.village_id == visit.village_id,
            issue.category_id == visit.category_id,
        )
        is_own = issue.id in own
        if not (likeness.same_category or likeness.same_village or likeness.shared_words):
            continue  # the resident's own, but about something else entirely
        found.append(
            (
                -_score(likeness, is_own),
                order,
                Suggestion(
                    row=to_row(*found_row, today=today, settings=settings),
                    score=round(_score(likeness, is_own), 3),
                    likeness=likeness,
                    own=is_own,
                ),
            )
        )
    found.sort(key=lambda item: (item[0], item[1]))
    return [s for _, _, s in found[:limit]]


@dataclass(frozen=True)
class SimilarVisit:
    id: str
    likeness: Likeness


def similar_untriaged(*, session: Session, visit_id: str) -> list[SimilarVisit]:
    """Other untriaged visits that look like the same problem as this one (`Likeness.alike`),
    the most alike first: candidates for one issue opened from all of them.

    Raises:
        VisitNotFound: no such visit.
    """
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise VisitNotFound()
    rows = session.exec(
        select(Visit.id, Visit.text, Visit.village_id, Visit.category_id)
        .where(
            *awaiting_triage(),
            Visit.id != visit.id,
            or_(
                col(Visit.category_id) == visit.category_id,
                col(Visit.village_id) == visit.village_id,
            ),
        )
        .order_by(col(Visit.received_at).desc(), col(Visit.id))
        .limit(VISIT_CANDIDATES)
    ).all()
    if not rows:
        return []
    words = extract_words(visit.text)
    found = []
    for (other_id, _, village_id, category_id), other_words in zip(
        rows, extract_many(r[1] for r in rows), strict=True
    ):
        likeness = _likeness(
            words,
            set(other_words),
            village_id == visit.village_id,
            category_id == visit.category_id,
        )
        if likeness.alike:
            found.append(SimilarVisit(other_id, likeness))
    found.sort(key=lambda s: -_score(s.likeness, False))
    return found
