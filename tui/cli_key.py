"""The passphrase of a database encrypted at rest (docs/rules/sync.md), on the command line.

It comes from `--db-passphrase-file`, `LIAISON_DB_PASSPHRASE`, or a prompt on the terminal (three
tries), the same ways as a sync bundle's (`tui.cli_sync`) but never the same variable: a bundle's
passphrase travels with the bundle, the database's stays with the laptop. Asked before Textual
starts, checked against the file at once, never echoed, logged or stored."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from store.core.cipher import KEY_MIN
from store.core.errors import N_, StoreError, WrongPassphrase
from tui.cli_sync import given_secret
from tui.i18n import t

DB_PASSPHRASE_ENV = "LIAISON_DB_PASSPHRASE"
# Tries at the prompt before giving up, as a PIN pad would.
PROMPT_TRIES = 3


class PassphraseRefused(StoreError):
    """No passphrase to be had, or one that cannot be used; `key` says which."""

    key = N_("cli.db_need_passphrase")


def _given(passphrase_file: Path | None) -> str | None:
    """The passphrase from the file (its first line's end trimmed) or the environment."""
    try:
        return given_secret(passphrase_file, DB_PASSPHRASE_ENV)
    except (OSError, UnicodeDecodeError):
        raise PassphraseRefused("cli.db_passphrase_unreadable") from None


def _checked(passphrase: str) -> str:
    if len(passphrase) < KEY_MIN:
        raise PassphraseRefused("cli.db_short_passphrase", min=KEY_MIN)
    if any(ord(c) < 32 for c in passphrase):
        raise PassphraseRefused("cli.db_bad_passphrase")
    return passphrase


def new_database_key(passphrase_file: Path | None, *, from_env: bool = True) -> str:
    """A passphrase for a database about to be encrypted: given, or typed twice at a prompt.

    Args:
        from_env: LIAISON_DB_PASSPHRASE may give it (not for `rekey`, where it is the old one).
    Raises:
        PassphraseRefused: none given and no terminal; too short; control characters in it.
    """
    given = _given(passphrase_file) if from_env or passphrase_file else None
    if given is not None:
        return _checked(given)
    if not sys.stdin.isatty():
        raise PassphraseRefused("cli.db_need_passphrase", env=DB_PASSPHRASE_ENV)
    while True:
        # Asked twice by hand: click's own confirmation speaks English only.
        typed = str(typer.prompt(t("cli.db_prompt_new"), hide_input=True))
        try:
            _checked(typed)
        except PassphraseRefused as exc:
            typer.echo(t(exc.key, **exc.params), err=True)
            continue
        if str(typer.prompt(t("cli.db_prompt_repeat"), hide_input=True)) == typed:
            return typed
        typer.echo(t("cli.db_mismatch"), err=True)


def database_key(path: Path, passphrase_file: Path | None) -> str | None:
    """The passphrase of the database at `path` if it is encrypted, else None (nothing asked).

    Raises:
        PassphraseRefused: encrypted, none given and no terminal to ask at.
        WrongPassphrase: the one given, or three typed, do not open it.
    """
    from store.core.files import is_encrypted_file

    if not is_encrypted_file(path):
        return None
    from store.core.cipher import key_opens

    given = _given(passphrase_file)
    if given is not None:
        if _usable(given) and key_opens(path, given):
            return given
        raise WrongPassphrase(path=str(path))
    if not sys.stdin.isatty():
        raise PassphraseRefused("cli.db_need_passphrase", env=DB_PASSPHRASE_ENV)
    for attempt in range(PROMPT_TRIES):
        typed = str(typer.prompt(t("cli.db_prompt", path=path), hide_input=True))
        if _usable(typed) and key_opens(path, typed):
            return typed
        if attempt + 1 < PROMPT_TRIES:
            typer.echo(t("cli.db_try_again"), err=True)
    raise WrongPassphrase(path=str(path))


def rekey_command(path: Path, *, key: str | None, new_passphrase_file: Path | None) -> int:
    """`liaison rekey`: a new passphrase for an encrypted database, or encrypt a plain one."""
    from store.core.files import require_database
    from store.trust.backup import rekey_database

    require_database(path, key=key)
    new_key = new_database_key(new_passphrase_file, from_env=False)
    rekey_database(path=path, key=key, new_key=new_key)
    typer.echo(t("rekey.done", path=path))
    return 0


def _usable(passphrase: str) -> bool:
    return bool(passphrase) and "\x00" not in passphrase
