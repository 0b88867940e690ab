"""`liaison units|villages|categories|deputies`: the station's reference data from the command
line (store.reference.editing) — listed, added, renamed, merged, retired, brought back.

Each group lists its records when given no command. Every edit is one logged transaction, made on
the station's device with no deputy on duty (the audit trail shows the device)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tui.cli_options import DbOption, group_db
from tui.i18n import both, label, t

if TYPE_CHECKING:
    from store.reference.editing import ReferenceRow

# Where a group finds the database: set by tui.cli from the top-level options.
Opener = Callable[[typer.Context], tuple[Path, str | None]]


def _run(ctx: typer.Context, job: Callable[..., Any], *, write: bool = True) -> Any:
    from store.station import load_station, open_store

    opener: Opener = ctx.obj["reference_opener"]
    path, key = opener(ctx)
    store = open_store(path, key=key)
    try:
        if not write:
            with store.read() as session:
                return job(session=session)
        with store.write(load_station(store).actor()) as session:
            return job(session=session)
    finally:
        store.dispose()


def _tier(value: str) -> Any:
    from store.core.enums import Tier

    for tier in Tier:
        if value.strip().casefold() in (tier.value, tier.zh):
            return tier
    raise typer.BadParameter(t("reference.bad_tier"))


def _level(value: str) -> Any:
    from store.core.enums import DeputyLevel

    for level in DeputyLevel:
        if value.strip().casefold() in (level.value, level.zh):
            return level
    raise typer.BadParameter(t("reference.bad_level"))


def _show(row: ReferenceRow) -> str:
    parts = [row.name]
    if row.tier is not None:
        parts.append(label(row.tier))
    if row.village:
        parts.append(row.village)
    if row.level:
        from store.core.enums import DeputyLevel

        parts.append(label(DeputyLevel(row.level)))
    if row.group:
        parts.append(row.group)
    if not row.active:
        parts.append(t("reference.retired"))
    if row.former:
        parts.append(t("reference.former", names=t("text.list").join(row.former)))
    return t("text.gap").join(parts)


def _listing(kind: str) -> Callable[..., None]:
    def listing(ctx: typer.Context, db: DbOption = None) -> None:
        group_db(ctx, db)
        if ctx.invoked_subcommand is not None:
            return
        from store.reference.editing import list_records

        for row in _run(ctx, lambda session: list_records(session=session, kind=kind), write=False):
            typer.echo(_show(row))

    return listing


def _done(row: ReferenceRow) -> None:
    typer.echo(t("reference.saved", what=_show(row)))


def _editing() -> ModuleType:
    # Imported when a command runs: `liaison --help` never loads the store's models.
    from store.reference import editing

    return editing


def _common(app: typer.Typer, kind: str, *, merges: bool) -> None:
    """rename / retire / restore (and merge) for one kind of record."""

    @app.command("rename", help=both("cli.reference.rename"))
    def rename(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help=both("cli.reference.name"))],
        new: Annotated[str, typer.Argument(help=both("cli.reference.new_name"))],
    ) -> None:
        _done(
            _run(
                ctx,
                lambda session: _editing().rename(
                    session=session, kind=kind, record=name, name=new
                ),
            )
        )

    @app.command("retire", help=both("cli.reference.retire"))
    def retire(
        ctx: typer.Context, name: Annotated[str, typer.Argument(help=both("cli.reference.name"))]
    ) -> None:
        _done(
            _run(
                ctx,
                lambda session: _editing().set_active(
                    session=session, kind=kind, record=name, active=False
                ),
            )
        )

    @app.command("restore", help=both("cli.reference.restore"))
    def restore(
        ctx: typer.Context, name: Annotated[str, typer.Argument(help=both("cli.reference.name"))]
    ) -> None:
        _done(
            _run(
                ctx,
                lambda session: _editing().set_active(
                    session=session, kind=kind, record=name, active=True
                ),
            )
        )

    if merges:

        @app.command("merge", help=both("cli.reference.merge"))
        def merge(
            ctx: typer.Context,
            name: Annotated[str, typer.Argument(help=both("cli.reference.name"))],
            into: Annotated[str, typer.Argument(help=both("cli.reference.into"))],
        ) -> None:
            moved = _run(
                ctx,
                lambda session: _editing().merge(
                    session=session, kind=kind, source=name, target=into
                ),
            )
            typer.echo(t("reference.merged", name=name, into=into, count=moved))


def _group(help_text: str, kind: str, *, merges: bool) -> typer.Typer:
    app = typer.Typer(
        help=help_text, add_completion=False, rich_markup_mode=None, no_args_is_help=False
    )
    app.callback(invoke_without_command=True)(_listing(kind))
    _common(app, kind, merges=merges)
    return app


units = _group(both("cli.units"), "unit", merges=True)
villages = _group(both("cli.villages"), "village", merges=True)
categories = _group(both("cli.categories"), "category", merges=False)
deputies = _group(both("cli.deputies"), "deputy", merges=False)


@units.command("add", help=both("cli.reference.add"))
def add_unit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=both("cli.reference.name"))],
    tier: Annotated[str, typer.Option("--tier", help=both("cli.reference.tier"))],
    village: Annotated[
        str | None, typer.Option("--village", help=both("cli.reference.village"))
    ] = None,
) -> None:
    from store.reference.editing import add_unit as add

    chosen = _tier(tier)
    _done(_run(ctx, lambda session: add(session=session, name=name, tier=chosen, village=village)))


@units.command("tier", help=both("cli.reference.set_tier"))
def unit_tier(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=both("cli.reference.name"))],
    tier: Annotated[str, typer.Option("--tier", help=both("cli.reference.tier"))],
) -> None:
    from store.reference.editing import set_unit_tier

    chosen = _tier(tier)
    _done(_run(ctx, lambda session: set_unit_tier(session=session, record=name, tier=chosen)))


@villages.command("add", help=both("cli.reference.add"))
def add_village(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help=both("cli.reference.name"))]
) -> None:
    from store.reference.editing import add_village as add

    _done(_run(ctx, lambda session: add(session=session, name=name)))


@categories.command("add", help=both("cli.reference.add"))
def add_category(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help=both("cli.reference.name"))]
) -> None:
    from store.reference.editing import add_category as add

    _done(_run(ctx, lambda session: add(session=session, name=name)))


@deputies.command("add", help=both("cli.reference.add"))
def add_deputy(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=both("cli.reference.name"))],
    level: Annotated[str, typer.Option("--level", help=both("cli.reference.level"))] = "township",
    group: Annotated[str, typer.Option("--group", help=both("cli.reference.group"))] = "",
    phone: Annotated[str, typer.Option("--phone", help=both("cli.reference.phone"))] = "",
) -> None:
    from store.reference.editing import add_deputy as add

    chosen = _level(level)
    _done(
        _run(
            ctx,
            lambda session: add(session=session, name=name, level=chosen, group=group, phone=phone),
        )
    )


@deputies.command("set", help=both("cli.reference.set_deputy"))
def set_deputy(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=both("cli.reference.name"))],
    level: Annotated[str | None, typer.Option("--level", help=both("cli.reference.level"))] = None,
    group: Annotated[str | None, typer.Option("--group", help=both("cli.reference.group"))] = None,
    phone: Annotated[str | None, typer.Option("--phone", help=both("cli.reference.phone"))] = None,
) -> None:
    from store.reference.editing import set_deputy as change

    chosen = _level(level) if level is not None else None
    _done(
        _run(
            ctx,
            lambda session: change(
                session=session, record=name, level=chosen, group=group, phone=phone
            ),
        )
    )
