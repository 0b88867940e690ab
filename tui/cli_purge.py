"""`liaison purge`: residents' personal data, who gave the legislative opinions typed at the
desk, and observers' (民情观察员, store.observers.retention), removed after the retention period
under the same rule (store.trust.purge)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from store.core.files import DatabaseTarget
from tui.i18n import t, tn

if TYPE_CHECKING:
    from store.db import Store

# How many residents a dry run lists before saying how many more there are.
SHOWN = 20


def purge_command(
    db: DatabaseTarget, *, dry_run: bool, years: int | None, yes: bool, key: str | None = None
) -> int:
    """Returns the exit code: 0 done (or a dry run), 1 refused or not confirmed."""
    from store.core.clock import today
    from store.observers.retention import plan_observer_purge
    from store.station import open_store
    from store.trust.purge import plan_purge

    store = open_store(db, key=key)
    try:
        with store.read() as session:
            plan = plan_purge(session=session, today=today(store.clock), years=years, limit=SHOWN)
            observers = plan_observer_purge(
                session=session, today=today(store.clock), years=years
            ).observers
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
        if plan.opinions:
            # Counted, never listed: a name typed for an opinion is all there is to show.
            typer.echo(tn("purge.opinions", plan.opinions, cutoff=plan.cutoff.isoformat()))
        if observers:
            typer.echo(tn("purge.observers_plan", observers, cutoff=plan.cutoff.isoformat()))
        if dry_run:
            return 0
        if plan.residents.total or plan.opinions or observers:
            code = _purge(
                store, plan.residents.total, plan.opinions, observers, years=years, yes=yes
            )
            if code:
                return code
        # Also when nobody was due: a run after an interrupted one finishes its erasing, and on
        # a laptop a purge that came in by sync is erased from its files the same way.
        return _erase(store)
    finally:
        store.dispose()


def _purge(
    store: Store, total: int, opinions: int, observers: int, *, years: int | None, yes: bool
) -> int:
    from store.core.clock import today
    from store.observers.retention import purge_observers
    from store.station import load_station
    from store.trust.purge import purge_residents
    from tui.cli_ledger import progress_printer

    if not yes:
        if not sys.stdin.isatty():
            typer.echo(t("purge.need_yes"), err=True)
            return 1
        if observers:
            asked = tn("purge.confirm_observers", observers, residents=total)
        elif opinions:
            asked = tn("purge.confirm_opinions", total, opinions=opinions)
        else:
            asked = tn("purge.confirm", total)
        if not typer.confirm(asked):
            typer.echo(t("purge.cancelled"), err=True)
            return 1
    with store.write(load_station(store).actor()) as session:
        result = purge_residents(
            session=session,
            today=today(store.clock),
            years=years,
            progress=progress_printer(t("purge.purging")),
        )
        purged, entries = purge_observers(session=session, today=today(store.clock), years=years)
    if result.residents or not (purged or result.opinions):
        typer.echo(tn("purge.done", result.residents, entries=result.entries))
    if result.opinions:
        typer.echo(tn("purge.opinions_done", result.opinions))
    if purged:
        typer.echo(tn("purge.observers_done", purged, entries=entries))
    return 0


def _erase(store: Store) -> int:
    """The purged values out of the database's files (store.trust.erase)."""
    from store.trust.erase import erase_purged_values

    typer.echo(t("purge.erasing"))
    erased = erase_purged_values(store.engine)
    on_server = store.engine.dialect.name == "postgresql"
    if not erased.complete:
        if on_server:
            typer.echo(t("purge.server_busy", tables=", ".join(erased.busy)), err=True)
        else:
            typer.echo(t("purge.erase_incomplete"), err=True)
        return 1
    typer.echo(t("purge.vacuumed") if on_server else t("purge.erased"))
    return 0
