"""Options the command line's groups share with its commands."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from store.core.files import parse_target
from tui.i18n import both

# A SQLite file, or a PostgreSQL URL (store.core.dialect.parse_target): commands that need a file
# get it from tui.cli's `_db`, those that work on both (check, backup's refusal) from `_target`.
DbOption = Annotated[
    Any, typer.Option("--db", help=both("cli.db"), parser=parse_target, show_default=False)
]


def group_db(ctx: typer.Context, db: Any) -> None:
    """A group's `--db` (`liaison units --db FILE add 县水利局`, as `liaison import --db FILE`),
    for its commands: where `liaison --db FILE units` would have put it."""
    if db is not None:
        ctx.obj["db"] = db
