"""What the desk proposes while a visit is logged (issue 17, part 6): the category this
station's own triaged visits with the same words most often had, with how many there were, so
the deputy sees why ("同类来访 37 次") and accepts it with one key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlmodel import Session

from store.hot_words.word_index import has_word_use
from store.hot_words.words import extract_words


@dataclass(frozen=True)
class CategoryHint:
    category_id: str
    name: str
    visits: int
    """Triaged visits sharing a word with the text that had this category."""


_HINT = text(
    # A visit sharing three of the words weighs three times one sharing one.
    "SELECT v.category_id, c.name, count(DISTINCT v.id) AS n, count(*) AS shared"
    " FROM word w"
    " JOIN word_use u ON u.word_id = w.id"
    " JOIN word_visit x ON x.no = u.no"
    " JOIN visit v ON v.id = x.visit_id"
    " JOIN category c ON c.id = v.category_id"
    " WHERE w.text IN :words AND v.issue_id IS NOT NULL AND v.deleted_at IS NULL"
    " AND c.deleted_at IS NULL"
    " GROUP BY v.category_id, c.name"
    " ORDER BY shared DESC, n DESC, c.name"
    " LIMIT 1"
).bindparams(bindparam("words", expanding=True))


def suggest_category(*, session: Session, words_of: str) -> CategoryHint | None:
    """The likeliest category for a visit saying `words_of`, learned from the station's
    triaged visits by the words they share (store.hot_words); None when no word is known."""
    words = extract_words(words_of)
    conn = session.connection()
    if not words or not has_word_use(conn):
        return None
    row = conn.execute(_HINT, {"words": words}).first()
    if row is None:
        return None
    return CategoryHint(category_id=str(row[0]), name=str(row[1]), visits=int(row[2]))
