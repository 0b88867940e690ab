"""A suggestion printed in the standard form (代表建议), Markdown and HTML on A4, from the
station's editable template `suggestion` (store/reports/templates, copied to the station's own
templates folder like the slips'). An official Chinese document: terms are their Chinese names
whatever the interface language. Its sources are quoted as the slips quote residents: no names,
phones masked, ID numbers left out."""

from __future__ import annotations

from datetime import date, tzinfo
from pathlib import Path

from sqlmodel import Session, select

from store.core.clock import to_local
from store.core.models import Satisfaction, Station
from store.core.rows import live
from store.reports.slips import (
    Block,
    Value,
    cn_date,
    html_escape,
    md_escape,
    scrub,
    signature_block,
    write_document,
)
from store.suggestions.suggestions import SourceRow, SuggestionDetail, get_suggestion


def _sources_block(sources: tuple[SourceRow, ...], tz: tzinfo) -> Block:
    if not sources:
        return Block("（无）", "<p>（无）</p>")
    md, html = [], []
    for n, source in enumerate(sources, 1):
        if source.issue_id is not None:
            when = cn_date(source.opened_on) if source.opened_on else ""
            line = f"事项（{when}受理）：{scrub(source.text)}"
        else:
            at = to_local(source.received_at, tz) if source.received_at else None
            line = f"群众来访（{cn_date(at.date()) if at else ''}）：{scrub(source.text)}"
        md.append(f"{n}. {md_escape(line)}")
        html.append(f"<li>{html_escape(line)}</li>")
    return Block("\n".join(md), "<ol>" + "".join(html) + "</ol>")


def _ticks(chosen: str | None) -> str:
    return "　".join(("☑" if s.zh == chosen else "□") + s.zh for s in Satisfaction)


def form_values(
    detail: SuggestionDetail, station: str, today: date, tz: tzinfo
) -> dict[str, Value]:
    """Every `$name` the suggestion template may use."""
    row = detail.row
    blank = "＿＿＿＿"
    return {
        "station": station,
        "title": row.title,
        "lead_deputy": row.lead_deputy,
        "co_signers": "、".join(detail.co_signers) or "（无）",
        "reason": detail.reason or "（未填写）",
        "proposal": detail.proposal or "（未填写）",
        "basis": detail.basis or "（逐件选取）",
        "sources": _sources_block(detail.sources, tz),
        "status": row.status.zh,
        "drafted_on": cn_date(row.drafted_on),
        "submitted_to": detail.submitted_to or blank,
        "submitted_on": cn_date(row.submitted_on) if row.submitted_on else blank,
        "handling_units": detail.handling_units or blank,
        "answered_on": cn_date(detail.answered_on) if detail.answered_on else blank,
        "answer": detail.answer or "（尚未答复）",
        "satisfaction": _ticks(row.satisfaction.zh if row.satisfaction else None),
        "resupervised": str(row.resupervised),
        "today": cn_date(today),
        "signature": signature_block(station, row.lead_deputy, today, role="领衔代表"),
    }


def print_suggestion(
    *,
    session: Session,
    suggestion_id: str,
    today: date,
    tz: tzinfo,
    templates: Path,
    out_dir: Path,
) -> tuple[Path, Path]:
    """Write the suggestion's form as Markdown and HTML into `out_dir` (printing it again
    replaces the files).

    Returns:
        The Markdown and HTML paths.

    Raises:
        SuggestionNotFound.
    """
    detail = get_suggestion(session=session, suggestion_id=suggestion_id)
    station = session.exec(select(Station.name).where(live(Station))).first() or ""
    return write_document(
        name="suggestion",
        values=form_values(detail, station, today, tz),
        templates=templates,
        out_dir=out_dir,
        stem=f"代表建议-{detail.row.drafted_on.isoformat()}-{detail.row.title[:20]}",
    )
