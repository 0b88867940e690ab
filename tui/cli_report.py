"""`liaison report`: the quarterly report, headless (no Textual), written whole or not at all."""

from __future__ import annotations

from datetime import date, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tui.i18n import label, t

if TYPE_CHECKING:
    from sqlmodel import Session

    from store.reports.stats import Period


class ReportRefused(Exception):
    """Bad input: a one-line message in the interface language, exit code 2."""


def report_command(
    db: Path | str,
    quarter: str,
    out: Path,
    as_of: str | None,
    *,
    station: str | None = None,
    key: str | None = None,
) -> int:
    """Write the quarter's report to `out`. `db` is a SQLite file or a PostgreSQL URL (a county
    hub); `station` names one of the database's stations by its name or id (all of them without
    it)."""
    from store.core.errors import FieldInvalid
    from store.core.files import require_database

    # Check everything the user typed before opening the database, so that nothing is written.
    if out.suffix.lower() not in (".xlsx", ".html"):
        raise ReportRefused(t("report.format"))
    if not out.parent.is_dir():
        raise ReportRefused(t("ledger.bad_out"))
    from store.reports.stats import Period

    try:
        period = Period.parse_quarter(quarter)
    except FieldInvalid as exc:
        raise ReportRefused(t(exc.key, **exc.params)) from None
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise ReportRefused(t("report.bad_as_of", text=as_of)) from None
    if isinstance(db, Path):
        require_database(db, key=key)
    path = write_quarter_report(db, period, [out], day, station=station, key=key)[0]
    typer.echo(t("report.written", path=path))
    return 0


def write_quarter_report(
    db: Path | str,
    period: Period,
    outs: list[Path],
    day: date | None,
    *,
    station: str | None = None,
    key: str | None = None,
) -> list[Path]:
    """Read the figures once and write each of `outs` (format by suffix)."""
    from store.core.clock import SystemClock, today
    from store.core.dialect import database_url
    from store.db import make_engine, read_session
    from store.reports.quarterly_report import build_report, write_report

    clock = SystemClock()
    engine = make_engine(database_url(db), key=key)
    try:
        with read_session(engine) as session:
            tz = _station_tz(session) or clock.tz
            report = build_report(
                session=session,
                period=period,
                today=day or today(clock),
                tz=tz,
                station_id=None if station is None else _station_id(session, station),
            )
    finally:
        engine.dispose()
    for out in outs:
        write_report(report, out, text=t, name=label)
    return outs


def _station_id(session: Session, given: str) -> str:
    """The one station among the database's (store.desk.station_scope) that `given` names: its
    name, its id, or the start of its id (a hub may hold stations of one name, from before it
    refused them)."""
    from store.desk.station_scope import list_stations

    stations = list_stations(session=session)
    key = given.strip()
    found = [s for s in stations if s.id == key] or [s for s in stations if s.name == key]
    if not found and key:
        found = [s for s in stations if s.id.startswith(key.lower())]
    if len(found) == 1:
        return found[0].id
    if found:
        choices = t("text.list").join(f"{s.name}（{s.township}）{s.id}" for s in found)
        raise ReportRefused(t("report.station_ambiguous", name=key, choices=choices))
    names = t("text.list").join(s.name for s in stations)
    raise ReportRefused(t("report.no_station", name=key, names=names))


def _station_tz(session: Session) -> tzinfo | None:
    from zoneinfo import ZoneInfo

    from sqlmodel import select

    from store.core.models import Station

    name = session.exec(select(Station.timezone)).first()
    return ZoneInfo(name) if name else None
