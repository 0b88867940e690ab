"""`liaison backup`, `liaison restore` and `liaison check`: keeping the only copy safe."""

from __future__ import annotations

from pathlib import Path

import typer

from tui.i18n import t, tn


def backup_command(db: Path | str, out: Path, *, key: str | None = None) -> int:
    from store.core.files import require_database
    from store.trust.backup import BackupOnPostgres, backup_database

    if isinstance(db, str):  # a PostgreSQL URL (tui.cli keeps only those as text)
        raise BackupOnPostgres()
    require_database(db, key=key)
    backup_database(source=db, target=out, key=key)
    typer.echo(t("backup.done", path=out))
    return 0


def restore_command(db: Path | str, backup: Path, *, key: str | None = None) -> int:
    from store.core.clock import SystemClock
    from store.sync.identity import restore_as_new_device
    from store.trust.backup import BackupOnPostgres

    if isinstance(db, str):
        raise BackupOnPostgres()
    safety, _info = restore_as_new_device(backup=backup, target=db, clock=SystemClock(), key=key)
    # Restored into a new file, there was nothing to keep.
    typer.echo(t("restore.done", path=safety) if safety else t("restore.done_new"))
    typer.echo(t("restore.new_identity"))
    return 0


def check_command(
    db: Path | str, *, repair: bool = False, quick: bool = False, key: str | None = None
) -> int:
    """Exit code 0 when the database is sound, 1 with one line per finding otherwise. With
    `repair`, derived data (search index, word counts) is rebuilt first. `db` is a SQLite file
    or a PostgreSQL URL."""
    from store.core.dialect import database_url
    from store.core.files import require_database
    from store.db import make_engine
    from store.trust.check import check_database, repair_derived_data

    if isinstance(db, Path):
        require_database(db, key=key)
    engine = make_engine(database_url(db), key=key)
    try:
        if repair:
            typer.echo(tn("check.repaired", repair_derived_data(engine=engine)))
        report = check_database(engine=engine, quick=quick)
    finally:
        engine.dispose()
    if report.ok:
        typer.echo(t("check.ok"))
        return 0
    for finding in report.findings:
        typer.echo(t(finding.key, **finding.params), err=True)
    typer.echo(tn("check.failed", len(report.findings)), err=True)
    return 1


def take_daily_backup(db: Path, *, key: str | None = None) -> Path | None:
    """Today's automatic backup of the database at `db` into its own backups folder
    (tui.settings.station_folders), named after its station, if it has none yet today; the
    copies past `backup_keep_days` dropped. Returns the new copy, or None."""
    from store.core.clock import SystemClock, today
    from store.db import make_engine, read_session, sqlite_url
    from store.station import station_info
    from store.trust.backup import daily_backup, load_keep_days
    from tui.settings import station_folders

    engine = make_engine(sqlite_url(db), key=key)
    try:
        with read_session(engine) as session:
            keep = load_keep_days(session=session)
            station = station_info(session=session).name
    finally:
        engine.dispose()
    return daily_backup(
        db_path=db,
        backup_dir=station_folders(db).backups,
        keep_days=keep,
        today=today(SystemClock()),
        station=station,
        key=key,
    )


def daily_backup_in_background(db: Path, *, key: str | None = None) -> None:
    """Today's automatic backup (`take_daily_backup`), taken in a thread while the app starts;
    an encrypted database's (`key`) is encrypted the same."""
    import threading

    def run() -> None:
        try:
            take_daily_backup(db, key=key)
        except Exception:  # a failed automatic backup must not stop the desk; `check` reports
            import logging

            logging.getLogger("liaison").warning("automatic backup failed")

    # Not a daemon: a backup under way finishes (or removes its temporary file) before exit.
    threading.Thread(target=run, name="daily-backup").start()
