"""The summary of opinions on a draft (立法意见汇总) the station sends to the legislature: the
draft's figures, the counts per article, and the residents' words article by article.

HTML on A4 and Markdown from the station's editable template `legislative_summary`
(store/reports/templates, copied to the station's templates folder like the slips'), and an .xlsx
workbook (one opinion a row, and the counts per article). An official Chinese document: terms
are their Chinese names whatever the interface language.

No personal data in clear: who gave an opinion shows as a masked name (王**), and in the words
the names of everyone who gave an opinion on the draft are masked too; phone numbers in them
are masked and ID numbers left out (store.reports.slips.scrub)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from store.core.files import file_slug, written_whole
from store.core.models import Station
from store.core.rows import live
from store.core.validation import mask_name
from store.legislation.drafts import Counts, DraftDetail, get_draft
from store.legislation.opinions import OpinionRow, all_opinions
from store.reports.slips import (
    Block,
    Value,
    cn_date,
    ensure_templates,
    html_escape,
    md_escape,
    render_template,
    scrub,
)
from store.reports.stats import percent

TEMPLATE = "legislative_summary"
FORMATS = ("html", "md", "xlsx")
GENERAL = "总体意见"
NOT_SIGNED = "未署名"
# An article's text as quoted above its opinions: enough to know which it is.
QUOTE_MAX = 120


@dataclass(frozen=True)
class Summary:
    """What every format of the summary prints."""

    station: str
    detail: DraftDetail
    opinions: tuple[OpinionRow, ...]
    today: date

    @property
    def names(self) -> list[str]:
        """The names of those who gave opinions, longest first (李秀英 before a 李秀 in it). A
        one-character name is left alone: masking it would mask a common character everywhere."""
        return sorted({o.who for o in self.opinions if len(o.who) >= 2}, key=len, reverse=True)


def read_summary(*, session: Session, draft_id: str, today: date) -> Summary:
    """Everything the summary of `draft_id` prints.

    Raises:
        DraftNotFound.
    """
    detail = get_draft(session=session, draft_id=draft_id)
    station = session.exec(select(Station.name).where(live(Station))).first() or ""
    return Summary(station, detail, all_opinions(session=session, draft_id=draft_id), today)


def masked_words(text: str, names: Iterable[str]) -> str:
    """Residents' words as the summary prints them: the givers' names masked, phone numbers
    masked, ID numbers left out."""
    for name in names:
        text = text.replace(name, mask_name(name))
    return scrub(text)


def giver(opinion: OpinionRow) -> str:
    return mask_name(opinion.who) if opinion.who else NOT_SIGNED


def answer_text(opinion: OpinionRow) -> str:
    return opinion.adoption.zh if opinion.adoption else "待反馈"


def _quote(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= QUOTE_MAX else line[: QUOTE_MAX - 1] + "…"


def _groups(summary: Summary) -> list[tuple[str, str, list[OpinionRow]]]:
    """(label, the article's text, its opinions) for the draft as a whole and each article
    with opinions, in the order of the text."""
    by_article: dict[str | None, list[OpinionRow]] = {}
    for opinion in summary.opinions:
        by_article.setdefault(opinion.article_id, []).append(opinion)
    out = []
    if None in by_article:
        out.append((GENERAL, "", by_article[None]))
    for article in summary.detail.articles:
        if article.id in by_article:
            out.append((article.label, article.text, by_article[article.id]))
    return out


def article_counts(detail: DraftDetail) -> list[tuple[str, Counts]]:
    rows: list[tuple[str, Counts]] = []
    if detail.general.opinions:
        rows.append((GENERAL, detail.general))
    rows += [(a.label, a.counts) for a in detail.articles if a.counts.opinions]
    return rows


_COUNT_HEADINGS = ("条款", "意见数", "采纳", "部分采纳", "未采纳", "待反馈", "采纳率")


def _count_cells(counts: Counts) -> list[str]:
    return [
        str(counts.opinions),
        str(counts.adopted),
        str(counts.partly),
        str(counts.not_adopted),
        str(counts.awaiting),
        percent(counts.adoption_rate.ratio),
    ]


def _by_article(detail: DraftDetail) -> Block:
    rows = article_counts(detail)
    if not rows:
        return Block("（尚未收到意见）", "<p>（尚未收到意见）</p>")
    total = ("合计", detail.row.counts)
    md = ["| " + " | ".join(_COUNT_HEADINGS) + " |", "|---" * len(_COUNT_HEADINGS) + "|"]
    html = ["<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in _COUNT_HEADINGS)]
    html.append("</tr></thead><tbody>")
    for label, counts in [*rows, total]:
        cells = [label, *_count_cells(counts)]
        md.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
        cls = ' class="total"' if label == total[0] else ""
        html.append(f"<tr{cls}>" + "".join(f"<td>{html_escape(c)}</td>" for c in cells) + "</tr>")
    html.append("</tbody></table>")
    silent = len(detail.articles) - sum(1 for a in detail.articles if a.counts.opinions)
    if silent:
        md.append(f"\n其余 {silent} 条未收到意见。")
        html.append(f"<p>其余 {silent} 条未收到意见。</p>")
    return Block("\n".join(md), "\n".join(html))


def _opinion_line(opinion: OpinionRow, names: Sequence[str]) -> str:
    where = "，".join(
        part for part in (giver(opinion), opinion.place, cn_date(opinion.given_on)) if part
    )
    line = f"{masked_words(opinion.text, names)}（{where}；{answer_text(opinion)}"
    if opinion.answer:
        line += f"：{masked_words(opinion.answer, names)}"
    return line + "）"


def _opinion_list(summary: Summary) -> Block:
    groups = _groups(summary)
    if not groups:
        return Block("（尚未收到意见）", "<p>（尚未收到意见）</p>")
    names = summary.names
    md: list[str] = []
    html: list[str] = []
    for label, text, opinions in groups:
        md.append(f"### {md_escape(label)}（{len(opinions)} 条）\n")
        html.append(f"<h3>{html_escape(label)}（{len(opinions)} 条）</h3>")
        if text:
            md.append(f"> {md_escape(_quote(text))}\n")
            html.append(f"<blockquote>{html_escape(_quote(text))}</blockquote>")
        lines = [_opinion_line(o, names) for o in opinions]
        md += [f"{n}. {md_escape(line)}" for n, line in enumerate(lines, 1)]
        md.append("")
        html.append("<ol>" + "".join(f"<li>{html_escape(line)}</li>" for line in lines) + "</ol>")
    return Block("\n".join(md).rstrip(), "\n".join(html))


def summary_values(summary: Summary) -> dict[str, Value]:
    """Every `$name` the template may use."""
    detail = summary.detail
    row = detail.row
    counts = row.counts
    blank = "＿＿＿＿"
    return {
        "station": summary.station,
        "title": row.title,
        "source": row.source or blank,
        "loaded_on": cn_date(row.loaded_on),
        "due_on": cn_date(row.due_on) if row.due_on else blank,
        "articles": str(len(detail.articles)),
        "articles_with": str(sum(1 for a in detail.articles if a.counts.opinions)),
        "opinions": str(counts.opinions),
        "general": str(detail.general.opinions),
        "answered": str(counts.answered),
        "adopted": str(counts.adopted),
        "partly": str(counts.partly),
        "not_adopted": str(counts.not_adopted),
        "awaiting": str(counts.awaiting),
        "adoption_rate": str(counts.adoption_rate),
        "by_article": _by_article(detail),
        "opinion_list": _opinion_list(summary),
        "today": cn_date(summary.today),
    }


# ---------------------------------------------------------------------------------------------
# Writing


def _write_text(summary: Summary, fmt: str, templates: Path, out: Path) -> None:
    ensure_templates(templates)
    template = (templates / f"{TEMPLATE}.{fmt}").read_text(encoding="utf-8")
    with written_whole(out) as part:
        part.write_text(render_template(template, summary_values(summary), fmt), encoding="utf-8")


def write_summary(summary: Summary, out: Path, *, templates: Path) -> Path:
    """Write the summary to `out`, its format by its suffix (.html, .md or .xlsx); the file
    appears whole or not at all.

    Raises:
        ValueError: another suffix.
    """
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(out.suffix)
    if fmt == "xlsx":
        from store.legislation.summary_xlsx import write_summary_xlsx

        with written_whole(out) as part:
            write_summary_xlsx(summary, part)
    else:
        _write_text(summary, fmt, templates, out)
    return out


def export_summary(
    *, session: Session, draft_id: str, today: date, templates: Path, out_dir: Path
) -> tuple[Path, ...]:
    """Write the summary of `draft_id` into `out_dir` in each format (HTML, Markdown, .xlsx);
    exporting again replaces the files.

    Returns:
        The paths written.

    Raises:
        DraftNotFound.
    """
    summary = read_summary(session=session, draft_id=draft_id, today=today)
    stem = file_slug(f"立法意见汇总-{summary.detail.row.title[:30]}", default="立法意见汇总")
    return tuple(
        write_summary(summary, out_dir / f"{stem}.{fmt}", templates=templates) for fmt in FORMATS
    )
