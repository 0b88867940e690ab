"""The trigram index of visit texts (SQLite FTS5), kept current by triggers on `visit`, and the
index of the characters of residents' names, kept current by triggers on `constituent`.

An external-content index: it stores no second copy of the texts, and refers to visits by their
rowid. A migration that rebuilds the `visit` table (Alembic's batch mode on SQLite) drops the
triggers and may renumber rows: it must call `install_search_index` afterwards. `liaison check`
verifies the index.

PostgreSQL has no FTS5, and pg_trgm's indexes cannot serve a term of one or two characters (飞线: a
sequential scan of every visit, 0.27 s at 180,000 visits). There each searched text has a GIN
index over `search_grams(text)`, the set of its characters and pairs of characters (lower case),
and a term is found by `search_grams(text) @> term_grams(term)` (its pairs, or the character
itself) and checked by ILIKE, which the index only narrows down (BENCHMARKS.md, 2026-12-07).
The server keeps them current itself (no triggers, nothing to suspend for a bulk load).

Names are two to four characters, below the trigram index's reach, and a name search must find
any part of one (`晓明` in 张晓明). Scanning every resident for it took 13-16 ms of each keystroke
on 75,000 residents; `constituent_name_char` holds each distinct character of each name (by the
resident's rowid), so a search reads only the residents who have every character typed and
checks the order of them with LIKE. ASCII letters are kept lower-case, as LIKE compares them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, func
from sqlalchemy.exc import DBAPIError

from store.core.validation import NAME_MAX

FTS_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS visit_fts USING fts5("
    "text, content='visit', content_rowid='rowid', tokenize='trigram')"
)
TRIGGERS = {
    "visit_fts_insert": "CREATE TRIGGER IF NOT EXISTS visit_fts_insert AFTER INSERT ON visit BEGIN "
    "INSERT INTO visit_fts(rowid, text) VALUES (new.rowid, new.text); END",
    "visit_fts_delete": "CREATE TRIGGER IF NOT EXISTS visit_fts_delete AFTER DELETE ON visit BEGIN "
    "INSERT INTO visit_fts(visit_fts, rowid, text) VALUES ('delete', old.rowid, old.text); END",
    "visit_fts_update": "CREATE TRIGGER IF NOT EXISTS visit_fts_update AFTER UPDATE OF text "
    "ON visit BEGIN "
    "INSERT INTO visit_fts(visit_fts, rowid, text) VALUES ('delete', old.rowid, old.text); "
    "INSERT INTO visit_fts(rowid, text) VALUES (new.rowid, new.text); END",
}

NAME_TABLE = (
    "CREATE TABLE IF NOT EXISTS constituent_name_char ("
    "ch TEXT NOT NULL, constituent INTEGER NOT NULL, PRIMARY KEY (ch, constituent)) WITHOUT ROWID"
)
# A name's characters, one row each: SQLite has no function that splits a string, and a
# trigger may not use a recursive CTE, so the positions come from a JSON array (1 to NAME_MAX).
_POSITIONS = "json_each('[" + ",".join(str(n) for n in range(1, NAME_MAX + 1)) + "]') AS at"


def _chars_of(row: str, *, keyed: bool = False, source: str = "") -> str:
    """The characters of `row`'s name (a trigger's `new` or `old`, or the alias of `source`),
    with its rowid if `keyed`."""
    rowid = f", {row}.rowid" if keyed else ""
    return (
        f"SELECT lower(substr({row}.name, at.value, 1)){rowid} FROM {source}{_POSITIONS}"
        f" WHERE at.value <= length({row}.name)"
    )


_ADD_CHARS = (
    f"INSERT OR IGNORE INTO constituent_name_char (ch, constituent) {_chars_of('new', keyed=True)};"
)
_REMOVE_CHARS = (
    "DELETE FROM constituent_name_char WHERE constituent = old.rowid"
    f" AND ch IN ({_chars_of('old')});"
)
NAME_TRIGGERS = {
    "constituent_name_char_insert": "CREATE TRIGGER IF NOT EXISTS constituent_name_char_insert "
    f"AFTER INSERT ON constituent BEGIN {_ADD_CHARS} END",
    "constituent_name_char_delete": "CREATE TRIGGER IF NOT EXISTS constituent_name_char_delete "
    f"AFTER DELETE ON constituent BEGIN {_REMOVE_CHARS} END",
    "constituent_name_char_update": "CREATE TRIGGER IF NOT EXISTS constituent_name_char_update "
    f"AFTER UPDATE OF name ON constituent BEGIN {_REMOVE_CHARS} {_ADD_CHARS} END",
}
# Every character of every name, as the triggers would have written them.
_ALL_CHARS = _chars_of("c", keyed=True, source="constituent AS c, ")
# The last four digits of a phone (dashes taken out, as store.search.query compares them): a search
# by a phone's last digits reads the index instead of every resident. The query must spell the
# expression exactly so (store.search.query.phone_tail) for SQLite to use the index.
PHONE_TAIL = "ix_constituent_phone_tail"
PHONE_TAIL_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {PHONE_TAIL} ON constituent (substr(replace(phone, '-', ''), -4))"
)
# The SQLite tables made here (the FTS5 table also makes shadow tables `visit_fts_*`).
SQLITE_TABLES = frozenset({"visit_fts", "constituent_name_char"})
# What store.trust.migrate leaves out of its comparison with the models: made here, not by them.
SQLITE_OBJECTS = frozenset({"constituent_name_char", PHONE_TAIL})

# PostgreSQL. A text's characters and pairs of characters, lower case (as ILIKE compares them);
# GIN takes out the duplicates itself. The pairs are two passes of `..` (from the first character
# and from the second), linear in the text's length: `substr` at each position walks the text from
# its start each time (0.9 s for a text of 9,000 characters, against 5 ms). `.` matches a newline
# too (PostgreSQL's regular expressions are not newline-sensitive unless asked).
# IMMUTABLE: an index may be built over it, and the planner folds `term_grams('飞线')` to a
# constant, which the index then serves. Its cost (about 25 µs a visit's text, 1.1 s over 20,000
# issues' titles when a plan computed it row by row) is told to the planner, which otherwise
# takes a SQL function for a few operators' worth.
_PAIRS = (
    "ARRAY(SELECT m[1] FROM regexp_matches(l.s, '..', 'g') AS m)"
    " || ARRAY(SELECT m[1] FROM regexp_matches(substr(l.s, 2), '..', 'g') AS m)"
)
SEARCH_GRAMS = (
    "CREATE OR REPLACE FUNCTION search_grams(t text) RETURNS text[]"
    " LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 500 AS $$"
    f" SELECT string_to_array(l.s, NULL) || {_PAIRS} FROM (SELECT lower(t) AS s) AS l $$"
)
# What a text holding a term holds of `search_grams`: the term's pairs, or its one character.
# (Its characters too would only add longer lists to intersect: every pair names two of them.)
TERM_GRAMS = (
    "CREATE OR REPLACE FUNCTION term_grams(t text) RETURNS text[]"
    " LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$"
    f" SELECT CASE WHEN char_length(l.s) < 2 THEN ARRAY[l.s] ELSE {_PAIRS} END"
    " FROM (SELECT lower(t) AS s) AS l $$"
)
GRAM_FUNCTIONS = {"search_grams": SEARCH_GRAMS, "term_grams": TERM_GRAMS}
# An index per column that store.search.query matches by substring, and the phones' last digits
# spelled as store.search.query.phone_tail does on PostgreSQL (`right`: its `substr` takes no
# negative start). Names ending in `_grams` (and PHONE_TAIL) are left out of store.trust.migrate's
# comparison with the models.
GRAM_INDEXES = {
    "ix_visit_text_grams": "visit USING gin (search_grams(text))",
    "ix_issue_title_grams": "issue USING gin (search_grams(title))",
    "ix_constituent_name_grams": "constituent USING gin (search_grams(name))",
    PHONE_TAIL: "constituent (right(replace(phone, '-', ''), 4))",
}
# pg_trgm's indexes of schema 0004 to 0019, which 0020 replaced (they could not serve a term of
# one or two characters): dropped wherever they are found.
REPLACED_INDEXES = (
    "ix_visit_text_trgm",
    "ix_issue_title_trgm",
    "ix_constituent_name_trgm",
    "ix_constituent_name_pinyin_trgm",
    "ix_constituent_phone_trgm",
)


def _pg_indexes(conn: Connection) -> set[str]:
    rows = conn.exec_driver_sql(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    )
    return {row[0] for row in rows}


def has_search_index(conn: Connection) -> bool:
    """Whether the search structures are there (both, on SQLite: they are made together)."""
    if conn.dialect.name == "postgresql":
        return "ix_visit_text_grams" in _pg_indexes(conn)
    return conn.dialect.name == "sqlite" and _sqlite_tables(conn) == SQLITE_TABLES


def _sqlite_tables(conn: Connection) -> set[str]:
    rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows} & SQLITE_TABLES


def install_search_index(conn: Connection) -> None:
    """Create the index and its triggers if missing, and rebuild it from the visits."""
    if conn.dialect.name == "postgresql":
        for ddl in GRAM_FUNCTIONS.values():
            conn.exec_driver_sql(ddl)
        for name, target in GRAM_INDEXES.items():
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
        return
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql(FTS_TABLE)
    for ddl in TRIGGERS.values():
        conn.exec_driver_sql(ddl)
    conn.exec_driver_sql("INSERT INTO visit_fts(visit_fts) VALUES ('rebuild')")
    install_name_index(conn)


def install_name_index(conn: Connection) -> None:
    """SQLite: the names' characters (made if missing, and filled again) and the phones' last
    digits. Part of `install_search_index`; alone for schema 0011, which added them."""
    conn.exec_driver_sql(NAME_TABLE)
    for ddl in NAME_TRIGGERS.values():
        conn.exec_driver_sql(ddl)
    conn.exec_driver_sql("DELETE FROM constituent_name_char")
    conn.exec_driver_sql(f"INSERT OR IGNORE INTO constituent_name_char {_ALL_CHARS}")
    conn.exec_driver_sql(PHONE_TAIL_INDEX)


def drop_search_index(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        for name in (*GRAM_INDEXES, *REPLACED_INDEXES):
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
        for name in GRAM_FUNCTIONS:
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}(text)")
        return
    if conn.dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    conn.exec_driver_sql("DROP TABLE IF EXISTS visit_fts")
    drop_name_index(conn)


def drop_name_index(conn: Connection) -> None:
    """SQLite: what `install_name_index` makes, gone."""
    for name in NAME_TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    conn.exec_driver_sql("DROP TABLE IF EXISTS constituent_name_char")
    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {PHONE_TAIL}")


@contextmanager
def search_index_suspended(conn: Connection) -> Iterator[None]:
    """For bulk loads of many visits: drop the triggers, load, then rebuild once (about 1.4 s
    for 100,000 visits, against 5.6 s of triggers; docs/performance.md; the names' characters,
    0.3 s for 75,000 residents). Use inside the load's transaction, so that a failed load
    leaves the triggers as they were."""
    if not has_search_index(conn):
        yield
        return
    for name in (*TRIGGERS, *NAME_TRIGGERS):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    yield
    install_search_index(conn)


def search_index_faults(conn: Connection, *, whole: bool = True) -> list[str]:
    """What is wrong with the index, for `liaison check`: missing triggers, or an index that
    does not match the visits (FTS5's own integrity check) or the residents' names; on
    PostgreSQL, missing indexes. Not `whole` (`check --quick`): what is missing only, not the
    reading of every entry."""
    if conn.dialect.name == "postgresql":
        return sorted(set(GRAM_INDEXES) - _pg_indexes(conn))
    if conn.dialect.name != "sqlite":
        return []
    missing = SQLITE_TABLES - _sqlite_tables(conn)
    if missing:
        return sorted(missing)
    names = {
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')"
            " AND tbl_name IN ('visit', 'constituent')"
        )
    }
    faults = sorted({*TRIGGERS, *NAME_TRIGGERS, PHONE_TAIL} - names)
    if not whole:
        return faults
    stray = conn.exec_driver_sql(
        f"SELECT 1 FROM (SELECT ch, constituent FROM constituent_name_char EXCEPT {_ALL_CHARS})"
        f" UNION ALL SELECT 1 FROM ({_ALL_CHARS} EXCEPT SELECT ch, constituent"
        " FROM constituent_name_char) LIMIT 1"
    ).first()
    if stray is not None:
        faults.append("constituent_name_char")
    try:
        conn.exec_driver_sql("INSERT INTO visit_fts(visit_fts, rank) VALUES ('integrity-check', 1)")
    except DBAPIError as exc:
        # FTS5's check is written as an INSERT: a lock held elsewhere past the busy timeout, or
        # a file that cannot be written, stops it without saying anything of the index.
        if is_busy_or_read_only(exc):
            raise
        faults.append("visit_fts integrity")
    return faults


def is_busy_or_read_only(exc: DBAPIError) -> bool:
    """Whether SQLite refused a statement for a lock held elsewhere or a read-only file."""
    message = str(exc.orig).lower()
    return any(word in message for word in ("locked", "busy", "readonly", "read-only"))


def text_position(dialect: str, column: Any, term: str) -> Any:
    """Where `term` first occurs in `column` (1-based, 0 if nowhere), for excerpts."""
    finder = func.strpos if dialect == "postgresql" else func.instr
    return finder(column, term)
