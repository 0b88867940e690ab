"""How urgency and likeness read on screen:
"紧急度 25：逾期 5 天 +10 · 重复来访 2 次 +6 · 困难群体 +5",
"同村 · 同类 · 共有词：飞线、充电"."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from store.core.models import VisitKind
from store.desk.similar import Likeness
from store.desk.urgency import Urgency, UrgencyPart
from tui.i18n import label, t, tn

# Shared words shown after a proposal: enough to recognise the problem, short enough for a line.
WORDS_SHOWN = 4


# Each reason by its key in the store (store.desk.urgency), with the days or times it counts.
REASONS: dict[str, Callable[[int], str]] = {
    "overdue": lambda n: t("urgency.overdue", amount=n),
    "due_soon": lambda n: t("urgency.due_soon", amount=n),
    "repeat": lambda n: tn("urgency.repeat", n),
    "vulnerable": lambda n: t("urgency.vulnerable", amount=n),
    "resupervision": lambda n: t("urgency.resupervision", amount=n),
    "came_before": lambda n: t("urgency.came_before", amount=n),
    "waiting": lambda n: t("urgency.waiting", amount=n),
}


def part_text(part: UrgencyPart) -> str:
    """One reason with its points: "逾期 5 天 +10", "诉求 +4"."""
    if part.key.startswith("kind."):
        name = label(VisitKind(part.key.removeprefix("kind.")))
    else:
        reason = REASONS.get(part.key)
        name = part.key if reason is None else reason(part.amount)
    return f"{name} +{part.points}"


def urgency_text(urgency: Urgency) -> Text:
    """The score and its breakdown on one line."""
    out = Text(t("urgency.score", score=urgency.score), style="bold")
    out.append(t("text.colon"))
    if not urgency.parts:
        out.append(t("urgency.none"), style="dim")
        return out
    out.append(" · ".join(part_text(p) for p in urgency.parts))
    return out


def likeness_text(likeness: Likeness, own: bool = False) -> str:
    """Why something looks like the same problem."""
    reasons = []
    if own:
        reasons.append(t("triage.reason_own"))
    if likeness.same_village:
        reasons.append(t("triage.reason_village"))
    if likeness.same_category:
        reasons.append(t("triage.reason_category"))
    if likeness.shared_words:
        words = t("text.list").join(likeness.shared_words[:WORDS_SHOWN])
        reasons.append(t("triage.reason_words", words=words))
    return " · ".join(reasons)
