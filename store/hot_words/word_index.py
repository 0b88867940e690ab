"""Visits' words kept current on every write path (a store.changelog.derived index), and rebuilt
whole.

Called with the visit rows just written, new or changed, it takes away what earlier derivations
of those visits added and adds their words again: words are extracted once per visit when it is
written, logged, imported or synced, never by re-reading the corpus. Written with plain SQL on the
write's own connection (executemany, rows in key order): 100,000 visits of a bulk load in one call.

`word_use` (word → day → visit number, one row a word a visit) is made here, not by a
migration: it is local and derived like the other word tables, and `WORDS_VERSION` in
`local_meta` says which rules derived the stored words. Opening a station whose words were
derived by other rules (or before `word_use` existed) derives them all again, once
(`bring_words_up_to_date`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from store.core.clock import STATION_TZ
from store.core.dialect import execute_driver, one_of_sql, one_of_value

_CHUNK = 500  # ids per IN (...): SQLite allows 999 parameters before 3.32 and on some builds
WORD_TABLES = ("word_day", "word_use", "word_visit", "word_scope", "word")
# Made here, not by the models and migrations (store.trust.migrate leaves them out of Alembic's
# comparison).
WORD_OBJECTS = frozenset({"word_use"})

# The rules the stored words were derived by (store.hot_words.words): raise it when they change
# which words a visit has, and every station derives its words again when next opened.
# 1 (unmarked): every word of two characters or more but stop words. 2: content words only
# (issue 16, part 6), and word_use.
WORDS_VERSION = "2"
WORDS_VERSION_KEY = "words_version"


def ensure_word_tables(conn: Connection) -> None:
    """Make `word_use` if the database has none: a word's visits by day, for drilling down
    and for telling which rising words come from the same visits (its primary key is its only
    index, and on SQLite the table itself)."""
    conn.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS word_use (word_id INTEGER NOT NULL, day INTEGER NOT NULL,"
        " no INTEGER NOT NULL, PRIMARY KEY (word_id, day, no))"
        + (" WITHOUT ROWID" if conn.dialect.name == "sqlite" else "")
    )


def has_word_use(conn: Connection) -> bool:
    """Whether `word_use` exists: a database upgraded by the migrations alone (and not yet
    opened by `store.station.open_store`) has the other word tables only."""
    if conn.dialect.name == "sqlite":
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'word_use'"
    else:
        sql = "SELECT to_regclass('word_use')"
    return conn.exec_driver_sql(sql).scalar() is not None


def words_version(conn: Connection) -> str | None:
    """The rules the stored words were derived by: WORDS_VERSION, or None for the first ones
    (or a database without local_meta)."""
    value = execute_driver(
        conn, "SELECT value FROM local_meta WHERE key = ?", (WORDS_VERSION_KEY,)
    ).scalar()
    return None if value is None else str(value)


def _up_to_date(conn: Connection) -> bool:
    return words_version(conn) == WORDS_VERSION and has_word_use(conn)


def _mark_version(conn: Connection) -> None:
    execute_driver(conn, "DELETE FROM local_meta WHERE key = ?", (WORDS_VERSION_KEY,))
    execute_driver(
        conn,
        "INSERT INTO local_meta (key, value) VALUES (?, ?)",
        (WORDS_VERSION_KEY, WORDS_VERSION),
    )


def bring_words_up_to_date(engine: Engine) -> bool:
    """Derive every visit's words again if they were derived by other rules than this
    version's (once, when a station is first opened by it). Returns whether it did.

    As long as `liaison check --repair` (seconds for 100,000 visits: BENCHMARKS.md); two reads
    of one row otherwise. A database that cannot be written keeps its words (hot words then
    show them as they were derived)."""
    try:
        with engine.connect() as conn:
            if _up_to_date(conn):
                return False
    except DBAPIError:
        return False  # no local_meta: not a station's schema (opening reports it)
    try:
        with engine.execution_options(write=True).begin() as conn:
            if _up_to_date(conn):
                return False  # another process did it meanwhile
            ensure_word_tables(conn)
            rebuild_visit_words(conn)
    except DBAPIError:
        return False
    return True


def _many(conn: Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """The driver's own executemany with positional rows (`?`, psycopg's `%s`): Core would
    build a dict per row and cost about twice as much on a million rows."""
    if rows:
        execute_driver(conn, sql, list(rows))


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _station_tz(conn: Connection) -> tzinfo:
    name = conn.exec_driver_sql("SELECT timezone FROM station LIMIT 1").scalar()
    return ZoneInfo(name or STATION_TZ)


def day_number(instant: datetime, tz: tzinfo) -> int:
    """The station-local day of a stored instant (naive means UTC, as SQLite returns it)."""
    aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return aware.astimezone(tz).date().toordinal()


def _forget(conn: Connection, visit_ids: list[str], postings: bool) -> None:
    """Take away the words earlier derivations of these visits added."""
    if conn.exec_driver_sql("SELECT 1 FROM word_visit LIMIT 1").first() is None:
        return  # a first load: nothing to take away, and no lookups to pay for
    old = []
    for chunk in _chunks(visit_ids):
        marks = ", ".join("?" for _ in chunk)
        old += execute_driver(
            conn,
            f"SELECT no, day, word_ids FROM word_visit WHERE visit_id IN ({marks})",
            tuple(chunk),
        ).all()
    if not old:
        return
    hits = sorted((int(w), day, no) for no, day, ids in old for w in ids.strip(",").split(",") if w)
    counts = Counter((w, day) for w, day, _ in hits)
    keys = sorted(counts)
    _many(conn, "UPDATE word_day SET n = n - ? WHERE word_id = ? AND day = ?",
          [(counts[k], *k) for k in keys])  # fmt: skip
    _many(conn, "DELETE FROM word_day WHERE word_id = ? AND day = ? AND n <= 0", keys)
    if postings:
        _many(conn, "DELETE FROM word_use WHERE word_id = ? AND day = ? AND no = ?", hits)
    _many(conn, "DELETE FROM word_visit WHERE no = ?", [(row[0],) for row in old])


def _numbers(
    conn: Connection, table: str, key: str, column: str, names: set[str]
) -> dict[str, int]:
    """Ids of `names` in a (key, column) lookup table, adding the missing ones. Safe to number
    them ourselves: a write transaction holds the database's write lock (PostgreSQL: the
    store's advisory lock, store.db)."""
    found: dict[str, int] = {}
    wanted = sorted(names)
    if len(wanted) > 5 * _CHUNK:  # a bulk load: reading the whole (small) table is quicker
        found = {n: i for i, n in conn.exec_driver_sql(f"SELECT {key}, {column} FROM {table}")}
    else:
        for chunk in _chunks(wanted):
            marks = ", ".join("?" for _ in chunk)
            found.update(
                (n, i)
                for i, n in execute_driver(
                    conn,
                    f"SELECT {key}, {column} FROM {table} WHERE {column} IN ({marks})",
                    tuple(chunk),
                )
            )
    missing = [n for n in wanted if n not in found]
    if missing:
        top = conn.exec_driver_sql(f"SELECT coalesce(max({key}), 0) FROM {table}").scalar() or 0
        new = [(top + i, n) for i, n in enumerate(missing, start=1)]
        _many(conn, f"INSERT INTO {table} ({key}, {column}) VALUES (?, ?)", new)
        found.update((n, i) for i, n in new)
    return {n: found[n] for n in names}


def index_visit_words(conn: Connection, rows: list[dict[str, Any]], new: bool = False) -> None:
    """Bring the words of these visits up to date (store.changelog.derived's `index` for `visit`).

    Args:
        conn: the write's connection (its transaction).
        rows: full column values of visits just written, new or changed; deleted ones lose
            their words.
        new: every row was just inserted: no earlier words to take away.
    """
    from store.hot_words.words import extract_many  # rjieba on the first write, not at start-up

    postings = has_word_use(conn)
    if not new:
        _forget(conn, [row["id"] for row in rows], postings)
    live = [row for row in rows if row.get("deleted_at") is None]
    if not live:
        return
    tz = _station_tz(conn)
    found = extract_many(row["text"] for row in live)
    words = _numbers(conn, "word", "id", "text", {w for ws in found for w in ws})
    scopes = _numbers(
        conn,
        "word_scope",
        "no",
        "ref",
        {row["village_id"] for row in live} | {row["category_id"] for row in live},
    )
    top = conn.exec_driver_sql("SELECT coalesce(max(no), 0) FROM word_visit").scalar() or 0
    visits = []
    # Each day's word ids, counted per day at the end (C's Counter over a list, not a tuple
    # per word: a bulk load has a million).
    used: dict[int, list[int]] = {}
    hits: list[tuple[int, int, int]] = []
    number = words.__getitem__
    for no, (row, visit_words) in enumerate(zip(live, found, strict=True), start=top + 1):
        day = day_number(row["received_at"], tz)
        ids = list(map(number, visit_words))
        hits.extend([(word_id, day, no) for word_id in ids])
        day_ids = used.get(day)
        if day_ids is None:
            used[day] = ids.copy()
        else:
            day_ids.extend(ids)
        visits.append(
            (
                no,
                row["id"],
                day,
                scopes[row["village_id"]],
                scopes[row["category_id"]],
                f",{','.join(map(str, ids))}," if ids else ",",
            )
        )
    _many(
        conn,
        "INSERT INTO word_visit (no, visit_id, day, village_no, category_no, word_ids)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        visits,
    )
    # In key order: a table without rowid is its primary key's b-tree, and appending in order
    # is several times quicker than inserting at random places.
    _many(
        conn,
        "INSERT INTO word_day (word_id, day, n) VALUES (?, ?, ?)"
        # Qualified: on PostgreSQL a bare `n` could be either row's.
        " ON CONFLICT (word_id, day) DO UPDATE SET n = word_day.n + excluded.n",
        sorted(
            (word_id, day, n) for day, ids in used.items() for word_id, n in Counter(ids).items()
        ),
    )
    if postings:
        hits.sort()
        _many(conn, "INSERT INTO word_use (word_id, day, no) VALUES (?, ?, ?)", hits)


def rebuild_visit_words(conn: Connection) -> int:
    """Derive the words of every visit again from scratch (migration 0005, `liaison check`'s
    repair, a station opened with words of an earlier WORDS_VERSION), and mark them with this
    version when `word_use` is there too (`ensure_word_tables`; a migration makes none).
    Returns how many visits were read."""
    postings = has_word_use(conn)
    for table in WORD_TABLES:
        if postings or table != "word_use":
            conn.exec_driver_sql(f"DELETE FROM {table}")
    rows = [
        dict(row._mapping)
        for row in conn.execute(
            text(
                "SELECT id, received_at, village_id, category_id, text, deleted_at FROM visit"
                " WHERE deleted_at IS NULL ORDER BY received_at"
            )
        )
    ]
    for row in rows:
        if isinstance(row["received_at"], str):  # plain text() gives SQLite's stored text
            row["received_at"] = datetime.fromisoformat(row["received_at"])
    index_visit_words(conn, rows)
    if postings:
        _mark_version(conn)
    return len(rows)


def word_index_faults(conn: Connection, visit_ids: Collection[str] | None = None) -> list[str]:
    """What is off in the stored words, for `liaison check`: live visits without words (or
    words of visits that are gone), and per-day counts that disagree with the visits' words.

    With `visit_ids` (`check --quick`: the visits the log changed since the last full check),
    only those visits' words: the counts over every visit are a full check's."""
    faults = []
    dialect = conn.dialect.name
    params = {} if visit_ids is None else {"visits": one_of_value(dialect, visit_ids)}

    def only(column: str) -> str:
        return "" if visit_ids is None else " AND " + one_of_sql(dialect, column, "visits")

    unindexed = conn.execute(
        text(
            "SELECT count(*) FROM visit v WHERE v.deleted_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM word_visit w WHERE w.visit_id = v.id)" + only("v.id")
        ),
        params,
    ).scalar()
    if unindexed:
        faults.append(f"word_visit −{unindexed}")
    stale = conn.execute(
        text(
            "SELECT count(*) FROM word_visit w WHERE NOT EXISTS"
            " (SELECT 1 FROM visit v WHERE v.id = w.visit_id AND v.deleted_at IS NULL)"
            + only("w.visit_id")
        ),
        params,
    ).scalar()
    if stale:
        faults.append(f"word_visit +{stale}")
    if visit_ids is not None:
        return faults + _version_fault(conn)
    # Each visit's word list is ",1,2,3,": its commas less one are its words.
    used = conn.exec_driver_sql(
        "SELECT coalesce(sum(length(word_ids) - length(replace(word_ids, ',', '')) - 1), 0)"
        " FROM word_visit"
    ).scalar()
    counted = conn.exec_driver_sql("SELECT coalesce(sum(n), 0) FROM word_day").scalar()
    if used != counted:
        faults.append("word_day")
    if not has_word_use(conn):
        faults.append("word_use")
    elif conn.exec_driver_sql("SELECT count(*) FROM word_use").scalar() != used:
        faults.append("word_use")
    return faults + _version_fault(conn)


def _version_fault(conn: Connection) -> list[str]:
    return [] if words_version(conn) == WORDS_VERSION else [WORDS_VERSION_KEY]
