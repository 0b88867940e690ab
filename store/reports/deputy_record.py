"""The deputies' record (履职全景图): what each deputy did over a period, and the printable summary
for their report to voters (述职).

Definitions (the deputies screen's help says the same):

- **Shifts served**: the deputy's shifts on the period's days up to today (rostered days still
  ahead are not served yet); **handovers signed**: those of them handed over (交接班).
- **Visits received**: visits of the period logged with the deputy as the receiving deputy.
- **Issues led**: issues of the period (opened on one of its days) with the deputy as lead
  deputy (领衔代表), their colours and whether closed as of today; **closure rate**: closed /
  led.
- **Satisfaction rate**: the evaluations made in the period of issues the deputy leads,
  (满意 + 基本满意) / all of them — the statistics' definition, for the deputy's issues.
- **Leader visits attended**: leader visits (领导干部进站) of the period the deputy sat in on.
- **Sessions attended**: deliberation sessions (议事活动) of the period the deputy was present at;
  **述职 evaluation**: the votes of the period's 代表述职 where the deputy reported, (满意 +
  基本满意) / all votes (store.deliberations.figures).
- **Suggestions** (代表建议): those submitted in the period that the deputy leads (领衔) or
  co-signs (附议), how many were answered and how many closed with the deputies satisfied
  (store.suggestions.figures.deputy_suggestions).
- **Observers recommended**: the observers (民情观察员) the deputy recommended who served in the
  period; **through them**, the period's visits naming any observer the deputy recommended and
  the period's issues with such a visit (store.observers.figures).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, case, func
from sqlmodel import Session, col, select

from store.core.errors import DeputyNotFound
from store.core.models import (
    Colour,
    Deputy,
    DeputyLevel,
    Evaluation,
    Issue,
    IssueStatus,
    LeaderVisit,
    LeaderVisitDeputy,
    Shift,
    Station,
    Visit,
)
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import get_live, live
from store.core.settings import load_settings
from store.deliberations.figures import deputy_sessions
from store.desk.issue_rows import RANK_COLOUR, IssueRow, rows_query, to_row
from store.observers.figures import deputy_observers
from store.reports import figure_sql
from store.reports.slips import (
    Block,
    Value,
    cn_date,
    html_escape,
    md_escape,
    scrub_title,
    signature_block,
    write_document,
)
from store.reports.stats import (
    Period,
    PeriodKind,
    Share,
    issues_of,
    of_station,
    percent,
    share,
    station_names,
)
from store.suggestions.figures import DeputySuggestions, deputy_suggestions


@dataclass(frozen=True)
class DeputyRecord:
    deputy_id: str
    name: str
    level: DeputyLevel
    group: str
    shifts: int = 0
    handovers: int = 0
    visits: int = 0
    issues: int = 0
    closed: int = 0
    evaluated: int = 0
    satisfied: int = 0
    leader_visits: int = 0
    colours: dict[Colour, int] = field(default_factory=lambda: dict.fromkeys(Colour, 0))
    # Deliberation sessions (议事活动) attended; the 代表述职 where the deputy reported, and
    # the voters' votes there added up.
    sessions: int = 0
    reports: int = 0
    report_satisfied: int = 0
    report_fairly: int = 0
    report_unsatisfied: int = 0
    suggestions: DeputySuggestions = field(default_factory=DeputySuggestions)
    # 民情观察员 the deputy recommended, serving in the period, and what came through them.
    observers: int = 0
    observer_visits: int = 0
    observer_issues: int = 0
    # The deputy's station where the list is every station's on a county hub (as
    # `stats.station_names` tells them apart): the stations' deputies share names.
    station: str = ""

    @property
    def closure_rate(self) -> float | None:
        return share(self.closed, self.issues)

    @property
    def satisfaction_rate(self) -> float | None:
        return share(self.satisfied, self.evaluated)

    @property
    def report_evaluation(self) -> Share:
        """The voters' evaluation of the deputy's 述职: (满意 + 基本满意) / all votes."""
        good = self.report_satisfied + self.report_fairly
        return Share(good, good + self.report_unsatisfied)


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _records(
    session: Session, deputies: Sequence[Deputy], period: Period, today: date, tz: Any
) -> list[DeputyRecord]:
    """The figures of these deputies: one GROUP BY per source table, over the page's ids."""
    ids = [d.id for d in deputies]
    start, end = period.instants(tz)
    served_end = min(period.end, today + timedelta(days=1))
    figures: dict[str, dict[str, Any]] = {i: {} for i in ids}

    def put(rows: Sequence[Sequence[Any]], *names: str) -> None:
        for deputy_id, *values in rows:
            figures[deputy_id].update(zip(names, (int(v or 0) for v in values), strict=True))

    put(
        session.exec(
            select(Shift.deputy_id, func.count(), _count_if(col(Shift.handed_over_at).is_not(None)))
            .where(
                col(Shift.deputy_id).in_(ids),
                col(Shift.duty_date) >= period.start,
                col(Shift.duty_date) < served_end,
                live(Shift),
            )
            .group_by(col(Shift.deputy_id))
        ).all(),
        "shifts",
        "handovers",
    )
    put(
        session.exec(
            select(Visit.deputy_id, func.count())
            .where(
                col(Visit.deputy_id).in_(ids),
                col(Visit.received_at) >= start,
                col(Visit.received_at) < end,
                live(Visit),
            )
            .group_by(col(Visit.deputy_id))
        ).all(),
        "visits",
    )
    grace = load_settings(session=session).evaluation_grace_days
    rank = figure_sql.any_colour_rank(today, grace)
    for deputy_id, value, n, closed in session.exec(
        select(
            Issue.lead_deputy_id,
            rank,
            func.count(),
            _count_if(col(Issue.status) == IssueStatus.closed),
        )
        .where(col(Issue.lead_deputy_id).in_(ids), *issues_of(period))
        .group_by(col(Issue.lead_deputy_id), rank)
    ).all():
        assert deputy_id is not None  # the query asked for these deputies' issues only
        slot = figures[deputy_id]
        slot.setdefault("colours", dict.fromkeys(Colour, 0))[RANK_COLOUR[value]] = int(n)
        slot["issues"] = slot.get("issues", 0) + int(n)
        slot["closed"] = slot.get("closed", 0) + int(closed)
    put(
        session.exec(
            select(
                Issue.lead_deputy_id,
                func.count(),
                _count_if(col(Evaluation.satisfaction).in_(figure_sql.SATISFIED)),
            )
            .join(Issue, col(Issue.id) == Evaluation.issue_id)
            .where(
                col(Issue.lead_deputy_id).in_(ids),
                col(Evaluation.at) >= start,
                col(Evaluation.at) < end,
                live(Evaluation),
                live(Issue),
            )
            .group_by(col(Issue.lead_deputy_id))
        ).all(),
        "evaluated",
        "satisfied",
    )
    put(
        session.exec(
            select(LeaderVisitDeputy.deputy_id, func.count(func.distinct(LeaderVisit.id)))
            .join(LeaderVisit, col(LeaderVisit.id) == LeaderVisitDeputy.leader_visit_id)
            .where(
                col(LeaderVisitDeputy.deputy_id).in_(ids),
                live(LeaderVisitDeputy),
                col(LeaderVisit.at) >= start,
                col(LeaderVisit.at) < end,
                live(LeaderVisit),
            )
            .group_by(col(LeaderVisitDeputy.deputy_id))
        ).all(),
        "leader_visits",
    )
    for deputy_id, sessions in deputy_sessions(
        session=session, deputy_ids=ids, period=period
    ).items():
        figures[deputy_id].update(
            sessions=sessions.attended,
            reports=sessions.reports,
            report_satisfied=sessions.satisfied,
            report_fairly=sessions.fairly,
            report_unsatisfied=sessions.unsatisfied,
        )
    suggestions = deputy_suggestions(session=session, deputy_ids=ids, period=period)
    for deputy_id, through in deputy_observers(
        session=session, deputy_ids=ids, period=period, tz=tz
    ).items():
        figures[deputy_id].update(
            observers=through.observers,
            observer_visits=through.visits,
            observer_issues=through.issues,
        )
    return [
        DeputyRecord(
            deputy_id=d.id,
            name=d.name,
            level=DeputyLevel(d.level),
            group=d.group_name,
            suggestions=suggestions.get(d.id, DeputySuggestions()),
            **figures[d.id],
        )
        for d in deputies
    ]


def list_deputy_records(
    *,
    session: Session,
    period: Period,
    today: date,
    tz: Any,
    limit: int = PAGE_SIZE,
    offset: int = 0,
    station_id: str | None = None,
) -> Page[DeputyRecord]:
    """The station's deputies (active ones, by name) with their record over the period.

    Args:
        today: shifts count up to this day; colours are as of it.
        tz: the station's time zone (visits, evaluations and leader visits are UTC instants).
        station_id: on a county hub, one station's deputies (None: every station's).
    """
    serving = (live(Deputy), col(Deputy.active).is_(True), *of_station(Deputy, station_id))
    total = session.exec(select(func.count()).select_from(Deputy).where(*serving)).one()
    deputies = session.exec(
        select(Deputy)
        .where(*serving)
        .order_by(col(Deputy.name), col(Deputy.id))
        .limit(limit)
        .offset(offset)
    ).all()
    records = _records(session, deputies, period, today, tz)
    stations = station_names(session) if station_id is None else {}
    if stations:
        records = [
            replace(r, station=stations.get(d.station_id, ""))
            for r, d in zip(records, deputies, strict=True)
        ]
    return Page(tuple(records), int(total), offset, limit)


def get_deputy_record(
    *, session: Session, deputy_id: str, period: Period, today: date, tz: Any
) -> DeputyRecord:
    """One deputy's record over the period (a deputy no longer active included).

    Raises:
        DeputyNotFound: no such deputy.
    """
    deputy = get_live(session, Deputy, deputy_id, DeputyNotFound)
    return _records(session, [deputy], period, today, tz)[0]


def list_led_issues(
    *,
    session: Session,
    deputy_id: str,
    period: Period,
    today: date,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Page[IssueRow]:
    """The issues of the period the deputy leads, as they stand today, in the order opened."""
    where = (col(Issue.lead_deputy_id) == deputy_id, *issues_of(period))
    total = session.exec(select(func.count()).select_from(Issue).where(*where)).one()
    settings = load_settings(session=session)
    rows = session.exec(
        rows_query()
        .where(*where)
        .order_by(col(Issue.opened_on), col(Issue.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return Page(
        tuple(to_row(*r, today=today, settings=settings) for r in rows), int(total), offset, limit
    )


# ---------------------------------------------------------------------------------------------
# The printable summary (述职)

# The summary lists this many of the deputy's issues and counts the rest.
PRINTED_ISSUES = 200


def period_zh(period: Period) -> str:
    """`2026年第4季度`, `2026年11月`, `2026年`: the period as the document names it."""
    if period.kind == PeriodKind.quarter:
        return f"{period.start.year}年第{period.number}季度"
    if period.kind == PeriodKind.month:
        return f"{period.start.year}年{period.number}月"
    return f"{period.start.year}年"


def _issue_list(page: Page[IssueRow]) -> Block:
    if not page.items:
        return Block("（本期无领衔事项）", "<p>（本期无领衔事项）</p>")
    md = ["| 颜色 | 事项 | 层级 | 责任单位 | 受理 | 状态 |", "|---|---|---|---|---|---|"]
    html = [
        "<table><thead><tr><th>颜色</th><th>事项</th><th>层级</th><th>责任单位</th>"
        "<th>受理</th><th>状态</th></tr></thead><tbody>"
    ]
    for r in page.items:
        cells = [
            f"{r.colour.glyph} {r.colour.zh}",
            # The title is a resident's words: phones masked, ID numbers left out, as on a slip.
            scrub_title(r.title),
            r.tier.zh,
            r.unit,
            r.opened_on.isoformat(),
            r.status.zh,
        ]
        md.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
        html.append("<tr>" + "".join(f"<td>{html_escape(c)}</td>" for c in cells) + "</tr>")
    html.append("</tbody></table>")
    more = page.total - len(page.items)
    if more > 0:
        md.append(f"\n另有 {more} 件未列出。")
        html.append(f"<p>另有 {more} 件未列出。</p>")
    return Block("\n".join(md), "\n".join(html))


def print_deputy_record(
    *,
    session: Session,
    deputy_id: str,
    period: Period,
    today: date,
    tz: Any,
    templates: Path,
    out_dir: Path,
) -> tuple[Path, Path]:
    """Write a deputy's record over the period as Markdown and A4 HTML (template
    `deputy_record`), for the deputy's report to voters (述职).

    Returns:
        The Markdown and HTML paths.
    """
    record = get_deputy_record(
        session=session, deputy_id=deputy_id, period=period, today=today, tz=tz
    )
    issues = list_led_issues(
        session=session, deputy_id=deputy_id, period=period, today=today, limit=PRINTED_ISSUES
    )
    station = session.exec(select(Station.name).where(live(Station))).first()
    colours = "　".join(f"{c.glyph}{c.zh} {record.colours.get(c, 0)}" for c in reversed(Colour))
    values: dict[str, Value] = {
        "station": station or "",
        "deputy": record.name,
        "level": record.level.zh,
        "group": record.group or "—",
        "period": f"{period_zh(period)}（{cn_date(period.start)}至{cn_date(period.last_day)}）",
        "shifts": str(record.shifts),
        "handovers": str(record.handovers),
        "visits": str(record.visits),
        "issues": str(record.issues),
        "closed": str(record.closed),
        "closure_rate": percent(record.closure_rate),
        "satisfaction_rate": percent(record.satisfaction_rate),
        "evaluated": str(record.evaluated),
        "leader_visits": str(record.leader_visits),
        "sessions": str(record.sessions),
        "reports": str(record.reports),
        "report_evaluation": str(record.report_evaluation) if record.reports else "—",
        "suggestions_led": str(record.suggestions.led),
        "suggestions_co_signed": str(record.suggestions.co_signed),
        "suggestions_answered": str(record.suggestions.answered),
        "suggestions_satisfied": str(record.suggestions.satisfied),
        "observers": str(record.observers),
        "observer_visits": str(record.observer_visits),
        "observer_issues": str(record.observer_issues),
        "colours": colours,
        "issue_list": _issue_list(issues),
        "today": cn_date(today),
        "signature": signature_block(station or "", record.name, today, role="代表"),
    }
    return write_document(
        name="deputy_record",
        values=values,
        templates=templates,
        out_dir=out_dir,
        stem=f"述职-{record.name}-{period.code}",
    )
