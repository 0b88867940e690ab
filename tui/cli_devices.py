"""`liaison devices` and `liaison devices retire NAME`: the station's devices, and a lost laptop
retired (store.sync.device_keys)."""

from __future__ import annotations

import sys
from datetime import datetime, tzinfo
from pathlib import Path

import typer

from tui.i18n import t


def list_command(db: Path, *, key: str | None = None) -> int:
    """Each device of the station: name, kind, short id, its latest change held here, its last
    bundle taken in here, and whether it is retired."""
    from store.station import load_station, open_store
    from store.sync.device_keys import list_devices
    from tui.names import device_kind_name

    store = open_store(db, key=key)
    try:
        info = load_station(store)
        with store.read() as session:
            lines = list_devices(session=session, info=info)
        tz = store.clock.tz
    finally:
        store.dispose()
    typer.echo(t("devices.heading"))
    for line in lines:
        if line.retired:
            state = t("devices.state.retired", at=_when(line.retired_at, tz))
        elif line.replaced:
            state = t("devices.state.replaced")
        elif line.keyed:
            state = t("devices.state.active")
        else:
            state = t("devices.state.no_key")
        name = t("devices.this_device", name=line.name) if line.this_device else line.name
        typer.echo(
            t(
                "devices.row",
                name=name,
                kind=device_kind_name(line.kind),
                id=line.id[:8],
                seen=_when(line.last_seen, tz),
                bundle=_when(line.last_bundle, tz),
                state=state,
            )
        )
    return 0


def retire_command(db: Path, name: str, *, yes: bool, key: str | None = None) -> int:
    """Returns the exit code: 0 retired, 1 not confirmed."""
    from store.station import load_station, open_store
    from store.sync.device_keys import find_device, retire_device

    store = open_store(db, key=key)
    try:
        with store.read() as session:
            device = find_device(session, load_station(store), name)
        if not yes:
            if not sys.stdin.isatty():
                typer.echo(t("devices.need_yes"), err=True)
                return 1
            if not typer.confirm(t("devices.confirm", device=device.name)):
                typer.echo(t("devices.cancelled"), err=True)
                return 1
        done = retire_device(store=store, name=name)
    finally:
        store.dispose()
    typer.echo(t("devices.retired", device=done.name))
    if done.keyless:
        typer.echo(t("devices.keyless", devices=t("text.list").join(done.keyless)))
    return 0


def _when(at: datetime | None, tz: tzinfo) -> str:
    return f"{at.astimezone(tz):%Y-%m-%d %H:%M}" if at is not None else "—"
