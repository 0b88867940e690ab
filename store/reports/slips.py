"""Official slips in the station's house format: the assignment slip to the unit (交办单), the
reminder notice for an overdue issue (催办通知书) and the record of a follow-up call (回访记录).

Each is written as Markdown and as one self-contained HTML file that prints on A4, from templates
the station can edit: the defaults ship in `store/templates/`, are copied to the station's own
template folder on first use, and that copy is what is rendered (`string.Template`,
`safe_substitute`: an unknown `$name` stays as typed rather than failing a print). Values are
escaped for their format (HTML entities; Markdown backslashes), so a resident's `<script>` or
`[bold]` is printed as the characters it is. Residents' phones are masked and ID numbers left out,
in the fields and inside their words.

The slips that go to the handling unit (交办单, 催办通知书) carry a resident's name and phone only
from the visits where the resident agreed to it (同意转交, `Visit.consent_forward`); the other
visits show `（未同意转交）` in their place, and their words lose the resident's name and every
phone number. The follow-up call record stays at the station and keeps them (masked).

Slips are official Chinese documents: domain terms are their Chinese names whatever the interface
language."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from enum import StrEnum
from html import escape
from pathlib import Path
from string import Template

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.changelog.changes import write_context
from store.core.clock import to_local
from store.core.errors import N_, IssueNotFound, StoreError
from store.core.files import copy_private, file_slug, private_dir, written_whole
from store.core.models import (
    Channel,
    Constituent,
    Deputy,
    Device,
    DeviceKind,
    Evaluation,
    Issue,
    IssueStatus,
    LocalMeta,
    Progress,
    Resolution,
    Satisfaction,
    Station,
    Visit,
)
from store.core.rows import live
from store.core.validation import mask_numbers, mask_phone
from store.desk.issue_rows import get_issue_row

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("md", "html")
# What the templates folder holds: the printed documents, and the plain-text messages residents
# are told (store.desk.notice_text).
TEMPLATE_SUFFIXES = (*FORMATS, "txt")


class SlipKind(StrEnum):
    assignment = "assignment"
    reminder = "reminder"
    call_record = "call_record"


# The word of the slip number (青石〔2026〕交办第 12 号) and of the file name.
NUMBER_WORD = {SlipKind.assignment: "交办", SlipKind.reminder: "催办", SlipKind.call_record: "回访"}
FILE_WORD = {
    SlipKind.assignment: "交办单",
    SlipKind.reminder: "催办通知书",
    SlipKind.call_record: "回访记录",
}


# The slips handed to the handling unit: what they say about residents needs their consent.
FOR_UNIT = frozenset({SlipKind.assignment, SlipKind.reminder})


class IssueNotOverdue(StoreError):
    """A reminder notice (催办通知书) is for an overdue issue only."""

    key = N_("slip.not_overdue")


# ---------------------------------------------------------------------------------------------
# Residents' words as printed: phones masked, ID numbers left out, escaped per format.

ID_LEFT_OUT = "〔证件号码已略〕"
# In a unit's slip, for a resident who did not agree to forwarding (同意转交).
NOT_CONSENTED = "（未同意转交）"
NAME_LEFT_OUT = "〔姓名已略〕"
PHONE_LEFT_OUT = "〔电话已略〕"


def scrub_title(title: str) -> str:
    """An issue's title as a slip prints it: `scrub` (a number cut off by the title's
    ellipsis is masked too: store.core.validation.mask_numbers)."""
    return scrub(title)


def scrub(text: str) -> str:
    """A resident's words with ID numbers left out and phone numbers masked."""
    return mask_numbers(text, id_as=ID_LEFT_OUT)


# CommonMark lets any ASCII punctuation be escaped; these are the ones that would make markup
# (emphasis, links, raw HTML, entities, headings, tables) out of a resident's words.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!&{}])")


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def html_escape(text: str) -> str:
    return escape(text).replace("\n", "<br>")


@dataclass(frozen=True)
class Block:
    """A piece already written in both formats (a list of visits, the signature): substituted
    as it is, so its own escaping is kept."""

    md: str
    html: str


Value = str | Block


# ---------------------------------------------------------------------------------------------
# Templates and writing


def ensure_templates(folder: Path, *, former: Path | None = None) -> None:
    """Copy the default templates the station does not have yet into `folder`; the station's
    own (edited) files are never overwritten.

    Args:
        former: the templates folder every database on the machine shared before each had its
            own (store.core.files.station_folders). When `folder` is first made, the templates
            edited there (those that differ from the defaults) are copied in, so a station's
            edits are not lost; the former folder is left as it is, for the other databases.
    """
    first = not folder.exists()
    private_dir(folder)
    defaults = [d for d in sorted(TEMPLATES.iterdir()) if d.suffix.lstrip(".") in TEMPLATE_SUFFIXES]
    if first and former is not None and former.is_dir():
        for default in defaults:
            edited = former / default.name
            if edited.is_file() and edited.read_bytes() != default.read_bytes():
                copy_private(edited, folder / default.name)
    for default in defaults:
        if not (folder / default.name).exists():
            copy_private(default, folder / default.name)


def render_template(template: str, values: Mapping[str, Value], fmt: str) -> str:
    """Fill a template: plain values escaped for `fmt` ("md" or "html"), blocks as they are."""
    from store.reports.html import PRINT_CSS

    filled: dict[str, str] = {"print_css": PRINT_CSS if fmt == "html" else ""}
    for name, value in values.items():
        if isinstance(value, Block):
            filled[name] = value.html if fmt == "html" else value.md
        else:
            filled[name] = html_escape(value) if fmt == "html" else md_escape(value)
    # Comments are the template's own notes (what each `$name` is), not part of the document.
    return Template(_COMMENT.sub("", template)).safe_substitute(filled)


_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)


def write_document(
    *, name: str, values: Mapping[str, Value], templates: Path, out_dir: Path, stem: str
) -> tuple[Path, Path]:
    """Render template `name` (`<name>.md`, `<name>.html` in `templates`, copied there from the
    defaults if missing) into `out_dir/<stem>.md` and `.html`. Each file appears whole or not
    at all.

    Returns:
        The Markdown and HTML paths.
    """
    ensure_templates(templates)
    written = []
    for fmt in FORMATS:
        template = (templates / f"{name}.{fmt}").read_text(encoding="utf-8")
        out = out_dir / f"{file_slug(stem, default='slip')}.{fmt}"
        with written_whole(out) as part:
            part.write_text(render_template(template, values, fmt), encoding="utf-8")
        written.append(out)
    return written[0], written[1]


# ---------------------------------------------------------------------------------------------
# The slips' facts


@dataclass(frozen=True)
class Words:
    """One visit of the issue as the slip quotes it."""

    at: datetime
    resident: str
    phone_masked: str
    channel: Channel
    text: str
    # The resident agreed that their name and phone go to the handling unit (同意转交).
    consented: bool = True


def leave_out(text: str, names: Sequence[str]) -> str:
    """`text` without these names and without any phone or ID number, not even masked."""
    for name in names:
        text = text.replace(name, NAME_LEFT_OUT)
    return mask_numbers(text, id_as=ID_LEFT_OUT, phone_as=PHONE_LEFT_OUT)


def withheld_names(words: Sequence[Words]) -> list[str]:
    """The names of the residents who did not agree to forwarding, longest first (so 李秀英 goes
    before a 李秀 that is part of it). A one-character name is left: cutting it out would cut
    every occurrence of a common character out of the text."""
    names = {w.resident for w in words if not w.consented and len(w.resident) >= 2}
    return sorted(names, key=lambda n: (-len(n), n))


def for_unit(words: Sequence[Words], names: Sequence[str]) -> tuple[Words, ...]:
    """The visits as the handling unit may see them: a resident who did not consent has no name
    and no phone on the slip, in the heading or inside anyone's words (where a resident often
    gives them: "我是李秀英，电话…"); the words themselves still go, the unit needs the problem."""
    # One resident, one answer on the slip: a visit of theirs without consent (a later visit
    # logged unticked, or consent withdrawn on one) keeps them off every visit's heading too,
    # or the heading would name whom the words were scrubbed of.
    refused = {w.resident for w in words if not w.consented}
    out = []
    for w in words:
        if w.consented and w.resident not in refused:
            text = w.text
            for name in names:
                text = text.replace(name, NAME_LEFT_OUT)
            out.append(replace(w, text=text))
        else:
            out.append(
                replace(w, resident=NOT_CONSENTED, phone_masked="", text=leave_out(w.text, names))
            )
    return tuple(out)


@dataclass(frozen=True)
class CallFacts:
    """A follow-up call: its answers, or None for a blank record filled in by hand."""

    resident: str
    phone_masked: str
    at: datetime | None
    caller: str
    resolution: Resolution | None
    satisfaction: Satisfaction | None
    note: str


@dataclass(frozen=True)
class SlipData:
    kind: SlipKind
    station: str
    number: str
    assignment_number: str
    issue_id: str
    title: str
    category: str
    village: str
    unit: str
    tier_zh: str
    status_zh: str
    opened_on: date
    due_on: date
    window_days: int
    days_overdue: int
    lead_deputy: str
    deputy: str
    today: date
    words: tuple[Words, ...]
    closed_on: date | None = None
    progress: tuple[date, str] | None = None
    call: CallFacts | None = None


def number_prefix(township: str, station: str) -> str:
    """青石镇 → 青石: the township without its 镇/乡/街道, else the station's first two
    characters."""
    for suffix in ("街道", "镇", "乡", "街"):
        if township.endswith(suffix) and len(township) > len(suffix):
            return township[: -len(suffix)]
    return township or station[:2]


def device_mark(session: Session) -> str:
    """What this device's slip numbers carry: nothing on the station's own device; on a laptop,
    two characters from its device id (K7), so that numbers given offline on two devices never
    meet. A device put back in time goes on under a new id (store.sync.identity), so with a new
    mark: it cannot give again a number it gave before the rewind."""
    device_id = session.exec(
        select(LocalMeta.value).where(col(LocalMeta.key) == "device_id")
    ).first()
    device = session.get(Device, device_id) if device_id else None
    if device is None or device.kind == DeviceKind.station:
        return ""
    code = base64.b32encode(uuid.UUID(device.id).bytes).decode()
    return code[:2]


def ensure_slip_number(*, session: Session, issue: Issue) -> None:
    """Give the issue its slip number if it has none: the next of this device's sequence in the
    year the issue was opened. Kept for ever (a logged, synced update), so printing again, or an
    older issue arriving later by sync or import, never renumbers a slip already sent."""
    if issue.slip_seq is not None:
        return
    write_context(session)  # raises on a read-only session: a number is given once, written
    year, mark = issue.opened_on.year, device_mark(session)
    last = session.exec(
        select(func.max(Issue.slip_seq)).where(
            col(Issue.slip_year) == year, col(Issue.slip_mark) == mark
        )
    ).one()
    issue.slip_year, issue.slip_mark, issue.slip_seq = year, mark, int(last or 0) + 1
    session.flush()


def slip_number(*, session: Session, issue: Issue, kind: SlipKind) -> str:
    """`青石〔2026〕交办第 12 号` (`第 K7-3 号` from a laptop): the station's prefix, the year the
    issue was opened, the kind of slip and the issue's number in that year."""
    station = session.exec(select(Station).where(live(Station))).first()
    prefix = number_prefix(station.township if station else "", station.name if station else "")
    mark = f"{issue.slip_mark}-" if issue.slip_mark else ""
    return f"{prefix}〔{issue.slip_year}〕{NUMBER_WORD[kind]}第 {mark}{issue.slip_seq} 号"


def _words(session: Session, issue_id: str) -> tuple[Words, ...]:
    # A withdrawn visit (撤回) is no longer asked for: the unit is not told of it.
    rows = session.exec(
        select(Visit, Constituent.name, Constituent.phone)
        .join(Constituent, col(Constituent.id) == Visit.constituent_id)
        .where(Visit.issue_id == issue_id, live(Visit), col(Visit.withdrawn_at).is_(None))
        .order_by(col(Visit.received_at), col(Visit.id))
    ).all()
    return tuple(
        Words(
            v.received_at,
            name,
            mask_phone(phone),
            Channel(v.channel),
            v.text,
            consented=bool(v.consent_forward),
        )
        for v, name, phone in rows
    )


def _deputy_name(session: Session, deputy_id: str | None) -> str:
    deputy = session.get(Deputy, deputy_id) if deputy_id else None
    return deputy.name if deputy else ""


def load_slip(
    *,
    session: Session,
    issue_id: str,
    kind: SlipKind,
    today: date,
    deputy_id: str | None = None,
    answered: bool = False,
) -> SlipData:
    """The facts of one slip of an issue.

    Args:
        deputy_id: the deputy on duty, who signs the slip.
        answered: for a call record, the answers of the issue's latest evaluation; otherwise
            a blank record to fill in by hand during the call.

    Raises:
        IssueNotFound: no such issue.
        IssueNotOverdue: a reminder for an issue that is closed or not past its due date.
    """
    issue = session.get(Issue, issue_id)
    row = get_issue_row(session=session, issue_id=issue_id, today=today)
    if issue is None or row is None:
        raise IssueNotFound()
    open_ = issue.status != IssueStatus.closed
    overdue = (today - issue.due_on).days if open_ and issue.due_on < today else 0
    if kind == SlipKind.reminder and overdue <= 0:
        raise IssueNotOverdue()
    ensure_slip_number(session=session, issue=issue)
    station = session.exec(select(Station.name).where(live(Station))).first()
    words = _words(session, issue_id)
    title = issue.title
    # Left out here rather than when rendering, so no template can print them. The issue's
    # title and its progress notes are made from residents' words too.
    withheld = kind in FOR_UNIT and not all(w.consented for w in words)
    names = withheld_names(words) if withheld else []
    if withheld:
        words = for_unit(words, names)
        title = leave_out(title, names)
    latest = session.exec(
        select(Progress.at, Progress.note)
        .where(
            Progress.issue_id == issue_id,
            live(Progress),
            Progress.note != "",
        )
        .order_by(col(Progress.at).desc())
        .limit(1)
    ).first()
    call = None
    if kind == SlipKind.call_record:
        call = _call(session, issue_id, words, answered, deputy_id)
    return SlipData(
        kind=kind,
        station=station or "",
        number=slip_number(session=session, issue=issue, kind=kind),
        assignment_number=slip_number(session=session, issue=issue, kind=SlipKind.assignment),
        issue_id=issue_id,
        title=title,
        category=row.category,
        village=row.village,
        unit=row.unit,
        tier_zh=row.tier.zh,
        status_zh=row.status.zh,
        opened_on=issue.opened_on,
        due_on=issue.due_on,
        window_days=issue.window_days,
        days_overdue=overdue,
        lead_deputy=row.lead_deputy or "",
        deputy=_deputy_name(session, deputy_id),
        today=today,
        words=words,
        closed_on=issue.closed_on,
        progress=(
            (latest[0].date(), leave_out(latest[1], names) if withheld else latest[1])
            if latest
            else None
        ),
        call=call,
    )


def _call(
    session: Session,
    issue_id: str,
    words: tuple[Words, ...],
    answered: bool,
    deputy_id: str | None,
) -> CallFacts:
    first = words[0] if words else None
    evaluation = (
        session.exec(
            select(Evaluation)
            .where(Evaluation.issue_id == issue_id, live(Evaluation))
            .order_by(col(Evaluation.at).desc())
            .limit(1)
        ).first()
        if answered
        else None
    )
    return CallFacts(
        resident=first.resident if first else "",
        phone_masked=first.phone_masked if first else "",
        at=evaluation.at if evaluation else None,
        caller=_deputy_name(session, evaluation.deputy_id if evaluation else deputy_id),
        resolution=Resolution(evaluation.resolution) if evaluation else None,
        satisfaction=Satisfaction(evaluation.satisfaction) if evaluation else None,
        note=evaluation.note if evaluation else "",
    )


# ---------------------------------------------------------------------------------------------
# Rendering


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def words_block(words: tuple[Words, ...], tz: tzinfo) -> Block:
    """The residents' words, each under who said it, when and how (phones masked)."""
    md, html = [], []
    for w in words:
        person = " ".join(part for part in (w.resident, w.phone_masked) if part)
        who = f"{to_local(w.at, tz).strftime('%Y-%m-%d %H:%M')} · {person} · {w.channel.zh}"
        text = scrub(w.text)
        quoted = "\n".join(f"> {md_escape(line)}" if line else ">" for line in text.split("\n"))
        md.append(f"> **{md_escape(who)}**\n>\n{quoted}")
        html.append(
            f'<div class="words"><p class="who">{html_escape(who)}</p>'
            f"<p>{html_escape(text)}</p></div>"
        )
    if not words:
        return Block("（无）", "<p>（无）</p>")
    return Block("\n\n".join(md), "\n".join(html))


def signature_block(station: str, deputy: str, day: date, role: str = "值班代表") -> Block:
    who = f"{role}：{deputy or '＿＿＿＿'}"
    return Block(
        f"{md_escape(station)}（盖章）　　{md_escape(who)}　　{cn_date(day)}",
        f'<div class="signature">{html_escape(station)}（盖章）<br>{html_escape(who)}<br>'
        f"{cn_date(day)}</div>",
    )


def _ticks(options: list[str], chosen: str | None) -> str:
    return "　".join(("☑" if o == chosen else "□") + o for o in options)


def slip_values(data: SlipData, tz: tzinfo) -> dict[str, Value]:
    """Every `$name` a slip template may use."""
    values: dict[str, Value] = {
        "station": data.station,
        "number": data.number,
        "assignment_number": data.assignment_number,
        "title": scrub_title(data.title),
        "category": data.category,
        "village": data.village,
        "unit": data.unit,
        "tier": data.tier_zh,
        "status": data.status_zh,
        "opened": cn_date(data.opened_on),
        "due": cn_date(data.due_on),
        "window": str(data.window_days),
        "days_overdue": str(data.days_overdue),
        "lead_deputy": data.lead_deputy or "（未定）",
        "deputy": data.deputy,
        "today": cn_date(data.today),
        "closed_on": cn_date(data.closed_on) if data.closed_on else "（未办结）",
        "progress": (
            f"{cn_date(data.progress[0])} {scrub(data.progress[1])}"
            if data.progress
            else "（尚无办理进展）"
        ),
        "words": words_block(data.words, tz),
        "signature": signature_block(data.station, data.deputy, data.today),
    }
    call = data.call
    if call is not None:
        values |= {
            "resident": call.resident,
            "phone": call.phone_masked,
            "called_at": (
                to_local(call.at, tz).strftime("%Y-%m-%d %H:%M")
                if call.at
                else "＿＿＿＿年＿＿月＿＿日"
            ),
            "caller": call.caller or "＿＿＿＿",
            "resolution": _ticks(
                [r.zh for r in Resolution], call.resolution.zh if call.resolution else None
            ),
            "satisfaction": _ticks(
                [s.zh for s in Satisfaction], call.satisfaction.zh if call.satisfaction else None
            ),
            "note": scrub(call.note) if call.note else ("（无）" if call.at else ""),
        }
    return values


def slip_stem(data: SlipData) -> str:
    """`交办单-青石〔2026〕交办第12号`: one file per slip; printing it again replaces it."""
    return f"{FILE_WORD[data.kind]}-{data.number.replace(' ', '')}"


def write_slip(data: SlipData, *, templates: Path, out_dir: Path, tz: tzinfo) -> tuple[Path, Path]:
    """Write the slip as Markdown and HTML into `out_dir`, from the station's templates.

    Returns:
        The Markdown and HTML paths.
    """
    return write_document(
        name=data.kind.value,
        values=slip_values(data, tz),
        templates=templates,
        out_dir=out_dir,
        stem=slip_stem(data),
    )


def print_slip(
    *,
    session: Session,
    issue_id: str,
    kind: SlipKind,
    today: date,
    tz: tzinfo,
    templates: Path,
    out_dir: Path,
    deputy_id: str | None = None,
    answered: bool = False,
) -> tuple[Path, Path]:
    """Read a slip's facts and write it (see `load_slip` and `write_slip`).

    Returns:
        The Markdown and HTML paths.
    """
    data = load_slip(
        session=session,
        issue_id=issue_id,
        kind=kind,
        today=today,
        deputy_id=deputy_id,
        answered=answered,
    )
    return write_slip(data, templates=templates, out_dir=out_dir, tz=tz)
