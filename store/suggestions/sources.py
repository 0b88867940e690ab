"""A class of problems (一类问题) as a suggestion's sources: the issues of a category or of a
village (or both) opened in a window, or the visits that used a hot word in it: "from solving
one problem to solving a class of them". What was picked is named in the suggestion's `basis`,
in the Chinese terms of the printed form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from store.core.models import Category, Issue, Suggestion, Village
from store.core.rows import get_live, live
from store.hot_words.words import word_visits
from store.suggestions.suggestions import BASIS_MAX, SuggestionNotFound, add_sources

# The window a class is looked for in, by default: a quarter and a bit; and the year looked at
# when that holds none (a station whose ledger was imported, a problem that comes back yearly).
DEFAULT_DAYS = 90
WIDER_DAYS = 365
# At most this many sources from one pick: a suggestion quotes a class, not a ledger.
MAX_SOURCES = 200


@dataclass(frozen=True)
class ClassPick:
    issue_ids: tuple[str, ...]
    visit_ids: tuple[str, ...]
    basis: str

    @property
    def count(self) -> int:
        return len(self.issue_ids) + len(self.visit_ids)


def pick_class(
    *,
    session: Session,
    today: date,
    word: str | None = None,
    category_id: str | None = None,
    village_id: str | None = None,
    days: int = DEFAULT_DAYS,
) -> ClassPick:
    """The sources of a class of problems over the `days` up to today.

    A hot word gives the visits that used it (in the village or category too, if given), as
    visits: each is a resident's own words. A category and/or a village gives the issues
    opened in the window (merged ones left out: their visits are on the issue they joined).
    """
    names = []
    if word:
        names.append(f"热词「{word}」")
    if category_id:
        category = session.get(Category, category_id)
        names.append(f"分类「{category.name if category else category_id}」")
    if village_id:
        village = session.get(Village, village_id)
        names.append(f"村社「{village.name if village else village_id}」")
    basis = f"近{days}天 " + " · ".join(names) if names else ""
    if word:
        page = word_visits(
            session=session,
            word=word,
            end=today + timedelta(days=1),
            days=days,
            village_id=village_id,
            category_id=category_id,
            limit=MAX_SOURCES,
        )
        return ClassPick((), tuple(v.id for v in page.items), basis)
    where = [
        live(Issue),
        col(Issue.merged_into).is_(None),
        col(Issue.opened_on) >= today - timedelta(days=days),
    ]
    if category_id:
        where.append(col(Issue.category_id) == category_id)
    if village_id:
        where.append(col(Issue.village_id) == village_id)
    if not (category_id or village_id):
        return ClassPick((), (), basis)
    ids = session.exec(
        select(Issue.id)
        .where(*where)
        .order_by(col(Issue.opened_on), col(Issue.id))
        .limit(MAX_SOURCES)
    ).all()
    return ClassPick(tuple(ids), (), basis)


def pick_recent_class(
    *,
    session: Session,
    today: date,
    word: str | None = None,
    category_id: str | None = None,
    village_id: str | None = None,
) -> ClassPick:
    """`pick_class` over the last DEFAULT_DAYS, or over the last WIDER_DAYS when those hold
    none of the class (the basis says which window it was)."""
    picked = pick_class(
        session=session, today=today, word=word, category_id=category_id, village_id=village_id
    )
    if picked.count:
        return picked
    return pick_class(
        session=session,
        today=today,
        word=word,
        category_id=category_id,
        village_id=village_id,
        days=WIDER_DAYS,
    )


def add_class(*, session: Session, suggestion_id: str, picked: ClassPick) -> int:
    """Attach a class of problems' sources to a suggestion already drafted. Its `basis` names
    the class: set when it named none, else added after what it named while that fits (the
    printed form's 来源 heading says what the sources were picked as).

    Returns:
        How many sources were added (those already attached are skipped).

    Raises:
        SuggestionNotFound, SourceNotFound.
    """
    added = add_sources(
        session=session,
        suggestion_id=suggestion_id,
        issue_ids=picked.issue_ids,
        visit_ids=picked.visit_ids,
    )
    suggestion = get_live(session, Suggestion, suggestion_id, SuggestionNotFound)
    basis = suggestion.basis
    if added and picked.basis and picked.basis not in basis:
        joined = f"{basis}；{picked.basis}" if basis else picked.basis
        if len(joined) <= BASIS_MAX:
            suggestion.basis = joined
            session.add(suggestion)
            session.flush()
    return added
