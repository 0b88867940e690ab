"""What a bundle brought, in the interface language: one wording for the command line and the
sync screen (which styles each line by its kind)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from store.sync.exchange import ImportSummary
from tui.i18n import shown, t
from tui.names import KINDS


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
    parts = [t("sync.count", kind=shown(KINDS[k]), n=merge.by_table[k]) for k in named]
    others = sum(n for kind, n in merge.by_table.items() if kind not in named)
    if others:
        parts.append(t("sync.count", kind=t("sync.kind.other"), n=others))
    if parts:
        lines.append(Line("detail", t("sync.added", list=t("sync.list_separator").join(parts))))
    if merge.updated:
        lines.append(Line("detail", t("sync.updated", n=merge.updated)))
    if merge.conflicts:
        lines.append(Line("conflicts", t("sync.in_conflicts", n=merge.conflicts)))
    for device in summary.clock_ahead:
        lines.append(Line("warning", t("sync.clock_ahead", device=device)))
    return lines
