"""`liaison legislation load|list|export`: draft regulations from the shell, headless (no
Textual). Loading writes the draft whole or not at all; the summary (立法意见汇总) is written as
the draft's page exports it, names and phones masked."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tui.i18n import t, tn

if TYPE_CHECKING:
    from sqlmodel import Session

    from store.legislation.drafts import DraftRow


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class LegislationRefused(Exception):
    """Bad input: a one-line message in the interface language, exit code 2."""


def load_command(
    db: Path,
    file: Path,
    *,
    title: str,
    source: str,
    due: str | None,
    key: str | None = None,
) -> int:
    """Load the draft in `file`; print its title and how many articles were found."""
    from store.core.files import require_database
    from store.legislation.drafts import load_draft
    from store.legislation.parse import read_draft_file
    from store.station import load_station, open_store

    due_on = _parse_day(due)
    # Read and cut before opening the database: a bad file changes nothing.
    text = read_draft_file(file)
    require_database(db, key=key)
    store = open_store(db, key=key)
    try:
        with store.write(load_station(store).actor()) as session:
            draft = load_draft(
                session=session, text=text, title=title, source=source, due_on=due_on
            )
    finally:
        store.dispose()
    typer.echo(
        tn(
            "legislation.loaded",
            draft.row.articles,
            title=draft.row.title,
            headings=len(draft.parts) - draft.row.articles,
        )
    )
    typer.echo(t("legislation.draft_id", id=draft.row.id[:8]))
    return 0


def list_command(db: Path, *, key: str | None = None) -> int:
    """One line a draft: its id's start, title, articles, opinions and adoption rate."""
    from store.core.files import require_database
    from store.legislation.drafts import list_drafts
    from store.station import open_store

    require_database(db, key=key)
    store = open_store(db, key=key)
    try:
        with store.read() as session:
            page = list_drafts(session=session, limit=1000)
    finally:
        store.dispose()
    if not page.total:
        typer.echo(t("legislation.none"))
    for row in page.items:
        typer.echo(
            t(
                "legislation.list_line",
                id=row.id[:8],
                title=row.title,
                loaded=row.loaded_on.isoformat(),
                articles=row.articles,
                opinions=row.counts.opinions,
                answered=row.counts.answered,
                adoption=str(row.counts.adoption_rate),
            )
        )
    return 0


def export_command(db: Path, out: Path, *, draft: str | None, key: str | None = None) -> int:
    """Write the summary of `draft` (its id, the start of its id, or its title; the latest
    loaded when None) to `out` (.html, .md or .xlsx)."""
    from store.core.clock import SystemClock, today
    from store.core.files import require_database
    from store.legislation.summary import FORMATS, read_summary, write_summary
    from store.station import open_store
    from tui.settings import shared_templates, station_folders

    if out.suffix.lower().lstrip(".") not in FORMATS:
        raise LegislationRefused(t("legislation.format"))
    if not out.parent.is_dir():
        raise LegislationRefused(t("ledger.bad_out"))
    require_database(db, key=key)
    store = open_store(db, key=key, clock=SystemClock())
    try:
        with store.read() as session:
            row = _draft(session, draft)
            summary = read_summary(session=session, draft_id=row.id, today=today(store.clock))
    finally:
        store.dispose()
    from store.reports.slips import ensure_templates

    templates = station_folders(db).templates
    ensure_templates(templates, former=shared_templates())
    write_summary(summary, out, templates=templates)
    typer.echo(tn("legislation.exported", summary.detail.row.counts.opinions, path=out))
    typer.echo(t("legislation.masked"), err=True)
    return 0


def _parse_day(value: str | None) -> date | None:
    """`2026-12-31`, whole ASCII digits only (docs/rules/data.md)."""
    if value is None or not value.strip():
        return None
    if _ISO_DAY.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise LegislationRefused(t("legislation.bad_due", text=value))


def _draft(session: Session, given: str | None) -> DraftRow:
    """The draft `given` names (its id, the start of its id, its title or a part of it), or the
    latest."""
    from store.legislation.drafts import list_drafts

    drafts = list_drafts(session=session, limit=1000).items
    if not drafts:
        raise LegislationRefused(t("legislation.none"))
    if given is None:
        return drafts[0]
    key = given.strip()
    found = [d for d in drafts if d.id == key] or [d for d in drafts if d.title == key]
    if not found and key:
        found = [d for d in drafts if d.id.startswith(key.lower())]
    if not found and key:
        found = [d for d in drafts if key in d.title]
    if len(found) == 1:
        return found[0]
    titles = t("text.list").join(f"{d.id[:8]} {d.title}" for d in (found or drafts))
    raise LegislationRefused(t("legislation.which", name=key, drafts=titles))
