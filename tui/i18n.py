"""The text catalogue: every word the interface shows, in zh-CN (default) and English.

Domain terms (tiers, statuses, channels…) take their Chinese names from the store's enums, which
are the spec's own terms and the ledger's values; their English names live here."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from store.core.enums import (
    Channel,
    Colour,
    DayKind,
    DeputyLevel,
    IssueStatus,
    ProjectStatus,
    Resolution,
    ReviewTarget,
    Satisfaction,
    Tier,
    VillageKind,
    VisitKind,
)

LANGUAGES = ("zh", "en")
_language = "zh"


def set_language(lang: str) -> None:
    """Switch the interface language (`zh` or `en`; `zh-CN`, `en-US` and the like accepted)."""
    global _language
    code = lang.lower().split("-")[0].split("_")[0]
    if code not in LANGUAGES:
        raise ValueError(lang)
    _language = code


def language() -> str:
    return _language


def t(key: str, **params: Any) -> str:
    """The text for `key` in the current language, with `{name}` parameters filled in.

    An unknown key shows as itself, so a missing entry is visible rather than fatal."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    text = entry[0] if _language == "zh" else entry[1]
    return text.format(**params) if params else text


def both(key: str) -> str:
    """Chinese and English together, for `--help` (shown before `--lang` is known)."""
    zh, en = CATALOGUE[key]
    return f"{zh} / {en}"


def label(member: StrEnum) -> str:
    """The name of a domain term (tier, status, channel…) in the current language."""
    if _language == "zh":
        return member.zh  # type: ignore[attr-defined, no-any-return]
    return ENUM_EN[(type(member), member.value)]


# Keyed by (enum, value): members of different enums with the same value compare equal.
ENUM_EN: dict[tuple[type[StrEnum], str], str] = {
    (Tier, "village"): "Village",
    (Tier, "township"): "Township",
    (Tier, "county"): "County",
    (IssueStatus, "received"): "Received",
    (IssueStatus, "deliberating"): "Deliberating",
    (IssueStatus, "handling"): "Handling",
    (IssueStatus, "supervising"): "Supervising",
    (IssueStatus, "evaluating"): "Evaluating",
    (IssueStatus, "closed"): "Closed",
    (Channel, "walk_in"): "Walk-in",
    (Channel, "deputy_code"): "Deputy code",
    (Channel, "phone"): "Phone",
    (Channel, "observer"): "Observer",
    (Channel, "home_visit"): "Home visit",
    (Channel, "forum"): "Forum",
    (Channel, "online"): "Online",
    (Channel, "leader_visit"): "Leader visit",
    (VisitKind, "request"): "Request",
    (VisitKind, "suggestion"): "Suggestion",
    (VisitKind, "opinion"): "Opinion",
    (VisitKind, "legislative"): "Legislative",
    (VisitKind, "consultation"): "Enquiry",
    (Resolution, "resolved"): "Resolved",
    (Resolution, "partly"): "Partly resolved",
    (Resolution, "unresolved"): "Unresolved",
    (Satisfaction, "satisfied"): "Satisfied",
    (Satisfaction, "fairly"): "Fairly satisfied",
    (Satisfaction, "unsatisfied"): "Unsatisfied",
    (Colour, "green"): "Green",
    (Colour, "yellow"): "Yellow",
    (Colour, "red"): "Red",
    (DeputyLevel, "county"): "County deputy",
    (DeputyLevel, "township"): "Township deputy",
    (VillageKind, "village"): "Village",
    (VillageKind, "community"): "Community",
    (DayKind, "holiday"): "Holiday",
    (DayKind, "workday"): "Make-up workday",
    (DayKind, "ordinary"): "Ordinary day",
    (ProjectStatus, "planned"): "Planned",
    (ProjectStatus, "underway"): "Underway",
    (ProjectStatus, "done"): "Done",
    (ReviewTarget, "micro_project"): "Project",
    (ReviewTarget, "unit"): "Unit",
}

CATALOGUE: dict[str, tuple[str, str]] = {
    # App and global keys
    "app.title": ("联络站值班台", "Liaison Desk"),
    "app.opening": ("正在打开联络站……", "Opening the station…"),
    "key.log_visit": ("登记来访", "Log visit"),
    "key.triage": ("分办", "Triage"),
    "key.board": ("三色榜", "Board"),
    "key.dashboard": ("值班", "Duty"),
    "key.help": ("帮助", "Help"),
    "key.palette": ("命令", "Commands"),
    "tip.palette": ("搜索并执行命令", "Search and run a command"),
    "key.quit": ("退出", "Quit"),
    "key.back": ("返回", "Back"),
    "key.open": ("打开", "Open"),
    "key.save": ("保存", "Save"),
    "key.cancel": ("取消", "Cancel"),
    "key.choose": ("选定", "Choose"),
    "key.next_page": ("下一页", "Next page"),
    "key.prev_page": ("上一页", "Previous page"),
    "key.filter": ("筛选", "Filter"),
    "key.clear_filter": ("清除筛选", "Clear filter"),
    "key.refresh": ("刷新", "Refresh"),
    "key.tier_village": ("村级", "Village"),
    "key.tier_township": ("乡级", "Township"),
    "key.tier_county": ("县级", "County"),
    "key.unit": ("责任单位", "Unit"),
    "key.link": ("关联事项", "Link"),
    "key.progress": ("办理进展", "Progress"),
    "key.close": ("办结评价", "Close"),
    "key.reopen": ("再监督", "Reopen"),
    "key.reveal": ("显示号码", "Reveal phone"),
    "key.switch_deputy": ("换班", "Switch deputy"),
    "tip.log_visit": ("登记一位群众的来访", "Log a resident's visit"),
    "tip.triage": ("待分办的来访", "Visits waiting for triage"),
    "tip.board": ("按层级和颜色查看在办事项", "Open issues by tier and colour"),
    "tip.dashboard": ("今日值班概况", "Today's duty overview"),
    "tip.help": ("本页的按键和说明", "Keys and help for this screen"),
    "tip.quit": ("退出值班台", "Quit Liaison Desk"),
    "tip.tier_village": ("村级自主解决", "Village solves it itself"),
    "tip.tier_township": ("乡级快速处置", "Township disposes of it quickly"),
    "tip.tier_county": ("县级协调交办", "County coordinates and assigns"),
    "tip.unit": ("选择责任单位并分办", "Choose the responsible unit"),
    "tip.link": ("归入已有的同类事项", "Add to an existing issue of the same problem"),
    "key.mark": ("标记", "Mark"),
    "tip.mark": (
        "标记这条来访，可多条合并开立一个事项",
        "Mark this visit: marked visits become one issue",
    ),
    "key.mark_alike": ("标记相似", "Mark alike"),
    "tip.mark_alike": (
        "标记与这条相似的待分办来访",
        "Mark the waiting visits that look like this one",
    ),
    "key.sort": ("排序", "Sort"),
    "tip.sort": ("在默认顺序和紧急度之间切换", "Switch between the usual order and urgency"),
    # Where a database holds several stations (a county hub): the boards and statistics of one.
    "key.station": ("选择联络站", "Station"),
    "tip.station": (
        "显示全部联络站，或只显示其中一个",
        "Show every station, or only one of them",
    ),
    "station.all": ("全部联络站", "All stations"),
    "station.pick_title": ("显示哪个联络站", "Show which station"),
    "station.choice": ("{name}（{township}）", "{name} ({township})"),
    "station.button": ("联络站（z）：{name}", "Station (z): {name}"),
    # Palette
    "cmd.log_visit": ("来访：登记新来访", "Visits: log a new visit"),
    "cmd.triage": ("分办：打开待分办队列", "Triage: open the queue"),
    "cmd.board": ("三色榜：打开", "Board: open"),
    "cmd.dashboard": ("值班台：打开", "Dashboard: open"),
    "cmd.switch_deputy": ("值班：更换值班代表", "Duty: switch the deputy on duty"),
    "cmd.help": ("帮助：本页按键", "Help: keys of this screen"),
    # Dashboard
    "dash.title": ("值班台", "Duty dashboard"),
    "dash.on_duty": ("今日值班：{names}", "On duty today: {names}"),
    "dash.nobody": ("今日未排班", "No one rostered today"),
    "dash.you": ("当前值班：{name}", "At the desk: {name}"),
    "dash.visits_today": ("今日来访 {count} 人次", "Visits today: {count}"),
    "dash.untriaged": ("待分办 {count} 件", "Awaiting triage: {count}"),
    "dash.open_by_colour": ("在办事项（三色榜）", "Open issues by colour"),
    "dash.overdue": ("超期事项 {count} 件", "Overdue: {count}"),
    "dash.none_overdue": ("没有超期事项", "Nothing overdue"),
    "dash.handover": ("上一班交接", "Last handover"),
    "dash.no_handover": ("暂无交接记录", "No handover note yet"),
    "dash.handover_pending": ("待接班确认：按 a 确认", "Not yet acknowledged: press a"),
    "dash.handover_acknowledged": ("已确认", "acknowledged"),
    "dash.next_duty": ("下一班：{date} {name}", "Next: {date} {name}"),
    "key.end_shift": ("交班", "End shift"),
    "tip.end_shift": (
        "结束本班：核对并签署交接记录，再由下一位代表接班",
        "End your shift: check and sign the handover note, then the next deputy takes over",
    ),
    "key.acknowledge": ("确认交接", "Acknowledge"),
    "tip.acknowledge": ("确认已阅上一班的交接记录", "Confirm you have read the last handover"),
    "key.roster": ("排班", "Roster"),
    "tip.roster": ("查看和编排值班表", "See and plan the duty roster"),
    "tip.switch_deputy": (
        "换一位代表值班（设了 PIN 的要输入）",
        "Put another deputy on duty (PIN if set)",
    ),
    "handover.title": ("交班：交接记录", "End of shift: handover note"),
    "handover.prompt": (
        "以下由系统统计，请核对、补充后按“确定”签署",
        "Counted by the desk: check it, add what matters, then confirm to sign",
    ),
    "handover.head": ("{date} {name} 值班交接", "Handover of {name}, {date}"),
    "handover.work": (
        "· 登记来访 {visits} 件，新开事项 {opened} 件，分办来访 {triaged} 件；"
        "尚待分办 {untriaged} 件",
        "· {visits} visit(s) logged, {opened} issue(s) opened, {triaged} visit(s) triaged; "
        "{untriaged} await triage",
    ),
    "handover.yellow": (
        "· 今日转黄 {count} 件：{titles}",
        "· Turned yellow today ({count}): {titles}",
    ),
    "handover.red": ("· 今日转红 {count} 件：{titles}", "· Turned red today ({count}): {titles}"),
    "handover.more": ("等（另 {count} 件）", " and {count} more"),
    "handover.awaiting": (
        "· 已办结待群众评价 {count} 件",
        "· {count} closed issue(s) await the resident's evaluation",
    ),
    "handover.follow_up": ("· 请下一班跟进：", "· For the next shift:"),
    "follow_up.title": ("回访", "Follow-up calls"),
    "follow_up.heading": (
        "已办结、待群众评价 {total} 件（第 {page}/{pages} 页），等得最久的在前",
        "{total} closed issue(s) await the resident's evaluation (page {page}/{pages}), "
        "longest waiting first",
    ),
    "follow_up.days": ("{days} 天", "{days} d"),
    "follow_up.ask_resolved": (
        "问题解决了吗？1 已解决　2 部分解决　3 未解决　（v 显示电话）",
        "Resolved? 1 yes  2 partly  3 no  (v shows the phone)",
    ),
    "follow_up.ask_satisfied": (
        "{resolved}。满意吗？1 满意　2 基本满意　3 不满意　（Esc 重来）",
        "{resolved}. Satisfied? 1 yes  2 fairly  3 no  (Esc to start again)",
    ),
    "follow_up.recorded": ("评价已记录", "Evaluation recorded"),
    "follow_up.reopened": (
        "群众不满意或未解决：事项已重新交办，进入再监督（红）",
        "Not resolved or not satisfied: the issue is reopened for re-supervision (red)",
    ),
    "key.answer_1": ("答 1", "Answer 1"),
    "key.answer_2": ("答 2", "Answer 2"),
    "key.answer_3": ("答 3", "Answer 3"),
    "tip.reveal": (
        "为回访显示群众的完整电话（会记录在查看日志中）",
        "Show the resident's full phone for the call (the reveal is logged)",
    ),
    "cmd.follow_up": ("值班：回访", "Duty: follow-up calls"),
    "key.follow_up": ("回访", "Follow-ups"),
    "tip.follow_up": (
        "已办结待群众评价的事项，逐一回访并记录评价",
        "Closed issues awaiting the resident's evaluation: call and record",
    ),
    "help.follow_up": (
        "已办结、群众还没评价的事项，等得最久的在前。回访时先按 1/2/3 回答“解决了吗”，"
        "再按 1/2/3 回答“满意吗”。未解决或不满意会重新交办、进入再监督。v 显示电话（会留痕），"
        "回车打开事项，p 打印回访记录（刚记录的回访，或空白的一份供回访时手写）。",
        "Closed issues the resident has not evaluated yet, longest waiting first. For each call "
        "press 1/2/3 for resolved?, then 1/2/3 for satisfied?. Unresolved or unsatisfied reopens "
        "the issue for re-supervision. v shows the phone (logged); Enter opens the issue; p "
        "prints the call record (of the call just recorded, or a blank one to fill in by hand).",
    ),
    # Issue 5: official slips, leader visits, the deputies' record (screens/leader_visits.py,
    # screens/deputies.py; keys a and e on an issue, p on follow-up calls).
    "slip.not_overdue": (
        "这个事项没有超期，不需要催办",
        "This issue is not overdue: no reminder is needed",
    ),
    "slip.written": ("已写好{what}，在：\n{paths}", "{what} written to:\n{paths}"),
    "slip.what.assignment": ("交办单", "The assignment slip"),
    "slip.what.reminder": ("催办通知书", "The reminder notice"),
    "slip.what.call_record": ("回访记录", "The call record"),
    "slip.withheld": (
        "群众未同意转交、姓名电话未写入的来访：{count} 条",
        "{count} visit(s) without consent to forwarding: those names and phones are left out",
    ),
    "slip.what.deputy_record": ("履职情况", "The deputy's record"),
    "slip.writing": ("正在生成……", "Writing…"),
    "key.slip_assignment": ("交办单", "Slip"),
    "tip.slip_assignment": (
        "打印给责任单位的交办单（A4 HTML 和 Markdown，在数据目录的 prints/ 中）",
        "Print the assignment slip to the unit (A4 HTML and Markdown, in the data dir's prints/)",
    ),
    "key.slip_reminder": ("催办", "Remind"),
    "tip.slip_reminder": (
        "打印催办通知书（仅限超期事项）",
        "Print the reminder notice (overdue issues only)",
    ),
    "key.call_record": ("回访记录", "Record"),
    "tip.call_record": (
        "打印回访记录：刚记录的这次回访，或光标所在事项的空白记录（回访时手写）",
        "Print the call record: of the call just recorded, or a blank one for the issue under "
        "the cursor (to fill in by hand)",
    ),
    "follow_up.last_call": (
        "已记录「{title}」的回访 · 按 p 打印回访记录",
        "Call on “{title}” recorded · p prints its record",
    ),
    "error.leader_visit_not_found": ("找不到这次领导干部进站记录", "No such leader visit"),
    "stats.col.leader_visits": ("领导干部进站", "Leader visits"),
    "stats.col.leader_issues": ("进站提出的事项", "Issues raised at leader visits"),
    "stats.leader_issues_value": (
        "{issues} 件（已办结 {closed}，在办 {open}）",
        "{issues} (closed {closed}, open {open})",
    ),
    "cmd.leader_visits": ("值班：领导干部进站", "Duty: leader visits"),
    "leader.title": ("领导干部进站", "Leader visits"),
    "leader.heading": (
        "领导干部进站 {total} 次 · 第 {page}/{pages} 页",
        "{total} leader visit(s) · page {page}/{pages}",
    ),
    "col.when": ("时间", "When"),
    "col.leader": ("领导", "Leader"),
    "col.position": ("职务", "Position"),
    "col.topic": ("主题", "Topic"),
    "col.deputies_n": ("代表数", "Dep."),
    "col.raised": ("结/事项", "Done/all"),
    "key.log_leader": ("登记", "Log session"),
    "tip.log_leader": ("登记一次领导干部进站", "Log a leader's session at the station"),
    "leader.form_title": ("登记领导干部进站", "Log a leader visit"),
    "leader.when": ("时间（YYYY-MM-DD HH:MM）", "When (YYYY-MM-DD HH:MM)"),
    "leader.leader": ("领导姓名", "Leader's name"),
    "leader.position": ("职务", "Position"),
    "leader.topic": ("主题", "Topic"),
    "leader.note": ("记录", "Notes"),
    "leader.deputies": ("参加的代表（空格选择）", "Deputies present (Space selects)"),
    "leader.link_day": (
        "关联当天「领导进站」渠道来访的事项",
        "Link the issues of that day's “leader visit” channel visits",
    ),
    "leader.bad_when": ("时间应为 YYYY-MM-DD HH:MM", "A time is YYYY-MM-DD HH:MM"),
    "leader.saved": (
        "已登记领导干部进站，关联事项 {issues} 件",
        "Leader visit logged, {issues} issue(s) linked",
    ),
    "leader.detail_title": ("领导干部进站", "Leader visit"),
    "leader.topic_line": ("主题：{topic}", "Topic: {topic}"),
    "leader.deputies_line": ("参加代表：{names}", "Deputies present: {names}"),
    "leader.none": ("（无）", "(none)"),
    "leader.issues_line": (
        "提出的事项 {issues} 件：已办结 {closed} 件，在办 {open} 件",
        "{issues} issue(s) raised: {closed} closed, {open} open",
    ),
    "tip.link_issue": ("把一个事项关联到这次进站", "Link an issue raised at this session"),
    "key.link_day": ("关联当天", "Link day"),
    "tip.link_day": (
        "关联当天「领导进站」渠道来访的全部事项",
        "Link the issues of that day's “leader visit” channel visits",
    ),
    "key.unlink": ("取消关联", "Unlink"),
    "leader.pick_issue": ("关联哪个事项？", "Which issue to link?"),
    "leader.no_candidates": ("没有可关联的事项", "No issue to link"),
    "leader.linked": ("已关联 {count} 件事项", "{count} issue(s) linked"),
    "leader.linked_day": (
        "已关联 {count} 件事项；当天还有 {untriaged} 条领导进站来访尚未分办",
        "{count} issue(s) linked; {untriaged} visit(s) of that day still wait for triage",
    ),
    "leader.unlink_confirm": (
        "取消这个事项与本次进站的关联？",
        "Unlink this issue from the session?",
    ),
    "leader.unlinked": ("已取消关联", "Unlinked"),
    "help.leader_visits": (
        "领导干部进站活动，最近的在前。a 登记一次进站（时间、领导、职务、主题、参加的代表，"
        "可一并关联当天「领导进站」渠道来访的事项），回车查看详情，PgUp/PgDn 翻页。",
        "Leaders' sessions at the station, latest first. a logs one (when, who, position, "
        "topic, deputies present, and optionally the issues of that day's “leader visit” "
        "channel visits); Enter opens it; PgUp/PgDn pages.",
    ),
    "help.leader_visit": (
        "一次领导干部进站和会上提出的事项，事项的状态和颜色是今天的（“后来怎样了”）。"
        "l 关联一个事项，g 关联当天「领导进站」渠道来访的事项，x 取消关联，回车打开事项。",
        "One leader's session and the issues raised there, with their status and colour today "
        "(what became of them). l links an issue, g links the issues of that day's “leader "
        "visit” channel visits, x unlinks, Enter opens the issue.",
    ),
    "cmd.deputies": ("代表：履职全景图", "Deputies: their record"),
    "deputies.title": ("代表履职全景图", "Deputies' record"),
    "deputies.heading": ("{period} · 代表 {total} 人", "{period} · {total} deputies"),
    "col.deputy": ("姓名", "Deputy"),
    "col.shifts": ("驻站", "Shift"),
    "col.handovers": ("交接", "Hand"),
    "col.visits_n": ("接待", "Visits"),
    "col.led": ("领衔", "Led"),
    "col.colours": ("三色", "■ ▲ ●"),
    "col.closure": ("办结率", "Closed"),
    "col.satisfaction": ("满意率", "Satisf"),
    "col.leader_n": ("进站", "Ldr"),
    "key.print_record": ("打印述职", "Print"),
    "tip.print_record": (
        "写出述职用的履职情况（Markdown 和 A4 HTML，在数据目录的 prints/ 中）",
        "Write the summary for the report to voters (Markdown and A4 HTML, in prints/)",
    ),
    "deputy.page_title": ("{name} · {period}", "{name} · {period}"),
    "deputy.summary": (
        "轮值驻站 {shifts} 次（签署交接 {handovers} 次）· 接待来访 {visits} 人次"
        " · 参加领导干部进站 {leader_visits} 次",
        "{shifts} shift(s) served ({handovers} handover(s) signed) · {visits} visit(s) received"
        " · {leader_visits} leader visit(s) attended",
    ),
    "deputy.issues_line": (
        "领衔事项 {issues} 件（{colours}）· 已办结 {closed} 件，办结率 {closure}"
        " · 满意率 {satisfaction}（{evaluated} 次评价）",
        "{issues} issue(s) led ({colours}) · {closed} closed, closure rate {closure}"
        " · satisfaction {satisfaction} ({evaluated} evaluation(s))",
    ),
    "deputy.led_heading": ("领衔事项 · 第 {page}/{pages} 页", "Issues led · page {page}/{pages}"),
    "help.deputies": (
        "每位代表在一个月、季度或一年里的履职：轮值驻站（到今天为止）和签署的交接班、"
        "接待的来访、本期受理并由其领衔的事项及颜色、办结率（已办结/领衔）、满意率（本期对其领衔事项"
        "的评价中满意和基本满意的比例）、参加的领导干部进站。m 切换月/季/年，[ 和 ] 前后翻期，"
        "回车打开代表的页面，p 打印述职用的履职情况。",
        "Each deputy's work over a month, quarter or year: shifts served (up to today) and "
        "handovers signed, visits received, the period's issues they lead and their colours, "
        "closure rate (closed / led), satisfaction (of the period's evaluations of their issues, "
        "the share satisfied or fairly satisfied), leader visits attended. m switches month/"
        "quarter/year, [ and ] move between periods, Enter opens a deputy's page, p prints the "
        "summary for the report to voters.",
    ),
    "help.deputy_record": (
        "一位代表在本期的履职和领衔事项（颜色是今天的）。[ 和 ] 前后翻期，m 切换月/季/年，"
        "p 打印述职用的履职情况，回车打开事项，PgUp/PgDn 翻页。",
        "One deputy's record for the period and the issues they lead (colours as of today). "
        "[ and ] move between periods, m switches month/quarter/year, p prints the summary for "
        "the report to voters, Enter opens an issue, PgUp/PgDn pages.",
    ),
    "calendar.title": ("工作日历", "Working-day calendar"),
    "calendar.heading": (
        "{year} 年放假与调休　办理期限按{unit}计算",
        "{year}: holidays and make-up workdays. Windows count {unit}",
    ),
    "calendar.unit_calendar": ("自然日", "calendar days"),
    "calendar.unit_working": ("工作日", "working days"),
    "calendar.col_kind": ("类别", "Kind"),
    "calendar.col_source": ("来源", "From"),
    "calendar.source_official": ("国务院", "Official"),
    "calendar.source_station": ("本站", "Station"),
    "calendar.unannounced": (
        "⚠{year}年的调休上班日尚未公布或录入，表中只有法定节假日。"
        "国务院公布后（通常在11月），按 a 逐日录入调休上班日和放假日。",
        "⚠ {year}'s make-up workdays are not published or entered yet: only the statutory "
        "holidays are listed. Once the State Council publishes them (usually in November), "
        "press a to enter each make-up workday and day off.",
    ),
    "dash.calendar_unknown": (
        "⚠ {year} 年调休安排未知：公布后在 排班 o → 日历 c 中录入",
        "⚠ {year}'s make-up workdays unknown: enter them in roster o → calendar c",
    ),
    "calendar.name": ("名称", "Name"),
    "calendar.date": ("日期（如 2026-12-07 或 12-07）", "Date (e.g. 2026-12-07 or 12-07)"),
    "calendar.bad_date": ("请输入一个日期", "Enter one date"),
    "calendar.add_title": ("标记放假或调休上班", "Mark a holiday or a make-up workday"),
    "calendar.moved": (
        "已更新日历，{count} 件在办事项的期限随之调整",
        "Calendar updated: {count} open issue(s) have new due dates",
    ),
    "calendar.no_effect": (
        "已更新日历。办理期限目前按自然日计算，放假与调休不影响期限；按 u 改为按工作日计算",
        "Calendar updated. Windows count calendar days now, so due dates do not change; "
        "press u to count working days",
    ),
    "key.add_day": ("标记", "Mark day"),
    "tip.add_day": ("把某天标为放假或调休上班", "Mark a day as a holiday or a make-up workday"),
    "key.remove_day": ("取消标记", "Unmark"),
    "tip.remove_day": ("这一天恢复为普通日子", "Make this day an ordinary day again"),
    "key.window_unit": ("自然日/工作日", "Days/workdays"),
    "tip.window_unit": (
        "办理期限按自然日还是工作日计算；在办事项的期限随之调整",
        "Count tier windows in calendar or working days; open issues' due dates follow",
    ),
    "key.prev_year": ("上一年", "Prev year"),
    "key.next_year": ("下一年", "Next year"),
    "key.calendar": ("工作日历", "Calendar"),
    "tip.calendar": (
        "放假、调休与期限的计算方式",
        "Holidays, make-up workdays and how windows count",
    ),
    "cmd.calendar": ("值班：工作日历", "Duty: working-day calendar"),
    "help.calendar": (
        "本年的放假和调休上班日：法定节假日和国务院已公布的调休（来源「国务院」），以及本站自己"
        "的标记（来源「本站」）。a 标记一天，x 取消标记（取消国务院的节假日也会保留，不会被"
        "以后的更新恢复），u 切换办理期限按自然日或工作日计算，[ ] 切换年份。按工作日计算时，"
        "标记或取消标记会重新计算所有在办事项的期限和颜色。",
        "This year's holidays and make-up workdays: the statutory holidays and the State "
        "Council's published schedule (from Official), and the station's own marks (from "
        "Station). a marks a day, x unmarks it (an official day unmarked stays unmarked, "
        "whatever later updates bring), u switches windows between calendar and working days, "
        "[ ] change year. With working days, every change recomputes the due dates and colours "
        "of all open issues.",
    ),
    # Micro-projects (民生微实事) and the quarterly review (季度评议)
    "projects.title": ("民生微实事", "Micro-projects"),
    "projects.heading": (
        "微实事 {total} 项 · 第 {page}/{pages} 页",
        "{total} micro-project(s) · page {page}/{pages}",
    ),
    "projects.empty": (
        "还没有微实事：在事项页按 m 立项",
        "None yet: press m on an issue's page to promote it",
    ),
    "projects.col_status": ("阶段", "Stage"),
    "projects.col_title": ("项目", "Project"),
    "projects.col_lead": ("领衔代表", "Lead"),
    "projects.col_village": ("村社", "Village"),
    "projects.col_category": ("分类", "Category"),
    "projects.col_issues": ("事项", "Issues"),
    "projects.col_milestones": ("节点", "Steps"),
    "projects.col_published": ("公示", "Pub"),
    "projects.yes": ("✓", "✓"),
    "projects.printed": ("公示已生成：\n{paths}", "Publication list written:\n{paths}"),
    "projects.promote_title": ("立为民生微实事", "Promote to a micro-project"),
    "projects.promote_hint": (
        "领衔代表为事项的领衔代表，没有则为值班代表。",
        "The lead deputy is the issue's lead, or else the deputy on duty.",
    ),
    "projects.promoted": ("已立为微实事：{title}", "Promoted to a micro-project: {title}"),
    "projects.field_title": ("名称", "Title"),
    "projects.field_description": ("项目内容（做什么、怎么做）", "What the project will do"),
    "projects.field_due": (
        "计划完成日期（可不填，如 2026-12-31）",
        "Due date (optional, e.g. 2026-12-31)",
    ),
    "projects.bad_date": ("日期应为 YYYY-MM-DD", "A date is YYYY-MM-DD"),
    "projects.milestone_add": ("添加节点", "Add a milestone"),
    "projects.pub_title": ("{station}民生微实事公示", "{station}: micro-projects, public list"),
    "projects.pub_as_of": ("截至 {date}", "As of {date}"),
    "projects.pub_none": ("目前没有公示的微实事。", "No project is published yet."),
    "projects.pub_note": (
        "欢迎群众监督：意见和建议可到联络站反映，或直接联系领衔代表。",
        "Residents are welcome to follow these projects: comment at the station or to the "
        "lead deputy.",
    ),
    "projects.fact": ("项目", "Item"),
    "projects.started": ("开始日期", "Started"),
    "projects.done_on": ("完成日期", "Done on"),
    "projects.milestone": ("节点", "Milestone"),
    "projects.milestone_due": ("计划日期", "Due"),
    "projects.milestone_open": ("进行中", "In progress"),
    "project.title": ("微实事", "Micro-project"),
    "project.meta": (
        "{status} · 领衔代表 {lead} · {village} · {category}",
        "{status} · lead deputy {lead} · {village} · {category}",
    ),
    "project.started": ("开始于 {date}", "Started {date}"),
    "project.done": ("完成于 {date}", "done {date}"),
    "project.due": ("计划 {date}", "due {date}"),
    "project.published": ("已公示", "Published"),
    "project.unpublished": ("未公示", "Not published"),
    "project.issues": ("关联事项 {count} 件", "Issues taken over: {count}"),
    "project.milestones": ("节点 {count} 个", "Milestones: {count}"),
    "project.no_milestones": ("还没有节点：按 a 添加", "None yet: a adds one"),
    "project.milestone_added": ("节点已添加", "Milestone added"),
    "project.milestone_marked": ("节点已完成", "Milestone done"),
    "project.pick_milestone": ("哪个节点完成了？", "Which milestone is done?"),
    "project.confirm_move": ("把项目转为「{status}」？", "Move the project to “{status}”?"),
    "project.moved": ("项目已转为「{status}」", "The project is now “{status}”"),
    "project.now_published": ("已列入公示", "Now on the publication list"),
    "project.now_unpublished": ("已移出公示", "Taken off the publication list"),
    "project.pick_issue": ("关联同类事项", "Link an issue of the same problem"),
    "project.linked": ("事项已关联", "Issue linked"),
    "project.nothing_to_link": ("没有可关联的同类事项", "No issue of this kind to link"),
    "key.projects": ("微实事", "Projects"),
    "tip.projects": ("民生微实事列表", "The micro-projects"),
    "key.review": ("季度评议", "Review"),
    "tip.review": ("为微实事和责任单位评分", "Score the micro-projects and units"),
    "key.promote": ("立为微实事", "Micro-project"),
    "tip.promote": (
        "把这个事项立为民生微实事（已立项则打开项目）",
        "Promote this issue to a micro-project (or open its project)",
    ),
    "key.print_publicity": ("打印公示", "Print list"),
    "tip.print_publicity": (
        "把公示的微实事写成 A4 网页和 Markdown",
        "Write the published projects as an A4 web page and Markdown",
    ),
    "key.add_milestone": ("加节点", "Milestone"),
    "key.milestone_done": ("节点完成", "Done"),
    "key.next_stage": ("下一阶段", "Next stage"),
    "key.publish": ("公示", "Publish"),
    "tip.publish": ("列入或移出公示名单", "Put on or take off the publication list"),
    "key.link_issue": ("关联事项", "Link issue"),
    "key.score": ("评分", "Score"),
    "key.review_view": ("榜单", "Board"),
    "tip.review_view": ("在评分表和三色榜之间切换", "Switch between scoring and the board"),
    "key.finalise": ("定稿", "Finalise"),
    "tip.finalise": ("定稿后榜单留作记录，不能再评分", "Freeze the board for the record"),
    "key.prev_quarter": ("上一季度", "Previous quarter"),
    "key.next_quarter": ("下一季度", "Next quarter"),
    "key.erase_digit": ("删去一位", "Erase a digit"),
    "cmd.projects": ("微实事：项目列表", "Micro-projects: the list"),
    "cmd.review": ("微实事：季度评议", "Micro-projects: quarterly review"),
    "review.title": ("季度评议", "Quarterly review"),
    "review.heading": (
        "{quarter} 季度评议 · {view} · {state} · 第 {page}/{pages} 页",
        "Review {quarter} · {view} · {state} · page {page}/{pages}",
    ),
    "review.view_targets": ("评分", "scoring"),
    "review.view_board": ("三色榜", "board"),
    "review.not_started": ("尚无评分", "no scores yet"),
    "review.open_state": ("{targets} 项已有 {scores} 个评分", "{scores} score(s) on {targets}"),
    "review.finalised_state": ("已定稿", "finalised"),
    "review.prompt": (
        "输入分数（0–100）后按回车；只按回车打开评分框",
        "Type a score (0–100) and press Enter; Enter alone opens a form",
    ),
    "review.prompt_typed": (
        "分数：{score}　回车保存，Esc 取消",
        "Score: {score} · Enter saves, Esc cancels",
    ),
    "review.prompt_board": ("按平均分排序；w 回到评分", "By average score; w goes back to scoring"),
    "review.prompt_finalised": (
        "本季度评议已定稿，只能查看",
        "This review is finalised: read only",
    ),
    "review.score_title": ("为「{name}」评分（0–100）", "Score “{name}” (0–100)"),
    "review.bad_score": (
        "分数应为 {low}–{high} 的整数",
        "A score is a whole number from {low} to {high}",
    ),
    "review.saved": ("已评分：{name} {score} 分", "Scored {name}: {score}"),
    "review.confirm_finalise": (
        "定稿 {quarter} 季度评议？定稿后不能再评分。",
        "Finalise the {quarter} review? No more scores after that.",
    ),
    "review.finalised": ("{quarter} 季度评议已定稿", "The {quarter} review is finalised"),
    "review.col_colour": ("色", "C"),
    "review.col_kind": ("类别", "Kind"),
    "review.col_name": ("名称", "Name"),
    "review.col_mine": ("我评", "Mine"),
    "review.col_average": ("平均", "Avg"),
    "review.col_scores": ("人数", "Votes"),
    "review.col_colour_name": ("颜色", "Colour"),
    "help.projects": (
        "民生微实事：反复出现的问题立为小项目，由领衔代表推进。回车打开项目，p 把公示名单"
        "写成 A4 网页和 Markdown（数据文件夹的 prints/ 下）。在事项页按 m 把事项立为微实事。",
        "Micro-projects: recurring problems made into small public projects, each led by a "
        "deputy. Enter opens one; p writes the publication list as an A4 web page and Markdown "
        "into the data folder's prints/. On an issue's page, m promotes the issue.",
    ),
    "help.project": (
        "a 添加节点，x 标记节点完成，g 推进到下一阶段（计划中 → 实施中 → 已完成），o 列入或移出"
        "公示，l 关联同类事项，回车打开光标所在的事项。",
        "a adds a milestone, x marks one done, g moves the project to its next stage (planned "
        "→ underway → done), o puts it on or takes it off the publication list, l links another "
        "issue of the same problem, Enter opens the issue under the cursor.",
    ),
    "help.review": (
        "季度评议：值班代表为本季度的每个微实事和责任单位打分（0–100），每人每项一个分数，"
        "重新评分会替换原分数。输入数字后回车保存，只按回车打开评分框，退格删去一位。"
        "w 在评分表和三色榜之间切换：平均分达到绿色线（默认 85）为绿，达到黄色线（默认 60）"
        "为黄，其余为红（两条线是联络站设置）。[ ] 切换季度，f 定稿：定稿后的榜单留作记录，"
        "不能再评分。",
        "The quarterly review: the deputy on duty scores each micro-project and unit of the "
        "quarter 0-100, one score per deputy and target; scoring again replaces it. Type the "
        "digits and press Enter to save; Enter alone opens a form, Backspace takes a digit "
        "back. w switches between scoring and the board: an average at or above the green line "
        "(85 by default) is green, at or above the yellow line (60) yellow, the rest red (both "
        "lines are station settings). [ ] change quarter; f finalises: the board is kept for "
        "the record and takes no more scores.",
    ),
    "error.issue_in_project": (
        "该事项已属于微实事「{title}」",
        "This issue already belongs to the micro-project “{title}”",
    ),
    "error.milestone_done": ("这个节点已经完成", "This milestone is already done"),
    "error.milestone_not_found": ("找不到该节点", "Milestone not found"),
    "error.project_move": ("项目阶段只能向前推进", "A project only moves forward"),
    "error.project_needs_lead": (
        "请先确定领衔代表（或先安排值班代表）",
        "Choose a lead deputy (or put a deputy on duty) first",
    ),
    "error.project_not_found": ("找不到该微实事", "Micro-project not found"),
    "error.review_empty": ("还没有评分，无需定稿", "Nothing scored yet: nothing to finalise"),
    "error.review_finalised": (
        "{quarter} 季度评议已定稿，不能再评分",
        "The {quarter} review is finalised: no more scores",
    ),
    "error.review_needs_deputy": ("评分须由值班代表进行", "Scores are given by the deputy on duty"),
    "error.review_not_found": ("本季度还没有评议", "No review in this quarter yet"),
    "error.review_target_not_found": ("找不到评议对象", "Nothing to score by that name"),
    "roster.title": ("排班", "Duty roster"),
    "roster.month": (
        "{month} 值班表（已排 {count} 天）",
        "Roster for {month} ({count} day(s) rostered)",
    ),
    "roster.col_date": ("日期", "Date"),
    "roster.col_weekday": ("星期", "Day"),
    "roster.col_deputy": ("值班代表", "Deputy on duty"),
    "roster.weekdays": ("周一 周二 周三 周四 周五 周六 周日", "Mon Tue Wed Thu Fri Sat Sun"),
    "roster.nobody": ("（未排班）", "(nobody)"),
    "roster.past_month": ("这个月已过去，无需排班", "This month is over: nothing to roster"),
    "roster.generate_title": ("自动排班", "Generate the roster"),
    "roster.skip_prompt": (
        "为 {start} 至 {end} 未排班的日子轮流排班。"
        "需要跳过的日期（如 12-07, 12-25），没有就直接确定：",
        "Rotate deputies over the free days from {start} to {end}. Dates to skip "
        "(e.g. 12-07, 12-25), or none:",
    ),
    "roster.generated": ("已排 {count} 天", "{count} day(s) rostered"),
    "roster.assign_title": ("{date} 由谁值班", "Who is on duty on {date}"),
    "key.generate": ("自动排班", "Generate"),
    "tip.generate": (
        "按轮流、均衡的原则排满本月空着的日子",
        "Fill this month's free days, in fair turns",
    ),
    "key.assign": ("指定", "Assign"),
    "tip.assign": ("为这一天指定值班代表", "Choose the deputy for this day"),
    "key.clear_day": ("清空", "Clear"),
    "tip.clear_day": ("这一天不排班（休息日）", "No duty on this day (station closed)"),
    "key.prev_month": ("上月", "Prev month"),
    "key.next_month": ("下月", "Next month"),
    "key.set_pin": ("设置 PIN", "Set PIN"),
    "tip.set_pin": ("设置或更改本人（值班代表）的 PIN", "Set or change your own PIN"),
    "pin.current": ("请输入当前 PIN", "Enter your current PIN"),
    "pin.new": ("请输入新 PIN（4–8 位数字）", "Enter a new PIN (4–8 digits)"),
    "pin.again": ("请再输入一次新 PIN", "Enter the new PIN again"),
    "pin.mismatch": ("两次输入的 PIN 不一致", "The two PINs differ"),
    "pin.refused": ("当前 PIN 不正确", "The current PIN is wrong"),
    "pin.set": ("PIN 已设置", "PIN set"),
    "error.skip_dates": ("看不懂的日期：{piece}", "Not a date: {piece}"),
    "help.roster": (
        "本月每天的值班代表。g 自动排班（轮流、均衡，已排的日子保留），回车为某天指定代表，"
        "x 清空某天，[ ] 切换月份，p 设置本人 PIN。",
        "Each day's deputy this month. g fills the free days in fair turns (rostered days are "
        "kept), Enter assigns a day, x clears one, [ ] change month, p sets your own PIN.",
    ),
    "handover.signed": ("交接记录已签署", "Handover note signed"),
    "handover.acknowledged": ("已确认交接", "Handover acknowledged"),
    "dash.handover_by": ("{name} · {date}", "{name} · {date}"),
    "dash.no_visits": ("今天还没有来访", "No visits yet today"),
    "dash.total": ("合计", "Total"),
    "dash.days_overdue": ("超期{days}天", "{days} d overdue"),
    # Log visit
    "log.title": ("登记来访", "Log a visit"),
    "log.phone": ("电话", "Phone"),
    "log.name": ("姓名", "Name"),
    "log.village": ("村社", "Village/community"),
    "log.channel": ("渠道", "Channel"),
    "log.kind": ("类型", "Kind"),
    "log.category": ("分类", "Category"),
    "log.text": ("群众原话", "In the resident's words"),
    "log.choose": ("请选择", "Choose"),
    "log.returning": (
        "回访群众：{name}（{village}），第 {count} 次来访",
        "Returning resident: {name} ({village}), visit no. {count}",
    ),
    "log.new_resident": ("新群众", "New resident"),
    "log.saved": ("已登记来访", "Visit logged"),
    "log.fix": ("请先更正标红的栏目", "Please correct the fields marked in red"),
    "log.hint": (
        "先输电话：老群众自动带出。Ctrl+S 保存并进入分办",
        "Phone first: a returning resident is filled in. Ctrl+S saves and goes to triage",
    ),
    "log.discard": ("放弃这条未保存的来访？", "Discard this unsaved visit?"),
    "log.vulnerable": (
        "困难群体（独居老人、残疾、生活困难等，优先办理）",
        "Vulnerable resident (elderly alone, disabled, in hardship: handled first)",
    ),
    # PIPL: consent is asked, never assumed; the box starts unticked at every visit.
    "log.consent": (
        "同意转交（姓名、电话可告知承办单位）",
        "Consents to forwarding (name and phone may go to the handling unit)",
    ),
    "log.consent_tip": (
        "问过群众、群众同意后再勾选。不勾选：交办单、催办通知书不写姓名和电话",
        "Tick only after asking the resident. Unticked: slips to the unit carry neither name "
        "nor phone",
    ),
    "log.open_issues": (
        "该群众已有 {count} 件在办事项：同一问题请在分办时按 l 归入",
        "This resident already has {count} open issue(s): if it is the same problem, press l "
        "on triage to link it",
    ),
    # Field errors (catalogue keys raised by the store)
    "field.required": ("必填", "Required"),
    "field.phone": (
        "电话应为11位手机号或区号座机号",
        "Phone: an 11-digit mobile or a landline with area code",
    ),
    "field.too_long": ("太长了（最多 {limit} 字）", "Too long (at most {limit} characters)"),
    "field.choice": ("请从列表中选择", "Choose from the list"),
    "field.invalid": ("格式不对", "Not valid"),
    "field.id_number": ("身份证号校验不通过", "ID number fails its checksum"),
    "field.duplicate": ("名称重复", "Named twice"),
    # Triage
    "triage.title": ("待分办", "Triage queue"),
    "triage.empty": ("没有待分办的来访", "No visits waiting for triage"),
    "triage.count": ("待分办 {count} 件", "{count} waiting"),
    "triage.help_line": (
        "1 村级 · 2 乡级 · 3 县级 · u 选单位 · l 归入已有事项",
        "1 village · 2 township · 3 county · u unit · l link to an issue",
    ),
    "triage.done": (
        "已分办：{tier} · {unit}，{due} 前办结。按 b 在三色榜上查看",
        "Triaged: {tier} · {unit}, due {due}. Press b to see it on the board",
    ),
    "triage.linked": ("已归入事项：{title}", "Linked to: {title}"),
    "triage.pick_unit": ("选择责任单位 · {tier}", "Choose the unit · {tier}"),
    "triage.pick_unit_any": ("选择责任单位", "Choose the unit"),
    "triage.pick_issue": ("归入已有事项（同类在前）", "Link to an open issue (likeliest first)"),
    "triage.no_issues": ("没有在办的同类事项", "No open issue of this kind"),
    "triage.no_visit": ("请先选中一条来访", "Select a visit first"),
    "triage.received": ("{date} · {channel} · {kind}", "{date} · {channel} · {kind}"),
    "triage.resident": ("{name} {phone} · {village}", "{name} {phone} · {village}"),
    "triage.repeat": ("第 {count} 次来访", "visit no. {count}"),
    "triage.own_issues": (
        "该群众已有 {count} 件在办事项（按 l 归入）",
        "This resident already has {count} open issue(s) (l links)",
    ),
    "triage.proposed": ("可能是同一问题（按 l 归入）：", "Looks like the same problem (l links):"),
    "triage.reason_own": ("本人在办", "their own"),
    "triage.reason_village": ("同村", "same village"),
    "triage.reason_category": ("同类", "same category"),
    "triage.reason_words": ("共有词：{words}", "shared words: {words}"),
    "triage.alike": (
        "另有 {count} 条待分办来访与此相似，按 m 全部标记",
        "{count} other waiting visit(s) look like this one: m marks them all",
    ),
    "triage.marked": (
        "已标记 {count} 条：1/2/3/u 合并开立一个事项，l 一并归入，空格取消",
        "{count} marked: 1/2/3/u open one issue from all, l links all, space unmarks",
    ),
    "triage.merged": (
        "已将 {count} 条来访合并为一个事项：{tier} · {unit}，{due} 前办结",
        "{count} visits opened as one issue: {tier} · {unit}, due {due}",
    ),
    "triage.linked_n": ("已将 {count} 条来访归入：{title}", "{count} visits linked to: {title}"),
    "triage.by_urgency": ("按紧急度排序", "most urgent first"),
    "triage.repeat_linked": (
        "该群众此前已为此事来访：记为重复诉求",
        "The resident came about this before: counted as a repeat visit",
    ),
    "urgency.score": ("紧急度 {score}", "Urgency {score}"),
    "urgency.overdue": ("逾期 {amount} 天", "{amount} d overdue"),
    "urgency.due_soon": ("临近期限（剩 {amount} 天）", "due in {amount} d"),
    "urgency.repeat": ("重复来访 {amount} 次", "{amount} repeat visit(s)"),
    "urgency.vulnerable": ("困难群体", "vulnerable resident"),
    "urgency.resupervision": ("再监督", "re-supervised"),
    "urgency.came_before": ("同类再次来访 {amount} 次", "came {amount}× before about this"),
    "urgency.waiting": ("已等待 {amount} 天", "waiting {amount} d"),
    "urgency.none": ("暂无加急因素", "nothing adds urgency"),
    # Board
    "board.title": ("三色榜", "Colour board"),
    "board.empty": ("没有符合条件的在办事项", "No open issues match"),
    "board.page": ("第 {page}/{pages} 页 · 共 {total} 件", "Page {page}/{pages} · {total} issues"),
    "board.filtered": ("已筛选：{what}", "Filtered: {what}"),
    "board.filter_title": ("筛选三色榜", "Filter the board"),
    "board.any": ("全部", "Any"),
    "board.apply": ("应用", "Apply"),
    "board.clear": ("清除", "Clear"),
    "board.by_urgency": ("按紧急度排序（o 恢复）", "Most urgent first (o: usual order)"),
    "col.colour": ("色", "C"),
    "col.title": ("事项", "Issue"),
    "col.tier": ("层级", "Tier"),
    "col.unit": ("责任单位", "Unit"),
    "col.village": ("村社", "Village"),
    "col.category": ("分类", "Category"),
    "col.status": ("状态", "Status"),
    "col.due": ("期限", "Due"),
    "col.visits": ("次", "Visits"),
    "col.received": ("时间", "Received"),
    "col.resident": ("群众", "Resident"),
    "col.phone": ("电话", "Phone"),
    "col.closed_on": ("办结日期", "Closed"),
    "col.waiting": ("已等", "Waiting"),
    "col.summary": ("内容", "What"),
    "col.channel": ("渠道", "Channel"),
    "due.left": ("剩{days}天", "{days} d left"),
    "due.today": ("今天到期", "due today"),
    "due.over": ("超{days}天", "{days} d over"),
    "due.resup": ("再监督", "re-supervised"),
    # Issue detail
    "issue.title": ("事项详情", "Issue"),
    "issue.meta": (
        "{tier} · {unit} · {village} · {category}",
        "{tier} · {unit} · {village} · {category}",
    ),
    "issue.status_line": (
        "状态：{status}　期限：{due}（{left}）",
        "Status: {status}  Due: {due} ({left})",
    ),
    "issue.lead": ("领衔代表：{name}", "Lead deputy: {name}"),
    "issue.opened": ("{date} 受理，{window} 天办理期", "Opened {date}, {window}-day window"),
    "issue.closed_line": ("{date} 办结（{within}）", "Closed {date} ({within})"),
    "issue.within": ("期限内", "within its window"),
    "issue.late": ("超期", "late"),
    "issue.awaiting_eval": ("待群众评价", "awaiting the resident's evaluation"),
    "issue.eval": (
        "群众评价：{resolution}，{satisfaction}",
        "Evaluation: {resolution}, {satisfaction}",
    ),
    "issue.visits": ("来访 {count} 次", "{count} visits"),
    "issue.timeline": ("办理过程", "History"),
    "issue.tl_visit": ("来访", "Visit"),
    "issue.tl_move": ("{before} → {after}", "{before} → {after}"),
    "issue.tl_note": ("进展", "Progress"),
    "issue.tl_eval": (
        "评价：{resolution}，{satisfaction}",
        "Evaluation: {resolution}, {satisfaction}",
    ),
    "issue.tl_reopen": ("再监督", "Reopened for re-supervision"),
    "issue.reopened_n": ("再监督 {count} 次", "re-supervised {count}×"),
    "issue.repeat_mark": ("重复来访", "repeat visit"),
    "issue.consent_yes": ("同意转交", "consents to forwarding"),
    "issue.consent_no": ("未同意转交", "not consented"),
    # f on the issue page: consent given or withdrawn later (PIPL: withdrawn at any time).
    "issue.consent_pick": (
        "同意转交：选一次来访，改为同意或撤回（该群众在本事项的来访一并改）",
        "Consent to forwarding: choose a visit to give or withdraw it "
        "(for all that resident's visits on this issue)",
    ),
    "issue.consent_given": ("已记录：{name} 同意转交", "Recorded: {name} consents to forwarding"),
    "issue.consent_withdrawn": (
        "已撤回：{name} 同意转交",
        "Withdrawn: {name} no longer consents to forwarding",
    ),
    "issue.consent_visits": ("（本事项 {count} 次来访）", " ({count} visits on this issue)"),
    "issue.progress_saved": ("已记录进展", "Progress recorded"),
    "issue.closed_ok": ("已办结", "Closed"),
    "issue.closed_reopened": (
        "群众{verdict}，事项已转再监督（红）",
        "Resident {verdict}: the issue is reopened for re-supervision (red)",
    ),
    "issue.reopened": ("已转再监督", "Reopened for re-supervision"),
    "issue.unit_changed": ("已改由 {tier} · {unit} 办理", "Now handled by {tier} · {unit}"),
    "issue.evaluated": ("已记录评价", "Evaluation recorded"),
    "issue.cannot_close": ("该事项已办结并评价", "This issue is closed and evaluated"),
    "issue.cannot_reopen": ("只有已办结的事项可以再监督", "Only a closed issue can be reopened"),
    # Modals
    "progress.title": ("办理进展", "Add progress"),
    "progress.status": ("状态", "Status"),
    "progress.note": ("进展说明", "Note"),
    "close.title": ("办结并记录群众评价", "Close with the resident's evaluation"),
    "close.resolved": ("问题解决了吗？", "Was it resolved?"),
    "close.satisfied": ("群众满意吗？", "Is the resident satisfied?"),
    "close.not_yet": ("暂未评价（先办结，稍后回访）", "Not yet (close now, ask later)"),
    "close.note": ("说明（可不填）", "Note (optional)"),
    "close.need_both": ("请选择两项评价，或选“暂未评价”", "Choose both answers, or 'not yet'"),
    "reopen.title": ("转再监督", "Reopen for re-supervision"),
    "reopen.note": ("再监督原因", "Why it is reopened"),
    "confirm.yes": ("确定", "Yes"),
    "confirm.no": ("取消", "No"),
    "deputy.title": ("谁在值班？", "Who is on duty?"),
    "deputy.rostered": ("今日排班", "Rostered today"),
    "deputy.others": ("其他代表", "Other deputies"),
    "deputy.switched": ("当前值班：{name}", "Now on duty: {name}"),
    "help.title": ("帮助", "Help"),
    "help.keys": ("按键", "Keys"),
    "help.global": ("全局", "Everywhere"),
    "help.close": ("按 Esc 关闭", "Esc closes"),
    "help.dashboard": (
        "今日值班的概况：谁在值班、下一班是谁、今天的来访、三色榜计数、超期事项和上一班的交接。"
        "e 交班（核对、签署交接记录后由下一位代表接班），a 确认上一班的交接，o 排班，"
        "w 换人值班（设了 PIN 的代表要输入 PIN），f 回访，m 民生微实事，g 季度评议。"
        "领导干部进站和代表履职全景图（述职）在命令面板（Ctrl+P）中。",
        "Today at a glance: who is on duty and next, today's visits, the colour counts, "
        "overdue issues and the last handover note. e ends your shift (check and sign the "
        "handover, then the next deputy takes over), a acknowledges the last handover, "
        "o opens the roster, w puts another deputy on duty (with their PIN if they have one), "
        "f the follow-up calls, m the micro-projects, g the quarterly review. Leader visits "
        "and the deputies' record (for their report to voters) are in the command palette "
        "(Ctrl+P).",
    ),
    "help.log": (
        "先输入电话：老群众会自动带出姓名和村社。Tab 在栏目间移动，下拉框按回车展开。"
        "Ctrl+S 保存，保存后直接进入分办。",
        "Type the phone first: a returning resident's name and village are filled in. "
        "Tab moves between fields; Enter opens a list. Ctrl+S saves and goes on to triage.",
    ),
    "help.triage": (
        "待分办的来访，最早的在前。按 1/2/3 选层级并挑选责任单位，开立新事项；"
        "按 u 直接选单位；按 l 归入已有的同类事项（可能是同一问题的排在前面，并注明原因）。"
        "空格标记来访，m 标记与当前相似的全部来访，标记后 1/2/3/u 合并开立一个事项；"
        "o 在时间顺序和紧急度之间切换；f 记录群众同意或撤回同意转交。",
        "Visits waiting for triage, oldest first. Press 1/2/3 to choose the tier and then "
        "the unit, opening a new issue; u chooses a unit directly; l links to an open issue "
        "(those that look like the same problem first, with the reasons). Space marks a visit, "
        "m marks every waiting visit like this one; with marks, 1/2/3/u open one issue from "
        "all of them. o switches between oldest first and most urgent first; f records the "
        "resident giving or withdrawing consent to forwarding.",
    ),
    "help.board": (
        "在办事项按层级分组，红黄绿排序（最急的在前）。■ 红：超期或再监督；"
        "▲ 黄：剩余期限不足三分之一；● 绿：期限充裕。f 筛选，o 按紧急度排序（逾期天数、"
        "重复来访、困难群体、诉求类型、再监督；事项页显示明细），PgUp/PgDn 翻页，回车打开。",
        "Open issues by tier, worst first. ■ red: overdue or re-supervised; ▲ yellow: a third "
        "of the window or less left; ● green: on track. f filters, o sorts by urgency (days "
        "overdue, repeat visits, vulnerable residents, kind, re-supervision; the issue page "
        "shows the breakdown), PgUp/PgDn pages, Enter opens.",
    ),
    "help.issue": (
        "事项的来访和办理过程。p 记录进展（状态只能向前），c 办结并记录群众评价"
        "（未解决或不满意会转再监督），r 再监督，u 改派责任单位，v 显示电话，"
        "m 立为民生微实事（已立项则打开项目），a 打印交办单，e 打印催办通知书（超期事项），"
        "f 群众事后同意或撤回同意转交（选一次来访，该群众在本事项的来访一并改）。",
        "An issue's visits and history. p adds progress (status only moves forward), c closes "
        "with the resident's evaluation (unresolved or unsatisfied reopens it), r reopens, "
        "u hands it to another unit, v reveals phones, m promotes it to a micro-project (or "
        "opens its project), a prints the assignment slip, e the reminder notice (overdue), "
        "f records consent to forwarding given or withdrawn later (choose a visit: all that "
        "resident's visits on this issue change).",
    ),
    # Search (/)
    "key.search": ("搜索", "Search"),
    "tip.search": ("按姓名、拼音、电话或内容查找", "Find by name, pinyin, phone or words"),
    "key.next_kind": ("换类别", "Next kind"),
    "key.prev_kind": ("上一类别", "Previous kind"),
    "key.results": ("到结果", "To results"),
    "key.to_input": ("改搜索词", "Edit search"),
    "search.title": ("搜索", "Search"),
    "search.of_resident": ("{name} 的来访", "{name}'s visits"),
    "search.placeholder": (
        "姓名、拼音首字母、电话后四位或来访内容",
        "Name, pinyin initials, a phone's last digits or words",
    ),
    "search.residents": ("群众", "Residents"),
    "search.issues": ("事项", "Issues"),
    "search.visits": ("来访", "Visits"),
    "search.counting": ("…", "…"),
    "search.at_least": ("{count}+", "{count}+"),
    "search.page": ("第 {page} 页", "Page {page}"),
    "search.none": ("没有找到", "Nothing found"),
    "search.nothing_here": ("这一类没有结果，←/→ 换类别", "None of this kind; ←/→ for another"),
    "search.welcome": (
        "输入后即时显示结果：\n"
        "  姓名　　　　张晓明、晓明\n"
        "  拼音　　　　zxm（首字母）、zhangxiaoming\n"
        "  电话后几位　1234（四位以上）\n"
        "  来访内容　　飞线、楼道堆物（一个字也可以）\n"
        "↓ 进入结果，←/→ 在群众、事项、来访之间切换，回车打开，Esc 返回。",
        "Results appear as you type:\n"
        "  a name            张晓明, 晓明\n"
        "  pinyin            zxm (initials), zhangxiaoming\n"
        "  a phone's end     1234 (four digits or more)\n"
        "  words of a visit  飞线, 楼道堆物 (one character is enough)\n"
        "↓ moves into the results, ←/→ switch residents, issues and visits, Enter opens, "
        "Esc goes back.",
    ),
    "search.visit_count": ("{count} 次", "{count}×"),
    "search.not_triaged": ("待分办", "not triaged"),
    "search.col_phone": ("电话", "Phone"),
    "search.col_last": ("最近来访", "Last visit"),
    "search.col_date": ("日期", "Date"),
    "search.col_visit": ("来访内容 · 群众 · 事项", "Visit · resident · issue"),
    "help.search": (
        "按姓名（任意部分）、拼音首字母或全拼（zxm、zhangxiaoming）、电话后四位以上、"
        "来访内容（任意长度）或事项标题查找。结果分群众、事项、来访三类，←/→ 切换；"
        "↓ 从输入框进入结果，↑ 回到输入框；PgUp/PgDn 翻页。回车：群众 → 他的全部来访；"
        "事项 → 事项页；来访 → 所属事项，未分办的进入分办。v 显示电话，Esc 返回。",
        "Find residents by any part of a name, pinyin initials or full pinyin (zxm, "
        "zhangxiaoming) or a phone's last four digits or more; visits by their words (any "
        "length); issues by title. ←/→ switch between residents, issues and visits; ↓ moves "
        "from the box into the results, ↑ back; PgUp/PgDn page. Enter on a resident lists "
        "their visits; on an issue opens it; on a visit opens its issue, or its triage when "
        "it has none. v reveals phones; Esc goes back.",
    ),
    # Errors
    "error.title": ("出错了", "Something went wrong"),
    "error.store": ("操作未完成", "The operation did not complete"),
    "error.form": ("请更正标红的栏目", "Please correct the fields marked in red"),
    "error.not_found": ("找不到该记录", "Record not found"),
    "error.visit_not_found": ("找不到这条来访", "Visit not found"),
    "error.issue_not_found": ("找不到这个事项", "Issue not found"),
    "error.unit_not_found": ("找不到该责任单位", "Unit not found"),
    "error.deputy_not_found": ("找不到该代表", "Deputy not found"),
    "error.shift_not_found": ("找不到该班次", "Shift not found"),
    "error.handover_acknowledged": (
        "交接记录已被接班代表确认，不能再改",
        "The next deputy has acknowledged this handover: it can no longer change",
    ),
    "error.roster_range": ("结束日期早于开始日期", "The end date is before the start date"),
    "error.roster_too_long": (
        "一次最多排 {days} 天的班",
        "A roster can cover at most {days} days at a time",
    ),
    "error.roster_no_deputies": ("没有可排班的代表", "No active deputy to put on the roster"),
    "pin.title": ("{name}，请输入 PIN", "{name}: enter your PIN"),
    "pin.prompt": ("PIN（4–8 位数字），回车确认", "PIN (4–8 digits), Enter to confirm"),
    "error.pin_format": ("PIN 须为 {min}–{max} 位数字", "A PIN is {min}–{max} digits"),
    "error.pin_wrong": ("PIN 不正确，还可再试 {left} 次", "Wrong PIN: {left} more tries"),
    "error.pin_locked": (
        "PIN 错误次数过多，已锁定至 {until}",
        "Too many wrong PINs: locked until {until}",
    ),
    "error.status_move": ("状态不能这样变更", "The status cannot move that way"),
    "error.link_closed": ("不能归入已办结的事项", "Cannot link to a closed issue"),
    "error.already_closed": ("该事项已办结并评价", "This issue is already closed and evaluated"),
    "error.reopen_open": ("只有已办结的事项可以再监督", "Only a closed issue can be reopened"),
    "error.visit_triaged": ("这条来访已经分办过了", "This visit has already been triaged"),
    "error.unit_tier": ("责任单位与层级不符", "The unit is not at that tier"),
    "error.read_only": (
        "内部错误：只读会话不能写入",
        "Internal error: a read session cannot write",
    ),
    "error.hard_delete": ("记录只能标记删除", "Records can only be marked deleted"),
    "error.station_missing": (
        "还没有联络站数据库：先运行 liaison init 或 liaison demo",
        "No station database yet: run `liaison init` or `liaison demo` first",
    ),
    "error.db_too_new": (
        "数据库由更新版本的值班台创建（版本 {revision}），请升级本软件",
        "The database was written by a newer Liaison Desk (revision {revision}); upgrade first",
    ),
    "error.db_busy": (
        "数据库正被另一终端占用，请稍后再试",
        "The database is busy in another terminal; try again in a moment",
    ),
    "error.db_unreadable": (
        "不是值班台数据库文件（或已损坏）",
        "Not a Liaison Desk database (or it is damaged)",
    ),
    "error.db_encrypted": (
        "数据库已加密，需要口令才能打开",
        "The database is encrypted: it needs its passphrase",
    ),
    "error.db_wrong_passphrase": (
        "口令不对，无法打开加密的数据库",
        "Wrong passphrase: cannot open the encrypted database",
    ),
    "error.pg_unreachable": (
        "无法打开数据库 {db}：服务器未启动、地址或密码有误，或没有这个数据库",
        "Cannot open the database {db}: the server is down, the address or password is wrong,"
        " or there is no such database",
    ),
    # Sync bundles refused (store.core.errors.SyncRefused): nothing was changed.
    "sync.refused": ("同步包未导入", "The sync bundle was not taken in"),
    "sync.not_bundle": ("不是同步包文件", "Not a sync bundle"),
    "sync.damaged": (
        "同步包已损坏或被改动（或不完整），未导入",
        "The sync bundle is damaged, altered or cut short; nothing was taken in",
    ),
    "sync.other_station": (
        "同步包来自另一个联络站，未导入",
        "The sync bundle belongs to another station; nothing was taken in",
    ),
    "sync.own_bundle": (
        "这是本机导出的同步包，无需导入",
        "This bundle was made on this device; nothing to take in",
    ),
    "sync.wrong_passphrase": (
        "口令不对，同步包未打开",
        "Wrong passphrase; the bundle was not opened",
    ),
    "sync.need_passphrase": ("此同步包需要口令", "This bundle needs its passphrase"),
    "sync.short_passphrase": (
        "口令至少 {min} 个字符",
        "The passphrase needs at least {min} characters",
    ),
    "sync.wrong_key": (
        "同步包不是用本站密钥封装的（可能来自别的站），未导入",
        "The bundle was not sealed with this station's key (another station's?); "
        "nothing was taken in",
    ),
    "sync.no_key": (
        "本机没有联络站密钥：请用联络站导出的新设备同步包重新建立",
        "This device has no station key: make it again from the station's new-laptop bundle",
    ),
    "sync.unreadable": ("无法读取同步包文件", "The bundle file cannot be read"),
    "sync.join_bundle": (
        "这是新建笔记本用的同步包：请用 liaison init --from-bundle",
        "This bundle makes a new laptop: use liaison init --from-bundle",
    ),
    "sync.not_join_bundle": (
        "此同步包不能建立新设备：请在联络站用 liaison sync export --new-laptop 导出",
        "This bundle cannot make a laptop: "
        "export one at the station with liaison sync export --new-laptop",
    ),
    "sync.join_from_station": (
        "只有联络站主机能导出新设备同步包",
        "Only the station's own terminal can make a new-laptop bundle",
    ),
    "sync.no_such_device": ("本站没有这台设备", "This station has no such device"),
    "sync.incomplete": (
        "同步包缺少更早的记录：请先导入对方更早的同步包，或请对方重新导出",
        "The bundle lacks earlier records: "
        "take in the other side's earlier bundle, or ask for a new one",
    ),
    "device.station_terminal": ("值班台", "Station desk"),
    "sync.passphrase_file": ("无法读取口令文件", "The passphrase file cannot be read"),
    "sync.prompt_passphrase": ("口令", "Passphrase"),
    "sync.in_header": (
        "已导入「{sender}」的同步包：新更改 {new} 条，已有 {known} 条（跳过）",
        "Took in the bundle from {sender}: {new} new change(s), {known} already here (skipped)",
    ),
    "sync.count": ("{kind} {n}", "{n} {kind}"),
    "sync.list_separator": ("、", ", "),
    "sync.added": ("新增：{list}", "New: {list}"),
    "sync.updated": ("更新记录 {n} 条", "{n} record(s) updated"),
    "sync.kind.visit": ("来访", "visit(s)"),
    "sync.kind.issue": ("事项", "issue(s)"),
    "sync.kind.progress": ("进展", "progress entries"),
    "sync.kind.evaluation": ("评价", "evaluation(s)"),
    "sync.kind.constituent": ("群众", "resident(s)"),
    "sync.kind.shift": ("值班", "shift(s)"),
    "sync.kind.deputy": ("代表信息", "deputy change(s)"),
    "sync.kind.device": ("设备", "device(s)"),
    "sync.kind.conflict_resolution": ("冲突处理", "conflict answer(s)"),
    "sync.kind.other": ("其他", "other"),
    "sync.in_conflicts": (
        "有 {n} 处冲突待处理（同步页 y 查看）",
        "{n} conflict(s) to review (sync screen, y)",
    ),
    "sync.clock_ahead": (
        "注意：设备「{device}」的时钟快了一天以上，其更改已按本机时间排序；请校正该设备的时钟",
        "Warning: {device}'s clock ran more than a day ahead; its changes were ordered by this "
        "device's clock. Set that clock right",
    ),
    "sync.out_written": (
        "已导出 {n} 条更改到 {path}（给：{peers}）",
        "Wrote {n} change(s) to {path} (for: {peers})",
    ),
    "sync.every_device": ("任一设备", "any device"),
    "sync.join_written": (
        "已导出新设备同步包 {path}（{n} 条更改）；在笔记本上运行 liaison init --from-bundle",
        "Wrote the new-laptop bundle {path} ({n} changes); on the laptop run "
        "liaison init --from-bundle",
    ),
    "hub.unreachable": ("无法连接县级汇总库：{hub}", "Cannot reach the county hub: {hub}"),
    "hub.bad_url": ("县级汇总库地址无效：{hub}", "Not a valid county hub address: {hub}"),
    "hub.not_a_hub": (
        "{hub} 不是县级汇总库（用 liaison hub init 建立）",
        "{hub} is not a county hub (make one with liaison hub init)",
    ),
    "hub.station_only": (
        "只有联络站主机的数据库能与县级汇总库同步（笔记本请与联络站交换同步包）",
        "Only a station's own database syncs with the county hub (a laptop exchanges bundles "
        "with its station)",
    ),
    "hub.incomplete": (
        "这些更改引用了对方没有的记录，未写入任何更改",
        "The changes refer to records the other side does not have; nothing was written",
    ),
    "hub.pushed": (
        "已推送到「{hub}」：新更改 {new} 条，汇总库已有 {known} 条{kinds}",
        "Pushed to {hub}: {new} new change(s), {known} already there{kinds}",
    ),
    "hub.pulled": (
        "已从「{hub}」取回：新更改 {new} 条，本站已有 {known} 条{kinds}",
        "Pulled from {hub}: {new} new change(s), {known} already here{kinds}",
    ),
    "hub.details": ("（{list}）", " ({list})"),
    "hub.detail_separator": ("；", "; "),
    "hub.added": ("新增 {list}", "added {list}"),
    "hub.updated": ("更新记录 {n} 条", "{n} record(s) updated"),
    "hub.conflicts": ("冲突 {n} 处", "{n} conflict(s)"),
    "hub.created": ("已建立县级汇总库「{name}」：{db}", "Made the county hub {name}: {db}"),
    "hub.need_db": (
        "请用 --db 指定汇总库（PostgreSQL 地址或文件）",
        "Name the hub's database with --db (a PostgreSQL URL or a file)",
    ),
    "hub.exists": ("{db} 已有联络站或汇总库", "{db} already holds a station or a hub"),
    "sync.joined": (
        "已建立「{station}」的笔记本「{device}」：{path}",
        "Made {device}, a laptop of {station}: {path}",
    ),
    "error.conflict_not_found": (
        "没有这条冲突（可能已处理）",
        "No such conflict (answered already?)",
    ),
    "error.unexpected": (
        "意外错误，已中止本次操作，数据未改动",
        "Unexpected error: the operation was stopped and nothing was changed",
    ),
    "backup.failed": (
        "备份未完成，原数据库未改动",
        "The backup did not complete; the database is unchanged",
    ),
    "backup.onto_live": (
        "不能把备份写到正在使用的数据库本身上",
        "Refusing to write the backup over the live database itself",
    ),
    "backup.postgres": (
        "PostgreSQL 数据库不能用 liaison backup/restore 备份或恢复，请用 pg_dump / pg_restore",
        "liaison backup/restore copy a SQLite file: back up a PostgreSQL database with pg_dump"
        " and pg_restore",
    ),
    "cli.postgres_unsupported": (
        "此命令只能用于 SQLite 数据库文件，不能用于 PostgreSQL：{db}",
        "This command works on a SQLite database file, not on PostgreSQL: {db}",
    ),
    "backup.unverified": (
        "备份副本未通过完整性检查，已丢弃",
        "The backup copy failed its integrity check and was discarded",
    ),
    "backup.source_missing": ("找不到要备份的数据库文件", "The database to back up was not found"),
    "backup.busy": (
        "数据库长时间被另一终端锁定，备份未完成",
        "The database stayed locked by another terminal; the backup did not complete",
    ),
    "backup.done": ("已备份到：{path}", "Backup written: {path}"),
    "backup.daily_done": ("今日自动备份：{path}", "Today's automatic backup: {path}"),
    "restore.failed": ("恢复未完成", "The restore did not complete"),
    "restore.not_database": (
        "该文件不是 SQLite 数据库，未恢复",
        "That file is not a SQLite database; nothing was restored",
    ),
    "restore.corrupt": (
        "该备份已损坏（未通过完整性检查），未恢复",
        "That backup is damaged (integrity check failed); nothing was restored",
    ),
    "restore.not_station": (
        "该文件不是值班台联络站数据库，未恢复",
        "That file is not a Liaison Desk station database; nothing was restored",
    ),
    "restore.too_new": (
        "该备份由更新版本的值班台写入（版本 {revision}），请先升级本软件",
        "That backup was written by a newer Liaison Desk (revision {revision}); upgrade first",
    ),
    "restore.busy": (
        "数据库正被另一终端写入，超时未能恢复，数据未改动；请关闭其他终端后再试",
        "Another terminal kept writing to the database past the timeout; nothing was restored."
        " Close other terminals and try again",
    ),
    "restore.same_file": (
        "备份文件就是当前数据库，无需恢复",
        "The backup is the live database itself; nothing to restore",
    ),
    "restore.close_app": (
        "恢复前请关闭所有打开这个数据库的值班台窗口",
        "Close every Liaison Desk window on this database before restoring",
    ),
    "restore.done": (
        "已从备份恢复；恢复前的数据库保存在：{path}",
        "Restored from the backup; the database from before is kept at {path}",
    ),
    "restore.new_identity": (
        "这台设备从此以新的设备编号继续工作；下次同步会把备份之后的记录从联络站（或笔记本）取回",
        "This device goes on under a new device id; the next sync brings back what was recorded "
        "after the backup from the station (or its laptops)",
    ),
    "sync.renamed": (
        "这个数据库曾被恢复为旧的副本：已改用新的设备编号，之后的记录不会丢失；请再同步一次",
        "This database had been put back to an older copy: it now uses a new device id, and "
        "nothing recorded since is lost; sync once more",
    ),
    "check.ok": ("检查通过：数据库完好", "Check passed: the database is sound"),
    "check.failed": ("检查发现 {count} 项问题", "The check found {count} problem(s)"),
    "check.unreadable": (
        "无法读取数据库（文件不是数据库或已严重损坏）",
        "The database cannot be read (not a database, or badly damaged)",
    ),
    "check.integrity": (
        "SQLite 完整性检查未通过（{count} 条消息，第一条：{first}）",
        "SQLite integrity check failed ({count} message(s), first: {first})",
    ),
    "check.foreign_key": (
        "{table} 表有 {count} 行引用了 {parent} 表中不存在的记录（第一行 {first}）",
        "{count} row(s) of {table} refer to missing {parent} records (first: {first})",
    ),
    "check.schema": ("数据库缺少数据表：{missing}", "The database lacks tables: {missing}"),
    "check.words": (
        "来访的词语统计与来访不一致（{what}），民意热词可能不准；可用 liaison check --repair 重建",
        "The visits' word counts disagree with the visits ({what}): hot words may be off; "
        "liaison check --repair rebuilds them",
    ),
    "check.repaired": (
        "已重建检索索引和词语统计（{count} 条来访）",
        "Search index and word counts rebuilt ({count} visits)",
    ),
    "cli.check.quick": (
        "只检查上次完整检查通过之后的变更（哈希链的后段和这期间写过的记录）",
        "Check only what changed since the last full check that passed (the chain after it and "
        "the records written since)",
    ),
    "handover.chain": (
        "· 留痕校验：第 {seq} 条 · {link}",
        "· Audit chain: entry {seq} · {link}",
    ),
    "check.chain_witness": (
        "设备「{device}」的变更日志在 {at} 之后被整体改写过："
        "它给出的第 {seq} 条哈希与这里见证的不符",
        "Device {device}'s change log was rewritten after {at}: its link at entry {seq} no "
        "longer matches the one witnessed here",
    ),
    "sync.chain_rewritten": (
        "注意：「{device}」的变更日志与上次见到的不一致（整体改写过），已记录；"
        "请运行 liaison check",
        "Warning: {device}'s change log no longer matches what was seen of it before (rewritten "
        "whole); noted, run liaison check",
    ),
    "check.record_edited": (
        "记录与变更日志不符：{table} 表记录 {row} 的「{field}」被绕过值班台改动过",
        "A record differs from the change log: {table} record {row}, field {field}, was changed "
        "around the desk",
    ),
    "cli.check.repair": (
        "重建由来访派生的数据（全文检索索引、词语统计），不改动任何记录",
        "Rebuild what is derived from the visits (search index, word counts); no record changes",
    ),
    "check.search_index": (
        "来访全文检索索引不完整（{missing}），搜索可能漏项；可用 liaison check --repair 重建",
        "The visits' search index is incomplete ({missing}): searches may miss visits; "
        "liaison check --repair rebuilds it",
    ),
    "check.station_missing": (
        "数据库没有本机设备记录（local_meta）",
        "The database has no device of its own (local_meta)",
    ),
    "check.visit_issue_missing": (
        "{count} 条来访归入的事项不存在（第一条来访 {first}）",
        "{count} visit(s) belong to an issue that does not exist (first visit: {first})",
    ),
    "check.visit_issue_deleted": (
        "{count} 条来访归入的事项已删除（第一条来访 {first}）",
        "{count} visit(s) belong to a deleted issue (first visit: {first})",
    ),
    "check.visit_count": (
        "{count} 个事项的来访数与实际来访不符（第一个事项 {first}）",
        "{count} issue(s) have a visit count that does not match their visits (first: {first})",
    ),
    "check.repeat_count": (
        "{count} 个事项的重复来访数与实际不符（第一个事项 {first}）",
        "{count} issue(s) have a repeat count that does not match their repeat visits "
        "(first: {first})",
    ),
    "check.repeat_flags": (
        "{count} 个事项的重复来访标记与来访群众不符（第一个事项 {first}）",
        "{count} issue(s) have repeat marks that do not match who visited (first: {first})",
    ),
    "check.issue_warn_after_due": (
        "{count} 个事项的预警日期晚于办结期限（第一个 {first}）",
        "{count} issue(s) have a warning date after the due date (first: {first})",
    ),
    "check.issue_closed_undated": (
        "{count} 个已办结事项没有办结日期（第一个 {first}）",
        "{count} closed issue(s) have no closing date (first: {first})",
    ),
    "check.issue_open_dated": (
        "{count} 个未办结事项却有办结日期（第一个 {first}）",
        "{count} open issue(s) have a closing date (first: {first})",
    ),
    "check.log_unknown_table": (
        "变更日志中有 {count} 条指向未知的表（第一条序号 {first}）",
        "{count} change-log entries name an unknown table (first seq: {first})",
    ),
    "check.log_row_missing": (
        "变更日志中有 {count} 条指向 {table} 表中不存在的记录（第一条序号 {first}）",
        "{count} change-log entries name {table} records that do not exist (first seq: {first})",
    ),
    "check.row_unlogged": (
        "{table} 表有 {count} 行没有新增记录的变更日志（第一行 {first}）",
        "{count} {table} row(s) have no insert entry in the change log (first: {first})",
    ),
    "key.audit_verify": ("核验", "Verify"),
    "tip.audit_verify": (
        "核验变更日志的哈希链：记录有没有被改动、插入或删除",
        "Verify the change log's hash chain: was any entry altered, inserted or removed",
    ),
    "audit.chain_unchecked": (
        "按 c 核验变更日志是否被改动过",
        "Press c to verify that the change log has not been altered",
    ),
    "audit.chain_checking": ("正在核验变更日志……", "Verifying the change log…"),
    "audit.chain_ok": (
        "变更日志完好：{count} 条记录的哈希链核验无误",
        "The change log is intact: the hash chain of its {count} entries verifies",
    ),
    "audit.chain_broken": (
        "变更日志被改动过：哈希链在第 {seq} 条断开（{table}，{at}）",
        "The change log was altered: its hash chain breaks at entry {seq} ({table}, {at})",
    ),
    "check.chain_broken": (
        "变更日志的哈希链在第 {seq} 条断开（{table} 表记录 {row}，{at}）："
        "这条或它之前的记录被改动、插入或删除过",
        "The change log's hash chain breaks at entry {seq} ({table} record {row}, {at}): this "
        "entry or one before it was altered, inserted or removed",
    ),
    "check.hlc_order": (
        "本机变更日志有 {count} 处时间戳未递增（第一处序号 {first}）",
        "{count} of this device's change-log stamps do not increase (first seq: {first})",
    ),
    "cli.purge": (
        "清除办结已满保存期限的群众个人信息（姓名、电话、身份证号），统计数据保留",
        "Remove residents' personal data (name, phone, ID number) once their issues have been "
        "closed longer than the retention period; statistics stay",
    ),
    "cli.purge.dry_run": ("只列出将被清除的，不做改动", "List what would go; change nothing"),
    "cli.purge.years": (
        "保存期限（年），默认取本站设置 purge_after_years",
        "Retention period in years (default: the station's purge_after_years setting)",
    ),
    "cli.purge.yes": ("不再询问，直接清除", "Do not ask for confirmation"),
    "issue.resident_purged": (
        "（个人信息已按保存期限清除）",
        "(personal data removed after the retention period)",
    ),
    "purge.plan": (
        "所有事项在 {cutoff} 以前办结（保存期限 {years} 年）的群众共 {residents} 位，"
        "涉及 {issues} 个事项",
        "{residents} resident(s) whose issues all closed on or before {cutoff} (kept for "
        "{years} year(s)), {issues} issue(s)",
    ),
    "purge.row": (
        "  {village}  {name}  {phone}  最后办结 {closed}",
        "  {village}  {name}  {phone}  last closed {closed}",
    ),
    "purge.more": ("  ……另有 {count} 位", "  … and {count} more"),
    "purge.need_yes": (
        "清除不可撤销：请先用 --dry-run 查看，再加 --yes 执行",
        "A purge cannot be undone: look with --dry-run first, then run it with --yes",
    ),
    "purge.confirm": (
        "清除这 {residents} 位群众的姓名和电话？此操作不可撤销",
        "Remove these {residents} residents' names and phones? This cannot be undone",
    ),
    "purge.purging": ("正在清除", "Purging"),
    "purge.cancelled": ("已取消，未做改动", "Cancelled; nothing changed"),
    "purge.done": (
        "已清除 {residents} 位群众的个人信息（改写变更日志 {entries} 条）；同步后其他设备也会清除",
        "Personal data of {residents} resident(s) removed ({entries} change-log entries "
        "rewritten); other devices remove it when they next sync",
    ),
    "settings.unknown": ("没有这个设置项", "No such setting"),
    "settings.invalid": ("设置值不合法", "Invalid setting value"),
    # Ledger (台账) import and export
    "ledger.unreadable": ("无法读取台账文件", "Cannot read the ledger file"),
    "ledger.unsupported": (
        "台账只支持 .xlsx 和 .csv 文件",
        "A ledger must be an .xlsx or .csv file",
    ),
    "ledger.missing_column": (
        "台账缺少必需的列：{columns}",
        "The ledger lacks required columns: {columns}",
    ),
    "ledger.invalid": (
        "台账有 {count} 处错误，未导入任何数据",
        "The ledger has {count} errors; nothing was imported",
    ),
    "ledger.row_error": ("第 {row} 行「{column}」：{message}", "Row {row}, {column}: {message}"),
    "ledger.suggest": ("是不是「{suggestion}」？", "Did you mean {suggestion}?"),
    "ledger.date": (
        "日期应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM",
        "Dates are YYYY-MM-DD or YYYY-MM-DD HH:MM",
    ),
    "ledger.date_future": ("日期晚于今天", "The date is after today"),
    "ledger.unknown": ("不认识这个名称", "Not a known name"),
    "ledger.consent": (
        "同意转交填 是 或 否（也可填 同意/不同意、1/0、✓/✗；空着算未同意）",
        "Consent is yes or no (also 是/否, 1/0, ✓/✗; empty means not given)",
    ),
    "ledger.unit_tier": ("责任单位不属于这个层级", "The unit does not work at this tier"),
    "ledger.unit_required": (
        "填了层级、状态或满意度，就要填责任单位",
        "A tier, status or satisfaction needs a unit",
    ),
    "ledger.satisfaction_open": (
        "只有已办结（或不满意后再监督的督事）的事项才有满意度",
        "Only a closed issue (or one reopened after evaluation) has a satisfaction",
    ),
    "ledger.issue_mismatch": (
        "同一事项的各行层级、责任单位、状态或满意度不一致",
        "Rows of one issue disagree on its tier, unit, status or satisfaction",
    ),
    "ledger.summary": (
        "读取 {rows} 行：新增来访 {visits} 条，跳过重复 {duplicates} 条，"
        "新建事项 {issues} 件，新增村社 {villages} 个",
        "{rows} rows read: {visits} visits added, {duplicates} duplicates skipped, "
        "{issues} issues opened, {villages} villages added",
    ),
    "ledger.villages_added": ("新增村社：{names}", "Villages added: {names}"),
    "ledger.dry_run": ("试导入：未写入任何数据", "Dry run: nothing was written"),
    "ledger.importing": ("正在导入台账…", "Importing the ledger…"),
    "ledger.exporting": ("正在导出台账…", "Exporting the ledger…"),
    "ledger.exported": ("已导出 {rows} 行到 {path}", "{rows} rows written to {path}"),
    "ledger.masked": (
        "电话已打码，这份台账不能再导入；需要再导入请加 --reveal",
        "Phones are masked, so this ledger cannot be imported again; use --reveal for that",
    ),
    # CLI
    "cli.app": (
        "联络站值班台：代表联络站的值班终端",
        "Liaison Desk: the duty desk of a deputy liaison station",
    ),
    "cli.db": ("数据库文件（或环境变量 LIAISON_DB）", "Database file (or LIAISON_DB)"),
    "cli.lang": ("界面语言：zh 或 en", "Interface language: zh or en"),
    "cli.demo": ("打开演示联络站（每次新建）", "Open a fresh demo station"),
    "cli.demo.visits": ("演示来访条数", "Number of demo visits"),
    "cli.demo.seed": (
        "随机种子（同一种子生成同一联络站）",
        "Random seed (same seed, same station)",
    ),
    "cli.demo.no_open": ("只生成数据库，不打开界面", "Write the database without opening the app"),
    "cli.demo.force": ("覆盖已有文件", "Overwrite an existing file"),
    "cli.init": ("新建联络站数据库", "Create a station database"),
    "cli.init.station": ("联络站名称", "Station name"),
    "cli.init.township": ("所在乡镇（街道）", "Township"),
    "cli.init.county": ("所在县（市、区）", "County"),
    "cli.init.deputy": ("代表姓名（可重复）", "Deputy name (repeatable)"),
    "cli.init.village": ("村（社区）名称（可重复）", "Village or community (repeatable)"),
    "cli.init.from_bundle": (
        "用联络站导出的新设备同步包建立村级笔记本",
        "Make a village laptop from the station's new-laptop bundle",
    ),
    "cli.init.name": ("这台设备的名称（默认主机名）", "This device's name (default: host name)"),
    "cli.passphrase_file": (
        "从文件读取口令（或用环境变量 LIAISON_PASSPHRASE）",
        "Read the passphrase from a file (or set LIAISON_PASSPHRASE)",
    ),
    "cli.db_passphrase_file": (
        "从文件读取加密数据库的口令（或用环境变量 LIAISON_DB_PASSPHRASE；不是同步包口令）",
        "Read the encrypted database's passphrase from a file (or set LIAISON_DB_PASSPHRASE;"
        " not a bundle's passphrase)",
    ),
    "cli.encrypt": (
        "用口令加密数据库（笔记本丢失时数据读不出来；口令不是 PIN，至少 8 个字符）",
        "Encrypt the database with a passphrase (a lost laptop's data cannot be read; a"
        " passphrase, not the PIN, at least 8 characters)",
    ),
    "cli.db_prompt": ("数据库 {path} 的口令", "Passphrase of the database {path}"),
    "cli.db_prompt_new": (
        "加密数据库的口令（至少 8 个字符，不要用 PIN）",
        "Passphrase to encrypt the database with (at least 8 characters, not the PIN)",
    ),
    "cli.db_try_again": ("口令不对，请再试一次", "Wrong passphrase, try again"),
    "cli.db_prompt_repeat": ("再输一次口令", "The passphrase again"),
    "cli.db_mismatch": (
        "两次输入的口令不一样，请重新输入",
        "The two passphrases differ; start again",
    ),
    "cli.rekey": (
        "更换加密数据库的口令，或给未加密的数据库加密（先关闭值班台）",
        "Change an encrypted database's passphrase, or encrypt a plain one (close the app first)",
    ),
    "cli.rekey.new_file": (
        "从文件读取新口令（否则在终端输入两次）",
        "Read the new passphrase from a file (else it is typed twice at the prompt)",
    ),
    "rekey.done": (
        "数据库已用新口令加密：{path}",
        "The database is now encrypted with the new passphrase: {path}",
    ),
    "rekey.busy": (
        "数据库正在使用（值班台还开着？）：请先关闭再更换口令",
        "The database is in use (is the app open?): close it before changing the passphrase",
    ),
    "cli.db_need_passphrase": (
        "数据库已加密：没有终端可以输入口令，请用 --db-passphrase-file 或环境变量 {env} 给出",
        "The database is encrypted: no terminal to ask at; give the passphrase with"
        " --db-passphrase-file or {env}",
    ),
    "cli.db_passphrase_unreadable": (
        "无法读取数据库口令文件",
        "The database passphrase file cannot be read",
    ),
    "cli.db_short_passphrase": (
        "数据库口令至少 {min} 个字符",
        "The database passphrase needs at least {min} characters",
    ),
    "cli.db_bad_passphrase": (
        "口令里不能有控制字符",
        "The passphrase cannot contain control characters",
    ),
    "cli.sync": (
        "离线同步包（笔记本与联络站之间）",
        "Offline sync bundles (laptops and the station)",
    ),
    "cli.sync.export": (
        "导出对方尚未确认收到的全部更改",
        "Write every change the other side has not acknowledged",
    ),
    "cli.sync.import": (
        "核验并导入同步包（一次事务）",
        "Verify and take in a bundle (one transaction)",
    ),
    "cli.sync.out": ("同步包文件", "Bundle file"),
    "cli.sync.file": ("同步包文件", "Bundle file"),
    "cli.sync.to": ("只为这台设备（名称）", "For this device only (its name)"),
    "cli.sync.full": ("全部更改（不论对方已有什么）", "Every change, whatever the other side has"),
    "cli.sync.push": (
        "把本站的更改推送到县级汇总库",
        "Send this station's changes to the county hub",
    ),
    "cli.sync.pull": (
        "从县级汇总库取回对本站记录的更改",
        "Take back from the county hub the changes to this station's records",
    ),
    "cli.sync.hub": (
        "县级汇总库（postgresql://… 地址，或试用时的文件）",
        "The county hub (a postgresql://… URL, or a file for trials)",
    ),
    "cli.hub": ("县级汇总库（全县各联络站的数据）", "County hub (every station's records)"),
    "cli.hub.init": ("新建县级汇总库", "Create a county hub database"),
    "cli.hub.db": (
        "汇总库：空的 PostgreSQL 数据库地址，或试用时的文件",
        "The hub: the URL of an empty PostgreSQL database, or a file for trials",
    ),
    "cli.hub.county": ("县（市、区）名称", "County name"),
    "cli.sync.new_laptop": (
        "导出建立新笔记本用的同步包（需口令）",
        "Write a bundle that makes a new laptop (needs a passphrase)",
    ),
    "cli.prompt.station": ("联络站名称", "Station name"),
    "cli.prompt.township": ("乡镇（街道）", "Township"),
    "cli.prompt.county": ("县（市、区）", "County"),
    "cli.prompt.deputies": ("代表姓名（用逗号分隔）", "Deputies (comma-separated)"),
    "cli.prompt.villages": ("村和社区（用逗号分隔）", "Villages and communities (comma-separated)"),
    "cli.created": ("已创建联络站：{name} → {path}", "Station created: {name} → {path}"),
    "cli.demo_written": (
        "演示联络站已生成：{visits} 条来访 → {path}",
        "Demo station written: {visits} visits → {path}",
    ),
    "cli.generating": ("正在生成演示联络站…", "Generating the demo station…"),
    "cli.exists": (
        "文件已存在：{path}（加 --force 覆盖，或换一个 --db）",
        "File exists: {path} (add --force to overwrite, or choose another --db)",
    ),
    "cli.station_exists": (
        "该数据库已有联络站：{path}",
        "That database already has a station: {path}",
    ),
    "cli.need_options": (
        "非交互模式下请给出 --station --township --county 和至少一个 --deputy",
        "Without a terminal, give --station --township --county and at least one --deputy",
    ),
    "cli.bad_lang": (
        "不支持的语言：{lang}（可用 zh、en）",
        "Unsupported language: {lang} (zh or en)",
    ),
    "cli.upgraded": (
        "数据库已升级，升级前的副本：{path}",
        "Database upgraded; a copy from before is at {path}",
    ),
    "cli.not_yet": ("此功能尚未提供：{what}", "Not available yet: {what}"),
    "cli.bad_value": ("{field}：{message}", "{field}: {message}"),
    "cli.no_deputy": ("至少需要一位代表", "At least one deputy is needed"),
    "cli.import": (
        "从台账表格（.xlsx/.csv）导入来访，有错则整表不导入",
        "Import visits from a ledger (.xlsx/.csv); all or nothing",
    ),
    "cli.import.file": ("台账文件", "Ledger file"),
    "cli.import.dry_run": ("只检查并统计，不写入", "Check and count only; write nothing"),
    "cli.export": ("导出", "Export"),
    "cli.export.ledger": ("导出台账（.xlsx 或 .csv）", "Export the ledger (.xlsx or .csv)"),
    "cli.export.out": ("输出文件（.xlsx 或 .csv）", "Output file (.xlsx or .csv)"),
    "cli.export.reveal": (
        "电话不打码（仅在确有需要时使用）",
        "Write phones unmasked (only when needed)",
    ),
    "cli.backup": (
        "在线备份数据库（值班台开着也可以）",
        "Back up the database (safe while the app is open)",
    ),
    "cli.backup.out": ("备份文件", "Backup file"),
    "cli.restore": (
        "从备份恢复（先保留当前数据库的副本）",
        "Restore from a backup (the current database is kept)",
    ),
    "cli.restore.file": ("备份文件", "Backup file"),
    "ledger.title": ("台账", "Ledger"),
    "ledger.import_title": ("导入台账（.xlsx / .csv）", "Import a ledger (.xlsx / .csv)"),
    "ledger.import_placeholder": (
        "台账文件的路径，例如 ~/台账.xlsx",
        "Path of the file, e.g. ~/ledger.xlsx",
    ),
    "ledger.dry_run_label": ("只检查，不写入", "Check only, write nothing"),
    "ledger.import_button": ("导入", "Import"),
    "ledger.export_title": ("导出台账", "Export the ledger"),
    "ledger.reveal_label": ("电话不打码", "Phones unmasked"),
    "ledger.export_button": ("导出", "Export"),
    "ledger.no_file": ("找不到这个文件", "No such file"),
    "ledger.bad_out": (
        "请给出 .xlsx 或 .csv 文件名，且所在文件夹要存在",
        "Give a .xlsx or .csv name in a folder that exists",
    ),
    "ledger.imported": ("台账已导入", "Ledger imported"),
    "ledger.masked_here": (
        "电话已打码，这份台账不能再导入；需要再导入请勾选「电话不打码」",
        "Phones are masked, so this ledger cannot be imported again; tick 'Phones unmasked' "
        "for one that can",
    ),
    "cmd.ledger": ("台账：导入或导出", "Ledger: import or export"),
    "cmd.roster": ("值班：排班表", "Duty: the roster"),
    "help.ledger": (
        "导入：整张表先逐行检查，有任何错误就一行也不导入，并列出每处错误的行号和栏目；"
        "同一张表重复导入不会重复登记。导出：电话默认打码，打码的台账不能再导入。",
        "Import checks every row first; any error imports nothing and lists each bad row and "
        "column; importing the same rows again adds nothing. Export masks phones by default; a "
        "masked ledger cannot be imported again.",
    ),
    "ledger.more_errors": ("……还有 {count} 处错误未列出", "… and {count} more errors not listed"),
    "cli.check": ("检查数据库的完整性和一致性", "Check the database's integrity and consistency"),
    # Statistics (s) and the quarterly report (store.reports.stats, store.reports.quarterly_report)
    "key.stats": ("统计", "Statistics"),
    "tip.stats": ("头条数字、分组统计和图表", "Headline figures, breakdowns and charts"),
    "cmd.stats": ("统计：打开", "Statistics: open"),
    # The sync screen (y): bundles out and in, and the conflict list.
    "key.sync": ("同步", "Sync"),
    "tip.sync": ("与笔记本交换同步包，处理冲突", "Exchange bundles with laptops; conflicts"),
    "cmd.sync": ("同步：打开", "Sync: open"),
    "sync.title": ("同步", "Sync"),
    "help.sync": (
        "在联络站和笔记本之间用文件（U 盘）交换记录。导出（e）把对方还没有的更改写成一个加密的"
        "同步包；导入（i）先核验同步包，再一次性导入，重复导入不会重复记录。联络站主机可为新笔记本"
        "导出同步包（l，需设口令，至少 8 个字符；口令请另行告知）。两台设备改了同一项时，较新的"
        "修改生效，另一个值列在冲突表里：保留现值（a）或恢复原值（r）。",
        "Exchange records between the station and its laptops by a file (a USB stick). Export (e) "
        "writes what the other side lacks as one encrypted bundle; import (i) checks a bundle, "
        "then takes it in at once (the same bundle twice adds nothing). The station's terminal "
        "can make a bundle for a new laptop (l; it needs a passphrase of at least 8 characters, "
        "told separately). When two devices changed the same field, the newer change wins and "
        "the other value is listed as a conflict: keep the current value (a) or restore the "
        "lost one (r).",
    ),
    "key.sync_export": ("导出", "Export"),
    "tip.sync_export": ("写出对方还没有的更改", "Write what the other side lacks"),
    "key.sync_import": ("导入", "Import"),
    "tip.sync_import": ("核验并导入同步包", "Check and take in a bundle"),
    "key.new_laptop": ("新笔记本", "New laptop"),
    "tip.new_laptop": ("导出建立新笔记本的同步包", "A bundle that makes a new laptop"),
    "key.keep_current": ("保留现值", "Keep"),
    "tip.keep_current": ("保留现在的值，冲突作结", "Keep the current value"),
    "key.restore_lost": ("恢复原值", "Restore"),
    "tip.restore_lost": ("改回被覆盖的值", "Write the lost value back"),
    "key.conflicts": ("冲突列表", "Conflict list"),
    "sync.this_device": ("本机：", "This device: "),
    "sync.device_kind.station": ("联络站主机", "station"),
    "sync.device_kind.laptop": ("笔记本", "laptop"),
    "sync.device_kind.hub": ("县级汇总库", "county hub"),
    "sync.no_laptops": (
        "  还没有笔记本同步过：按 l 为新笔记本导出同步包",
        "  No laptop has synced yet: press l to make a bundle for a new laptop",
    ),
    "sync.no_peers": ("  还没有可同步的设备", "  No device to sync with yet"),
    "sync.pending": ("{n} 条更改待送达", "{n} change(s) to send"),
    "sync.up_to_date": ("已全部送达", "up to date"),
    "sync.heard": ("收到过它的同步包", "has sent bundles"),
    "sync.never_heard": ("还没收到过它的同步包", "no bundle from it yet"),
    "sync.conflicts": ("冲突 {n} 条待处理（见下表）", "{n} conflict(s) to review (below)"),
    "sync.no_conflicts": ("没有冲突", "No conflicts"),
    "sync.conflicts_title": ("冲突", "Conflicts"),
    "sync.col.record": ("记录", "Record"),
    "sync.col.field": ("项目", "Field"),
    "sync.col.lost": ("被覆盖的值", "Lost value"),
    "sync.col.current": ("现值", "Current"),
    "sync.col.device": ("来自", "From"),
    "sync.col.at": ("修改时间", "Changed"),
    "sync.deleted": ("（已删除）", "(deleted)"),
    "sync.empty": ("（空）", "(empty)"),
    "sync.true": ("是", "yes"),
    "sync.false": ("否", "no"),
    "sync.path": ("文件", "File"),
    "sync.passphrase_optional": (
        "口令（可不填；填了则导入时也要输入）",
        "Passphrase (optional; if set, it is needed to import)",
    ),
    "sync.passphrase_needed": (
        "口令（必填，至少 {min} 个字符；请另行告知笔记本的使用者）",
        "Passphrase (at least {min} characters; tell the laptop's user separately)",
    ),
    "sync.need_path": ("请填写文件路径", "Give the file's path"),
    "sync.no_file": ("找不到这个文件", "No such file"),
    "sync.path_is_dir": ("这是一个文件夹，请写上文件名", "That is a folder: add a file name"),
    "sync.export_title": ("导出同步包", "Export a bundle"),
    "sync.import_title": ("导入同步包", "Import a bundle"),
    "sync.new_laptop_title": ("为新笔记本导出同步包", "A bundle for a new laptop"),
    "sync.new_laptop_file": ("新笔记本", "new-laptop"),
    "sync.exporting": ("正在导出…", "Exporting…"),
    "sync.importing": ("正在核验并导入…", "Checking and importing…"),
    "sync.exported": ("已导出 {n} 条更改到 {path}", "Exported {n} change(s) to {path}"),
    "sync.exported_for": ("给：{peers}", "For: {peers}"),
    "sync.imported": ("已从 {sender} 导入 {n} 条更改", "Took in {n} change(s) from {sender}"),
    "sync.new_laptop_written": (
        "新笔记本同步包已写到 {path}",
        "New-laptop bundle written to {path}",
    ),
    "sync.new_laptop_next": (
        "在笔记本上运行：liaison init --from-bundle {path}（口令请另行告知）",
        "On the laptop run: liaison init --from-bundle {path} (tell them the passphrase "
        "separately)",
    ),
    "sync.new_laptop_done": ("新笔记本同步包已导出", "New-laptop bundle exported"),
    "sync.no_db_file": (
        "此数据库不是本地文件，不能导出新笔记本同步包",
        "This database is not a local file: it cannot make a laptop",
    ),
    "sync.confirm_restore": (
        "把“{field}”改回“{value}”？此修改会同步到所有设备。",
        "Set “{field}” back to “{value}”? The change goes to every device.",
    ),
    "sync.kept": ("已保留现值", "Current value kept"),
    "sync.restored": ("已恢复原值", "Lost value restored"),
    "sync.table.issue": ("事项", "Issue"),
    "sync.table.visit": ("来访", "Visit"),
    "sync.table.progress": ("进展", "Progress"),
    "sync.table.evaluation": ("评价", "Evaluation"),
    "sync.table.constituent": ("群众", "Resident"),
    "sync.table.deputy": ("代表信息", "Deputy"),
    "sync.table.shift": ("值班", "Shift"),
    "sync.table.village": ("村社区", "Village"),
    "sync.table.unit": ("承办单位", "Unit"),
    "sync.table.category": ("类别", "Category"),
    "sync.table.setting": ("设置", "Setting"),
    "sync.table.micro_project": ("微实事", "Project"),
    "sync.table.milestone": ("节点", "Milestone"),
    "sync.table.leader_visit": ("领导进站", "Leader visit"),
    "sync.table.calendar_day": ("日历", "Calendar"),
    "sync.table.station": ("联络站信息", "Station"),
    "sync.table.device": ("设备", "Device"),
    "sync.field.title": ("标题", "Title"),
    "sync.field.tier": ("层级", "Tier"),
    "sync.field.unit_id": ("承办单位", "Unit"),
    "sync.field.status": ("状态", "Status"),
    "sync.field.lead_deputy_id": ("牵头代表", "Lead"),
    "sync.field.deputy_id": ("经办代表", "Deputy"),
    "sync.field.category_id": ("类别", "Category"),
    "sync.field.village_id": ("村社区", "Village"),
    "sync.field.due_on": ("期限", "Due"),
    "sync.field.name": ("姓名", "Name"),
    "sync.field.phone": ("电话", "Phone"),
    "sync.field.id_number": ("身份证号", "ID number"),
    "sync.field.group_name": ("所属小组", "Group"),
    "sync.field.vulnerable": ("困难群众", "Vulnerable"),
    "sync.field.consent_forward": ("同意转交", "Consent to forward"),
    "sync.field.text": ("诉求", "Words"),
    "sync.field.summary": ("摘要", "Summary"),
    "sync.field.note": ("备注", "Note"),
    "sync.field.channel": ("渠道", "Channel"),
    "sync.field.kind": ("类型", "Kind"),
    "sync.field.issue_id": ("事项", "Issue"),
    "sync.field.resolution": ("是否解决", "Resolved"),
    "sync.field.satisfaction": ("满意度", "Satisfied"),
    "sync.field.handover_note": ("交接", "Handover"),
    "sync.field.value": ("值", "Value"),
    "sync.field.deleted_at": ("删除", "Deleted"),
    "cmd.report": ("统计：生成本季度报告", "Statistics: write this quarter's report"),
    "key.period_kind": ("月/季/年", "Month/qtr/yr"),
    "key.breakdown": ("分组", "Group by"),
    "key.prev_period": ("上一期", "Previous"),
    "key.next_period": ("下一期", "Next"),
    "key.drill": ("查看事项", "Issues"),
    "key.report": ("报告", "Report"),
    "key.charts": ("图表", "Charts"),
    "stats.title": ("统计", "Statistics"),
    "stats.period.month": ("{year}年{n}月", "{year}-{n:02d}"),
    "stats.period.quarter": ("{year}年第{n}季度", "{year} Q{n}"),
    "stats.period.year": ("{year}年", "{year}"),
    "stats.kind.month": ("按月", "Month"),
    "stats.kind.quarter": ("按季", "Quarter"),
    "stats.kind.year": ("按年", "Year"),
    "stats.by.tier": ("按层级", "By tier"),
    "stats.by.unit": ("按责任单位", "By unit"),
    "stats.by.village": ("按村社", "By village"),
    "stats.by.category": ("按分类", "By category"),
    "stats.by.channel": ("按渠道", "By channel"),
    "stats.tab.table": ("数字", "Figures"),
    "stats.tab.weeks": ("每周来访", "Visits/week"),
    "stats.tab.colours": ("三色分布", "Colours"),
    "stats.tab.trend": ("两月办结率", "2-month rate"),
    "stats.loading": ("正在统计…", "Counting…"),
    "stats.headline": (
        "来访 {visits} · 事项 {opened} · 在办 {open} · 超期 {overdue} · 两月办结率 {two_month}"
        "（{done}/{decided}，另 {pending} 件未满两个月）"
        " · 满意率 {satisfaction} · 直接源自群众 {direct}"
        " · 领导进站 {leaders} 次（提出事项 {leader_issues}，已办结 {leader_closed}）",
        "Visits {visits} · issues {opened} · open {open} · overdue {overdue} · 2-month rate "
        "{two_month} ({done}/{decided}; {pending} still within their two months) · satisfied "
        "{satisfaction} · direct {direct} · leader visits {leaders} "
        "({leader_issues} issues raised, {leader_closed} closed)",
    ),
    "stats.total": ("合计", "Total"),
    "stats.empty": ("这一期没有数据", "Nothing in this period"),
    "stats.future": ("还没到这一期", "That period has not started yet"),
    "stats.col.name": ("名称", "Name"),
    "stats.short.two_month": ("两月办结", "2-month"),
    "stats.short.satisfaction": ("满意率", "Satisf."),
    "stats.short.direct": ("直接", "Direct"),
    "stats.col.visits": ("来访", "Visits"),
    "stats.col.opened": ("事项", "Issues"),
    "stats.col.open": ("在办", "Open"),
    "stats.col.overdue": ("超期", "Overdue"),
    "stats.col.closed": ("已办结", "Closed"),
    "stats.col.two_month": ("两月办结率", "2-month rate"),
    "stats.col.pending": (
        "未满两个月、尚未办结的事项（不计入两月办结率）",
        "Open issues still within their two months (not in the 2-month rate)",
    ),
    "stats.col.satisfaction": ("满意率", "Satisfied"),
    "stats.col.direct": ("直接源自群众", "Direct"),
    "stats.chart.weeks": ("每周来访", "Visits per week"),
    "stats.chart.trend": (
        "两个月内办结率（按受理月份）",
        "Done within two months, by month opened",
    ),
    "stats.chart.colours": ("各层级三色分布（本期事项）", "Colours of the period's issues by tier"),
    "stats.drill_title": ("{period} · {what}", "{period} · {what}"),
    "stats.report_written": ("报告已生成：{paths}", "Report written: {paths}"),
    "stats.bad_quarter": (
        "季度应写成 2026Q3 这样（年份加 Q 加 1–4）：{text}",
        "A quarter is written like 2026Q3 (year, Q, 1–4): {text}",
    ),
    "stats.def.as_of": ("数据截至 {date}", "Figures as of {date}"),
    "stats.def.two_month": (
        "两个月内办结率：本期受理的事项中，在受理日起两个自然月内（如 1月31日→3月31日）办结的，"
        "除以其中已有结果的（已在两个月内办结，或两个月已满）；尚在两个月内且未办结的不计。"
        "再监督的事项以最近一次办结为准。",
        "Done within two months: of the issues opened in the period, those closed within two "
        "calendar months of opening (Jan 31 → Mar 31), over those with an outcome (closed in "
        "time, or whose two months are over); issues still inside their two months and open are "
        "not counted. A reopened issue counts by its latest closure.",
    ),
    "stats.def.satisfaction": (
        "满意率：本期作出的群众评价中，满意与基本满意之和除以评价总数（不满意的评价也计入）。",
        "Satisfaction: of the residents' evaluations made in the period, satisfied plus fairly "
        "satisfied over all of them (unsatisfied ones included).",
    ),
    "stats.def.direct": (
        "建议直接源自群众的比例：本期来访中，由群众本人反映的（民情观察员转达和领导进站之外的渠道）"
        "所占比例。",
        "Direct from residents: the share of the period's visits in which residents spoke for "
        "themselves (every channel but observers' reports and leaders' sessions).",
    ),
    "help.stats": (
        "本期的头条数字和分组统计。m 切换月/季/年，[ 和 ] 前后翻期，g 切换分组"
        "（层级、责任单位、村社、分类、渠道），c 切换图表；在某个数字上按回车，列出它所统计的事项。"
        "r 把本季度报告（.xlsx 和 .html）写到数据目录的 reports 文件夹。",
        "The period's headline figures and a breakdown. m switches month/quarter/year, [ and ] "
        "move between periods, g changes the grouping (tier, unit, village, category, channel), "
        "c cycles the charts; Enter on a figure lists the issues it counts. r writes this "
        "quarter's report (.xlsx and .html) into the data folder's reports/.",
    ),
    # Hot words (h, 民意热词)
    "key.hot_words": ("热词", "Hot words"),
    "tip.hot_words": ("近期来访中上升的词", "Words rising in recent visits"),
    "key.window": ("时段", "Window"),
    "tip.window": ("近7天、30天、90天轮换", "Last 7, 30 or 90 days"),
    "key.scope": ("范围", "Scope"),
    "tip.scope": ("全站、某个村社或某个分类", "The whole station, a village or a category"),
    "hot.title": ("民意热词", "Hot words"),
    "hot.heading": (
        "{scope} · 近{days}天（对比此前{days}天）",
        "{scope} · last {days} days (against the {days} before)",
    ),
    "hot.scope_all": ("全站", "Whole station"),
    "hot.villages": ("村社", "Villages"),
    "hot.categories": ("分类", "Categories"),
    "hot.pick_scope": ("统计范围", "Count words over"),
    "hot.col.rank": ("序", "#"),
    "hot.col.word": ("词", "Word"),
    "hot.col.count": ("本期", "Now"),
    "hot.col.previous": ("上期", "Before"),
    "hot.col.change": ("变化", "Change"),
    "hot.status": (
        "↑ 上升 {rising} 个，共列出 {shown} 个词（按来访条数计，每条来访每个词计一次）",
        "↑ {rising} rising of {shown} words (counted in visits: a visit counts a word once)",
    ),
    "hot.empty": ("这段时间没有来访", "No visits in this window"),
    "hot.visits_title": (
        "“{word}” · {scope} · 近{days}天的来访",
        "“{word}” · {scope} · visits of the last {days} days",
    ),
    "hot.visits_status": (
        "共 {total} 条来访，第 {page}/{pages} 页，最新的在前",
        "{total} visits, page {page} of {pages}, newest first",
    ),
    "help.hot_words": (
        "近期来访中出现的词，与此前同样长的一段时间相比，上升最快的在前（↑）。"
        "排序依据：(本期 − 预期) ÷ √(预期 + 1)，预期 = 上期条数按两期来访总量折算，"
        "即增加的条数相对于平常波动的大小；来访总体变多时，只是保持比例的词不算上升。"
        "w 切换近7/30/90天（也可按 7、3、9），f 选择全站、某个村社或某个分类，"
        "回车列出这个词的来访。",
        "Words of recent visits against the same length of time before, fastest rising first "
        "(↑). Ranked by (now − expected) ÷ √(expected + 1), expected being the earlier count "
        "scaled by the two windows' visit totals: the rise against a steady count's usual "
        "spread, so that words merely keeping their share of a busier station do not rise. "
        "w switches between 7, 30 and 90 days (or press 7, 3, 9), f counts over the "
        "whole station, a village or a category, Enter lists the word's visits.",
    ),
    "help.word_visits": (
        "用到这个词的来访，最新的在前。回车打开来访所属的事项；尚未分办的来访在分办队列中打开。",
        "The visits that used this word, newest first. Enter opens the visit's issue; a visit "
        "not yet triaged opens in the triage queue.",
    ),
    "dash.rising": ("上升热词（近30天）", "Rising words (30 days)"),
    "dash.no_rising": ("暂无上升的热词", "No rising words"),
    "report.title": ("{station} {period} 民情工作报告", "{station}: report for {period}"),
    "report.headline": ("头条数字", "Headline figures"),
    "report.figure": ("指标", "Figure"),
    "report.value": ("数值", "Value"),
    "report.by_tier": ("分层级", "By tier"),
    "report.by_unit": ("分责任单位", "By unit"),
    "report.below": ("低于底线的责任单位", "Units below the floors"),
    "report.none_below": ("没有低于底线的责任单位", "No unit is below the floors"),
    "report.rising": ("上升热词", "Rising words"),
    "report.no_words": ("（民意热词功能尚未提供）", "(Hot words are not available yet)"),
    "report.no_rising": ("本期没有上升的热词", "No rising words in this period"),
    "report.word": ("热词", "Word"),
    "report.count": ("本期", "This period"),
    "report.previous": ("上期", "Previous"),
    "report.charts": ("图表", "Charts"),
    "report.notes": ("口径说明", "Definitions"),
    "report.floors": (
        "底线：两个月内办结率 {two_month}，满意率 {satisfaction}（站点设置）",
        "Floors: 2-month rate {two_month}, satisfaction {satisfaction} (station settings)",
    ),
    "report.format": (
        "报告文件名应以 .xlsx 或 .html 结尾",
        "The report file must end in .xlsx or .html",
    ),
    "report.written": ("已生成报告：{path}", "Report written: {path}"),
    "cli.report": ("生成季度报告（.xlsx 或 .html）", "Write a quarterly report (.xlsx or .html)"),
    "cli.report.quarter": ("季度，如 2026Q3", "The quarter, e.g. 2026Q3"),
    "cli.report.out": ("输出文件（.xlsx 或 .html）", "Output file (.xlsx or .html)"),
    "cli.report.as_of": (
        "统计截至哪一天（YYYY-MM-DD，默认今天）",
        "The day the figures are read as of (YYYY-MM-DD, default today)",
    ),
    "report.bad_as_of": ("日期应为 YYYY-MM-DD：{text}", "A date is YYYY-MM-DD: {text}"),
    "cli.report.station": (
        "只写这一个联络站的报告（县级汇总库里有多个联络站时；名称）",
        "Only this station's report (where the database holds several, a county hub; its name)",
    ),
    "report.no_station": (
        "没有名为「{name}」的联络站；有：{names}",
        "No station named '{name}'; there are: {names}",
    ),
    "report.station_twice": (
        "名为「{name}」的联络站不止一个，无法区分",
        "More than one station is named '{name}': cannot tell which",
    ),
    "report.names_separator": ("、", ", "),
    # The audit trail (l on the dashboard and on an issue's page): who changed what, who saw
    # a phone.
    "key.audit": ("操作留痕", "Audit trail"),
    "tip.audit": (
        "谁在何时改了什么、看了谁的电话",
        "Who changed what and when, and who saw a phone",
    ),
    "cmd.audit": ("留痕：打开", "Audit trail: open"),
    "key.issue_audit": ("留痕", "Audit"),
    "tip.issue_audit": ("这件事项的操作留痕", "This issue's audit trail"),
    "key.consent": ("同意转交", "Consent"),
    "tip.consent_visit": (
        "群众同意或撤回同意转交（这次来访）",
        "The resident gives or withdraws consent to forwarding (this visit)",
    ),
    "tip.consent": (
        "群众事后同意或撤回同意转交（该群众在本事项的来访一并改）",
        "The resident gives or withdraws consent to forwarding (all their visits on this issue)",
    ),
    "key.audit_deputy": ("选代表", "Deputy"),
    "tip.audit_deputy": ("只看一位代表的操作", "Only one deputy's actions"),
    "key.audit_all": ("全部", "All"),
    "tip.audit_all": ("取消筛选，看全部记录", "Clear the filters: everything"),
    "audit.title": ("操作留痕", "Audit trail"),
    "help.audit": (
        "联络站每一次修改都有记录：谁（值班代表、哪台设备）、何时、改了哪条记录的哪些内容，"
        "以及谁查看了群众的电话、谁导出了明文台账。最新的在最上面。p 只看一位代表的操作，"
        "x 取消筛选；在事项页按 l 打开这件事项的留痕（含其来访、进展、评价和反映人）。"
        "回车打开该条记录所属的事项。群众的姓名、电话、身份证号和诉求原文在这里不显示，"
        "只显示「（已隐藏）」。c 核验变更日志的哈希链：每条记录都与前一条以哈希相连，"
        "有人绕过本软件改动、插入或删除记录，就会在第一处被改动的地方断开。",
        "Every change at the station is recorded: who (the deputy on duty, which device), when, "
        "which record and what in it, and who saw a resident's phone or exported the ledger in "
        "clear. Newest first. p shows one deputy's actions, x clears the filters; l on an "
        "issue's page opens that issue's trail (its visits, progress, evaluations and "
        "residents). Enter opens the issue a row belongs to. Residents' names, phones, ID "
        "numbers and words never show here: they read '(hidden)'. c verifies the change log's "
        "hash chain: each entry is linked to the one before by its hash, so an entry altered, "
        "inserted or removed around this program breaks it at the first such place.",
    ),
    "audit.col.at": ("时间", "When"),
    "audit.col.deputy": ("代表", "Deputy"),
    "audit.col.device": ("设备", "Device"),
    "audit.col.op": ("操作", "Action"),
    "audit.col.record": ("记录", "Record"),
    "audit.col.change": ("内容", "Change"),
    "audit.op.insert": ("新增", "Added"),
    "audit.op.update": ("修改", "Changed"),
    "audit.op.delete": ("删除", "Deleted"),
    "audit.action.reveal_phone": ("查看电话", "Saw phone"),
    "audit.action.export_revealed": ("导出明文台账", "Ledger in clear"),
    "audit.export_rows": ("台账 {n} 条来访", "Ledger, {n} visits"),
    "audit.hidden": ("（已隐藏）", "(hidden)"),
    "audit.nobody": ("—", "—"),
    "audit.field_sep": ("；", "; "),
    "audit.filter": ("显示：", "Showing: "),
    "audit.all": ("全部记录", "everything"),
    "audit.and": ("，", ", "),
    "audit.by_issue": ("事项「{title}」", "issue “{title}”"),
    "audit.by_deputy": ("代表 {name}", "deputy {name}"),
    "audit.page": ("第 {n} 页", "page {n}"),
    "audit.empty": ("没有记录", "Nothing recorded"),
    "audit.no_issue": ("这条记录不属于哪件事项", "This entry belongs to no issue"),
    "audit.pick_deputy": ("只看哪位代表的操作？", "Whose actions?"),
    "audit.any_deputy": ("全部代表", "All deputies"),
    # Field names the sync screen does not name (sync.field.* names the rest).
    "audit.field.at": ("时间", "Time"),
    "audit.field.received_at": ("来访时间", "Received"),
    "audit.field.opened_on": ("受理日期", "Opened"),
    "audit.field.warn_on": ("预警日期", "Warning"),
    "audit.field.window_days": ("办理时限", "Window"),
    "audit.field.closed_on": ("办结日期", "Closed"),
    "audit.field.closed_within_window": ("按期办结", "On time"),
    "audit.field.evaluated_at": ("评价时间", "Evaluated"),
    "audit.field.resupervision": ("再监督", "Re-supervised"),
    "audit.field.reopen_count": ("重启次数", "Reopened"),
    "audit.field.visit_count": ("来访次数", "Visits"),
    "audit.field.repeat_count": ("重复诉求", "Repeats"),
    "audit.field.is_repeat": ("重复诉求", "Repeat"),
    "audit.field.constituent_id": ("反映人", "Resident"),
    "audit.field.status_before": ("原状态", "Status before"),
    "audit.field.status_after": ("新状态", "Status after"),
    "audit.field.duty_date": ("值班日期", "Duty date"),
    "audit.field.handed_over_at": ("交班时间", "Handed over"),
    "audit.field.acknowledged_at": ("接班确认", "Acknowledged"),
    "audit.field.acknowledged_by": ("接班代表", "Taken over by"),
    "audit.field.active": ("在用", "Active"),
    "audit.field.level": ("级别", "Level"),
    "audit.field.position": ("顺序", "Position"),
    "audit.field.action": ("操作", "Action"),
    "audit.field.table_name": ("记录类别", "Record kind"),
    "audit.field.row_id": ("记录", "Record"),
    "audit.field.score": ("评分", "Score"),
    "audit.field.pin_hash": ("PIN", "PIN"),
}


# ---------------------------------------------------------------------------------------------
# Messages composed from several entries, for the command line and the screens alike. Typed
# loosely so that the catalogue never imports the store's heavier modules.


def row_error_text(error: Any) -> str:
    """`第 12 行「分类」：不认识这个名称 是不是「道路交通」？` for one bad ledger cell."""
    line = t(
        "ledger.row_error", row=error.row, column=error.column, message=t(error.key, **error.params)
    )
    if error.suggestion:
        line += " " + t("ledger.suggest", suggestion=error.suggestion)
    return line


def row_error_lines(errors: Any, shown: int) -> list[str]:
    """The first `shown` bad cells, then how many more were not listed."""
    lines = [row_error_text(error) for error in errors[:shown]]
    if len(errors) > shown:
        lines.append(t("ledger.more_errors", count=len(errors) - shown))
    return lines


def import_summary_lines(summary: Any) -> list[str]:
    """What an import did (or a dry run would do): counts, villages added, dry-run notice."""
    lines = [
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
        lines.append(t("ledger.villages_added", names="、".join(summary.villages_added)))
    if summary.dry_run:
        lines.append(t("ledger.dry_run"))
    return lines
