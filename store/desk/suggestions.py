"""What the desk proposes while a visit is logged and triaged (issue 17, part 6): the category,
and then the tier and unit, that this station's own triaged visits with the same words most
often had, with how many there were, so the deputy sees why ("同类来访 37 次") and accepts it
with one key."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlmodel import Session, col, select

from store.core.models import Tier, Unit, Visit
from store.core.rows import live
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


@dataclass(frozen=True)
class RouteHint:
    """Where a waiting visit most likely goes: a tier and a unit of it."""

    tier: Tier
    unit_id: str
    unit: str
    visits: int
    """This station's triaged visits like this one that went to this tier and unit."""


# Triaged visits sharing words with this one, of its category, by the tier and unit their issue
# went to (each row weighs the words shared, as _HINT does).
_ROUTES_BY_WORDS = text(
    "SELECT i.tier, i.unit_id, u.name, count(DISTINCT v.id) AS n, count(*) AS shared"
    " FROM word w"
    " JOIN word_use x_u ON x_u.word_id = w.id"
    " JOIN word_visit x ON x.no = x_u.no"
    " JOIN visit v ON v.id = x.visit_id"
    " JOIN issue i ON i.id = v.issue_id"
    " JOIN unit u ON u.id = i.unit_id"
    " WHERE w.text IN :words AND v.category_id = :category AND v.id <> :visit"
    " AND v.deleted_at IS NULL AND i.deleted_at IS NULL"
    " AND u.deleted_at IS NULL AND u.active"
    " GROUP BY i.tier, i.unit_id, u.name"
).bindparams(bindparam("words", expanding=True))

# With no word in common: the issues of the visit's category.
_ROUTES_BY_CATEGORY = text(
    "SELECT i.tier, i.unit_id, u.name, count(DISTINCT v.id) AS n, count(DISTINCT v.id) AS shared"
    " FROM visit v"
    " JOIN issue i ON i.id = v.issue_id"
    " JOIN unit u ON u.id = i.unit_id"
    " WHERE v.category_id = :category AND v.id <> :visit"
    " AND v.deleted_at IS NULL AND i.deleted_at IS NULL"
    " AND u.deleted_at IS NULL AND u.active"
    " GROUP BY i.tier, i.unit_id, u.name"
)


def suggest_route(*, session: Session, visit_id: str) -> RouteHint | None:
    """The likeliest tier and unit for a waiting visit: the tier its category's triaged visits
    with the same words most often went to, then that tier's unit among them; a village-tier
    visit goes to its own village's committee. None when nothing like it was triaged yet."""
    visit = session.get(Visit, visit_id)
    if visit is None or visit.category_id is None:
        return None
    conn = session.connection()
    params = {"category": visit.category_id, "visit": visit_id}
    rows: list[tuple[str, str, str, int, int]] = []
    words = extract_words(visit.text)
    if words and has_word_use(conn):
        found = conn.execute(_ROUTES_BY_WORDS, {**params, "words": words}).all()
        rows = [(str(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4])) for r in found]
    if not rows:
        found = conn.execute(_ROUTES_BY_CATEGORY, params).all()
        rows = [(str(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4])) for r in found]
    if not rows:
        return None
    weight: dict[str, int] = defaultdict(int)
    visits: dict[str, int] = defaultdict(int)
    for tier, _unit, _name, n, shared in rows:
        weight[tier] += shared
        visits[tier] += n
    # Ties go the same way on every desk: to the first tier in name order.
    tier = Tier(min(sorted(weight), key=lambda each: -weight[each]))
    if tier is Tier.village:
        # Another village's committee never takes this village's problem.
        own = session.exec(
            select(Unit.id, Unit.name).where(
                Unit.tier == Tier.village,
                Unit.village_id == visit.village_id,
                col(Unit.active).is_(True),
                live(Unit),
            )
        ).first()
        if own is None:
            return None
        return RouteHint(tier=tier, unit_id=own[0], unit=own[1], visits=visits[tier])
    _tier, unit_id, unit, n, _shared = min(
        (r for r in rows if r[0] == tier.value), key=lambda r: (-r[4], -r[3], r[2])
    )
    return RouteHint(tier=tier, unit_id=unit_id, unit=unit, visits=n)
