"""The `liaison` command (typer). Headless commands never import Textual: only `open_app` does."""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from store.core.errors import FieldInvalid, StoreError
from store.core.files import is_gzip_file, parse_target, private_dir
from tui import settings
from tui.cli_options import DbOption, group_db
from tui.cli_usage import NoArgsIsHelpError, UsageError, usage_line
from tui.i18n import both, set_language, t, tn

log = logging.getLogger("liaison")

cli = typer.Typer(
    help=both("cli.app"),
    add_completion=False,
    # Tracebacks with local variables would print residents' data.
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


PassphraseOption = Annotated[
    Path | None,
    typer.Option(
        "--passphrase-file", help=both("cli.passphrase_file"), dir_okay=False, show_default=False
    ),
]


DbPassphraseOption = Annotated[
    Path | None,
    typer.Option(
        "--db-passphrase-file",
        help=both("cli.db_passphrase_file"),
        dir_okay=False,
        show_default=False,
    ),
]
EncryptOption = Annotated[bool, typer.Option("--encrypt", help=both("cli.encrypt"))]


class CliError(Exception):
    """A one-line message for the user, already in the interface language."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _target(ctx: typer.Context, db: Path | str | None) -> Path | str:
    return db or ctx.obj.get("db") or settings.default_db()


def _key(ctx: typer.Context, target: Path | str) -> str | None:
    """The passphrase of an encrypted database file (asked for if need be), else None."""
    if not isinstance(target, Path):
        return None
    from tui.cli_key import database_key

    return database_key(target, ctx.obj.get("db_passphrase_file"))


def _reference_database(ctx: typer.Context) -> tuple[Path, str | None]:
    """The database `liaison units|villages|categories|deputies` edit, and its passphrase."""
    path = _db(ctx, None)
    return path, _key(ctx, path)


def _new_key(ctx: typer.Context, encrypt: bool) -> str | None:
    """With --encrypt, the passphrase to encrypt a new database with."""
    if not encrypt:
        return None
    from tui.cli_key import new_database_key

    return new_database_key(ctx.obj.get("db_passphrase_file"))


def _db(ctx: typer.Context, db: Path | str | None) -> Path:
    target = _target(ctx, db)
    if isinstance(target, str):
        from store.core.dialect import shown_target

        raise CliError(t("cli.postgres_unsupported", db=shown_target(target)), 2)
    return target


@cli.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    db: DbOption = None,
    lang: Annotated[
        str, typer.Option("--lang", envvar="LIAISON_LANG", help=both("cli.lang"))
    ] = "zh",
    db_passphrase_file: DbPassphraseOption = None,
) -> None:
    try:
        set_language(lang)
    except ValueError:
        raise CliError(both("cli.bad_lang", lang=lang), 2) from None
    ctx.obj = {
        "db": db,
        "lang": lang,
        "db_passphrase_file": db_passphrase_file,
        "reference_opener": _reference_database,
    }
    if ctx.invoked_subcommand is None:
        target = _target(ctx, None)
        open_app(target, lang, key=_key(ctx, target))


def open_app(path: Path | str, lang: str, *, key: str | None = None) -> None:
    """Open the app on the station database at `path` (a SQLite file), or on a PostgreSQL URL
    (a county hub). What can be told without the store (no such file, not a database) is told
    here, on the command line; the app paints at once and opens (and if need be upgrades) the
    store behind an opening screen, which also says when a server cannot be reached."""
    from store.core.files import is_postgres_target, require_database

    if not is_postgres_target(path):
        require_database(Path(path), key=key)
    # No garbage collection until the dashboard has shown its figures: start-up creates about a
    # million objects that live as long as the app, and collecting over and over them cost a
    # quarter of start-up's CPU. The app freezes them and turns the collector on (LiaisonApp).
    gc.disable()
    from tui.app import make_app_at  # Textual loads here and nowhere else

    app = make_app_at(path, lang, key=key)
    app.run()
    if app.return_code:
        raise typer.Exit(app.return_code)


@cli.command(help=both("cli.demo"))
def demo(
    ctx: typer.Context,
    db: DbOption = None,
    visits: Annotated[int, typer.Option("--visits", min=0, help=both("cli.demo.visits"))] = 2400,
    seed: Annotated[int, typer.Option("--seed", help=both("cli.demo.seed_named"))] = 20260625,
    no_open: Annotated[bool, typer.Option("--no-open", help=both("cli.demo.no_open"))] = False,
    force: Annotated[bool, typer.Option("--force", help=both("cli.demo.force"))] = False,
    encrypt: EncryptOption = False,
) -> None:
    from fixtures.demo import build_demo

    explicit = db or ctx.obj.get("db")
    path = explicit or settings.demo_db()
    if path.exists():
        if explicit and not force:
            raise CliError(t("cli.exists", path=path), 2)
        _remove_database(path)
    key = _new_key(ctx, encrypt)
    private_dir(path.parent)
    typer.echo(t("cli.generating"), err=True)
    build_demo(path, visits=visits, seed=seed, key=key)
    typer.echo(tn("cli.demo_written", visits, path=path), err=True)
    if not no_open:
        open_app(path, ctx.obj["lang"], key=key)


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@cli.command(help=both("cli.init"))
def init(
    ctx: typer.Context,
    db: DbOption = None,
    station: Annotated[str | None, typer.Option(help=both("cli.init.station"))] = None,
    township: Annotated[str | None, typer.Option(help=both("cli.init.township"))] = None,
    county: Annotated[str | None, typer.Option(help=both("cli.init.county"))] = None,
    deputy: Annotated[list[str] | None, typer.Option(help=both("cli.init.deputy"))] = None,
    village: Annotated[list[str] | None, typer.Option(help=both("cli.init.village"))] = None,
    from_bundle: Annotated[
        Path | None,
        typer.Option("--from-bundle", help=both("cli.init.from_bundle"), dir_okay=False),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help=both("cli.init.name"))] = None,
    passphrase_file: PassphraseOption = None,
    encrypt: EncryptOption = False,
    require_pin: Annotated[
        bool | None,
        typer.Option("--require-pin/--no-require-pin", help=both("cli.init.require_pin")),
    ] = None,
) -> None:
    from store.core.clock import SystemClock
    from store.core.models import VillageKind
    from store.station import DeputyIn, StationIn, VillageIn, init_station

    path = _db(ctx, db)
    if from_bundle is not None:
        from tui.cli_sync import join_command

        if path.exists() and path.stat().st_size > 0:
            raise CliError(t("cli.station_exists", path=path), 2)
        key = _new_key(ctx, encrypt)
        try:
            raise typer.Exit(
                join_command(path, from_bundle, name=name, passphrase_file=passphrase_file, key=key)
            )
        except FileExistsError:
            raise CliError(t("cli.station_exists", path=path), 2) from None
    deputies, villages = list(deputy or []), list(village or [])
    missing = not (station and township and county and deputies)
    if missing:
        if not sys.stdin.isatty():
            raise CliError(t("cli.need_options"), 2)
        station = station or typer.prompt(t("cli.prompt.station"))
        township = township or typer.prompt(t("cli.prompt.township"))
        county = county or typer.prompt(t("cli.prompt.county"))
        if not deputies:
            deputies = _split(typer.prompt(t("cli.prompt.deputies")))
        if not villages:
            villages = _split(
                typer.prompt(t("cli.prompt.villages"), default="", show_default=False)
            )
    if not deputies:
        raise CliError(t("cli.no_deputy"), 2)
    if require_pin is None:
        # Asked at a terminal (issue 17); a script that does not say keeps PINs optional.
        require_pin = sys.stdin.isatty() and typer.confirm(t("cli.prompt.require_pin"))
    assert station and township and county
    if path.exists() and path.stat().st_size > 0:
        raise CliError(t("cli.station_exists", path=path), 2)
    key = _new_key(ctx, encrypt)
    spec = StationIn(
        name=station,
        township=township,
        county=county,
        deputies=[DeputyIn(name) for name in deputies],
        villages=[
            VillageIn(v, VillageKind.community if v.endswith("社区") else VillageKind.village)
            for v in villages
        ],
        # The terminal as its laptops and the county hub will list it, in the interface's words.
        device_name=t("device.station_terminal"),
        require_pin=require_pin,
    )
    try:
        info = init_station(engine_path=path, station=spec, clock=SystemClock(), key=key)
    except FieldInvalid as exc:
        _remove_database(path)
        raise CliError(_field_message(exc), 2) from None
    except FileExistsError:
        raise CliError(t("cli.station_exists", path=path), 2) from None
    typer.echo(t("cli.created", name=info.name, path=path))


@cli.command("import", help=both("cli.import"))
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=both("cli.import.file"), dir_okay=False)],
    db: DbOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=both("cli.import.dry_run"))] = False,
) -> None:
    from tui.cli_ledger import import_command

    path = _db(ctx, db)
    raise typer.Exit(import_command(file, path, dry_run, key=_key(ctx, path)))


export = typer.Typer(help=both("cli.export"), add_completion=False, rich_markup_mode=None)
cli.add_typer(export, name="export")


@export.command("ledger", help=both("cli.export.ledger"))
def export_ledger_(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help=both("cli.export.out"), dir_okay=False)],
    db: DbOption = None,
    reveal: Annotated[bool, typer.Option("--reveal", help=both("cli.export.reveal"))] = False,
) -> None:
    from tui.cli_ledger import export_command

    path = _db(ctx, db)
    raise typer.Exit(export_command(out, path, reveal, key=_key(ctx, path)))


@export.command("suggestions", help=both("cli.export.suggestions"))
def export_suggestions_(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help=both("cli.export.out"), dir_okay=False)],
    db: DbOption = None,
    reveal: Annotated[bool, typer.Option("--reveal", help=both("cli.export.reveal"))] = False,
) -> None:
    from tui.cli_ledger import export_suggestions_command

    path = _db(ctx, db)
    raise typer.Exit(export_suggestions_command(out, path, reveal, key=_key(ctx, path)))


@cli.command(help=both("cli.report"))
def report(
    ctx: typer.Context,
    quarter: Annotated[str, typer.Option("--quarter", help=both("cli.report.quarter"))],
    out: Annotated[Path, typer.Option("--out", help=both("cli.report.out"), dir_okay=False)],
    db: DbOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help=both("cli.report.as_of"), show_default=False)
    ] = None,
    station: Annotated[
        str | None,
        typer.Option("--station", help=both("cli.report.station_or_id"), show_default=False),
    ] = None,
) -> None:
    from tui.cli_report import ReportRefused, report_command

    try:
        # A SQLite file or a county hub's PostgreSQL URL, whose report may be one station's.
        target = _target(ctx, db)
        code = report_command(target, quarter, out, as_of, station=station, key=_key(ctx, target))
    except ReportRefused as exc:
        raise CliError(str(exc), 2) from None
    raise typer.Exit(code)


@cli.command(help=both("cli.backup"))
def backup(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help=both("cli.backup.out"), dir_okay=False)],
    db: DbOption = None,
) -> None:
    from tui.cli_maintenance import backup_command

    target = _target(ctx, db)
    raise typer.Exit(backup_command(target, out, key=_key(ctx, target)))


@cli.command(help=both("cli.restore"))
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=both("cli.restore.file"), dir_okay=False)],
    db: DbOption = None,
) -> None:
    from tui.cli_maintenance import restore_command

    target = _target(ctx, db)
    # An encrypted backup is read with the database's passphrase (or, with no database yet,
    # the one that opens the backup).
    # A compressed backup is a plain database's (an encrypted one's copies are not compressed).
    if isinstance(target, Path) and target.exists():
        key = _key(ctx, target)
    else:
        key = None if is_gzip_file(file) else _key(ctx, file)
    raise typer.Exit(restore_command(target, file, key=key))


@cli.command(help=both("cli.check"))
def check(
    ctx: typer.Context,
    db: DbOption = None,
    repair: Annotated[bool, typer.Option("--repair", help=both("cli.check.repair"))] = False,
    quick: Annotated[bool, typer.Option("--quick", help=both("cli.check.quick"))] = False,
) -> None:
    from tui.cli_maintenance import check_command

    target = _target(ctx, db)
    raise typer.Exit(check_command(target, repair=repair, quick=quick, key=_key(ctx, target)))


@cli.command(help=both("cli.purge"))
def purge(
    ctx: typer.Context,
    db: DbOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=both("cli.purge.dry_run"))] = False,
    years: Annotated[
        int | None, typer.Option("--years", min=1, max=100, help=both("cli.purge.years"))
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help=both("cli.purge.yes"))] = False,
) -> None:
    from tui.cli_purge import purge_command

    # A station's file, or a county hub's PostgreSQL URL (whose tables it vacuums afterwards).
    target = _target(ctx, db)
    code = purge_command(target, dry_run=dry_run, years=years, yes=yes, key=_key(ctx, target))
    raise typer.Exit(code)


@cli.command(help=both("cli.rekey"))
def rekey(
    ctx: typer.Context,
    db: DbOption = None,
    new_passphrase_file: Annotated[
        Path | None,
        typer.Option(
            "--new-passphrase-file",
            help=both("cli.rekey.new_file"),
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
) -> None:
    from tui.cli_key import rekey_command

    path = _db(ctx, db)
    code = rekey_command(path, key=_key(ctx, path), new_passphrase_file=new_passphrase_file)
    raise typer.Exit(code)


sync = typer.Typer(help=both("cli.sync"), add_completion=False, rich_markup_mode=None)
cli.add_typer(sync, name="sync")


@sync.command("export", help=both("cli.sync.export"))
def sync_export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help=both("cli.sync.out"), dir_okay=False)],
    db: DbOption = None,
    to: Annotated[str | None, typer.Option("--to", help=both("cli.sync.to"))] = None,
    full: Annotated[bool, typer.Option("--full", help=both("cli.sync.full"))] = False,
    new_laptop: Annotated[
        bool, typer.Option("--new-laptop", help=both("cli.sync.new_laptop"))
    ] = False,
    passphrase_file: PassphraseOption = None,
) -> None:
    from tui.cli_sync import export_command

    path = _db(ctx, db)
    code = export_command(
        path,
        out,
        to=to,
        full=full,
        new_laptop=new_laptop,
        passphrase_file=passphrase_file,
        key=_key(ctx, path),
    )
    raise typer.Exit(code)


@sync.command("import", help=both("cli.sync.import"))
def sync_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=both("cli.sync.file"), dir_okay=False)],
    db: DbOption = None,
    passphrase_file: PassphraseOption = None,
) -> None:
    from tui.cli_sync import import_command

    path = _db(ctx, db)
    raise typer.Exit(
        import_command(path, file, passphrase_file=passphrase_file, key=_key(ctx, path))
    )


devices = typer.Typer(help=both("cli.devices"), add_completion=False, rich_markup_mode=None)
cli.add_typer(devices, name="devices")


@devices.callback(invoke_without_command=True)
def devices_list(ctx: typer.Context, db: DbOption = None) -> None:
    group_db(ctx, db)  # `liaison devices --db FILE retire NAME`
    if ctx.invoked_subcommand is not None:
        return
    from tui.cli_devices import list_command

    path = _db(ctx, db)
    raise typer.Exit(list_command(path, key=_key(ctx, path)))


@devices.command("retire", help=both("cli.devices.retire"))
def devices_retire(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=both("cli.devices.name"))],
    db: DbOption = None,
    yes: Annotated[bool, typer.Option("--yes", help=both("cli.devices.yes"))] = False,
) -> None:
    from tui.cli_devices import retire_command

    path = _db(ctx, db)
    raise typer.Exit(retire_command(path, name, yes=yes, key=_key(ctx, path)))


HubOption = Annotated[
    Any, typer.Option("--hub", help=both("cli.sync.hub"), parser=parse_target, show_default=False)
]


@sync.command("push", help=both("cli.sync.push"))
def sync_push(ctx: typer.Context, hub: HubOption, db: DbOption = None) -> None:
    from tui.cli_hub import exchange_command

    target = _target(ctx, db)
    raise typer.Exit(exchange_command(target, hub, push=True, key=_key(ctx, target)))


@sync.command("pull", help=both("cli.sync.pull"))
def sync_pull(ctx: typer.Context, hub: HubOption, db: DbOption = None) -> None:
    from tui.cli_hub import exchange_command

    target = _target(ctx, db)
    raise typer.Exit(exchange_command(target, hub, push=False, key=_key(ctx, target)))


legislation = typer.Typer(help=both("cli.legislation"), add_completion=False, rich_markup_mode=None)
cli.add_typer(legislation, name="legislation")


@legislation.command("load", help=both("cli.legislation.load"))
def legislation_load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=both("cli.legislation.file"), dir_okay=False)],
    db: DbOption = None,
    title: Annotated[
        str, typer.Option("--title", help=both("cli.legislation.title"), show_default=False)
    ] = "",
    source: Annotated[
        str, typer.Option("--source", help=both("cli.legislation.source"), show_default=False)
    ] = "",
    due: Annotated[
        str | None, typer.Option("--due", help=both("cli.legislation.due"), show_default=False)
    ] = None,
) -> None:
    from tui.cli_legislation import LegislationRefused, load_command

    path = _db(ctx, db)
    try:
        code = load_command(path, file, title=title, source=source, due=due, key=_key(ctx, path))
    except LegislationRefused as exc:
        raise CliError(str(exc), 2) from None
    raise typer.Exit(code)


@legislation.command("list", help=both("cli.legislation.list"))
def legislation_list(ctx: typer.Context, db: DbOption = None) -> None:
    from tui.cli_legislation import list_command

    path = _db(ctx, db)
    raise typer.Exit(list_command(path, key=_key(ctx, path)))


@legislation.command("export", help=both("cli.legislation.export"))
def legislation_export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help=both("cli.legislation.out"), dir_okay=False)],
    db: DbOption = None,
    draft: Annotated[
        str | None,
        typer.Option("--draft", help=both("cli.legislation.draft"), show_default=False),
    ] = None,
) -> None:
    from tui.cli_legislation import LegislationRefused, export_command

    path = _db(ctx, db)
    try:
        code = export_command(path, out, draft=draft, key=_key(ctx, path))
    except LegislationRefused as exc:
        raise CliError(str(exc), 2) from None
    raise typer.Exit(code)


from tui.cli_reference import categories, deputies, units, villages  # noqa: E402

cli.add_typer(units, name="units")
cli.add_typer(villages, name="villages")
cli.add_typer(categories, name="categories")
cli.add_typer(deputies, name="deputies")

from tui.cli_observers import observers, points  # noqa: E402

cli.add_typer(observers, name="observers")
cli.add_typer(points, name="points")

hub_cli = typer.Typer(help=both("cli.hub"), add_completion=False, rich_markup_mode=None)
cli.add_typer(hub_cli, name="hub")


@hub_cli.command("init", help=both("cli.hub.init"))
def hub_init(
    ctx: typer.Context,
    county: Annotated[str, typer.Option("--county", help=both("cli.hub.county"))],
    db: Annotated[
        Any, typer.Option("--db", help=both("cli.hub.db"), parser=parse_target, show_default=False)
    ] = None,
) -> None:
    from tui.cli_hub import init_command

    # Never the default database: that is this machine's station.
    target = db or ctx.obj.get("db")
    if not target:
        raise CliError(t("hub.need_db"), 2)
    raise typer.Exit(init_command(target, county))


def _split(value: str) -> list[str]:
    for sep in "，、;；":
        value = value.replace(sep, ",")
    return [part.strip() for part in value.split(",") if part.strip()]


def _field_message(exc: FieldInvalid) -> str:
    field = {
        "name": t("cli.init.station"),
        "township": t("cli.init.township"),
        "county": t("cli.init.county"),
        "deputy": t("cli.init.deputy"),
        "village": t("cli.init.village"),
    }.get(exc.field, exc.field)
    return t("cli.bad_value", field=field, message=t(exc.key, **exc.params))


def main() -> None:
    """Entry point: one line on stderr and a non-zero exit for any failure, never a traceback."""
    try:
        # Without standalone mode, click returns a typer.Exit's code instead of raising it.
        # Named `liaison` however it was started (`python -m`, a test's `python -c`).
        code = cli(standalone_mode=False, prog_name="liaison")
        sys.exit(code if isinstance(code, int) else 0)
    except CliError as exc:
        typer.echo(str(exc), err=True)
        sys.exit(exc.code)
    except StoreError as exc:
        typer.echo(t(exc.key, **exc.params), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except NoArgsIsHelpError as exc:
        exc.show()  # type: ignore[attr-defined]  # a group typed alone: its help
        sys.exit(2)
    except UsageError as exc:
        typer.echo(usage_line(exc), err=True)
        sys.exit(2)
    except typer.TyperException as exc:
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        sys.exit(getattr(exc, "exit_code", 2))
    except Exception as exc:
        log.error("unexpected %s", type(exc).__name__)
        typer.echo(t("error.unexpected") + f" ({type(exc).__name__})", err=True)
        sys.exit(1)
