"""A session's one-page notice (议事活动公示; for a 代表述职, 述职满意度测评结果公示): what
was held, who came, the topics, the decisions, the vote and its rate, and what became of the
issues raised there — Markdown and HTML on A4, from the station's editable template
`deliberation` (store/reports/templates, copied to the station's own templates folder like the
slips'). An official Chinese document: terms are their Chinese names whatever the interface
language. It is posted in public: no resident is named, their issues' titles are scrubbed as on
a slip."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from store.core.models import DeliberationKind, Station
from store.core.rows import live
from store.deliberations.reading import DeliberationDetail, get_deliberation
from store.reports.slips import (
    Block,
    Value,
    cn_date,
    html_escape,
    md_escape,
    scrub_title,
    write_document,
)
from store.reports.stats import percent

# The notice is one page: it lists this many of the issues raised and counts the rest.
LISTED_ISSUES = 8


def _lines(text: str, empty: str) -> Block:
    """Text of one item a line (the topics, the decisions) as a numbered list."""
    items = [line.strip() for line in text.splitlines() if line.strip()]
    if not items:
        return Block(empty, f"<p>{html_escape(empty)}</p>")
    md = "\n".join(f"{n}. {md_escape(item)}" for n, item in enumerate(items, 1))
    html = "<ol>" + "".join(f"<li>{html_escape(item)}</li>" for item in items) + "</ol>"
    return Block(md, html)


def _issues(detail: DeliberationDetail) -> Block:
    """The issues its visits were triaged to, each once, with their status today; the visits
    not triaged yet counted."""
    seen: dict[str, tuple[str, str]] = {}
    waiting = 0
    for visit in detail.visits:
        if visit.withdrawn:
            continue
        if visit.issue_id is None:
            waiting += 1
        elif visit.issue_id not in seen:
            status = visit.issue_status.zh if visit.issue_status else ""
            seen[visit.issue_id] = (scrub_title(visit.issue_title or ""), status)
    if not seen and not waiting:
        return Block("（本次活动未登记群众反映的问题）", "<p>（本次活动未登记群众反映的问题）</p>")
    md = ["| 问题 | 办理状态 |", "|---|---|"]
    html = ["<table><thead><tr><th>问题</th><th>办理状态</th></tr></thead><tbody>"]
    for title, status in list(seen.values())[:LISTED_ISSUES]:
        md.append(f"| {md_escape(title)} | {md_escape(status)} |")
        html.append(f"<tr><td>{html_escape(title)}</td><td>{html_escape(status)}</td></tr>")
    html.append("</tbody></table>")
    more = len(seen) - LISTED_ISSUES
    notes = []
    if more > 0:
        notes.append(f"另有 {more} 件未列出。")
    if waiting:
        notes.append(f"另有 {waiting} 条意见正在分办。")
    for note in notes:
        md.append(f"\n{note}")
        html.append(f"<p>{note}</p>")
    return Block("\n".join(md), "\n".join(html))


def _signature(station: str, day: date) -> Block:
    """The station's seal and the day: a notice is the station's, not one deputy's."""
    return Block(
        f"{md_escape(station)}（盖章）　　{cn_date(day)}",
        f'<div class="signature">{html_escape(station)}（盖章）<br>{cn_date(day)}</div>',
    )


def notice_values(detail: DeliberationDetail, station: str, today: date) -> dict[str, Value]:
    """Every `$name` the deliberation template may use."""
    row = detail.row
    vote = row.vote
    reporting = row.kind == DeliberationKind.deputy_report
    heading = "代表述职满意度测评结果公示" if reporting else f"{row.kind.zh}活动情况公示"
    values: dict[str, Value] = {
        "station": station,
        "heading": heading,
        "kind": row.kind.zh,
        "held_on": cn_date(row.held_on),
        "place": row.place,
        "reporting_deputy": row.reporting_deputy or "—",
        "deputies": "、".join(detail.deputies) or "—",
        "officials": detail.officials or "—",
        "residents": str(row.residents),
        "topics": _lines(detail.topics, "（未填写）"),
        "decisions": _lines(detail.decisions, "（未填写）"),
        "visits": str(sum(1 for v in detail.visits if not v.withdrawn)),
        "issues": _issues(detail),
        "satisfied": str(vote.satisfied) if vote else "—",
        "fairly": str(vote.fairly) if vote else "—",
        "unsatisfied": str(vote.unsatisfied) if vote else "—",
        "votes": str(vote.total) if vote else "—",
        "rate": percent(vote.rate.ratio) if vote else "（未测评）",
        "today": cn_date(today),
        "signature": _signature(station, today),
    }
    # The line that names who reported: a 代表述职's only.
    values["reporter_line"] = f"述职代表：{row.reporting_deputy or '—'}　" if reporting else ""
    return values


def print_deliberation(
    *, session: Session, deliberation_id: str, today: date, templates: Path, out_dir: Path
) -> tuple[Path, Path]:
    """Write the session's notice as Markdown and HTML into `out_dir` (printing it again
    replaces the files).

    Returns:
        The Markdown and HTML paths.

    Raises:
        DeliberationNotFound.
    """
    detail = get_deliberation(session=session, deliberation_id=deliberation_id, today=today)
    station = session.exec(select(Station.name).where(live(Station))).first() or ""
    row = detail.row
    return write_document(
        name="deliberation",
        values=notice_values(detail, station, today),
        templates=templates,
        out_dir=out_dir,
        stem=f"议事活动-{row.held_on.isoformat()}-{row.kind.zh}-{row.place[:20]}",
    )
