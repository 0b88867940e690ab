"""`liaison import` and `liaison export ledger`: the ledger (台账) from the shell, headless."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import typer

from tui.i18n import t


def progress_printer(label: str) -> Callable[[int, int], None] | None:
    """A one-line progress counter on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        typer.echo(f"\r{label} {done}/{total}", err=True, nl=False)
        if end:
            typer.echo("", err=True)

    return show


def row_error_line(error: object) -> str:
    """`第 12 行「分类」：不认识这个名称 是不是「道路交通」？` for one bad cell."""
    from store.ledger import RowError

    assert isinstance(error, RowError)
    line = t(
        "ledger.row_error", row=error.row, column=error.column, message=t(error.key, **error.params)
    )
    if error.suggestion:
        line += " " + t("ledger.suggest", suggestion=error.suggestion)
    return line


# A ledger of the wrong station can fail on every row: list enough to see the pattern.
ERRORS_SHOWN = 50


def print_errors(errors: Sequence[object]) -> None:
    for error in errors[:ERRORS_SHOWN]:
        typer.echo(row_error_line(error), err=True)
    if len(errors) > ERRORS_SHOWN:
        typer.echo(t("ledger.more_errors", count=len(errors) - ERRORS_SHOWN), err=True)


def summary_lines(summary: object) -> list[str]:
    from store.ledger import ImportSummary

    assert isinstance(summary, ImportSummary)
    lines = [
        t(
            "ledger.summary",
            rows=summary.rows_read,
            visits=summary.visits_added,
            duplicates=summary.duplicates,
            issues=summary.issues_created,
            villages=len(summary.villages_added),
        )
    ]
    if summary.villages_added:
        lines.append(t("ledger.villages_added", names="、".join(summary.villages_added)))
    if summary.dry_run:
        lines.append(t("ledger.dry_run"))
    return lines


def import_command(path: Path, db: Path, dry_run: bool) -> int:
    """Returns the exit code: 0 imported (or a clean dry run), 1 refused."""
    from store.ledger import LedgerInvalid, import_ledger
    from store.station import load_station, open_store

    store = open_store(db)
    try:
        station = load_station(store)
        typer.echo(t("ledger.importing"), err=True)
        try:
            summary = import_ledger(
                store=store,
                actor=station.actor(),
                path=path,
                dry_run=dry_run,
                progress=progress_printer(t("ledger.importing")),
            )
        except LedgerInvalid as exc:
            print_errors(exc.errors)
            typer.echo(t(exc.key, **exc.params), err=True)
            return 1
        print_errors(summary.errors)
        for line in summary_lines(summary):
            typer.echo(line)
        return 1 if summary.errors else 0
    finally:
        store.dispose()


def export_command(out: Path, db: Path, reveal: bool) -> int:
    from store.clock import today
    from store.ledger import export_ledger
    from store.station import open_store

    store = open_store(db)
    try:
        typer.echo(t("ledger.exporting"), err=True)
        with store.read() as session:
            rows = export_ledger(
                session=session,
                out=out,
                today=today(store.clock),
                reveal=reveal,
                progress=progress_printer(t("ledger.exporting")),
            )
        typer.echo(t("ledger.exported", rows=rows, path=out))
        if not reveal:
            typer.echo(t("ledger.masked"), err=True)
        return 0
    finally:
        store.dispose()
