"""The quarterly report as one self-contained HTML file: inline SVG charts, no script, no
external file, and CSS that prints on A4. Every string from the database is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from store.core.models import Colour, Tier
from store.reports.stats import Share, percent

if TYPE_CHECKING:
    from store.reports.quarterly_report import Cell, Name, QuarterReport, Text

# Print-safe colours for the three-colour board, paired with their glyphs (● ▲ ■).
_FILL = {Colour.green: "#2e7d32", Colour.yellow: "#f9a825", Colour.red: "#c62828"}

_CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
       font-size: 10.5pt; color: #111; max-width: 180mm; margin: 0 auto; }
h1 { font-size: 16pt; margin: 0 0 2mm; } h2 { font-size: 12.5pt; margin: 6mm 0 2mm;
     border-bottom: 0.4mm solid #444; break-after: avoid; }
table { border-collapse: collapse; width: 100%; break-inside: auto; }
tr { break-inside: avoid; } thead { display: table-header-group; }
th, td { border: 0.2mm solid #999; padding: 1mm 1.5mm; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #eee; } .below { background: #fde8e8; } .total td { font-weight: bold; }
figure { margin: 3mm 0; break-inside: avoid; } figcaption { font-weight: bold; }
svg { width: 100%; height: auto; } .note { font-size: 9pt; color: #333; }
@media print { a { color: inherit; text-decoration: none; } }
"""
# The A4 page set-up, shared with the official slips and the deputies' record (store.reports.slips).
PRINT_CSS = _CSS


def _el(tag: str, content: str, attrs: str = "") -> str:
    """One element around `content`, escaped. The catalogue's words are looked up outside
    f-strings, where `make catalogue` finds their keys."""
    return f"<{tag}{attrs}>{escape(content)}</{tag}>"


def _text(cell: Cell, brief: bool) -> str:
    """A cell as the page shows it: a rate as `60.0% (3/5)`, or as `60.0%` where `brief` (the
    figure tables, which must fit an A4 page)."""
    if isinstance(cell, Share):
        return percent(cell.ratio) if brief else str(cell)
    return str(cell)


def _table(
    headings: list[str],
    rows: Sequence[Sequence[Cell]],
    classes: list[str] | None = None,
    *,
    brief: bool = False,
) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes and classes[i] else ""
        cells = "".join(f"<td>{escape(_text(c, brief))}</td>" for c in row)
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def bar_svg(labels: list[str], values: list[float], *, percent: bool = False) -> str:
    """A bar chart as inline SVG (values ≥ 0; rates 0–1 when `percent`)."""
    width, height, left, bottom = 640, 220, 44, 36
    top = max(values, default=0) if not percent else 1.0
    top = top or 1
    n = max(len(values), 1)
    step = (width - left - 8) / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}" '
        'stroke="#444" stroke-width="1"/>',
    ]
    for frac in (0.5, 1.0):
        y = height - bottom - frac * (height - bottom - 12)
        tick = f"{frac * 100:.0f}%" if percent else f"{top * frac:.0f}"
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{escape(tick)}</text>"
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 4}" y2="{y:.1f}" stroke="#ccc"/>'
        )
    every = max(1, n // 12)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = value / top * (height - bottom - 12)
        x = left + i * step + step * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{h:.1f}" fill="#3f6fb5"><title>{escape(label)}: '
            f"{escape(f'{value * 100:.1f}%' if percent else str(int(value)))}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + step * 0.35:.1f}" y="{height - bottom + 14}" font-size="10" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def stacked_svg(labels: list[str], counts: list[dict[Colour, int]], glyphs: list[str]) -> str:
    """Horizontal 100% bars of the colour mix, one per label."""
    width, row, left = 640, 30, 90
    height = row * len(labels) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img">']
    for i, (label, mix) in enumerate(zip(labels, counts, strict=True)):
        y = 6 + i * row
        total = sum(mix.values()) or 1
        x = float(left)
        parts.append(f'<text x="0" y="{y + 16}" font-size="12">{escape(label)}</text>')
        for colour in (Colour.red, Colour.yellow, Colour.green):
            w = mix.get(colour, 0) / total * (width - left - 10)
            if w > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" '
                    f'fill="{_FILL[colour]}"><title>{escape(colour.glyph)} {mix[colour]}'
                    "</title></rect>"
                )
                if w > 28:
                    parts.append(
                        f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="11" fill="#fff">'
                        f"{escape(colour.glyph)} {mix[colour]}</text>"
                    )
            x += w
    legend = " ".join(glyphs)
    parts.append(f'<text x="{left}" y="{height - 6}" font-size="11">{escape(legend)}</text></svg>')
    return "".join(parts)


def render(report: QuarterReport, *, text: Text, name: Name) -> str:
    from store.reports.quarterly_report import (
        below_headings,
        below_rows,
        colour_headings,
        footnote,
        group_headings,
        groupings,
        headline_rows,
        move_headings,
        move_tables,
        observer_headings,
        observer_rows,
        point_headings,
        point_rows,
        session_headings,
        session_rows,
        table_headings,
        tier_rows,
        unit_marks,
        unit_rows,
    )

    title = text("report.title", station=report.station, period=report.period.title(text))
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        _el("p", text("stats.def.as_of", date=report.as_of.isoformat()), ' class="note"'),
        _el("h2", text("report.headline")),
        _table(
            [text("report.figure"), text("report.value")],
            [list(r) for r in headline_rows(report, text)],
        ),
        _el("h2", text("report.by_tier")),
    ]
    tiers = tier_rows(report, text, name)
    # The last row is the totals.
    out.append(
        _table(table_headings(text, name), tiers, [""] * (len(tiers) - 1) + ["total"], brief=True)
    )
    out += [
        _el("h2", text("report.by_unit")),
        _table(
            table_headings(text, name),
            unit_rows(report, name),
            # A county department's total across stations (a hub's report) in bold.
            unit_marks(report),
            brief=True,
        ),
    ]
    for section, rows in groupings(report, text, name):
        out += [_el("h2", section), _table(group_headings(text), rows, brief=True)]
    out.append(_el("h2", text("report.moves")))
    for number, (grouping, rows) in enumerate(move_tables(report, text, name)):
        # The first, the tiers', ends with the totals.
        classes = [""] * (len(rows) - 1) + ["total"] if number == 0 else None
        if rows:
            out.append(_table([grouping, *move_headings(text)], rows, classes))
    # Deliberation sessions (议事活动), a row per kind held, then the totals.
    sessions = session_rows(report, text, name)
    out += [
        _el("h2", text("report.sessions")),
        _table(session_headings(text), sessions, [""] * (len(sessions) - 1) + ["total"]),
    ]
    # Observers (民情观察员) and points, each table ending with its totals.
    for section, headings, rows in (
        (text("report.observers"), observer_headings(text), observer_rows(report, text, name)),
        (text("report.points"), point_headings(text), point_rows(report, text, name)),
    ):
        out += [
            _el("h2", section),
            _table(headings, rows, [""] * (len(rows) - 1) + ["total"], brief=True),
        ]
    out.append(_el("h2", text("report.below")))
    if report.below:
        out.append(_table(below_headings(text), below_rows(report, name)))
    else:
        out.append(_el("p", text("report.none_below")))
    out.append(_el("h2", text("report.rising")))
    if report.rising is None:
        out.append(_el("p", text("report.no_words")))
    elif not report.rising:
        out.append(_el("p", text("report.no_rising")))
    else:
        out.append(
            _table(
                [text("report.word"), text("report.count"), text("report.previous")],
                [[w.word, w.count, w.previous] for w in report.rising],
            )
        )
    out += [
        _el("h2", text("report.charts")),
        "<figure>" + _el("figcaption", text("stats.chart.weeks")),
        bar_svg([d.strftime("%m-%d") for d, _ in report.weeks], [n for _, n in report.weeks]),
        "</figure>",
        "<figure>" + _el("figcaption", text("stats.chart.trend")),
        bar_svg(
            [d.strftime("%y-%m") for d, _, _ in report.trend],
            [done / decided if decided else 0 for _, decided, done in report.trend],
            percent=True,
        ),
        "</figure>",
        "<figure>" + _el("figcaption", text("stats.chart.colours")),
        stacked_svg(
            [name(t) for t in Tier],
            [report.colours_by_tier.get(t.value, {}) for t in Tier],
            colour_headings(name),
        ),
        "</figure>",
        _el("h2", text("report.notes")),
        *[f'<p class="note">{escape(line)}</p>' for line in footnote(report, text)],
        "</body></html>",
    ]
    return "\n".join(out)
