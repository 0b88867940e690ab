"""`liaison sync export|import` and `liaison init --from-bundle`: bundles on a USB stick.

Secrets (docs/rules/commands.md): a passphrase comes from `--passphrase-file`, `LIAISON_PASSPHRASE`,
or a prompt when there is a terminal; with none of them, a command that needs one stops with a clear
error."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

import typer

from store.core.errors import SyncRefused
from tui.i18n import t, tn

PASSPHRASE_ENV = "LIAISON_PASSPHRASE"


def given_secret(passphrase_file: Path | None, env_var: str) -> str | None:
    """A passphrase given without a prompt: the file's text (its line end trimmed; empty is
    none), else the environment variable's. Shared by bundles' and databases' passphrases.

    Raises:
        OSError, UnicodeDecodeError: the file cannot be read as UTF-8 text.
    """
    if passphrase_file is not None:
        return passphrase_file.read_text(encoding="utf-8").rstrip("\r\n") or None
    return os.environ.get(env_var) or None


def read_passphrase(
    passphrase_file: Path | None, *, needed: bool, confirm: bool = False
) -> str | None:
    """The passphrase from the file, the environment or (with a terminal) a prompt.

    Raises:
        SyncRefused: `needed`, and nowhere to get it from.
    """
    try:
        given = given_secret(passphrase_file, PASSPHRASE_ENV)
    except (OSError, UnicodeDecodeError):
        raise SyncRefused("sync.passphrase_file") from None
    if given is not None or passphrase_file is not None or not needed:
        return given
    if not sys.stdin.isatty():
        raise SyncRefused("sync.need_passphrase")
    return str(
        typer.prompt(t("sync.prompt_passphrase"), hide_input=True, confirmation_prompt=confirm)
    )


def export_command(
    db: Path,
    out: Path,
    *,
    to: str | None,
    full: bool,
    new_laptop: bool,
    passphrase_file: Path | None,
    key: str | None = None,
) -> int:
    from store.station import open_store
    from store.sync.exchange import export_bundle, export_join_bundle

    passphrase = read_passphrase(passphrase_file, needed=new_laptop, confirm=True)
    store = open_store(db, key=key)
    try:
        if new_laptop:
            summary = export_join_bundle(
                store=store, db_path=db, out=out, passphrase=passphrase or ""
            )
            typer.echo(tn("sync.join_written", summary.changes, path=out))
            return 0
        summary = export_bundle(store=store, out=out, passphrase=passphrase, to=to, full=full)
    finally:
        store.dispose()
    peers = t("text.list").join(summary.peers) if summary.peers else t("sync.every_device")
    typer.echo(tn("sync.out_written", summary.changes, path=out, peers=peers))
    return 0


def import_command(
    db: Path, bundle: Path, *, passphrase_file: Path | None, key: str | None = None
) -> int:
    from store.station import open_store
    from store.sync.bundle import peek_header
    from store.sync.exchange import import_bundle

    try:
        header = peek_header(bundle)
    except OSError:
        raise SyncRefused("sync.unreadable") from None
    passphrase = read_passphrase(passphrase_file, needed=header.kdf != "station")
    store = open_store(db, key=key)
    try:
        summary = import_bundle(store=store, path=bundle, passphrase=passphrase)
    finally:
        store.dispose()
    from tui.sync_summary import import_summary_lines

    _echo(line.text for line in import_summary_lines(summary))
    return 0


def join_command(
    db: Path,
    bundle: Path,
    *,
    name: str | None,
    passphrase_file: Path | None,
    key: str | None = None,
) -> int:
    """Make a laptop of the station `bundle` came from; `key` encrypts its database."""
    import platform

    from store.core.clock import SystemClock
    from store.sync.exchange import join_station

    passphrase = read_passphrase(passphrase_file, needed=True)
    device = (name or platform.node() or "laptop").strip()[:100]
    info = join_station(
        bundle=bundle,
        db_path=db,
        passphrase=passphrase or "",
        device_name=device,
        clock=SystemClock(),
        key=key,
    )
    typer.echo(t("sync.joined", station=info.name, device=device, path=db))
    return 0


def _echo(lines: Iterable[str]) -> None:
    for line in lines:
        typer.echo(line)
