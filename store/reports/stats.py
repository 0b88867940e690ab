"""Headline figures (docs/rules/figures.md) for a month, a quarter or a year, overall and by tier,
unit, village, category or channel: `GROUP BY` queries over indexed columns, one per source table.

Definitions (the statistics screen's help and the report's footnote say the same):

- **Period**: station-local calendar days [start, end). Figures are read as of `today`.
- **Issues of the period**: issues opened (分办) on a day of the period. Open, overdue (open
  and past its due date), closed and their colours are as of today.
- **两个月内办结率** (done within two months): of the issues of the period, those closed no
  later than their opening day plus two calendar months (Jan 31 + 2 months = Mar 31, Dec 31
  + 2 months = Feb 28), over those *decided*: closed within two months, or whose two months
  have passed by today. Issues still inside their two months and not yet closed are not
  counted either way. A reopened issue (再监督) counts by its latest closure: open again, it
  is not done.
- **满意率** (satisfaction): evaluations made in the period (an issue evaluated twice counts
  twice), (满意 + 基本满意) / all of them; an unsatisfied evaluation counts even though it
  reopened its issue.
- **建议直接源自群众的比例** (came directly from residents): of the visits received in the
  period, those through a channel where the resident speaks to a deputy themselves; relayed
  channels are 民情观察员 and 领导进站 (`figure_sql.RELAYED_CHANNELS`). Counted over visits,
  because a visit is one resident's voice and an issue may gather visits of both kinds.
- **By channel**: visits by their own channel; issues by the channel of the visit that
  brought them in (their earliest).
- **By tier or unit**: visits by the issue they were triaged to (untriaged visits are only in
  the totals); issues and evaluations by the issue's current tier and unit.
- **Leader visits** (领导干部进站): the sessions held in the period, and the issues raised at
  them (linked to one, each issue once), closed or open as of today. In the totals only.
- **升级 / 降级** (escalated, de-escalated): the moves to a higher (lower) tier made in the
  period (store.desk.moves), each counted once, by the tier and unit the issue left and by its
  category, village and channel.
- **按期** (on time, per tier): of the issues of the period, each tier they were at is judged
  once: when the issue left it (moved in time or late, kept on the move), when it closed there
  (within the window counted from the day it came to that tier, kept on the issue), or as late
  already while it is open there past its due date. On time over judged, by the tier and unit
  judged; the two-month rate meanwhile counts from the opening day whatever the moves.
- **Withdrawn** (撤回): a visit the resident withdrew is in no figure above; nor is an issue
  closed because all its residents withdrew. Each is counted apart: the period's visits
  withdrawn (`withdrawn_visits`) and the period's issues closed as withdrawn (`withdrawn`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Connection, Date, case, cast, extract, func, null
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from store.core.clock import day_bounds
from store.core.errors import FieldInvalid
from store.core.models import (
    Category,
    Channel,
    Colour,
    Evaluation,
    Issue,
    IssueMove,
    IssueStatus,
    Station,
    Tier,
    Unit,
    Village,
    Visit,
)
from store.core.paging import PAGE_SIZE, Page
from store.core.rows import live
from store.core.settings import load_settings
from store.desk.board import BoardFilter, Scope, board_counts
from store.desk.issue_rows import RANK_COLOUR, colour_rank
from store.desk.station_scope import list_stations
from store.projects.leader_visits import leader_figures
from store.reports import figure_days, figure_sql


class PeriodKind(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


class Breakdown(StrEnum):
    tier = "tier"
    unit = "unit"
    village = "village"
    category = "category"
    channel = "channel"
    # Where a database holds several stations (a county hub): each station's figures side by
    # side, from the same GROUP BY queries (the county's dashboard, store.reports.county).
    station = "station"


_MONTHS = {PeriodKind.month: 1, PeriodKind.quarter: 3, PeriodKind.year: 12}
_QUARTER = re.compile(r"([0-9]{4})[Qq]([1-4])")


def percent(rate: float | None, digits: int = 1) -> str:
    """A rate as people read it: `92.8%`; `—` when there is nothing to divide by."""
    return "—" if rate is None else f"{rate * 100:.{digits}f}%"


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year of station-local days, [start, end)."""

    kind: PeriodKind
    start: date
    end: date

    @classmethod
    def of(cls, kind: PeriodKind, day: date) -> Period:
        """The period of `kind` that contains `day`."""
        months = _MONTHS[kind]
        first_month = (day.month - 1) // months * months + 1
        start = date(day.year, first_month, 1)
        return cls(kind, start, figure_sql.add_months(start, months))

    @classmethod
    def parse_quarter(cls, text: str) -> Period:
        """`2026Q3` → July to September 2026.

        Raises:
            FieldInvalid: not of the form YYYYQn (n 1–4).
        """
        found = _QUARTER.fullmatch(text.strip())
        if found is None or not 1900 < int(found[1]) < 10000:
            raise FieldInvalid("stats.bad_quarter", "quarter", text=text)
        return cls.of(PeriodKind.quarter, date(int(found[1]), int(found[2]) * 3, 1))

    def shift(self, steps: int) -> Period:
        """The period `steps` later (earlier when negative), of the same kind."""
        return Period.of(self.kind, figure_sql.add_months(self.start, steps * _MONTHS[self.kind]))

    def next_kind(self, today: date) -> Period:
        """Month → quarter → year → month: the period of the next kind that holds this one's
        last day (or today, if that is sooner)."""
        kinds = list(PeriodKind)
        kind = kinds[(kinds.index(self.kind) + 1) % len(kinds)]
        return Period.of(kind, min(self.last_day, today))

    def title(self, text: Callable[..., str]) -> str:
        """`2026年第4季度`, `2026 Q4`…: the catalogue's name of the period (`text` is its `t`)."""
        year, n = self.start.year, self.number
        if self.kind == PeriodKind.month:
            return text("stats.period.month", year=year, n=n)
        if self.kind == PeriodKind.quarter:
            return text("stats.period.quarter", year=year, n=n)
        return text("stats.period.year", year=year, n=n)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def number(self) -> int:
        """The month (1–12) or quarter (1–4) within its year; 1 for a year."""
        return (self.start.month - 1) // _MONTHS[self.kind] + 1

    @property
    def code(self) -> str:
        """`2026-11`, `2026Q4` or `2026`: for file names and the command line."""
        if self.kind == PeriodKind.month:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == PeriodKind.quarter:
            return f"{self.start.year}Q{self.number}"
        return str(self.start.year)

    def instants(self, tz: Any) -> tuple[datetime, datetime]:
        """The period as UTC instants, for the timestamp columns (visits, evaluations)."""
        return day_bounds(self.start, tz)[0], day_bounds(self.end, tz)[0]


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` as a fraction; None when there is no whole (no figure, rather than 0 %)."""
    return part / whole if whole else None


@dataclass(frozen=True)
class Share:
    """A rate with what it is made of: `numerator` of `denominator`. As text it shows all three,
    `60.0% (3/5)`; a spreadsheet gets the ratio as a number beside its two counts."""

    numerator: int
    denominator: int

    @property
    def ratio(self) -> float | None:
        """The fraction, 0–1; None when there is nothing to divide by (no figure, not 0 %)."""
        return share(self.numerator, self.denominator)

    def __str__(self) -> str:
        return f"{percent(self.ratio)} ({self.numerator}/{self.denominator})"


@dataclass(frozen=True)
class Figures:
    """The headline figures of one group (or of everything)."""

    visits: int = 0
    direct_visits: int = 0
    opened: int = 0
    open: int = 0
    overdue: int = 0
    closed: int = 0
    decided: int = 0
    done: int = 0
    evaluated: int = 0
    satisfied: int = 0
    # Leader visits (领导干部进站) held in the period and the distinct issues raised at them,
    # closed or not as of today: in the totals only (`period_figures`), zero in breakdowns.
    leader_visits: int = 0
    leader_issues: int = 0
    leader_issues_closed: int = 0
    # Moves between tiers made in the period (升级 up, 降级 down), by the tier and unit left.
    escalated: int = 0
    de_escalated: int = 0
    # Tiers judged on time or late (`timed`) and of them on time: per tier, frozen when judged.
    timed: int = 0
    on_time: int = 0
    # Counted apart from every figure above (撤回): the period's visits the residents withdrew,
    # and its issues closed because all their residents did.
    withdrawn_visits: int = 0
    withdrawn: int = 0

    @property
    def leader_issues_open(self) -> int:
        return self.leader_issues - self.leader_issues_closed

    @property
    def two_month(self) -> Share:
        return Share(self.done, self.decided)

    @property
    def satisfaction(self) -> Share:
        return Share(self.satisfied, self.evaluated)

    @property
    def direct(self) -> Share:
        return Share(self.direct_visits, self.visits)

    @property
    def in_window(self) -> Share:
        """按期: the tiers judged on time, of all judged (per tier, from the day it came)."""
        return Share(self.on_time, self.timed)

    @property
    def two_month_rate(self) -> float | None:
        return self.two_month.ratio

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfaction.ratio

    @property
    def direct_share(self) -> float | None:
        return self.direct.ratio

    @property
    def on_time_rate(self) -> float | None:
        return self.in_window.ratio


def added(many: Iterable[Figures]) -> Figures:
    """Figures summed count by count: every rate is a ratio of two counts, so the rates of the
    sums are the whole's (a county department's across its stations, the county's totals)."""
    names = [f.name for f in fields(Figures)]
    out = dict.fromkeys(names, 0)
    for figures in many:
        for name in names:
            out[name] += getattr(figures, name)
    return Figures(**out)


@dataclass(frozen=True)
class FigureRow:
    """One group of a breakdown. `key` is the unit/village/category id or the tier/channel code;
    `name` the unit/village/category name, or the code again (the screen names enums)."""

    key: str
    name: str
    figures: Figures


@dataclass(frozen=True)
class Breakdowns:
    """Every group of one breakdown, in the reference order (tiers, then names), groups with
    nothing in the period left out."""

    breakdown: Breakdown
    rows: tuple[FigureRow, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------------------------------------
# Reading


def period_figures(
    *, session: Session, period: Period, today: date, tz: Any, station_id: str | None = None
) -> Figures:
    """The totals of the period.

    Args:
        today: the day the figures are read (the two-month rate and colours depend on it).
        tz: the station's time zone (visits and evaluations are stamped in UTC).
        station_id: one station's figures, where the database holds several (a county hub);
            None for all of them (on a station's own database, the same thing).
    """
    rows = _grouped(session, period, today, tz, None, station_id)
    start, end = period.instants(tz)
    leaders = leader_figures(session=session, start=start, end=end, station_id=station_id)
    return replace(
        rows.get("", Figures()),
        leader_visits=leaders.visits,
        leader_issues=leaders.issues,
        leader_issues_closed=leaders.closed,
    )


def breakdown_figures(
    *,
    session: Session,
    period: Period,
    today: date,
    tz: Any,
    breakdown: Breakdown,
    station_id: str | None = None,
) -> Breakdowns:
    """The period's figures for each tier, unit, village, category or channel.

    Args:
        station_id: one station's groups (a county hub); None for all stations.
    Returns:
        Breakdowns with one row per group that had visits, issues or evaluations.
    """
    grouped = _grouped(session, period, today, tz, breakdown, station_id)
    return Breakdowns(breakdown, tuple(_name_rows(session, breakdown, grouped)))


def station_names(session: Session) -> dict[str, str]:
    """Where the database holds several stations (a county hub): each station's name by its id,
    as a person tells stations apart (a name repeated in another township is followed by its
    township). Nothing for a station's own database."""
    stations = list_stations(session=session)
    if len(stations) < 2:
        return {}
    names = Counter(s.name for s in stations)
    return {s.id: s.name if names[s.name] < 2 else f"{s.name}（{s.township}）" for s in stations}


def group_stations(session: Session, breakdown: Breakdown) -> dict[str, str]:
    """Where the database holds several stations (a county hub): the station of each unit, or
    of each village, by its id (`station_names`). Their names repeat from station to station
    (a county department at each, 东塘村村委会 in two townships): the station says which.
    Nothing for a station's own database, or for the other breakdowns."""
    if breakdown not in (Breakdown.unit, Breakdown.village):
        return {}
    shown = station_names(session)
    if not shown:
        return {}
    groups = (
        session.exec(select(Unit.id, Unit.station_id))
        if breakdown == Breakdown.unit
        else session.exec(select(Village.id, Village.station_id))
    )
    return {str(group): shown[station] for group, station in groups if station in shown}


def list_breakdown(
    *,
    session: Session,
    period: Period,
    today: date,
    tz: Any,
    breakdown: Breakdown,
    limit: int = PAGE_SIZE,
    offset: int = 0,
    station_id: str | None = None,
) -> Page[FigureRow]:
    """One page of `breakdown_figures`. The groups are bounded by the reference tables (tiers,
    units, villages, categories, channels), so the page is cut after the GROUP BY."""
    rows = breakdown_figures(
        session=session,
        period=period,
        today=today,
        tz=tz,
        breakdown=breakdown,
        station_id=station_id,
    ).rows
    return Page(rows[offset : offset + limit], len(rows), offset, limit)


def _grouped(
    session: Session,
    period: Period,
    today: date,
    tz: Any,
    breakdown: Breakdown | None,
    station_id: str | None = None,
) -> dict[str, Figures]:
    """Figures keyed by group ("" for the totals): on a hub, the daily sums of the period's
    days (store.reports.figure_days) with what depends on today read live; else GROUP BY queries
    over the period's visits, issues and evaluations."""
    start, end = period.instants(tz)
    out: dict[str, dict[str, int]] = {}

    def add(key: Any, **values: Any) -> None:
        slot = out.setdefault("" if key is None else str(key), {})
        for name, value in values.items():
            slot[name] = slot.get(name, 0) + int(value or 0)

    if figure_days.counted_in(session, tz):
        # A hub: the sums of its counted days, the days written since read live, and what
        # depends on today (overdue, so the present tier judged too) live over the period.
        live = _waiting_spans(session, period)
        cutoff = figure_sql.two_month_cutoff(today)
        by_station = breakdown == Breakdown.station
        grouping = "" if breakdown is None or by_station else breakdown.value
        for key, *sums, decided in figure_days.summed(
            session, period.start, period.end, cutoff, grouping, by_station, station_id, live
        ):
            counts = dict(zip(figure_days.SUMS, sums, strict=True))
            add(key, **counts, decided=decided, timed=counts["closed"])
        for first, last in live:
            days = Period(period.kind, first, last)
            for key, values in _live(session, days, today, tz, breakdown, station_id):
                values.pop("overdue", None)
                values["timed"] = values.get("closed", 0)
                add(key, **values)
        for key, overdue in session.exec(_overdue_query(period, today, breakdown, station_id)):
            add(key, overdue=overdue, timed=overdue)
    else:
        for key, values in _live(session, period, today, tz, breakdown, station_id):
            add(key, **values)
    for key, up, down in session.exec(_move_query(start, end, breakdown, station_id)).all():
        add(key, escalated=up, de_escalated=down)
    for key, timed, on_time in session.exec(_left_tiers_query(period, breakdown, station_id)):
        add(key, timed=timed, on_time=on_time)
    if breakdown is not None:
        # Untriaged visits have no tier or unit: they count only in the totals.
        out.pop("", None)
    return {key: Figures(**values) for key, values in out.items()}


def _waiting_spans(session: Session, period: Period) -> list[tuple[date, date]]:
    """The spans of the period's days written since the hub last counted them: read live."""
    return [
        (max(first, period.start), min(last, period.end))
        for first, last in figure_days.spans(
            figure_days.waiting_days(session, period.start, period.end)
        )
    ]


def _live(
    session: Session,
    period: Period,
    today: date,
    tz: Any,
    breakdown: Breakdown | None,
    station_id: str | None,
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(key, counts) of the period's visits, issues, evaluations and withdrawals, read live."""
    start, end = period.instants(tz)
    for key, visits, direct in session.exec(_visit_query(start, end, breakdown, station_id)):
        yield key, {"visits": visits, "direct_visits": direct}
    for key, *counts in session.exec(_issue_query(period, today, breakdown, station_id)):
        yield key, dict(zip(_ISSUE_FIGURES, counts, strict=True))
    for key, evaluated, satisfied in session.exec(
        _evaluation_query(start, end, breakdown, station_id)
    ):
        yield key, {"evaluated": evaluated, "satisfied": satisfied}
    for key, withdrawn in session.exec(
        _visit_query(start, end, breakdown, station_id, withdrawn=True)
    ):
        yield key, {"withdrawn_visits": withdrawn}
    for key, withdrawn in session.exec(_withdrawn_query(period, breakdown, station_id)):
        yield key, {"withdrawn": withdrawn}


# The figure queries' rows: a group key and counts, of Any type (SQL sums and counts).
Rows = Select[*tuple[Any, ...]]

_ISSUE_FIGURES = ("opened", "open", "overdue", "closed", "decided", "done", "timed", "on_time")


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _issue_key(breakdown: Breakdown | None) -> Any:
    if breakdown is None:
        return None
    if breakdown == Breakdown.channel:
        return figure_sql.first_channel()
    column = {
        Breakdown.tier: col(Issue.tier),
        Breakdown.unit: col(Issue.unit_id),
        Breakdown.village: col(Issue.village_id),
        Breakdown.category: col(Issue.category_id),
        Breakdown.station: col(Issue.station_id),
    }[breakdown]
    # An expression, not the bare column: SQLite would otherwise walk the whole issue table in
    # that column's index order to skip one sort (1 s instead of 45 ms on 65,000 issues).
    return func.coalesce(column, "")


def _grouped_by(query: Rows, key: Any) -> Rows:
    return query if key is None else query.group_by(key)


def _issue_query(
    period: Period,
    today: date,
    breakdown: Breakdown | None,
    station_id: str | None = None,
    *,
    daily: bool = False,
) -> Rows:
    """The period's issues' counts by group; `daily`: by day opened and station too (the
    daily sums, store.reports.figure_days)."""
    key = _issue_key(breakdown)
    # Each issue's flags once (the month arithmetic of "done" is most of the cost), summed above.
    done = figure_sql.done_in_two_months()
    # More columns than sqlmodel's select() types (four): its Select, typed by hand.
    each: Rows = Select(
        (key if key is not None else null()).label("key"),
        case((col(Issue.status) != IssueStatus.closed, 1), else_=0).label("open"),
        case((figure_sql.overdue(today), 1), else_=0).label("overdue"),
        case((figure_sql.is_closed(), 1), else_=0).label("closed"),
        case((done, 1), else_=0).label("done"),
        case((col(Issue.opened_on) < figure_sql.two_month_cutoff(today), 1), else_=0).label(
            "elapsed"
        ),
        # Its present tier judged (the tiers it left are the moves': _left_tiers_query).
        case((figure_sql.tier_judged(today), 1), else_=0).label("timed"),
        case((figure_sql.tier_on_time(), 1), else_=0).label("on_time"),
    )
    if daily:
        each = each.add_columns(  # type: ignore[assignment]
            col(Issue.opened_on).label("day"), col(Issue.station_id).label("station")
        )
    flags = each.where(*issues_of(period, station_id)).subquery()
    c = flags.c
    query: Rows = Select(
        # Ungrouped, a bare NULL: PostgreSQL refuses a subquery's column outside GROUP BY.
        c.key if key is not None else null(),
        func.count(),
        func.coalesce(func.sum(c.open), 0),
        func.coalesce(func.sum(c.overdue), 0),
        func.coalesce(func.sum(c.closed), 0),
        _count_if((c.done + c.elapsed) > 0),
        func.coalesce(func.sum(c.done), 0),
        func.coalesce(func.sum(c.timed), 0),
        func.coalesce(func.sum(c.on_time), 0),
    )
    if daily:
        query = _by_day(query, c.day, c.station)
    return query if key is None else query.group_by(c.key)


def _overdue_query(
    period: Period, today: date, breakdown: Breakdown | None, station_id: str | None = None
) -> Rows:
    """The period's issues open past their due date today, by group: what the daily sums
    cannot hold (the open issues' partial index, schema 0025)."""
    key = _issue_key(breakdown)
    query: Rows = Select(key if key is not None else null(), func.count()).where(
        *issues_of(period, station_id), figure_sql.overdue(today)
    )
    return _grouped_by(query, key)


def day_queries(
    start: date, end: date, tz: str, station_id: str | None = None
) -> Iterator[tuple[str, Rows, tuple[str, ...]]]:
    """The daily sums' queries (store.reports.figure_days) of the local days [start, end) in
    `tz` (of one station's, if given): this module's own queries of the figures, grouped by day
    and station as well, for the totals and each group. Each is (grouping, query, the sums its
    count columns are: "" for a column no sum keeps); its rows are (key, counts…, day,
    station)."""
    period = Period(PeriodKind.month, start, end)
    begin, finish = day_bounds(start, ZoneInfo(tz))[0], day_bounds(end, ZoneInfo(tz))[0]
    issue_names = ("opened", "open", "", "closed", "", "done", "", "on_time")
    for breakdown in (None, *_DAILY_GROUPINGS):
        grouping = "" if breakdown is None else breakdown.value
        visits = _visit_query(begin, finish, breakdown, station_id, daily=tz)
        yield grouping, visits, ("visits", "direct_visits")
        withdrawn = _visit_query(begin, finish, breakdown, station_id, withdrawn=True, daily=tz)
        yield grouping, withdrawn, ("withdrawn_visits",)
        issues = _issue_query(period, start, breakdown, station_id, daily=True)
        yield grouping, issues, issue_names
        evaluations = _evaluation_query(begin, finish, breakdown, station_id, daily=tz)
        yield grouping, evaluations, ("evaluated", "satisfied")
        withdrawn_issues = _withdrawn_query(period, breakdown, station_id, daily=True)
        yield grouping, withdrawn_issues, ("withdrawn",)


def day_rows(conn: Connection, start: date, end: date, tz: str) -> list[dict[str, Any]]:
    """The rows `day_queries` make, read into memory (a month at a time: `liaison check`)."""
    out: dict[tuple[str, date, str, str], dict[str, int]] = {}
    for grouping, query, names in day_queries(start, end, tz):
        for key, *values, day, station in conn.execute(query):
            slot = out.setdefault((grouping, day, station, "" if key is None else str(key)), {})
            for name, value in zip(names, values, strict=True):
                if name:
                    slot[name] = slot.get(name, 0) + int(value or 0)
    return [
        {"grouping": g, "day": d, "station_id": st, "key": k, **_NO_SUMS, **counts}
        for (g, d, st, k), counts in out.items()
    ]


_NO_SUMS = dict.fromkeys(figure_days.SUMS, 0)
# The groups the daily sums keep (a station's figures are its totals' rows).
_DAILY_GROUPINGS = (
    Breakdown.tier,
    Breakdown.unit,
    Breakdown.village,
    Breakdown.category,
    Breakdown.channel,
)


def issues_of(period: Period, station_id: str | None = None) -> list[ColumnElement[bool]]:
    """The issues of a period: opened on one of its days (of one station's, if given), but
    those closed as withdrawn (撤回), which are counted apart."""
    return [*opened_in(period, station_id), col(Issue.withdrawn_at).is_(None)]


def opened_in(period: Period, station_id: str | None = None) -> list[ColumnElement[bool]]:
    """Every issue opened on one of the period's days (of one station's, if given)."""
    return [
        live(Issue),
        col(Issue.opened_on) >= period.start,
        col(Issue.opened_on) < period.end,
        *of_station(Issue, station_id),
    ]


def withdrawn_of(period: Period, station_id: str | None = None) -> list[ColumnElement[bool]]:
    """The period's issues closed because all their residents withdrew (撤回)."""
    return [*opened_in(period, station_id), col(Issue.withdrawn_at).is_not(None)]


def _withdrawn_query(
    period: Period,
    breakdown: Breakdown | None,
    station_id: str | None = None,
    *,
    daily: bool = False,
) -> Rows:
    key = _issue_key(breakdown)
    query: Rows = Select(key if key is not None else null(), func.count()).where(
        *withdrawn_of(period, station_id)
    )
    if daily:
        query = _by_day(query, col(Issue.opened_on), col(Issue.station_id))
    return _grouped_by(query, key)


def _by_day(query: Rows, day: Any, station: Any) -> Rows:
    """`query`'s groups split by day and station as well (the daily sums' rows)."""
    grouped: Rows = query.add_columns(day, station).group_by(day, station)  # type: ignore[assignment]
    return grouped


def _local_day(instant: Any, tz: str) -> Any:
    """The station-local day of a UTC timestamp column, in PostgreSQL (the daily sums)."""
    return cast(func.timezone(tz, instant), Date)


def of_station(table: Any, station_id: str | None) -> list[ColumnElement[bool]]:
    """The clause keeping one station's rows of `table`, or none at all for every station: a
    station's own database (one station) runs the very queries it ran before hubs existed."""
    return [] if station_id is None else [col(table.station_id) == station_id]


def _visit_query(
    start: datetime,
    end: datetime,
    breakdown: Breakdown | None,
    station_id: str | None = None,
    *,
    withdrawn: bool = False,
    daily: str | None = None,
) -> Rows:
    """The period's visits and how many came directly from residents, by group; with
    `withdrawn`, only how many the residents withdrew (counted apart). `daily` (a time zone):
    by local day received and station too (the daily sums, store.reports.figure_days)."""
    direct = _count_if(figure_sql.is_direct(col(Visit.channel)))
    where = [
        col(Visit.received_at) >= start,
        col(Visit.received_at) < end,
        live(Visit),
        col(Visit.withdrawn_at).is_not(None) if withdrawn else col(Visit.withdrawn_at).is_(None),
        *of_station(Visit, station_id),
    ]
    counts: list[Any] = [func.count()] if withdrawn else [func.count(), direct]
    if breakdown in (Breakdown.tier, Breakdown.unit):
        key: Any = col(Issue.tier) if breakdown == Breakdown.tier else col(Issue.unit_id)
        query: Rows = (
            Select(key, *counts)
            .select_from(Visit)
            .join(Issue, col(Issue.id) == Visit.issue_id)
            .where(*where, live(Issue))
        )
        if daily:
            query = _by_day(query, _local_day(col(Visit.received_at), daily), col(Visit.station_id))
        return query.group_by(key)
    key = {
        None: None,
        Breakdown.village: col(Visit.village_id),
        Breakdown.category: col(Visit.category_id),
        Breakdown.channel: col(Visit.channel),
        Breakdown.station: col(Visit.station_id),
    }[breakdown]
    query = Select(key if key is not None else null(), *counts).select_from(Visit).where(*where)
    if daily:
        query = _by_day(query, _local_day(col(Visit.received_at), daily), col(Visit.station_id))
    return _grouped_by(query, key)


def _evaluation_query(
    start: datetime,
    end: datetime,
    breakdown: Breakdown | None,
    station_id: str | None = None,
    *,
    daily: str | None = None,
) -> Rows:
    key = _issue_key(breakdown)
    query = (
        select(
            key if key is not None else null(),
            func.count(),
            _count_if(col(Evaluation.satisfaction).in_(figure_sql.SATISFIED)),
        )
        .join(Issue, col(Issue.id) == Evaluation.issue_id)
        .where(
            col(Evaluation.at) >= start,
            col(Evaluation.at) < end,
            live(Evaluation),
            live(Issue),
            *of_station(Issue, station_id),
        )
    )
    if daily:
        query = _by_day(query, _local_day(col(Evaluation.at), daily), col(Issue.station_id))
    return _grouped_by(query, key)


def _move_key(breakdown: Breakdown | None) -> Any:
    """A move's group: the tier and unit it left; the issue's village, category and channel."""
    if breakdown == Breakdown.tier:
        return func.coalesce(col(IssueMove.from_tier), "")
    if breakdown == Breakdown.unit:
        return func.coalesce(col(IssueMove.from_unit_id), "")
    return _issue_key(breakdown)


def _move_query(
    start: datetime, end: datetime, breakdown: Breakdown | None, station_id: str | None = None
) -> Rows:
    """Moves made in [start, end): up (升级) and down (降级), each once."""
    key = _move_key(breakdown)
    up = figure_sql.moved_up()
    query = (
        select(key if key is not None else null(), _count_if(up), _count_if(~up))
        .join(Issue, col(Issue.id) == IssueMove.issue_id)
        .where(
            col(IssueMove.moved_at) >= start,
            col(IssueMove.moved_at) < end,
            live(IssueMove),
            live(Issue),
            *of_station(Issue, station_id),
        )
    )
    return _grouped_by(query, key)


def _left_tiers_query(period: Period, breakdown: Breakdown | None, station_id: str | None) -> Rows:
    """The tiers the issues of the period left, each judged when it was left (in time or late,
    kept on the move)."""
    key = _move_key(breakdown)
    query = (
        select(
            key if key is not None else null(),
            func.count(),
            _count_if(col(IssueMove.from_on_time).is_(True)),
        )
        .join(Issue, col(Issue.id) == IssueMove.issue_id)
        .where(live(IssueMove), *issues_of(period, station_id))
    )
    return _grouped_by(query, key)


def _name_rows(
    session: Session, breakdown: Breakdown, grouped: dict[str, Figures]
) -> Iterable[FigureRow]:
    """The groups in reference order: tiers and channels as declared, the rest by position or
    name. A group whose row is gone (deleted unit) still shows, under its id."""
    if breakdown == Breakdown.tier:
        order = [(t.value, t.value) for t in Tier]
    elif breakdown == Breakdown.channel:
        order = [(c.value, c.value) for c in Channel]
    else:
        table: Any = {
            Breakdown.unit: Unit,
            Breakdown.village: Village,
            Breakdown.category: Category,
            Breakdown.station: Station,
        }[breakdown]
        if table is Unit:
            sort = [
                case({t.value: i for i, t in enumerate(Tier)}, value=col(Unit.tier)),
                col(Unit.name),
            ]
        elif table is Station:
            # As the station picker lists them (store.desk.station_scope).
            sort = [col(Station.township), col(Station.name), col(Station.id)]
        else:
            sort = [col(table.position), col(table.name)]
        order = [
            (id_, name)
            for id_, name in session.exec(
                select(table.id, table.name).where(col(table.id).in_(list(grouped))).order_by(*sort)
            ).all()
        ]
    named = {key for key, _ in order}
    for key, name in order + [(k, k) for k in grouped if k not in named]:
        if key in grouped:
            yield FigureRow(key, name, grouped[key])


# ---------------------------------------------------------------------------------------------
# Charts


def visits_per_week(
    *, session: Session, period: Period, tz: Any, station_id: str | None = None
) -> list[tuple[date, int]]:
    """Visits received in each week (Monday to Sunday) that meets the period, clipped to it.

    On a hub, the daily sums' visits, a week with a day written since they were counted read
    live; else one range count per week on the indexed receiving time (a year: 53 counts).

    Returns:
        (first day of the week within the period, visits) pairs, oldest first.
    """
    out = []
    summed = figure_days.counted_in(session, tz)
    if summed:
        waiting = set(figure_days.waiting_days(session, period.start, period.end))
        daily = figure_days.visits_by_day(session, period.start, period.end, station_id)
    week = period.start
    while week < period.end:
        next_week = min(week + timedelta(days=7 - week.weekday()), period.end)
        days = [week + timedelta(days=n) for n in range((next_week - week).days)]
        if summed and not waiting.intersection(days):
            out.append((week, sum(daily.get(day, 0) for day in days)))
            week = next_week
            continue
        start, end = day_bounds(week, tz)[0], day_bounds(next_week, tz)[0]
        count = session.exec(
            select(func.count())
            .select_from(Visit)
            .where(
                col(Visit.received_at) >= start,
                col(Visit.received_at) < end,
                live(Visit),
                *of_station(Visit, station_id),
            )
        ).one()
        out.append((week, int(count)))
        week = next_week
    return out


def colour_mix(
    *,
    session: Session,
    period: Period,
    today: date,
    by_unit: bool = False,
    station_id: str | None = None,
) -> dict[str, dict[Colour, int]]:
    """The colours today of the period's issues (open or closed, docs/rules/colours-and-windows.md),
    per tier (or unit).

    Returns:
        {tier code or unit id: {colour: count}}, zeros included for every tier.
    """
    grace = load_settings(session=session).evaluation_grace_days
    rank = figure_sql.any_colour_rank(today, grace)
    key = col(Issue.unit_id) if by_unit else col(Issue.tier)
    out: dict[str, dict[Colour, int]] = (
        {} if by_unit else {tier.value: dict.fromkeys(Colour, 0) for tier in Tier}
    )
    counts: Iterable[tuple[Any, int, int]]
    if figure_days.counted_in(session, None):
        counts = _summed_colour_mix(session, period, today, grace, by_unit, station_id)
    else:
        counts = session.exec(
            select(key, rank, func.count())
            .where(*issues_of(period, station_id))
            .group_by(key, rank)
        ).all()
    for group, value, n in counts:
        mix = out.setdefault(group, dict.fromkeys(Colour, 0))
        mix[RANK_COLOUR[value]] += n
    return out


def figure_issue_counts(
    *, session: Session, today: date, filters: BoardFilter
) -> dict[Tier, dict[Colour, int]]:
    """`board_counts` of the board's issues, which for a figure's issues (the statistics'
    drill-down) of the issues opened in a period, the county's, a station's or a tier's, on a hub
    whose daily sums are counted, are read as `colour_mix` reads them: how many from the sums,
    the red and yellow ones from the open and the unevaluated issues' indexes. Counting every
    issue of the period instead took a county's year 55 ms of SQL at 600,000 visits, growing
    with the county. Any other board or drill-down: `board_counts`."""
    plain = replace(filters, opened_from=None, opened_to=None, station_id=None, tier=None)
    if (
        plain != BoardFilter(scope=Scope.opened)
        or filters.opened_from is None
        or filters.opened_to is None
        or not figure_days.counted_in(session, None)
    ):
        return board_counts(session=session, today=today, filters=filters)
    # The days opened on, as a period (its kind is not read here).
    period = Period(PeriodKind.month, filters.opened_from, filters.opened_to)
    grace = load_settings(session=session).evaluation_grace_days
    counts = {tier: dict.fromkeys(Colour, 0) for tier in Tier}
    for group, value, n in _summed_colour_mix(
        session, period, today, grace, False, filters.station_id
    ):
        if filters.tier is None or group == filters.tier:
            counts[Tier(group)][RANK_COLOUR[value]] += n
    return counts


def _summed_colour_mix(
    session: Session,
    period: Period,
    today: date,
    grace: int,
    by_unit: bool,
    station_id: str | None,
) -> list[tuple[Any, int, int]]:
    """(group, colour rank, count) on a hub, without reading every issue of the period: how
    many were opened comes from the daily sums (the days written since, live); the red and
    yellow ones are few and live, through two partial indexes — the open issues, and the
    closed ones no evaluation came for (yellow once the grace period is over). The rest are
    green."""
    key = col(Issue.unit_id) if by_unit else col(Issue.tier)
    grouping = Breakdown.unit.value if by_unit else Breakdown.tier.value
    live_spans = _waiting_spans(session, period)
    opened: dict[Any, int] = {}
    cutoff = figure_sql.two_month_cutoff(today)
    for group, *sums, _decided in figure_days.summed(
        session, period.start, period.end, cutoff, grouping, False, station_id, live_spans
    ):
        counted = dict(zip(figure_days.SUMS, sums, strict=True))["opened"]
        opened[group] = opened.get(group, 0) + int(counted)
    for first, last in live_spans:
        days = Period(period.kind, first, last)
        for group, n in session.exec(
            select(key, func.count()).where(*issues_of(days, station_id)).group_by(key)
        ):
            opened[group] = opened.get(group, 0) + n
    # The open ones by the open issues' rule, which reads only what their index holds (any
    # issue's rule reads the closing too: the year's open issues of a county were read from
    # every issue of the year, 30 ms at 600,000 visits).
    rank = colour_rank(today)
    mine = issues_of(period, station_id)
    coloured = [
        *session.exec(
            select(key, rank, func.count())
            .where(*mine, col(Issue.status) != IssueStatus.closed)
            .group_by(key, rank)
        ),
        *(
            (group, 1, n)
            for group, n in session.exec(
                select(key, func.count())
                .where(
                    *mine,
                    col(Issue.status) == IssueStatus.closed,
                    col(Issue.satisfaction).is_(None),
                    col(Issue.closed_on) < today - timedelta(days=grace),
                )
                .group_by(key)
            )
        ),
    ]
    not_green: dict[Any, int] = {}
    out: list[tuple[Any, int, int]] = []
    for group, value, n in coloured:
        if value:
            out.append((group, value, n))
            not_green[group] = not_green.get(group, 0) + n
    # A group all of whose issues moved away keeps a row of zeros in the sums: no colours.
    out += [(group, 0, n - not_green.get(group, 0)) for group, n in opened.items() if n]
    return out


def two_month_trend(
    *,
    session: Session,
    period: Period,
    today: date,
    months: int = 12,
    station_id: str | None = None,
) -> list[tuple[date, int, int]]:
    """The two-month rate of each month's issues, for the `months` months ending with the
    period's last month.

    Returns:
        (first day of the month, decided, done) triples, oldest first.
    """
    last = Period.of(PeriodKind.month, period.last_day)
    first = last.shift(-(months - 1))
    span = Period(PeriodKind.month, first.start, last.end)
    if figure_days.counted_in(session, None):
        return _summed_trend(session, span, today, station_id)
    year, month = extract_month(col(Issue.opened_on))
    rows = session.exec(
        select(
            year,
            month,
            _count_if(figure_sql.two_months_decided(today)),
            _count_if(figure_sql.done_in_two_months()),
        )
        .where(*issues_of(span, station_id))
        .group_by(year, month)
    ).all()
    found = {(int(y), int(m)): (int(d), int(n)) for y, m, d, n in rows}
    out = []
    for i in range(months):
        day = first.shift(i).start
        decided, done = found.get((day.year, day.month), (0, 0))
        out.append((day, decided, done))
    return out


def _summed_trend(
    session: Session, span: Period, today: date, station_id: str | None
) -> list[tuple[date, int, int]]:
    """`two_month_trend` from a hub's daily sums, each month's days written since they were
    counted read live."""
    cutoff = figure_sql.two_month_cutoff(today)
    waiting = figure_days.waiting_days(session, span.start, span.end)
    out = []
    month = Period.of(PeriodKind.month, span.start)
    while month.start < span.end:
        live = [
            (max(a, month.start), min(b, month.end))
            for a, b in figure_days.spans([d for d in waiting if month.start <= d < month.end])
        ]
        decided = done = 0
        for _key, *sums, decided_days in figure_days.summed(
            session, month.start, month.end, cutoff, "", False, station_id, live
        ):
            decided += decided_days
            done += dict(zip(figure_days.SUMS, sums, strict=True))["done"]
        for a, b in live:
            query = _issue_query(Period(PeriodKind.month, a, b), today, None, station_id)
            for _key, *counts in session.exec(query):
                figures = dict(zip(_ISSUE_FIGURES, counts, strict=True))
                decided += int(figures["decided"])
                done += int(figures["done"])
        out.append((month.start, decided, done))
        month = month.shift(1)
    return out


def extract_month(column: Any) -> tuple[Any, Any]:
    return extract("year", column), extract("month", column)


# ---------------------------------------------------------------------------------------------
# Drill-down: the issues a figure counts, as a board filter.

# Which issues each figure counts. Visits and the direct share are counted over visits: their
# drill-down lists the period's issues of the group.
FIGURE_SCOPES: dict[str, Scope] = {
    "visits": Scope.opened,
    "direct_visits": Scope.opened,
    "opened": Scope.opened,
    "open": Scope.open,
    "overdue": Scope.overdue,
    "closed": Scope.closed,
    "decided": Scope.decided,
    "done": Scope.done,
    "evaluated": Scope.evaluated,
    "satisfied": Scope.satisfied,
    "escalated": Scope.escalated,
    "de_escalated": Scope.de_escalated,
    "timed": Scope.timed,
    "on_time": Scope.on_time,
    "withdrawn": Scope.withdrawn,
    "withdrawn_visits": Scope.withdrawn,
}
# The figures counted per tier (store.desk.moves): by the tier and unit a move left or a tier was
# judged at, not where the issue is now.
_PER_TIER = (Scope.escalated, Scope.de_escalated, Scope.timed, Scope.on_time)


def drill_filter(
    *,
    period: Period,
    tz: Any,
    figure: str,
    breakdown: Breakdown | None = None,
    key: str | None = None,
    station_id: str | None = None,
) -> BoardFilter:
    """The board filter that lists exactly the issues behind one figure of one group.

    Args:
        figure: a `Figures` field name (`done`, `overdue`…); rates drill into their numerator.
        breakdown, key: the group (None for the totals).
        station_id: the station the figure was counted over (None: all of them).
    """
    scope = FIGURE_SCOPES[figure]
    if scope in (Scope.evaluated, Scope.satisfied):
        start, end = period.instants(tz)
        filters = BoardFilter(
            scope=scope, evaluated_from=start, evaluated_to=end, station_id=station_id
        )
    elif scope in (Scope.escalated, Scope.de_escalated):
        start, end = period.instants(tz)
        filters = BoardFilter(scope=scope, moved_from=start, moved_to=end, station_id=station_id)
    else:
        filters = BoardFilter(
            scope=scope, opened_from=period.start, opened_to=period.end, station_id=station_id
        )
    if breakdown is None or key is None:
        return filters
    groups: dict[Breakdown, dict[str, Any]] = {
        Breakdown.tier: {"tier": Tier(key)} if key in Tier.__members__ else {},
        Breakdown.unit: {"unit_id": key},
        Breakdown.village: {"village_id": key},
        Breakdown.category: {"category_id": key},
        Breakdown.channel: {"channel": Channel(key)} if key in Channel.__members__ else {},
        Breakdown.station: {"station_id": key},
    }
    if scope in _PER_TIER:
        groups[Breakdown.tier] = {"at_tier": Tier(key)} if key in Tier.__members__ else {}
        groups[Breakdown.unit] = {"at_unit_id": key}
    group = groups[breakdown]
    return replace(filters, **group)


# ---------------------------------------------------------------------------------------------
# Floors (the report's list of units below them)


@dataclass(frozen=True)
class Floors:
    two_month_rate: float
    satisfaction_rate: float


def below_floors(rows: Iterable[FigureRow], floors: Floors) -> list[FigureRow]:
    """Groups whose two-month rate or satisfaction rate is under its floor (a rate with nothing
    to count is not under anything)."""
    out = []
    for row in rows:
        two, sat = row.figures.two_month_rate, row.figures.satisfaction_rate
        if (two is not None and two < floors.two_month_rate) or (
            sat is not None and sat < floors.satisfaction_rate
        ):
            out.append(row)
    return out


def load_floors(*, session: Session) -> Floors:
    settings = load_settings(session=session)
    return Floors(settings.floor_two_month_rate, settings.floor_satisfaction_rate)


__all__ = [
    "Breakdown",
    "Breakdowns",
    "FigureRow",
    "Figures",
    "Floors",
    "Period",
    "PeriodKind",
    "Share",
    "added",
    "below_floors",
    "breakdown_figures",
    "colour_mix",
    "drill_filter",
    "list_breakdown",
    "load_floors",
    "percent",
    "period_figures",
    "two_month_trend",
    "visits_per_week",
]
