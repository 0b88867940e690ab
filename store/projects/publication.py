"""The publication list (公示) of micro-projects, to print and post at the station: one
self-contained A4 HTML file (the quarterly report's CSS) and the same as Markdown.

What is public: each published project's title, stage, lead deputy (领衔代表), village,
category, dates, description, milestones, and how many issues it took over with their colours.
Never a resident's name, phone or words: issue titles quote residents, so they are counted, not
listed. Every string is escaped (HTML) or backslash-escaped (Markdown)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from store.core.files import written_whole
from store.core.models import Colour, MicroProject, ProjectStatus, Station
from store.core.paging import all_items
from store.core.rows import live
from store.projects.projects import (
    MilestoneRow,
    ProjectRow,
    list_milestones,
    list_projects,
    project_issues,
)

# The report's A4 print CSS and table markup, shared so both documents print alike.
from store.reports.html import _CSS as A4_CSS
from store.reports.html import _el
from store.reports.html import _table as html_table

if TYPE_CHECKING:
    from store.reports.quarterly_report import Name, Text


# Read a page at a time even here: a station may publish many projects over the years.
_PAGE = 200


@dataclass(frozen=True)
class PublishedProject:
    row: ProjectRow
    description: str
    milestones: tuple[MilestoneRow, ...]
    colours: dict[Colour, int]


@dataclass(frozen=True)
class Publication:
    station: str
    as_of: date
    projects: tuple[PublishedProject, ...]


def build_publication(*, session: Session, today: date) -> Publication:
    """The published projects (公示) with their milestones and issue colours, as of `today`."""
    rows = all_items(list_projects, page_size=_PAGE, session=session, published_only=True)
    projects = []
    for row in rows:
        milestones = all_items(list_milestones, page_size=_PAGE, session=session, project_id=row.id)
        issues = all_items(
            project_issues, page_size=_PAGE, session=session, project_id=row.id, today=today
        )
        description = session.exec(
            select(MicroProject.description).where(MicroProject.id == row.id)
        ).one()
        projects.append(
            PublishedProject(
                row=row,
                description=description,
                milestones=tuple(milestones),
                colours=dict(Counter(issue.colour for issue in issues)),
            )
        )
    station = session.exec(select(Station.name).where(live(Station))).first()
    return Publication(station=station or "", as_of=today, projects=tuple(projects))


# ---------------------------------------------------------------------------------------------
# What both formats show


def _facts(p: PublishedProject, text: Text, name: Name) -> list[tuple[str, str]]:
    row = p.row
    colours = " ".join(f"{c.glyph}{p.colours[c]}" for c in Colour if p.colours.get(c))
    facts = [
        (text("projects.col_status"), name(row.status)),
        (text("projects.col_lead"), row.lead_deputy),
        (text("projects.col_village"), row.village or "—"),
        (text("projects.col_category"), row.category or "—"),
        (text("projects.started"), row.started_on.isoformat()),
    ]
    if row.status == ProjectStatus.done and row.done_on is not None:
        facts.append((text("projects.done_on"), row.done_on.isoformat()))
    facts.append(
        (text("projects.col_issues"), f"{row.issue_count} {colours}".strip()),
    )
    return facts


def _milestone_rows(p: PublishedProject, text: Text) -> list[list[str]]:
    return [
        [
            m.title,
            m.due_on.isoformat() if m.due_on else "—",
            m.done_on.isoformat() if m.done_on else text("projects.milestone_open"),
        ]
        for m in p.milestones
    ]


def _milestone_headings(text: Text) -> list[str]:
    return [text("projects.milestone"), text("projects.milestone_due"), text("projects.done_on")]


def _title(pub: Publication, text: Text) -> str:
    return text("projects.pub_title", station=pub.station)


def render_html(pub: Publication, *, text: Text, name: Name) -> str:
    title = _title(pub, text)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{A4_CSS}"
        ".desc { white-space: pre-wrap; } section { break-inside: avoid; }</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        _el("p", text("projects.pub_as_of", date=pub.as_of.isoformat()), ' class="note"'),
    ]
    if not pub.projects:
        out.append(_el("p", text("projects.pub_none")))
    for number, p in enumerate(pub.projects, 1):
        out.append(f"<section><h2>{number}. {escape(p.row.title)}</h2>")
        out.append(
            html_table([text("projects.fact"), ""], [list(f) for f in _facts(p, text, name)])
        )
        if p.description:
            out.append(f'<p class="desc">{escape(p.description)}</p>')
        if p.milestones:
            out.append(html_table(_milestone_headings(text), _milestone_rows(p, text)))
        out.append("</section>")
    out += [_el("p", text("projects.pub_note"), ' class="note"'), "</body></html>"]
    return "\n".join(out)


# Inline markup anywhere; block markup (headings, lists, quotes) only where a line starts.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=]|[0-9]+(?=[.)]))")


def md_escape(value: str) -> str:
    """One line of text that Markdown shows as typed: what it could read as markup is escaped
    (dates and ordinary punctuation stay readable in the raw file)."""
    escaped = _MD_INLINE.sub(r"\\\1", value)
    found = _MD_LINE_START.match(escaped)
    if found is None:
        return escaped
    if found[2][0].isdigit():  # "1." would start a numbered list: escape its dot
        return escaped[: found.end()] + "\\" + escaped[found.end() :]
    return found[1] + "\\" + escaped[len(found[1]) :]


def _md_table(headings: list[str], rows: list[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(md_escape(c).replace("\n", " ") for c in cells) + " |"

    return [line(headings), "|" + "---|" * len(headings), *(line(r) for r in rows)]


def render_markdown(pub: Publication, *, text: Text, name: Name) -> str:
    out = [
        f"# {md_escape(_title(pub, text))}",
        "",
        md_escape(text("projects.pub_as_of", date=pub.as_of.isoformat())),
        "",
    ]
    if not pub.projects:
        out += [md_escape(text("projects.pub_none")), ""]
    for number, p in enumerate(pub.projects, 1):
        out += [f"## {number}\\. {md_escape(p.row.title)}", ""]
        out += _md_table([text("projects.fact"), ""], [list(f) for f in _facts(p, text, name)])
        out.append("")
        if p.description:
            # Each line its own paragraph line, ending in a hard break so the lines stay lines.
            out += [md_escape(line) + "  " for line in p.description.splitlines()]
            out.append("")
        if p.milestones:
            out += _md_table(_milestone_headings(text), _milestone_rows(p, text))
            out.append("")
    out += [md_escape(text("projects.pub_note")), ""]
    return "\n".join(out)


def write_publication(pub: Publication, folder: Path, *, text: Text, name: Name) -> list[Path]:
    """Write `publicity-<date>.html` and `.md` into `folder` (made if missing); each file
    appears whole or not at all.

    Returns:
        The two paths written.
    """
    stem = f"publicity-{pub.as_of.isoformat()}"
    written = []
    for suffix, body in (
        (".html", render_html(pub, text=text, name=name)),
        (".md", render_markdown(pub, text=text, name=name)),
    ):
        out = folder / (stem + suffix)
        with written_whole(out) as partial:
            partial.write_text(body, encoding="utf-8")
        written.append(out)
    return written
