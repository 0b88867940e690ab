"""What a resident is told (告知): the message of each event, from plain-text templates the
station edits beside its slips (`<db>.files/templates/notice_<event>.txt`, copied there from
`store/reports/templates/` on first use: store.reports.slips.ensure_templates).

Filled with `string.Template.safe_substitute`, as the slips are: `$title` is a field, `$$` a
dollar sign, an unknown `$name` stays as typed, and `<!-- … -->` is the template's own note. The
message is read out or sent as an SMS, so it is plain text: nothing is escaped, and the screen
shows it as plain text (a `[` in a title is not markup). Numbers a resident spoke into the
issue's title are masked, as on every screen. Chinese whatever the interface language: it is
said to a resident, like the slips are printed for a unit."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from string import Template

from store.core.models import NoticeEvent, Tier
from store.core.validation import mask_numbers
from store.reports.slips import TEMPLATES, cn_date


def template_name(event: NoticeEvent) -> str:
    """`notice_closed.txt`: the file of an event's message."""
    return f"notice_{event.value}.txt"


def load_notice_templates(folder: Path | None) -> dict[NoticeEvent, str]:
    """Each event's template: the station's own in `folder`, else the default shipped.

    Args:
        folder: the station's templates folder (None: the defaults only).
    """
    out = {}
    for event in NoticeEvent:
        own = folder / template_name(event) if folder is not None else None
        source = own if own is not None and own.is_file() else TEMPLATES / template_name(event)
        out[event] = source.read_text(encoding="utf-8")
    return out


@dataclass(frozen=True)
class NoticeFacts:
    """What a message may say: the resident, the issue as it stands, the station."""

    resident: str
    title: str
    event: NoticeEvent
    tier: Tier
    unit: str
    due_on: date
    opened_on: date
    closed_on: date | None
    station: str
    station_phone: str
    deputy: str
    today: date


_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)


def notice_values(facts: NoticeFacts) -> dict[str, str]:
    """Every `$name` a notice template may use."""
    return {
        "resident": facts.resident,
        "title": mask_numbers(facts.title),
        "event": facts.event.zh,
        "tier": facts.tier.zh,
        "unit": facts.unit,
        # A deadline passed is not told as one to come (a merge keeps the earlier due date).
        "due": cn_date(facts.due_on)
        + ("（已超期，联络站正在督办）" if facts.due_on < facts.today else ""),
        "opened": cn_date(facts.opened_on),
        "closed_on": cn_date(facts.closed_on) if facts.closed_on else "（未办结）",
        "station": facts.station,
        "station_phone": facts.station_phone or "联络站",
        "deputy": facts.deputy,
        "today": cn_date(facts.today),
    }


def notice_message(templates: Mapping[NoticeEvent, str], facts: NoticeFacts) -> str:
    """The message for `facts.event`, filled in, on as many lines as its template has."""
    template = _COMMENT.sub("", templates[facts.event])
    return Template(template).safe_substitute(notice_values(facts)).strip()
