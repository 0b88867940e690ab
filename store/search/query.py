"""Search (`/`): residents, issues and visits as the deputy types, a page at a time from SQL.

Each kind is first an ordered list of at most CAP + 1 ids (which gives a capped count, "1,000+",
in the same query), then the details of one page of them. Visit texts are found by the trigram
index for terms of three characters and more, and by LIKE on the newest visits for shorter ones
(docs/performance.md: SQLite 3.40's trigram index returns nothing for two-character LIKE). On
PostgreSQL every term of every length is found through the GIN indexes of the texts' characters
and pairs of characters, and checked by ILIKE (store.search.index). Counts are of ids read in no
order, stopped at CAP + 1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    and_,
    case,
    column,
    func,
    intersect,
    literal,
    literal_column,
    or_,
    table,
    union_all,
)
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from store.core.dialect import text_like
from store.core.models import Colour, Constituent, Issue, IssueStatus, Village, Visit
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import live
from store.core.rules import closed_colour, open_colour
from store.core.settings import load_settings
from store.desk.issue_rows import IssueRow, rows_query, to_row
from store.search.index import has_search_index, text_position
from store.search.terms import (
    Query,
    ResidentMatch,
    contains_pattern,
    could_be_pinyin,
    fts_query,
    parse_query,
    prefix_pattern,
    prefix_upper_bound,
)

# Counts stop here: "1,000+" reads as well as an exact figure and costs a fraction of it.
CAP = 1000
# How much of a visit's text a hit carries, from a little before the first match.
EXCERPT_CHARS = 120
EXCERPT_LEAD = 12

_fts = table("visit_fts", column("rowid"), column("visit_fts"))
_visit_rowid: ColumnClause[int] = literal_column("visit.rowid")
_name_chars = table("constituent_name_char", column("ch"), column("constituent"))
_constituent_rowid: ColumnClause[int] = literal_column("constituent.rowid")
# A name search reads the residents having the first few distinct characters typed (their sets
# intersected in store.search.index's table); LIKE then checks the whole key.
NAME_CHARS_LOOKED_UP = 3


class SearchKind(StrEnum):
    residents = "residents"
    issues = "issues"
    visits = "visits"


@dataclass(frozen=True)
class ResidentHit:
    id: str
    name: str
    phone: str
    village: str
    visit_count: int
    last_visit_at: datetime | None
    match: ResidentMatch


@dataclass(frozen=True)
class IssueHit:
    row: IssueRow
    # False when only the words of its visits matched.
    by_title: bool


@dataclass(frozen=True)
class VisitHit:
    id: str
    received_at: datetime
    summary: str
    # The text from a little before the first match (from the start when there is no query).
    excerpt: str
    # The excerpt starts inside the text (show an ellipsis before it).
    excerpt_cut: bool
    resident: str
    phone: str
    constituent_id: str
    village: str
    issue_id: str | None
    issue_title: str | None
    issue_colour: Colour | None


@dataclass(frozen=True)
class SearchResults:
    """One page of one kind for a query. `page.total` is what is known without counting:
    offset + rows shown, plus one when there is more (a page reads limit + 1 rows); the counts
    come from `count_hits`, later."""

    query: Query
    kind: SearchKind
    page: Page[Any]
    resident_id: str | None = None


def more_than_cap(count: int) -> bool:
    return count > CAP


def search(
    *,
    session: Session,
    text: str,
    today: date,
    kind: SearchKind = SearchKind.residents,
    fallback: bool = True,
    resident_id: str | None = None,
    known_empty: frozenset[SearchKind] = frozenset(),
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> SearchResults:
    """A page of hits for what the deputy typed.

    Args:
        kind: the kind to page through.
        fallback: when `kind` has no hits, show the first kind (residents, issues, visits, in
            that order) that has some, as the deputy types; False keeps `kind` (they chose it).
        resident_id: only this resident's visits (an empty `text` lists them all).
        known_empty: kinds the caller knows have no hits (see `narrows`): not read again.
    """
    query = parse_query(text)
    if resident_id is not None:
        kind, fallback = SearchKind.visits, False
    elif query.empty:
        return SearchResults(query, kind, Page((), 0, 0, limit))
    tried = [kind, *(k for k in SearchKind if k != kind)] if fallback else [kind]
    page: Page[Any] = Page((), 0, offset, limit)
    if fallback:
        tried = [k for k in tried if k not in known_empty] or [kind]
    for each in tried:
        page = _kind_page(session, query, each, resident_id, today, limit, offset)
        if page.items or each == tried[-1]:
            return SearchResults(query, each, page, resident_id)
    return SearchResults(query, kind, page, resident_id)  # pragma: no cover - loop returns


def narrows(before: str, after: str, kind: SearchKind) -> bool:
    """Whether every hit of `after` is a hit of `before` for `kind`: true of text typed on
    (`飞` → `飞线`, `zx` → `zxm`), so a kind with no hits for `before` need not be read again.
    Not for phones (the last four digits are not the last five), nor when the longer text
    starts to find issues by their visits' words."""
    if not after.startswith(before):
        return False
    old, new = parse_query(before), parse_query(after)
    if old.empty:
        return False
    if kind == SearchKind.residents:
        return old.resident_match == new.resident_match != ResidentMatch.phone
    if kind == SearchKind.issues:
        return _issues_by_visits(old) or not _issues_by_visits(new)
    return True


def _issues_by_visits(query: Query) -> bool:
    return bool(query.long_terms) and not query.short_terms


def count_hits(
    *, session: Session, text: str, kind: SearchKind, resident_id: str | None = None
) -> int:
    """How many hits `kind` has, up to CAP + 1 (see `more_than_cap`): counting stops there, so
    a common word costs no more than a rare one."""
    stmt = count_statement(session, text, kind, resident_id)
    return 0 if stmt is None else int(session.exec(stmt).one())


def count_statement(session: Session, text: str, kind: SearchKind, resident_id: str | None = None):  # type: ignore[no-untyped-def]
    """The SQL of `count_hits` (None when nothing can match). The ids are read in no order:
    PostgreSQL sorted every hit before counting the first CAP + 1 of them."""
    query = parse_query(text)
    if query.empty and resident_id is None:
        return None
    stmt = _ids_statement(session, query, kind, resident_id)
    if stmt is None:
        return None
    capped = stmt.order_by(None).limit(CAP + 1).subquery()
    return select(func.count()).select_from(capped)


def search_residents(
    *, session: Session, text: str, limit: int = PAGE_SIZE, offset: int = 0
) -> Page[ResidentHit]:
    """Residents by name (any part), pinyin initials or full pinyin (a prefix: `zxm`,
    `zhangx`), or the last digits of a phone (four or more). Exact names and initials first.

    Returns:
        A page whose total is offset + rows, plus one when there are more.
    """
    query = parse_query(text)
    return _kind_page(session, query, SearchKind.residents, None, date.min, limit, offset)


def search_issues(
    *, session: Session, text: str, today: date, limit: int = PAGE_SIZE, offset: int = 0
) -> Page[IssueHit]:
    """Issues whose title has every term and, for terms of three characters and more, issues
    one of whose visits has them (`by_title` tells which); the newest first.

    Returns:
        A page whose total is offset + rows, plus one when there are more.
    """
    query = parse_query(text)
    return _kind_page(session, query, SearchKind.issues, None, today, limit, offset)


def search_visits(
    *,
    session: Session,
    text: str,
    today: date,
    resident_id: str | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Page[VisitHit]:
    """Visits whose words contain every term (of any length, as typed), the newest first.

    Args:
        resident_id: only this resident's visits; with an empty `text`, all of them.
    Returns:
        A page whose total is offset + rows, plus one when there are more.
    """
    query = parse_query(text)
    return _kind_page(session, query, SearchKind.visits, resident_id, today, limit, offset)


def _kind_page(
    session: Session,
    query: Query,
    kind: SearchKind,
    resident_id: str | None,
    today: date,
    limit: int,
    offset: int,
) -> Page[Any]:
    if query.empty and resident_id is None:
        return Page((), 0, offset, limit)
    stmt = _ids_statement(session, query, kind, resident_id)
    ids: list[str] = []
    if stmt is not None:
        ids = list(session.exec(stmt.limit(limit + 1).offset(offset)).all())
    more = len(ids) > limit
    items = _details(session, query, kind, ids[:limit], today)
    return Page(tuple(items), offset + len(items) + int(more), offset, limit)


def _ids_statement(session: Session, query: Query, kind: SearchKind, resident_id: str | None):  # type: ignore[no-untyped-def]
    """The ids of `kind`'s hits, in page order."""
    sqlite, indexed = _is_sqlite(session), _has_index(session)
    dialect = session.get_bind().dialect.name
    if kind == SearchKind.residents:
        return _resident_ids(query, indexed, dialect)
    if kind == SearchKind.issues:
        return _issue_ids(query, sqlite, indexed)
    return _visit_ids(query, resident_id, fts=sqlite and indexed, grams=indexed and not sqlite)


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _has_index(session: Session) -> bool:
    """Whether the texts have their search indexes (FTS5 and the names' characters on SQLite,
    the characters and pairs of characters on PostgreSQL)."""
    # Cached on the connection: one look at the catalogue per connection, not per keystroke.
    conn = session.connection()
    if "visit_fts" not in conn.info:
        conn.info["visit_fts"] = has_search_index(conn)
    return bool(conn.info["visit_fts"])


def _details(
    session: Session, query: Query, kind: SearchKind, ids: Sequence[str], today: date
) -> list[Any]:
    if not ids:
        return []
    if kind == SearchKind.residents:
        found: dict[str, Any] = _resident_details(session, query, ids)
    elif kind == SearchKind.issues:
        found = _issue_details(session, query, ids, today)
    else:
        found = _visit_details(session, query, ids, today)
    return [found[i] for i in ids if i in found]


# -- residents ------------------------------------------------------------------------------


def _like(column: Any, pattern: str) -> ColumnElement[bool]:
    # Patterns are escaped with LIKE_ESCAPE, the backslash that text_like names as ESCAPE.
    return text_like(column, pattern)


def _contains(column: Any, term: str, grams: bool) -> ColumnElement[bool]:
    """`column` holds `term` (ASCII letters in any case). With `grams` (PostgreSQL), through the
    GIN index of the column's characters and pairs (store.search.index), which finds every row
    having the term's pairs in any order; the LIKE keeps those that have the term itself."""
    like = _like(column, contains_pattern(term))
    if not grams:
        return like
    # LIKE first: where a plan checks rows one by one (under an OR), computing each row's grams
    # costs a hundred times the LIKE, which turns most rows away before them.
    return and_(like, func.search_grams(column).bool_op("@>")(func.term_grams(term)))


def _name_has(key: str) -> ColumnElement[bool]:
    """The residents whose names have the key's first few distinct characters (SQLite's index
    of them, store.search.index; ASCII letters lower-case there, as LIKE compares them). The
    sets are intersected in the index before any resident is read: 张晓明 reads the 41 who have
    all three, not the 3,700 with 张 (7.8 -> 4.3 ms)."""
    chars = list(dict.fromkeys(ch.lower() if ch.isascii() else ch for ch in key))
    having = [
        select(_name_chars.c.constituent).where(_name_chars.c.ch == ch)
        for ch in chars[:NAME_CHARS_LOOKED_UP]
    ]
    return _constituent_rowid.in_(intersect(*having) if len(having) > 1 else having[0])


def phone_tail(phone: Any, dialect: str = "sqlite") -> Any:
    """A phone's last four digits, spelled as store.search.index's index of them is (an index
    on an expression serves only the very same expression, literals included; PostgreSQL's
    `substr` takes no negative start)."""
    digits = func.replace(phone, literal_column("'-'"), literal_column("''"))
    if dialect == "postgresql":
        return func.right(digits, literal_column("4"))
    return func.substr(digits, literal_column("-4"))


def _resident_ids(query: Query, indexed: bool, dialect: str = "sqlite"):  # type: ignore[no-untyped-def]
    """`indexed`: the database has store.search.index's structures (on SQLite the names'
    characters, on PostgreSQL their characters and pairs; the phones' last digits on both)."""
    sqlite = dialect == "sqlite"
    key, match = query.resident_key, query.resident_match
    name, initials = col(Constituent.name), col(Constituent.name_initials)
    pinyin = col(Constituent.name_pinyin)
    order: tuple[Any, ...]
    if match == ResidentMatch.name:
        where: ColumnElement[bool] = _contains(name, key, grams=indexed and not sqlite)
        if indexed and sqlite:
            where = and_(_name_has(key), where)
        rank = case((name == key, 0), (_like(name, prefix_pattern(key)), 1), else_=2)
        order = (rank, pinyin, name, col(Constituent.id))
    elif match == ResidentMatch.pinyin and not could_be_pinyin(key):
        # Initials only: a range on their index, read in index order (0.1 ms, not a scan).
        where = and_(initials >= key, initials < prefix_upper_bound(key))
        order = (initials, pinyin, col(Constituent.id))
    elif match == ResidentMatch.pinyin:
        # Both prefixes are ranges on their indexes (pinyin and initials are stored lower-case).
        as_initials = and_(initials >= key, initials < prefix_upper_bound(key))
        where = or_(as_initials, and_(pinyin >= key, pinyin < prefix_upper_bound(key)))
        order = (case((initials == key, 0), (as_initials, 1), else_=2), pinyin, col(Constituent.id))
    elif match == ResidentMatch.phone:
        # Landlines may be stored with a dash; a phone's last digits are what deputies know.
        where = _like(func.replace(col(Constituent.phone), "-", ""), "%" + key)
        if indexed:
            where = and_(phone_tail(col(Constituent.phone), dialect) == key[-4:], where)
        order = (pinyin, col(Constituent.id))
    else:
        return None
    return select(Constituent.id).where(where, live(Constituent)).order_by(*order)


def _resident_details(session: Session, query: Query, ids: Sequence[str]) -> dict[str, Any]:
    people = session.exec(
        select(Constituent.id, Constituent.name, Constituent.phone, Village.name)
        .join(Village, col(Village.id) == Constituent.village_id)
        .where(col(Constituent.id).in_(ids))
    ).all()
    stats = {
        cid: (n, last)
        for cid, n, last in session.exec(
            select(Visit.constituent_id, func.count(), func.max(Visit.received_at))
            .where(col(Visit.constituent_id).in_(ids), live(Visit))
            .group_by(Visit.constituent_id)
        ).all()
    }
    return {
        pid: ResidentHit(
            id=pid,
            name=name,
            phone=phone,
            village=village,
            visit_count=stats.get(pid, (0, None))[0],
            last_visit_at=stats.get(pid, (0, None))[1],
            match=query.resident_match,
        )
        for pid, name, phone, village in people
    }


# -- visits ---------------------------------------------------------------------------------


def _text_clauses(query: Query, fts: bool, grams: bool) -> list[ColumnElement[bool]]:
    """Every term in a visit's text: long terms through SQLite's FTS5 index when `fts`, the
    others by LIKE on the visits themselves; every term through PostgreSQL's index of the
    texts' pairs of characters when `grams`."""
    clauses: list[ColumnElement[bool]] = []
    long_terms = query.long_terms if fts else ()
    if long_terms:
        matched = select(_fts.c.rowid).where(_fts.c.visit_fts.op("MATCH")(fts_query(long_terms)))
        clauses.append(_visit_rowid.in_(matched))
    for term in query.terms:
        if term not in long_terms:
            clauses.append(_contains(col(Visit.text), term, grams))
    return clauses


def _visit_ids(query: Query, resident_id: str | None, fts: bool, grams: bool):  # type: ignore[no-untyped-def]
    where = [live(Visit), *_text_clauses(query, fts, grams)]
    if resident_id is not None:
        where.append(col(Visit.constituent_id) == resident_id)
    return (
        select(Visit.id).where(*where).order_by(col(Visit.received_at).desc(), col(Visit.id).desc())
    )


def _visit_details(
    session: Session, query: Query, ids: Sequence[str], today: date
) -> dict[str, Any]:
    text_col = col(Visit.text)
    if query.terms:
        at = text_position(session.get_bind().dialect.name, text_col, query.terms[0])
        start: Any = case((at > EXCERPT_LEAD, at - EXCERPT_LEAD), else_=1)
    else:
        start = literal(1)
    # More columns than sqlmodel's select() types (four): its Select, typed by hand; the rows
    # are read by position and by column name.
    columns: Select[*tuple[Any, ...]] = Select(
        col(Visit.id),
        col(Visit.received_at),
        col(Visit.summary),
        func.substr(text_col, start, EXCERPT_CHARS),
        start,
        col(Constituent.name),
        col(Constituent.phone),
        col(Visit.constituent_id),
        col(Village.name),
        col(Visit.issue_id),
        col(Issue.title),
        col(Issue.status),
        col(Issue.closed_on),
        col(Issue.satisfaction),
        col(Issue.due_on),
        col(Issue.warn_on),
        col(Issue.resupervision),
    )
    rows: Sequence[Any] = session.exec(
        columns.join(Constituent, col(Constituent.id) == Visit.constituent_id)
        .join(Village, col(Village.id) == Visit.village_id)
        .outerjoin(Issue, col(Issue.id) == Visit.issue_id)
        .where(col(Visit.id).in_(ids))
    ).all()
    grace = (
        load_settings(session=session).evaluation_grace_days
        if any(r.issue_id is not None for r in rows)
        else 0
    )
    out = {}
    for r in rows:
        out[r[0]] = VisitHit(
            id=r[0],
            received_at=r[1],
            summary=r[2],
            excerpt=r[3] or "",
            excerpt_cut=int(r[4]) > 1,
            resident=r[5],
            phone=r[6],
            constituent_id=r[7],
            village=r[8],
            issue_id=r.issue_id,
            issue_title=r.title,
            issue_colour=_colour(r, today, grace) if r.issue_id is not None else None,
        )
    return out


def _colour(r: Any, today: date, grace_days: int) -> Colour:
    """An issue's colour from its columns (the rule of `issue_rows.issue_colour`)."""
    if r.status == IssueStatus.closed and r.closed_on is not None:
        return closed_colour(
            today=today, closed_on=r.closed_on, satisfaction=r.satisfaction, grace_days=grace_days
        )
    return open_colour(
        today=today, due_on=r.due_on, warn_on=r.warn_on, resupervision=r.resupervision
    )


# -- issues ---------------------------------------------------------------------------------


def _issue_ids(query: Query, sqlite: bool, indexed: bool):  # type: ignore[no-untyped-def]
    if query.empty:
        return None
    title = col(Issue.title)
    grams = indexed and not sqlite
    where: ColumnElement[bool] = and_(*(_contains(title, term, grams) for term in query.terms))
    if indexed and _issues_by_visits(query):
        # Cheap only through the trigram index: short terms would read every visit's text on
        # SQLite (PostgreSQL's index could serve them, but both find the same issues).
        fed = select(Visit.issue_id).where(
            col(Visit.issue_id).is_not(None),
            live(Visit),
            *_text_clauses(query, fts=sqlite, grams=grams),
        )
        if grams:
            return _issues_by_title_or_visit(where, fed)
        where = or_(where, col(Issue.id).in_(fed))
    # Newest first. On SQLite, by rowid: reading backwards stops at the page's last hit, where
    # sorting by the (unindexed) opening date would read every issue first.
    order = (
        (literal_column("issue.rowid").desc(),)
        if sqlite
        else (col(Issue.opened_on).desc(), col(Issue.created_at).desc(), col(Issue.id).desc())
    )
    return select(Issue.id).where(where, live(Issue)).order_by(*order)


def _issues_by_title_or_visit(by_title: ColumnElement[bool], fed: Any):  # type: ignore[no-untyped-def]
    """PostgreSQL's issue hits, newest first: those whose title has the terms, with the order
    read from the same rows, then those only a visit of has them, each read by id. Under an OR
    PostgreSQL read every issue and checked its title (1.2 s at 20,000 issues); as one set of
    ids it read every hit again by id to order them (5,000 issues for 电动车 at 600,000 visits:
    20 of the statement's 55 ms), though a visit's words are mostly its issue's title too."""
    titled = (
        select(
            col(Issue.id).label("id"),
            col(Issue.opened_on).label("opened_on"),
            col(Issue.created_at).label("created_at"),
        )
        .where(by_title, live(Issue))
        .cte("titled")
    )
    only_fed = fed.except_(select(titled.c.id))
    by_visit = select(col(Issue.id), col(Issue.opened_on), col(Issue.created_at)).where(
        col(Issue.id).in_(only_fed), live(Issue)
    )
    hits = union_all(select(titled.c.id, titled.c.opened_on, titled.c.created_at), by_visit)
    found = hits.subquery("hits")
    return select(found.c.id).order_by(
        found.c.opened_on.desc(), found.c.created_at.desc(), found.c.id.desc()
    )


def _issue_details(
    session: Session, query: Query, ids: Sequence[str], today: date
) -> dict[str, Any]:
    settings = load_settings(session=session)
    rows = session.exec(rows_query().where(col(Issue.id).in_(ids))).all()
    out = {}
    for found in rows:
        row = to_row(*found, today=today, settings=settings)
        title = row.title.lower()
        out[row.id] = IssueHit(row, all(term.lower() in title for term in query.terms))
    return out
