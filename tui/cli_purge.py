"""`liaison purge`: residents' personal data removed after the retention period
(store.trust.purge)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tui.i18n import t, tn

# How many residents a dry run lists before saying how many more there are.
SHOWN = 20


def purge_command(
    db: Path, *, dry_run: bool, years: int | None, yes: bool, key: str | None = None
) -> int:
    """Returns the exit code: 0 done (or a dry run), 1 refused or not confirmed."""
    from store.core.clock import today
    from store.station import load_station, open_store
    from store.trust.purge import plan_purge, purge_residents
    from tui.cli_ledger import progress_printer

    store = open_store(db, key=key)
    try:
        with store.read() as session:
            plan = plan_purge(session=session, today=today(store.clock), years=years, limit=SHOWN)
        typer.echo(
            tn(
                "purge.plan",
                plan.residents.total,
                issues=plan.issues,
                cutoff=plan.cutoff.isoformat(),
                years=plan.years,
            )
        )
        for row in plan.residents.items:
            typer.echo(
                t(
                    "purge.row",
                    village=row.village,
                    name=row.name,
                    phone=row.phone_masked,
                    closed=row.last_closed_on.isoformat(),
                )
            )
        if plan.residents.total > len(plan.residents.items):
            typer.echo(t("purge.more", count=plan.residents.total - len(plan.residents.items)))
        if dry_run or not plan.residents.total:
            return 0
        if not yes:
            if not sys.stdin.isatty():
                typer.echo(t("purge.need_yes"), err=True)
                return 1
            if not typer.confirm(tn("purge.confirm", plan.residents.total)):
                typer.echo(t("purge.cancelled"), err=True)
                return 1
        with store.write(load_station(store).actor()) as session:
            result = purge_residents(
                session=session,
                today=today(store.clock),
                years=years,
                progress=progress_printer(t("purge.purging")),
            )
        typer.echo(tn("purge.done", result.residents, entries=result.entries))
        return 0
    finally:
        store.dispose()
