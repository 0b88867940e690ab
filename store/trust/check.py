"""`liaison check`: SQLite's own checks and the store's invariants, as a list of findings.

On PostgreSQL the server vouches for its pages and foreign keys: the invariants, the trigram
indexes' presence and the visits' words are checked there.

Every check is one set-based query (a count and the first offending id), so a station of 100,000
visits is checked in seconds. Findings name tables, counts and record ids, never residents' text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from store.changelog.chain import LOG_TABLE, verify_chain
from store.core.dialect import one_of_sql, one_of_value
from store.core.errors import N_, DatabaseBusy, DatabaseReadOnly
from store.core.models import SEED_DEVICE, SYNCED_TABLES, Setting, table_name
from store.hot_words.word_index import (
    ensure_word_tables,
    rebuild_visit_words,
    word_index_faults,
)
from store.reports.figure_days import figure_days_faults, rebuild_figure_days
from store.search.index import install_search_index, search_index_faults
from store.trust.migrate import HEAD_REVISION, KNOWN_REVISIONS, current_revision
from store.trust.records import record_mismatches, touched_rows

# Migration 0002 writes the seeded categories and settings under this device, with no log entry:
# every device seeds the same rows, so there is nothing to sync.
SEEDED_TABLES = ("category", "setting", "calendar_day")
# How many lines of PRAGMA integrity_check output to read: enough to count, not a flood.
INTEGRITY_LINES = 100


@dataclass(frozen=True)
class Reach:
    """What a check reads: every record (a full check), or only what the log says changed after
    the entry `after` (`check --quick`, from the last full check that passed), so that a quick
    check of a county's hub takes as long as what changed, not as the hub. Records changed
    around the store and untouched by the log since are a full check's to find."""

    dialect: str = ""
    after: int | None = None
    # Table name -> the ids of its records that the entries after `after` changed.
    touched: Mapping[str, frozenset[str]] | None = None
    # The issues those entries changed, and the issues of the visits they changed.
    issue_ids: frozenset[str] = frozenset()

    @classmethod
    def since(cls, conn: Connection, after: int) -> Reach:
        dialect = conn.dialect.name
        touched = {table: frozenset(ids) for table, ids in touched_rows(conn, after).items()}
        issues = set(touched.get("issue", ()))
        visits = touched.get("visit")
        if visits:
            issues |= set(
                conn.execute(
                    text(
                        "SELECT DISTINCT issue_id FROM visit WHERE issue_id IS NOT NULL AND "
                        + one_of_sql(dialect, "id", "visits")
                    ),
                    {"visits": one_of_value(dialect, visits)},
                ).scalars()
            )
        return cls(dialect, after, touched, frozenset(issues))

    @cached_property
    def params(self) -> dict[str, Any]:
        if self.after is None or self.touched is None:
            return {}
        out: dict[str, Any] = {"after": self.after}
        out["issues"] = one_of_value(self.dialect, self.issue_ids)
        for table, ids in self.touched.items():
            out[f"in_{table}"] = one_of_value(self.dialect, ids)
        return out

    def rows(self, column: str, table: str) -> str:
        """A condition on `column`: a record of `table` the log changed (nothing: every one)."""
        if self.touched is None:
            return ""
        if table not in self.touched:
            return " AND 1 = 0"
        return " AND " + one_of_sql(self.dialect, column, f"in_{table}")

    def issues(self, column: str) -> str:
        """A condition on `column`: an issue the log changed, or one of a visit it changed."""
        if self.touched is None:
            return ""
        return " AND " + one_of_sql(self.dialect, column, "issues")


EVERYTHING = Reach()


@dataclass(frozen=True)
class Finding:
    """One broken rule: a catalogue key and its parameters (table, count, first id...)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckReport:
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.findings


def _table_key(name: str) -> str:
    return "key" if name == table_name(Setting) else "id"


SYNCED = {table_name(model): _table_key(table_name(model)) for model in SYNCED_TABLES}


def check_database(*, engine: Engine, quick: bool = False) -> CheckReport:
    """Check a station database and report everything that is off.

    A full check reads everything and, when the log and the records are sound, notes how far
    it got (local bookkeeping, the only write). A file SQLite cannot read at all gives a single
    `check.unreadable` finding.

    Args:
        engine: the station's engine (`store.db.make_engine`).
        quick: check only what the log says changed since the last full check that passed (the
            chain after it, the records written after it); all of it when there was none.
    Returns:
        A CheckReport; `ok` is True when there are no findings.
    Raises:
        DatabaseBusy: another terminal held the write lock through the busy timeout (FTS5's own
            check of the search index is a write): nothing could be said of the index.
        DatabaseReadOnly: the file cannot be written, so that check cannot run.
    """
    findings: list[Finding] = []
    try:
        revision = current_revision(engine)
        if revision in KNOWN_REVISIONS and revision != HEAD_REVISION:
            # Made by an earlier version: every table this code expects would be "missing". A
            # check changes no schema; opening the file upgrades it (after a copy).
            return CheckReport([Finding("check.older_schema", {"revision": revision})])
        with engine.connect() as conn:
            mark = _mark(conn) if quick else None
            reach = EVERYTHING if mark is None else Reach.since(conn, mark[0])
            if conn.dialect.name == "sqlite":
                findings += _sqlite_checks(conn, reach)
            else:
                findings += _derived_checks(conn, reach)
                if not quick:
                    findings += _figure_checks(conn)
            if not any(f.key == "check.integrity" for f in findings):
                findings += _invariants(conn, mark, reach)
            last = conn.exec_driver_sql(
                "SELECT seq, chain FROM change_log ORDER BY seq DESC LIMIT 1"
            ).first()
            conn.rollback()
    except DBAPIError as exc:
        message = str(exc.orig).lower()
        if "locked" in message or "busy" in message:
            raise DatabaseBusy() from None
        if "readonly" in message or "read-only" in message:
            raise DatabaseReadOnly() from None
        return CheckReport([Finding("check.unreadable")])
    trusted = not any(f.key in _UNTRUSTED for f in findings)
    if trusted and last is not None and last.chain is not None:
        _set_mark(engine, int(last.seq), str(last.chain))
    return CheckReport(findings)


# A check that found these cannot vouch for the log and the records up to where it got.
_UNTRUSTED = {"check.integrity", "check.chain_broken", "check.record_edited", "check.schema"}
_MARK_SEQ, _MARK_CHAIN = "check_seq", "check_chain"


def _mark(conn: Connection) -> tuple[int, str] | None:
    """Where the last full check that passed got to: (seq, its link)."""
    try:
        rows: dict[str, str] = dict(
            conn.execute(
                text("SELECT key, value FROM local_meta WHERE key IN (:s, :c)"),
                {"s": _MARK_SEQ, "c": _MARK_CHAIN},
            ).all()
        )
    except DBAPIError:
        return None
    if _MARK_SEQ in rows and _MARK_CHAIN in rows:
        return int(rows[_MARK_SEQ]), str(rows[_MARK_CHAIN])
    return None


def _set_mark(engine: Engine, seq: int, chain: str) -> None:
    try:
        with engine.execution_options(write=True).begin() as conn:
            for key, value in ((_MARK_SEQ, str(seq)), (_MARK_CHAIN, chain)):
                conn.execute(text("DELETE FROM local_meta WHERE key = :k"), {"k": key})
                conn.execute(
                    text("INSERT INTO local_meta (key, value) VALUES (:k, :v)"),
                    {"k": key, "v": value},
                )
    except DBAPIError:
        pass  # a read-only file: the next quick check is a full one


def repair_derived_data(*, engine: Engine) -> int:
    """Derive again what is derived from the records (the visits' search index and words), in
    one write transaction: the repair `liaison check --repair` offers for `check.search_index`
    and `check.words`. Records themselves are never touched. Returns the visits re-read."""
    with engine.execution_options(write=True).begin() as conn:
        install_search_index(conn)
        ensure_word_tables(conn)
        # A hub's daily sums of the statistics, every day counted again.
        rebuild_figure_days(conn)
        return rebuild_visit_words(conn)


def _sqlite_checks(conn: Connection, reach: Reach) -> list[Finding]:
    findings = []
    # A quick check reads every page too, but not every index against its table (5 times
    # faster on a station's file): that is the full check's.
    pragma = "integrity_check" if reach.touched is None else "quick_check"
    lines = [
        row[0] for row in conn.exec_driver_sql(f"PRAGMA {pragma}({INTEGRITY_LINES})").fetchall()
    ]
    if lines != ["ok"]:
        # Its messages name tables, indexes, pages and rowids, never a row's values.
        findings.append(Finding("check.integrity", {"count": len(lines), "first": lines[0][:200]}))
        return findings
    findings += _derived_checks(conn, reach)
    rows = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    grouped: dict[tuple[str, str], list[int]] = {}
    for table, rowid, parent, _fkid in rows:
        grouped.setdefault((table, parent), []).append(rowid)
    for (table, parent), rowids in sorted(grouped.items()):
        known = [r for r in rowids if r is not None]
        first = _id_of_rowid(conn, table, min(known)) if known else None
        findings.append(
            Finding(
                "check.foreign_key",
                {"table": table, "parent": parent, "count": len(rowids), "first": first},
            )
        )
    return findings


def _chain(conn: Connection, mark: tuple[int, str] | None = None) -> list[Finding]:
    verdict = verify_chain(conn, after=mark)
    if verdict.broken is None:
        return []
    b = verdict.broken
    return [
        Finding(
            "check.chain_broken",
            {"seq": b.seq, "table": b.table_name, "row": b.row_id, "at": b.at},
        )
    ]


def _derived_checks(conn: Connection, reach: Reach = EVERYTHING) -> list[Finding]:
    """The search index and the visits' words, which `repair_derived_data` can rebuild."""
    findings = []
    faults = search_index_faults(conn, whole=reach.touched is None)
    if faults:
        findings.append(Finding("check.search_index", {"missing": ", ".join(faults)}))
    visits = None if reach.touched is None else reach.touched.get("visit", frozenset())
    faults = word_index_faults(conn, visits)
    if faults:
        findings.append(Finding("check.words", {"what": ", ".join(faults)}))
    return findings


def _figure_checks(conn: Connection) -> list[Finding]:
    """A hub's daily sums of the statistics against a count from scratch, which `--repair`
    makes (a full check only: it counts every month again)."""
    months = figure_days_faults(conn)
    if not months:
        return []
    return [Finding("check.figures", {"count": len(months), "first": months[0]})]


def _id_of_rowid(conn: Connection, table: str, rowid: int) -> str:
    if table not in SYNCED:
        return str(rowid)
    key = SYNCED[table]
    value = conn.execute(text(f'SELECT "{key}" FROM "{table}" WHERE rowid = :r'), {"r": rowid})
    return str(value.scalar())


def _count(conn: Connection, sql: str, **params: Any) -> tuple[int, Any]:
    count, first = conn.execute(text(sql), params).one()
    return int(count or 0), first


def _invariants(
    conn: Connection, mark: tuple[int, str] | None = None, reach: Reach = EVERYTHING
) -> list[Finding]:
    have = set(inspect(conn).get_table_names())
    needed = set(SYNCED) | {"change_log", "change_log_layout", "local_meta"}
    if not needed <= have:
        return [Finding("check.schema", {"missing": ", ".join(sorted(needed - have))})]
    findings = []
    for key, sql in _issue_rules(reach):
        count, first = _count(conn, sql, **reach.params)
        if count:
            findings.append(Finding(key, {"table": "issue", "count": count, "first": first}))
    findings += _log_matches_rows(conn, reach)
    findings += _rows_have_inserts(conn, reach)
    findings += _chain(conn, mark)
    findings += _records(conn, reach)
    findings += _witnessed(conn)
    findings += _hlc_order(conn, reach)
    return findings


def _witnessed(conn: Connection) -> list[Finding]:
    """Devices whose chain no longer extends a head this database witnessed (store.sync.witness):
    their logs were rewritten, links and all."""
    from store.sync.witness import findings as witness_findings

    out = []
    for device_id, seq, when in witness_findings(conn):
        name = conn.execute(
            text("SELECT name FROM device WHERE id = :d"), {"d": device_id}
        ).scalar()
        out.append(
            Finding(
                "check.chain_witness",
                {"device": name or device_id[:8], "seq": seq, "at": when[:16]},
            )
        )
    return out


def _records(conn: Connection, reach: Reach) -> list[Finding]:
    """Records that differ from what their log says (edited around the store): those the log
    touched since the last full check (a quick check), or every one."""
    try:
        mismatches = record_mismatches(conn, only=reach.touched)
    except (ValueError, KeyError, TypeError):
        # An entry that cannot be read at all (its fields or layout edited around the store):
        # its link no longer follows, and `_chain` names it.
        return []
    return [
        Finding("check.record_edited", {"table": m.table, "row": m.row_id, "field": m.field})
        for m in mismatches
    ]


def _issue_rules(reach: Reach) -> tuple[tuple[str, str], ...]:
    """Each rule of the issues and their visits: a catalogue key and a query of (count, first)."""
    issues = reach.issues
    return (
        (
            N_("check.visit_issue_missing"),
            "SELECT count(*), min(v.id) FROM visit v WHERE v.issue_id IS NOT NULL"
            f"{issues('v.issue_id')}"
            " AND NOT EXISTS (SELECT 1 FROM issue i WHERE i.id = v.issue_id)",
        ),
        (
            N_("check.visit_issue_deleted"),
            "SELECT count(*), min(v.id) FROM visit v JOIN issue i ON i.id = v.issue_id"
            f" WHERE v.deleted_at IS NULL AND i.deleted_at IS NOT NULL{issues('i.id')}",
        ),
        (
            # An issue counts the visits still asked for: withdrawn ones (撤回) stay on it
            # uncounted.
            N_("check.visit_count"),
            "SELECT count(*), min(i.id) FROM issue i LEFT JOIN ("
            " SELECT issue_id, count(*) AS n FROM visit"
            " WHERE issue_id IS NOT NULL AND deleted_at IS NULL AND withdrawn_at IS NULL"
            f"{issues('issue_id')} GROUP BY issue_id) v"
            " ON v.issue_id = i.id"
            f" WHERE i.deleted_at IS NULL AND i.visit_count <> coalesce(v.n, 0){issues('i.id')}",
        ),
        (
            N_("check.repeat_count"),
            "SELECT count(*), min(i.id) FROM issue i LEFT JOIN ("
            " SELECT issue_id, count(*) AS n FROM visit"
            " WHERE issue_id IS NOT NULL AND deleted_at IS NULL AND withdrawn_at IS NULL"
            f" AND is_repeat{issues('issue_id')} GROUP BY issue_id) v"
            " ON v.issue_id = i.id"
            f" WHERE i.deleted_at IS NULL AND i.repeat_count <> coalesce(v.n, 0){issues('i.id')}",
        ),
        (
            # Whichever of a resident's visits came first, all their others on the issue are
            # repeats (重复诉求): as many as the visits less the residents.
            N_("check.repeat_flags"),
            "SELECT count(*), min(issue_id) FROM (SELECT issue_id FROM visit"
            f" WHERE issue_id IS NOT NULL AND deleted_at IS NULL{issues('issue_id')}"
            " GROUP BY issue_id"
            " HAVING sum(CASE WHEN is_repeat THEN 1 ELSE 0 END)"
            " <> count(*) - count(DISTINCT constituent_id)) AS r",
        ),
        (
            N_("check.issue_warn_after_due"),
            f"SELECT count(*), min(id) FROM issue WHERE warn_on > due_on{issues('id')}",
        ),
        (
            N_("check.issue_closed_undated"),
            "SELECT count(*), min(id) FROM issue WHERE status = 'closed' AND closed_on IS NULL"
            f"{issues('id')}",
        ),
        (
            N_("check.issue_open_dated"),
            "SELECT count(*), min(id) FROM issue"
            f" WHERE status <> 'closed' AND closed_on IS NOT NULL{issues('id')}",
        ),
    )


def _log_matches_rows(conn: Connection, reach: Reach) -> list[Finding]:
    findings = []
    after = "" if reach.after is None else " AND seq > :after"
    # Synced tables, and the log's records about itself (a purge's redaction records).
    names = ", ".join(f"'{name}'" for name in [*SYNCED, LOG_TABLE])
    count, first = _count(
        conn,
        f"SELECT count(*), min(seq) FROM change_log WHERE table_name NOT IN ({names}){after}",
        **reach.params,
    )
    if count:
        findings.append(Finding("check.log_unknown_table", {"count": count, "first": first}))
    for table, key in _tables(reach):
        count, first = _count(
            conn,
            f"SELECT count(*), min(c.seq) FROM change_log c WHERE c.table_name = :t{after}"
            f' AND NOT EXISTS (SELECT 1 FROM "{table}" r WHERE r."{key}" = c.row_id)',
            t=table,
            **reach.params,
        )
        if count:
            findings.append(
                Finding("check.log_row_missing", {"table": table, "count": count, "first": first})
            )
    return findings


def _tables(reach: Reach) -> list[tuple[str, str]]:
    """The synced tables (name, key) a check reads: every one, or those the log touched."""
    touched = reach.touched
    return [(t, key) for t, key in SYNCED.items() if touched is None or touched.get(t)]


def _rows_have_inserts(conn: Connection, reach: Reach) -> list[Finding]:
    findings = []
    for table, key in _tables(reach):
        # A seeded row edited since carries the editor's device and an update entry: its log
        # starts with that update, which is as much as sync ever needs.
        seeded = (
            f" AND r.device_id <> '{SEED_DEVICE}' AND NOT EXISTS (SELECT 1 FROM change_log c"
            f' WHERE c.table_name = :t AND c.row_id = r."{key}")'
            if table in SEEDED_TABLES
            else ""
        )
        column = f'r."{key}"'
        count, first = _count(
            conn,
            f'SELECT count(*), min({column}) FROM "{table}" r WHERE NOT EXISTS'
            f" (SELECT 1 FROM change_log c WHERE c.table_name = :t"
            f" AND c.row_id = {column} AND c.op = 'insert'){seeded}{reach.rows(column, table)}",
            t=table,
            **reach.params,
        )
        if count:
            findings.append(
                Finding("check.row_unlogged", {"table": table, "count": count, "first": first})
            )
    return findings


def _hlc_order(conn: Connection, reach: Reach) -> list[Finding]:
    """This device's stamps rise with the log: after a quick check's mark, from the greatest
    stamp it had issued by then."""
    device = conn.execute(text("SELECT value FROM local_meta WHERE key = 'device_id'")).scalar()
    if device is None:
        return [Finding("check.station_missing")]
    since, before = "", None
    if reach.after is not None:
        since = " AND seq > :after"
        before = conn.execute(
            text(
                "SELECT hlc FROM change_log WHERE device_id = :d AND seq <= :after"
                " ORDER BY hlc DESC LIMIT 1"
            ),
            {"d": device, "after": reach.after},
        ).scalar()
    count, first = _count(
        conn,
        "SELECT count(*), min(seq) FROM (SELECT seq, hlc,"
        " coalesce(lag(hlc) OVER (ORDER BY seq), :before) AS previous FROM change_log"
        f" WHERE device_id = :d{since}) AS h"
        " WHERE hlc <= previous",
        d=device,
        before=before,
        **reach.params,
    )
    if count:
        return [Finding("check.hlc_order", {"table": "change_log", "count": count, "first": first})]
    return []
