"""Applying an import plan inside one write transaction, and the whole import from a file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func
from sqlmodel import Session, SQLModel, select

from store.changelog.bulk import bulk_load
from store.changelog.changes import Actor, bulk_insert, write_context
from store.core.clock import today as today_of
from store.core.models import (
    Constituent,
    Deliberation,
    Deputy,
    Evaluation,
    Issue,
    IssueMove,
    ObservationPoint,
    Observer,
    Progress,
    Tier,
    Unit,
    Village,
    Visit,
)
from store.core.validation import strip_controls
from store.db import Store
from store.desk.repeats import (
    apply_to_issue,
    apply_to_new_issue,
    mark_repeats,
    residents_on_issues,
    vulnerable_residents,
)
from store.ledger.errors import LedgerInvalid, RowError
from store.ledger.plan import ImportPlan, plan_import
from store.ledger.reader import LedgerFile, read_ledger

Progress_ = Callable[[int, int], None]
# Rows per insert statement and per progress report.
BATCH = 500


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, for a dry run, would do)."""

    rows_read: int
    visits_added: int
    duplicates: int
    issues_created: int
    villages_added: tuple[str, ...]
    errors: tuple[RowError, ...] = ()
    dry_run: bool = False
    # Units (name and tier) and deputies (of an earlier term) the station did not know.
    units_added: tuple[tuple[str, Tier], ...] = ()
    deputies_added: tuple[str, ...] = ()
    # Observers (民情观察员) and observation points the ledger named and the station did not know.
    observers_added: tuple[str, ...] = ()
    points_added: tuple[str, ...] = ()
    # Deliberation sessions (议事活动) the ledger named and the station did not know.
    sessions_added: tuple[str, ...] = ()


def summarise_plan(plan: ImportPlan, *, dry_run: bool = False) -> ImportSummary:
    """The summary of a plan: what applying it adds."""
    return ImportSummary(
        rows_read=plan.rows_read,
        visits_added=len(plan.visits),
        duplicates=plan.duplicates,
        issues_created=len(plan.issues),
        villages_added=tuple(plan.villages_added),
        errors=tuple(plan.errors),
        dry_run=dry_run,
        units_added=tuple(plan.units_added),
        deputies_added=tuple(plan.deputies_added),
        observers_added=tuple(plan.observers_added),
        points_added=tuple(plan.points_added),
        sessions_added=tuple(plan.sessions_added),
    )


# Below this many visits, rebuilding indexes costs more than it saves.
BULK_FROM = 2_000


@contextmanager
def _as_is(_conn: Connection, _tables: list[str]) -> Iterator[None]:
    yield


def apply_import(
    *, session: Session, plan: ImportPlan, progress: Progress_ | None = None
) -> ImportSummary:
    """Insert what `plan` holds, every record logged in the change log.

    Args:
        session: the caller's one write session; on any error the caller's transaction rolls
            back whole, so the ledger is imported entirely or not at all.
        plan: a plan without errors, made in this same transaction.
        progress: told (records done, records in all) about every `BATCH` records.
    Returns:
        What was added.
    Raises:
        LedgerInvalid: the plan has errors (nothing is written).
    """
    if plan.errors:
        raise LedgerInvalid(plan.errors)
    write_context(session)
    total = plan.total
    done = 0
    tables: list[tuple[type[SQLModel], list[dict[str, Any]]]] = [
        (Village, plan.villages),
        (Unit, plan.units),
        (Deputy, plan.deputies),
        (ObservationPoint, plan.points),
        (Observer, plan.observers),
        (Deliberation, plan.sessions),
        (Constituent, plan.constituents),
        (Issue, plan.issues),
        (Visit, plan.visits),
        (Progress, plan.progress),
        (Evaluation, plan.evaluations),
        (IssueMove, plan.moves),
    ]
    # Repeat visits (重复诉求) and what urgency reads, as linking them one by one would set.
    new_issues = {row["id"]: row for row in plan.issues}
    added = mark_repeats(
        plan.visits,
        residents_on=residents_on_issues(session=session, issue_ids=plan.joined),
        vulnerable=vulnerable_residents(
            session=session, ids=(v["constituent_id"] for v in plan.visits)
        ),
    )
    for issue_id, row in new_issues.items():
        apply_to_new_issue(row, added.get(issue_id))
    if progress is not None:
        progress(0, total)
    # A ledger larger than the station (a first import): build the indexes and the search index
    # once at the end instead of row by row. Into a bigger station, keeping them is cheaper.
    existing = session.exec(select(func.count()).select_from(Visit)).one()
    bulk = bulk_load if len(plan.visits) > max(existing, BULK_FROM) else _as_is
    loaded = [str(model.__tablename__) for model, _ in tables] + ["change_log", "word_visit"]
    with bulk(session.connection(), loaded):
        for model, rows in tables:
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                bulk_insert(session, model, batch)
                done += len(batch)
                if progress is not None:
                    progress(done, total)
    for issue_id, count in plan.joined.items():
        issue = session.get(Issue, issue_id)
        if issue is not None:
            issue.visit_count = issue.visit_count + count
            if issue_id in added:
                apply_to_issue(issue, added[issue_id])
    session.flush()
    return summarise_plan(plan)


def import_ledger(
    *,
    store: Store,
    actor: Actor,
    path: Path,
    dry_run: bool = False,
    progress: Progress_ | None = None,
) -> ImportSummary:
    """Import a ledger file: every row checked first, then all of it written in one transaction.

    The plan is made inside the write transaction (`BEGIN IMMEDIATE`), so two imports into one
    database take turns and neither loses or duplicates a row.

    Args:
        store: the open station database.
        actor: who imports (the deputy on duty, on this device).
        path: the .xlsx or .csv file.
        dry_run: check and count only; nothing is written.
        progress: told (records done, records in all) while writing.
    Returns:
        The summary; for a dry run the counts an import would give, and its errors.
    Raises:
        LedgerUnreadable, LedgerMissingColumn: the file cannot be used at all.
        LedgerInvalid: some rows are bad (not for a dry run, which reports them instead).
    """
    ledger = read_ledger(path)
    today = today_of(store.clock)
    if dry_run:
        with store.read() as session:
            return summarise_plan(
                plan_import(session=session, ledger=ledger, today=today), dry_run=True
            )
    with store.write(actor) as session, _words_meanwhile(ledger):
        plan = plan_import(session=session, ledger=ledger, today=today)
        return apply_import(session=session, plan=plan, progress=progress)


def _words_meanwhile(ledger: LedgerFile) -> AbstractContextManager[None]:
    """A large ledger's words are extracted in another process while its rows are checked and
    written (store.hot_words.words.words_ahead), on a core nothing else uses: 0.5-0.8 s of CPU
    off the import's path (BENCHMARKS.md). On a machine already busy the other process only
    competes (a 20,000-row import took 4 s longer at a load average of 10 on 2 cores), so it is
    started only when a core is idle. The texts as the plan keeps them (clean_text)."""
    if len(ledger.rows) < BULK_FROM or not _core_idle():
        return nullcontext()
    from store.hot_words.words import words_ahead

    return words_ahead(strip_controls(ledger.cell(row, "text")).strip() for row in ledger.rows)


def _core_idle() -> bool:
    """Whether a core is free for another process: two or more, and the last minute's load
    average a core below their number (where the system says none, as Windows: two are
    enough)."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return cores >= 2
    return cores >= 2 and load <= cores - 1
