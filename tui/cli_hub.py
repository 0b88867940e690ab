"""`liaison hub init` and `liaison sync push|pull --hub URL`: a county hub (store.sync.hub).

Every message names the hub without its password (store.core.dialect.shown_target)."""

from __future__ import annotations

from pathlib import Path

import typer

from store.core.files import DatabaseTarget
from tui.i18n import t, tn


def init_command(db: DatabaseTarget, county: str) -> int:
    from store.core.clock import SystemClock
    from store.core.errors import FieldInvalid
    from store.sync.hub import init_hub, shown_hub
    from tui.cli import CliError

    shown = shown_hub(db)
    if isinstance(db, Path) and db.exists() and db.stat().st_size > 0:
        raise CliError(t("hub.exists", db=shown), 2)
    try:
        info = init_hub(target=db, county=county, clock=SystemClock())
    except FieldInvalid as exc:
        raise CliError(
            t("cli.bad_value", field=t("cli.hub.county"), message=t(exc.key, **exc.params)), 2
        ) from None
    except FileExistsError:
        raise CliError(t("hub.exists", db=shown), 2) from None
    typer.echo(t("hub.created", name=info.name, db=shown))
    return 0


def exchange_command(
    db: DatabaseTarget, hub: DatabaseTarget, *, push: bool, key: str | None = None
) -> int:
    """Push this station's changes to the hub, or pull back the hub's changes to its records."""
    from store.station import open_store
    from store.sync.hub import open_hub, pull_from_hub, push_to_hub
    from tui.cli_ledger import progress_printer

    hub_store, _ = open_hub(hub)
    try:
        station = open_store(db, key=key)
        try:
            # Changes sent so far, of how many, as each batch is in (store.sync.stream).
            if push:
                progress = progress_printer(t("hub.pushing"))
                done = push_to_hub(station=station, hub=hub_store, progress=progress)
            else:
                progress = progress_printer(t("hub.pulling"))
                done = pull_from_hub(station=station, hub=hub_store, progress=progress)
        finally:
            station.dispose()
    finally:
        hub_store.dispose()
    typer.echo(summary_line(done, push=push))
    return 0


def summary_line(done: object, *, push: bool) -> str:
    """One line: where to, how many changes were new and already there, the records added (by
    kind) and updated, the conflicts now listed."""
    from store.sync.hub import HubExchange
    from tui.names import KINDS, others

    assert isinstance(done, HubExchange)
    merge = done.merge
    parts = [
        count(merge.by_table[kind]) for kind, count in KINDS.items() if merge.by_table.get(kind)
    ]
    rest = sum(n for kind, n in merge.by_table.items() if kind not in KINDS)
    if rest:
        parts.append(others(rest))
    details = [t("hub.added", list=t("text.list").join(parts))] if parts else []
    if merge.updated:
        details.append(tn("hub.updated", merge.updated))
    if merge.conflicts:
        details.append(tn("hub.conflicts", merge.conflicts))
    tail = t("hub.details", list=t("hub.detail_separator").join(details)) if details else ""
    if push:
        return t("hub.pushed", hub=done.hub, new=merge.new, known=merge.known, kinds=tail)
    return t("hub.pulled", hub=done.hub, new=merge.new, known=merge.known, kinds=tail)
