"""The text catalogue: every word the interface shows, in zh-CN (default) and English.

The words are gettext catalogues, `tui/locale/<locale>/LC_MESSAGES/liaison.po`, managed with
Babel (`make catalogue` extracts the keys from the code, updates both files and compiles them)
and read here from their compiled `.mo` with the standard library's gettext: each language is
read once, when first used, and Babel never loads. A message id is a stable key (`dash.title`);
both languages are translations of it. Domain terms (tiers, statuses, channels…) are entries
too (`enum.tier.village`); their Chinese names are the store's (`store.core.enums`), which the
ledger reads and writes.

`t(key)` gives a `Msg`: the text in the current language, a str that remembers its key. Texts
made when a class is defined (a Binding's description, a table's column headings) are shown
again in whichever language is current through `shown`: the footer, help and the palette do
that, and switching the language at run time (`tui.language`) composes the screens again."""

from __future__ import annotations

from enum import StrEnum
from gettext import GNUTranslations
from pathlib import Path
from typing import Any

from store.core.enums import (
    Adoption,
    Channel,
    Colour,
    DayKind,
    DeliberationKind,
    DeputyLevel,
    IssueStatus,
    MoveReason,
    NoticeEvent,
    NoticeWay,
    ObserverGroup,
    PointKind,
    ProjectStatus,
    Resolution,
    ReviewTarget,
    Satisfaction,
    SuggestionStatus,
    SuggestionStep,
    Tier,
    VillageKind,
    VisitKind,
)

LANGUAGES = ("zh", "en")
# Each language's catalogue, by its gettext locale.
LOCALES = {"zh": "zh_CN", "en": "en"}
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "liaison"

_language = "zh"
_catalogues: dict[str, GNUTranslations] = {}


def set_language(lang: str) -> None:
    """Switch the interface language (`zh` or `en`; `zh-CN`, `en-US` and the like accepted)."""
    global _language
    _language = _code(lang)


def _code(lang: str) -> str:
    code = lang.lower().split("-")[0].split("_")[0]
    if code not in LANGUAGES:
        raise ValueError(lang)
    return code


def language() -> str:
    return _language


def _catalogue(lang: str) -> GNUTranslations:
    found = _catalogues.get(lang)
    if found is None:
        path = LOCALE_DIR / LOCALES[lang] / "LC_MESSAGES" / f"{DOMAIN}.mo"
        with path.open("rb") as file:
            found = _catalogues[lang] = GNUTranslations(file)
    return found


class Msg(str):
    """A text of the catalogue in the language that was current when it was made, which
    remembers its key, its parameters and its count: `again()` is the same text in the language
    current now."""

    key: str
    params: dict[str, Any]
    # Not `count`: that would hide str.count, and a Msg is handed on as a str.
    counted: int | None

    def again(self) -> Msg:
        params = {name: shown(value) for name, value in self.params.items()}
        return _message(self.key, self.counted, params)


def _message(key: str, count: int | None, params: dict[str, Any]) -> Msg:
    catalogue = _catalogue(_language)
    if count is None:
        text = catalogue.gettext(key)
        if params:
            text = text.format(**params)
    else:
        text = catalogue.ngettext(key, key, count).format(count=count, **params)
    msg = Msg(text)
    msg.key, msg.counted, msg.params = key, count, params
    return msg


def t(key: str, **params: Any) -> Msg:
    """The text for `key` in the current language, with `{name}` parameters filled in.

    An unknown key shows as itself, so a missing entry is visible rather than fatal."""
    return _message(key, None, params)


def tn(key: str, count: int, **params: Any) -> Msg:
    """The text for `key` in the plural form that `count` takes in the current language (1
    visit, 2 visits; Chinese has one form), with `{count}` and the other parameters filled in."""
    return _message(key, count, params)


def shown(text: str) -> str:
    """A catalogue text in the current language (whatever language it was made in); any other
    text as it is."""
    return text.again() if isinstance(text, Msg) else text


def both(key: str, **params: Any) -> str:
    """Chinese and English together, for `--help` (shown before `--lang` is known)."""
    zh, en = (_catalogue(lang).gettext(key) for lang in LANGUAGES)
    if params:
        zh, en = zh.format(**params), en.format(**params)
    return f"{zh} / {en}"


def catalogue(lang: str) -> dict[str, tuple[str, ...]]:
    """Every key's text in `lang`, a plural entry's in each of its forms: for tests and tools."""
    # GNUTranslations keeps a plural entry's forms under (key, index) and its header under "".
    entries: dict[str, tuple[str, ...]] = {}
    for id_, text in sorted(_catalogue(_code(lang))._catalog.items(), key=str):  # type: ignore[attr-defined]
        key = id_[0] if isinstance(id_, tuple) else id_
        if key:
            entries[key] = (*entries.get(key, ()), text)
    return entries


def label(member: StrEnum) -> str:
    """The name of a domain term (tier, status, channel…) in the current language, as a plain
    str (it is made where it is shown; plotext, for one, takes only exact str for its labels)."""
    return str(shown(ENUM_LABELS[type(member)][member.value]))


# Every domain term the interface names, spelled out so that extraction finds each key.
ENUM_LABELS: dict[type[StrEnum], dict[str, Msg]] = {
    Tier: {
        "village": t("enum.tier.village"),
        "township": t("enum.tier.township"),
        "county": t("enum.tier.county"),
    },
    IssueStatus: {
        "received": t("enum.issue_status.received"),
        "deliberating": t("enum.issue_status.deliberating"),
        "handling": t("enum.issue_status.handling"),
        "supervising": t("enum.issue_status.supervising"),
        "evaluating": t("enum.issue_status.evaluating"),
        "closed": t("enum.issue_status.closed"),
    },
    Channel: {
        "walk_in": t("enum.channel.walk_in"),
        "deputy_code": t("enum.channel.deputy_code"),
        "phone": t("enum.channel.phone"),
        "observer": t("enum.channel.observer"),
        "home_visit": t("enum.channel.home_visit"),
        "forum": t("enum.channel.forum"),
        "online": t("enum.channel.online"),
        "leader_visit": t("enum.channel.leader_visit"),
    },
    VisitKind: {
        "request": t("enum.visit_kind.request"),
        "suggestion": t("enum.visit_kind.suggestion"),
        "opinion": t("enum.visit_kind.opinion"),
        "legislative": t("enum.visit_kind.legislative"),
        "consultation": t("enum.visit_kind.consultation"),
    },
    Resolution: {
        "resolved": t("enum.resolution.resolved"),
        "partly": t("enum.resolution.partly"),
        "unresolved": t("enum.resolution.unresolved"),
    },
    Satisfaction: {
        "satisfied": t("enum.satisfaction.satisfied"),
        "fairly": t("enum.satisfaction.fairly"),
        "unsatisfied": t("enum.satisfaction.unsatisfied"),
    },
    Colour: {
        "green": t("enum.colour.green"),
        "yellow": t("enum.colour.yellow"),
        "red": t("enum.colour.red"),
    },
    DeputyLevel: {
        "county": t("enum.deputy_level.county"),
        "township": t("enum.deputy_level.township"),
    },
    VillageKind: {
        "village": t("enum.village_kind.village"),
        "community": t("enum.village_kind.community"),
    },
    DayKind: {
        "holiday": t("enum.day_kind.holiday"),
        "workday": t("enum.day_kind.workday"),
        "ordinary": t("enum.day_kind.ordinary"),
    },
    ProjectStatus: {
        "planned": t("enum.project_status.planned"),
        "underway": t("enum.project_status.underway"),
        "done": t("enum.project_status.done"),
    },
    ReviewTarget: {
        "micro_project": t("enum.review_target.micro_project"),
        "unit": t("enum.review_target.unit"),
    },
    MoveReason: {
        "beyond_capacity": t("enum.move_reason.beyond_capacity"),
        "beyond_authority": t("enum.move_reason.beyond_authority"),
        "coordination": t("enum.move_reason.coordination"),
        "sent_back": t("enum.move_reason.sent_back"),
        "local_matter": t("enum.move_reason.local_matter"),
        "other": t("enum.move_reason.other"),
    },
    NoticeEvent: {
        "triaged": t("enum.notice_event.triaged"),
        "unit": t("enum.notice_event.unit"),
        "moved": t("enum.notice_event.moved"),
        "closed": t("enum.notice_event.closed"),
    },
    NoticeWay: {
        "phone": t("enum.notice_way.phone"),
        "sms": t("enum.notice_way.sms"),
        "in_person": t("enum.notice_way.in_person"),
    },
    SuggestionStatus: {
        "draft": t("enum.suggestion_status.draft"),
        "submitted": t("enum.suggestion_status.submitted"),
        "assigned": t("enum.suggestion_status.assigned"),
        "answered": t("enum.suggestion_status.answered"),
        "closed": t("enum.suggestion_status.closed"),
    },
    DeliberationKind: {
        "tea_house": t("enum.deliberation_kind.tea_house"),
        "evening_talk": t("enum.deliberation_kind.evening_talk"),
        "invitation": t("enum.deliberation_kind.invitation"),
        "open_day": t("enum.deliberation_kind.open_day"),
        "report": t("enum.deliberation_kind.report"),
        "deputy_report": t("enum.deliberation_kind.deputy_report"),
    },
    SuggestionStep: {
        "drafted": t("enum.suggestion_step.drafted"),
        "submitted": t("enum.suggestion_step.submitted"),
        "assigned": t("enum.suggestion_step.assigned"),
        "answered": t("enum.suggestion_step.answered"),
        "evaluated": t("enum.suggestion_step.evaluated"),
    },
    Adoption: {
        "adopted": t("enum.adoption.adopted"),
        "partly": t("enum.adoption.partly"),
        "not_adopted": t("enum.adoption.not_adopted"),
    },
    ObserverGroup: {
        "five_elders": t("enum.observer_group.five_elders"),
        "returning_youth": t("enum.observer_group.returning_youth"),
        "new_employment": t("enum.observer_group.new_employment"),
        "grid_worker": t("enum.observer_group.grid_worker"),
        "local_worthy": t("enum.observer_group.local_worthy"),
        "other": t("enum.observer_group.other"),
    },
    PointKind: {
        "ordinary": t("enum.point_kind.ordinary"),
        "delivery": t("enum.point_kind.delivery"),
        "courier": t("enum.point_kind.courier"),
        "trucking": t("enum.point_kind.trucking"),
        "ride_hailing": t("enum.point_kind.ride_hailing"),
        "other_trade": t("enum.point_kind.other_trade"),
    },
}

# ---------------------------------------------------------------------------------------------
# Messages composed from several entries, for the command line and the screens alike. Typed
# loosely so that the catalogue never imports the store's heavier modules.


def row_error_text(error: Any) -> str:
    """`第 12 行「分类」：不认识这个名称 是不是「道路交通」？` for one bad ledger cell."""
    line: str = t(
        "ledger.row_error", row=error.row, column=error.column, message=t(error.key, **error.params)
    )
    if error.suggestion:
        line += " " + t("ledger.suggest", suggestion=error.suggestion)
    return line


def row_error_lines(errors: Any, shown: int) -> list[str]:
    """The first `shown` bad cells, then how many more were not listed."""
    lines = [row_error_text(error) for error in errors[:shown]]
    if len(errors) > shown:
        lines.append(tn("ledger.more_errors", len(errors) - shown))
    return lines


def import_summary_lines(summary: Any) -> list[str]:
    """What an import did (or a dry run would do): counts, villages added, dry-run notice."""
    lines: list[str] = [
        t(
            "ledger.summary",
            rows=summary.rows_read,
            visits=summary.visits_added,
            duplicates=summary.duplicates,
            issues=summary.issues_created,
            villages=len(summary.villages_added),
        )
    ]
    if summary.villages_added:
        lines.append(t("ledger.villages_added", names=t("text.list").join(summary.villages_added)))
    units = getattr(summary, "units_added", ())
    if units:
        named = [t("ledger.unit_with_tier", name=name, tier=label(tier)) for name, tier in units]
        lines.append(t("ledger.units_added", names=t("text.list").join(named)))
    deputies = getattr(summary, "deputies_added", ())
    if deputies:
        lines.append(t("ledger.deputies_added", names=t("text.list").join(deputies)))
    observers = getattr(summary, "observers_added", ())
    if observers:
        lines.append(t("ledger.observers_added", names=t("text.list").join(observers)))
    points = getattr(summary, "points_added", ())
    if points:
        lines.append(t("ledger.points_added", names=t("text.list").join(points)))
    sessions = getattr(summary, "sessions_added", ())
    if sessions:
        lines.append(t("ledger.sessions_added", names=t("text.list").join(sessions)))
    if summary.dry_run:
        lines.append(t("ledger.dry_run"))
    return lines
