"""`liaison import`, `liaison export ledger` and `liaison export suggestions`: the ledger (台账)
and the deputies' suggestions (代表建议) from the shell, headless."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import typer

from tui.i18n import import_summary_lines, row_error_lines, t, tn


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


# A ledger of the wrong station can fail on every row: list enough to see the pattern.
ERRORS_SHOWN = 50


def print_errors(errors: Sequence[object]) -> None:
    for line in row_error_lines(errors, ERRORS_SHOWN):
        typer.echo(line, err=True)


def import_command(path: Path, db: Path, dry_run: bool, *, key: str | None = None) -> int:
    """Returns the exit code: 0 imported (or a clean dry run), 1 refused."""
    from store.ledger import LedgerInvalid, import_ledger
    from store.station import load_station, open_store

    store = open_store(db, key=key)
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
        for line in import_summary_lines(summary):
            typer.echo(line)
        return 1 if summary.errors else 0
    finally:
        store.dispose()


def export_command(out: Path, db: Path, reveal: bool, *, key: str | None = None) -> int:
    from store.core.clock import today
    from store.ledger import export_ledger
    from store.station import open_store

    store = open_store(db, key=key)
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
        if reveal:
            from store.station import load_station
            from store.trust.reveals import log_export

            # Phones written in clear: recorded in the access log (this device, no deputy).
            with store.write(load_station(store).actor()) as session:
                log_export(session=session, rows=rows)
        typer.echo(tn("ledger.exported", rows, path=out))
        if not reveal:
            typer.echo(t("ledger.masked"), err=True)
        return 0
    finally:
        store.dispose()


def export_suggestions_command(out: Path, db: Path, reveal: bool, *, key: str | None = None) -> int:
    """The deputies' suggestions, one a row (.xlsx or .csv). Returns the exit code: 0."""
    from store.ledger.suggestions import export_suggestions
    from store.station import open_store

    store = open_store(db, key=key)
    try:
        with store.read() as session:
            rows = export_suggestions(session=session, out=out, reveal=reveal)
        typer.echo(tn("suggestions.exported", rows, path=out))
        return 0
    finally:
        store.dispose()
