"""What a bundle brought, in the interface language: one wording for the command line and the
sync screen (which styles each line by its kind)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from store.sync.exchange import ImportSummary
from tui.i18n import t, tn
from tui.names import KINDS, others


@dataclass(frozen=True)
class Line:
    kind: Literal["header", "detail", "conflicts", "warning"]
    text: str


def import_summary_lines(summary: ImportSummary) -> list[Line]:
    merge = summary.merge
    lines = [
        Line("header", t("sync.in_header", sender=summary.sender, new=merge.new, known=merge.known))
    ]
    named = [k for k in KINDS if merge.by_table.get(k)]
    parts = [KINDS[k](merge.by_table[k]) for k in named]
    rest = sum(n for kind, n in merge.by_table.items() if kind not in named)
    if rest:
        parts.append(others(rest))
    if parts:
        lines.append(Line("detail", t("sync.added", list=t("text.list").join(parts))))
    if merge.updated:
        lines.append(Line("detail", tn("sync.updated", merge.updated)))
    if merge.conflicts:
        lines.append(Line("conflicts", tn("sync.in_conflicts", merge.conflicts)))
    for device in summary.clock_ahead:
        lines.append(Line("warning", t("sync.clock_ahead", device=device)))
    if summary.renamed:
        lines.append(Line("warning", t("sync.renamed")))
    if summary.chain_rewritten:
        lines.append(Line("warning", t("sync.chain_rewritten", device=summary.sender)))
    return lines
