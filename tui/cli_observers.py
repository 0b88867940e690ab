"""`liaison observers|points`: the station's observers (民情观察员) and observation points from the
command line (store.observers) — listed, added, retired, brought back.

Each group lists its records when given no command. Phones are listed masked: the command line
never shows one in clear (the observers' screen reveals one, logged). Every edit is one logged
transaction on the station's device, like `liaison units` (tui.cli_reference)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from tui.cli_options import DbOption, group_db
from tui.cli_reference import _run
from tui.i18n import both, label, t

if TYPE_CHECKING:
    from store.observers.observers import ObserverRow
    from store.observers.points import PointRow

E = TypeVar("E", bound=StrEnum)


def _term(enum: type[E], value: str) -> E | None:
    """A group or kind by its code, its Chinese name or its name in the interface language."""
    wanted = value.strip().casefold()
    for member in enum:
        if wanted in (member.value, getattr(member, "zh", ""), label(member).casefold()):
            return member
    return None


def _names(enum: type[StrEnum]) -> str:
    return "、".join(label(member) for member in enum)


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(t("observers.bad_day")) from None


def _show_observer(row: ObserverRow) -> str:
    parts = [row.name or t("report.observer_purged"), row.phone_masked or "—", label(row.group)]
    if row.deputy:
        parts.append(t("observers.recommended", deputy=row.deputy))
    if row.point:
        parts.append(row.point)
    if row.purged:
        parts.append(t("observers.state_purged"))
    elif not row.active:
        parts.append(
            t("observers.retired_on", day=row.retired_on.isoformat() if row.retired_on else "")
        )
    return t("text.gap").join(parts)


def _show_point(row: PointRow) -> str:
    parts = [row.name, label(row.kind)]
    parts += [v for v in (row.village, row.place) if v]
    if not row.active:
        parts.append(t("points.state_retired"))
    return t("text.gap").join(parts)


def _group_app(help_text: str) -> typer.Typer:
    return typer.Typer(
        help=help_text, add_completion=False, rich_markup_mode=None, no_args_is_help=False
    )


observers = _group_app(both("cli.observers"))
points = _group_app(both("cli.points"))


@observers.callback(invoke_without_command=True)
def list_observers(ctx: typer.Context, db: DbOption = None) -> None:
    group_db(ctx, db)
    if ctx.invoked_subcommand is not None:
        return
    from store.core.paging import all_items
    from store.observers.observers import list_observers as listing

    def job(session: Any) -> list[ObserverRow]:
        return all_items(listing, session=session)

    for row in _run(ctx, job, write=False):
        typer.echo(_show_observer(row))


@observers.command("add", help=both("cli.observers.add"))
def add_observer(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=both("cli.reference.name"))],
    phone: Annotated[str, typer.Option("--phone", help=both("cli.reference.phone"))] = "",
    group: Annotated[str, typer.Option("--group", help=both("cli.observers.group"))] = "other",
    deputy: Annotated[
        str | None, typer.Option("--deputy", help=both("cli.observers.deputy"))
    ] = None,
    point: Annotated[str | None, typer.Option("--point", help=both("cli.observers.point"))] = None,
    consent: Annotated[bool, typer.Option("--consent", help=both("cli.observers.consent"))] = False,
    appointed: Annotated[
        str | None, typer.Option("--appointed", help=both("cli.observers.appointed"))
    ] = None,
) -> None:
    from store.core.models import Deputy, ObserverGroup
    from store.observers.observers import ObserverForm
    from store.observers.observers import add_observer as add
    from store.observers.points import find_point
    from store.reference.editing import find_record

    chosen = _term(ObserverGroup, group)
    if chosen is None:
        raise typer.BadParameter(t("observers.bad_group", names=_names(ObserverGroup)))
    day = _day(appointed)

    def job(session: Any) -> ObserverRow:
        form = ObserverForm(
            name,
            phone=phone,
            group=chosen,
            deputy_id=find_record(session, Deputy, deputy).id if deputy else None,
            point_id=find_point(session, point).id if point else None,
            consent_named=consent,
            appointed_on=day,
        )
        return add(session=session, form=form)

    typer.echo(t("observers.cli_saved", what=_show_observer(_run(ctx, job))))


@observers.command("retire", help=both("cli.observers.retire"))
def retire_observer(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=both("cli.reference.name"))],
    on: Annotated[str | None, typer.Option("--on", help=both("cli.observers.on"))] = None,
) -> None:
    from store.observers.observers import find_observer
    from store.observers.observers import retire_observer as retire

    day = _day(on)

    def job(session: Any) -> ObserverRow:
        return retire(session=session, observer_id=find_observer(session, name).id, day=day)

    typer.echo(t("observers.cli_saved", what=_show_observer(_run(ctx, job))))


@observers.command("restore", help=both("cli.reference.restore"))
def restore_observer(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help=both("cli.reference.name"))]
) -> None:
    from store.observers.observers import find_observer
    from store.observers.observers import restore_observer as restore

    def job(session: Any) -> ObserverRow:
        return restore(session=session, observer_id=find_observer(session, name).id)

    typer.echo(t("observers.cli_saved", what=_show_observer(_run(ctx, job))))


@points.callback(invoke_without_command=True)
def list_points(ctx: typer.Context, db: DbOption = None) -> None:
    group_db(ctx, db)
    if ctx.invoked_subcommand is not None:
        return
    from store.core.paging import all_items
    from store.observers.points import list_points as listing

    def job(session: Any) -> list[PointRow]:
        return all_items(listing, session=session)

    for row in _run(ctx, job, write=False):
        typer.echo(_show_point(row))


@points.command("add", help=both("cli.points.add"))
def add_point(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=both("cli.reference.name"))],
    place: Annotated[str, typer.Option("--place", help=both("cli.points.place"))] = "",
    village: Annotated[
        str | None, typer.Option("--village", help=both("cli.reference.village"))
    ] = None,
    kind: Annotated[str, typer.Option("--kind", help=both("cli.points.kind"))] = "ordinary",
) -> None:
    from store.core.models import PointKind, Village
    from store.observers.points import PointForm
    from store.observers.points import add_point as add
    from store.reference.editing import find_record

    chosen = _term(PointKind, kind)
    if chosen is None:
        raise typer.BadParameter(t("points.bad_kind", names=_names(PointKind)))

    def job(session: Any) -> PointRow:
        village_id = find_record(session, Village, village).id if village else None
        form = PointForm(name, place=place, village_id=village_id, kind=chosen)
        return add(session=session, form=form)

    typer.echo(t("observers.cli_saved", what=_show_point(_run(ctx, job))))


def _point_active(ctx: typer.Context, name: str, active: bool) -> None:
    from store.observers.points import set_point_active

    def job(session: Any) -> PointRow:
        return set_point_active(session=session, point_id=name, active=active)

    typer.echo(t("observers.cli_saved", what=_show_point(_run(ctx, job))))


@points.command("retire", help=both("cli.points.retire"))
def retire_point(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help=both("cli.reference.name"))]
) -> None:
    _point_active(ctx, name, False)


@points.command("restore", help=both("cli.reference.restore"))
def restore_point(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help=both("cli.reference.name"))]
) -> None:
    _point_active(ctx, name, True)
