"""A mistyped command told in one line of the interface's language: Click would print the usage,
a hint and an English error over three lines (`Error: No such option: --db`)."""

from __future__ import annotations

import sys
from typing import Any

import typer

from tui.i18n import t

# Click's exceptions where this typer raises them (it carries its own copy of Click since 0.25;
# `typer.BadParameter` is the one of them it exports).
_CLICK = sys.modules[typer.BadParameter.__module__]
UsageError: type[Exception] = _CLICK.UsageError


class _Never(Exception):
    """Stands for an exception a Click before 8.2 does not raise."""


# A group typed alone with nothing after it: its help, as Click prints it.
NoArgsIsHelpError: type[Exception] = getattr(_CLICK, "NoArgsIsHelpError", _Never)


def usage_line(exc: Any) -> str:
    """What was mistyped, and the command whose `--help` says how it is typed."""
    command = exc.ctx.command_path if exc.ctx is not None else "liaison"
    maybe: list[str] = []
    what: str
    if isinstance(exc, _CLICK.NoSuchOption):
        what = t("cli.usage.no_option", option=exc.option_name)
        maybe = sorted(exc.possibilities or ())
    elif isinstance(exc, _CLICK.MissingParameter):
        what = t("cli.usage.missing", name=_name(exc))
    elif isinstance(exc, _CLICK.BadParameter):
        # Our own checks say why in the catalogue's words (a tier, a day), some from within the
        # command (no parameter named); Click's types in English ("... a valid integer").
        name = _name(exc)
        what = t("cli.usage.bad_value", name=name, why=exc.message) if name else exc.message
    elif exc.ctx is not None and getattr(exc.ctx.command, "commands", None):
        # A group with no command, or one it does not have: which it has.
        names = sorted(exc.ctx.command.commands)
        what = t("cli.usage.commands", names=t("text.list").join(names))
    else:
        # Extra arguments: Click's words, on one line.
        what = " ".join(exc.format_message().split())
    if maybe:
        what += t("cli.usage.maybe", names=t("text.list").join(maybe))
    return t("cli.usage.line", what=what, command=command)


def _name(exc: Any) -> str:
    """The parameter as it is typed: an option's longest name, an argument's name."""
    param = exc.param
    if param is None:
        return str(exc.param_hint or "")
    if param.param_type_name == "option":
        return str(max(param.opts, key=len))
    return str(param.name)
