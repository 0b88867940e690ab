"""Table cells that respect CJK double width and never interpret residents' text."""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from rich.text import Text

from store.core.models import IssueStatus
from store.core.validation import mask_numbers
from store.desk.issue_rows import IssueRow
from tui.i18n import t


def fit(value: str, width: int, style: str = "", *, reveal: bool = False) -> Text:
    """Plain text cut to `width` terminal cells with an ellipsis: never markup, never wider.

    Phone and ID numbers in it are masked (docs/rules/data.md; residents type them into their words)
    unless the deputy revealed them: masked before the cut, so the ellipsis never leaves the
    head of a number in clear."""
    shown = value if reveal else mask_numbers(value)
    text = Text(shown.replace("\n", " "), style=style, no_wrap=True, overflow="ellipsis")
    if cell_len(text.plain) > width:
        text.truncate(width, overflow="ellipsis")
    return text


def plain(value: str, style: str = "", *, reveal: bool = False) -> Text:
    """Residents' words as literal text: `[bold]` stays `[bold]`, escapes are already gone;
    phone and ID numbers masked unless revealed."""
    return Text(value if reveal else mask_numbers(value), style=style)


def when(local: datetime, fmt: str) -> str:
    """A local instant as `fmt` writes it, but a time nobody gave: a ledger row dated without
    one is imported at the day's first minute, which showed as a made-up "00:00" (its date
    alone then; "—" where only the time is shown)."""
    if local.hour == 0 and local.minute == 0:
        fmt = fmt.replace(" %H:%M", "").replace("%H:%M", "")
        if not fmt.strip():
            return "—"
    return local.strftime(fmt)


def due_text(issue: IssueRow) -> str:
    """How an issue's due date reads: days left, due today, days over, re-supervised, closed."""
    if issue.status == IssueStatus.closed:
        return t("issue.closed_ok")
    if issue.resupervision and issue.days_left >= 0:
        return t("due.resup")
    if issue.days_left > 0:
        return t("due.left", days=issue.days_left)
    if issue.days_left == 0:
        return t("due.today")
    return t("due.over", days=-issue.days_left)
