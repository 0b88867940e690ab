"""The quarterly report (季度评议): the quarter's headline figures, the colours of its issues per
tier and unit, the figures per village, category and channel, the units below the floors, the
rising words and three charts, as .xlsx or as one self-contained HTML file (inline SVG, no
script, prints on A4).

Rows are plain values (`Cell`): counts are ints and rates are `Share`s, so the workbook writes
numbers a spreadsheet computes with while the HTML shows `60.0% (3/5)`.

The store has no interface text: writers take the caller's `text` (catalogue lookup) and `name`
(a domain term's name) so the report speaks the interface language. Nothing personal is in it:
no resident's name, phone or words, only counts, names of units, villages and categories, and
single words; an observer (民情观察员) by name only with their consent (同意公开姓名), else masked
(张**), never a phone; every string is escaped in HTML and neutralised in cells."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from store.core.errors import FieldInvalid
from store.core.files import written_whole
from store.core.models import Channel, Colour, Station, Tier, Unit
from store.core.rows import live
from store.core.validation import mask_name
from store.deliberations.figures import DeliberationFigures, deliberation_figures
from store.legislation.figures import AdoptionFigures, adoption_figures, opinion_visits
from store.observers.figures import ObserverFigures, observer_figures
from store.reports import stats
from store.reports.stats import FigureRow, Figures, Floors, Period, Share, percent
from store.suggestions.figures import SuggestionFigures, suggestion_figures

Text = Callable[..., str]
Name = Callable[[StrEnum], str]
# One value of a report's row: a name or other text, a count, or a rate with its parts.
Cell = str | int | Share
FORMATS = (".xlsx", ".html")


@dataclass(frozen=True)
class Word:
    """A rising word: how often in the quarter and in the one before."""

    word: str
    count: int
    previous: int


@dataclass(frozen=True)
class QuarterReport:
    period: Period
    as_of: date
    station: str
    totals: Figures
    tiers: tuple[FigureRow, ...]
    units: tuple[FigureRow, ...]
    # The statistics screen's other groupings, for the period (store.reports.stats).
    villages: tuple[FigureRow, ...]
    categories: tuple[FigureRow, ...]
    channels: tuple[FigureRow, ...]
    unit_tiers: dict[str, Tier]
    colours_by_tier: dict[str, dict[Colour, int]]
    colours_by_unit: dict[str, dict[Colour, int]]
    floors: Floors
    below: tuple[FigureRow, ...]
    weeks: list[tuple[date, int]]
    trend: list[tuple[date, int, int]]
    # None when the hot-words store (store.hot_words.words) is not there to ask.
    rising: tuple[Word, ...] | None
    # A county hub's report of all its stations: each unit's station, by unit id, so that every
    # unit's row names its station and a county department of several stations is totalled.
    # Empty on a station's own database (and for one station's report).
    unit_stations: dict[str, str] = field(default_factory=dict)
    # The deputies' suggestions of the period (store.suggestions.figures).
    suggestions: SuggestionFigures = field(default_factory=SuggestionFigures)
    # The opinions on draft regulations and their adoption (store.legislation.figures).
    legislation: AdoptionFigures = field(default_factory=AdoptionFigures)
    # The period's 立法建议 visits taken as opinions, on no issue (转立法意见).
    opinion_visits: Figures = field(default_factory=Figures)
    # The deliberation sessions of the period, per kind (store.deliberations.figures).
    deliberations: DeliberationFigures = field(default_factory=DeliberationFigures)
    # What came through observers and observation points (store.observers.figures).
    observers: ObserverFigures = field(default_factory=ObserverFigures)

    @property
    def untriaged(self) -> Figures:
        """The period's visits no tier counts (未分办: not triaged to an issue), and how many of
        them came directly from residents: the totals less every tier's and the visits taken as
        opinions on a draft, so that the tier table adds up to the totals. They have no issue,
        hence no other figure."""
        return Figures(
            visits=self.totals.visits
            - sum(r.figures.visits for r in self.tiers)
            - self.opinion_visits.visits,
            direct_visits=self.totals.direct_visits
            - sum(r.figures.direct_visits for r in self.tiers)
            - self.opinion_visits.direct_visits,
        )


def build_report(
    *, session: Session, period: Period, today: date, tz: Any, station_id: str | None = None
) -> QuarterReport:
    """Everything the report shows, read in one session.

    Args:
        period: usually a quarter; any period works.
        today: the figures are as of this day.
        station_id: one station's report, where the database holds several (a county hub);
            None for all of them. The rising words are the whole database's either way.
    """

    def breakdown(by: stats.Breakdown) -> tuple[FigureRow, ...]:
        return stats.breakdown_figures(
            session=session,
            period=period,
            today=today,
            tz=tz,
            breakdown=by,
            station_id=station_id,
        ).rows

    units = breakdown(stats.Breakdown.unit)
    floors = stats.load_floors(session=session)
    named = select(Station.name).where(live(Station))
    if station_id is not None:
        named = named.where(col(Station.id) == station_id)
    station = session.exec(named).first()
    return QuarterReport(
        period=period,
        as_of=today,
        station=station or "",
        totals=stats.period_figures(
            session=session, period=period, today=today, tz=tz, station_id=station_id
        ),
        tiers=breakdown(stats.Breakdown.tier),
        units=units,
        villages=breakdown(stats.Breakdown.village),
        categories=breakdown(stats.Breakdown.category),
        channels=breakdown(stats.Breakdown.channel),
        unit_tiers={
            uid: Tier(tier) for uid, tier in session.exec(select(Unit.id, Unit.tier)).all()
        },
        colours_by_tier=stats.colour_mix(
            session=session, period=period, today=today, station_id=station_id
        ),
        colours_by_unit=stats.colour_mix(
            session=session, period=period, today=today, by_unit=True, station_id=station_id
        ),
        floors=floors,
        below=tuple(stats.below_floors(units, floors)),
        weeks=stats.visits_per_week(session=session, period=period, tz=tz, station_id=station_id),
        trend=stats.two_month_trend(
            session=session, period=period, today=today, station_id=station_id
        ),
        rising=_rising_words(session, period, today),
        unit_stations=(
            {} if station_id is not None else stats.group_stations(session, stats.Breakdown.unit)
        ),
        suggestions=suggestion_figures(session=session, period=period, station_id=station_id),
        legislation=adoption_figures(session=session, period=period, station_id=station_id),
        opinion_visits=opinion_visits(session=session, period=period, tz=tz, station_id=station_id),
        deliberations=deliberation_figures(session=session, period=period, station_id=station_id),
        observers=observer_figures(session=session, period=period, tz=tz, station_id=station_id),
    )


def _rising_words(session: Session, period: Period, today: date) -> tuple[Word, ...] | None:
    try:
        from store.hot_words.words import rising_words
    except ImportError:  # a store without hot words: the report says so in that section
        return None
    # Its window is [end − days, end): the period's days up to today, against as many before.
    end = min(period.end, today + timedelta(days=1))
    days = (end - period.start).days
    found = rising_words(session=session, end=end, days=days, limit=20)
    return tuple(Word(str(w.word), int(w.count), int(w.previous)) for w in found)


def write_report(report: QuarterReport, out: Path, *, text: Text, name: Name) -> None:
    """Write the report to `out`, whose suffix (.xlsx or .html) picks the format. The file
    appears whole or not at all.

    Raises:
        FieldInvalid: `out` is neither .xlsx nor .html (key `report.format`).
    """
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise FieldInvalid("report.format", "out")
    with written_whole(out) as partial:
        if suffix == ".xlsx":
            from store.reports.xlsx import write_xlsx  # openpyxl: about 0.2 s to import

            write_xlsx(report, partial, text=text, name=name)
        else:
            partial.write_text(render_html(report, text=text, name=name), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# What both formats show, as rows of plain values.


def headline_rows(report: QuarterReport, text: Text) -> list[tuple[str, Cell]]:
    f = report.totals
    return [
        (text("stats.col.visits"), f.visits),
        (text("stats.col.opened"), f.opened),
        (text("stats.col.open"), f.open),
        (text("stats.col.overdue"), f.overdue),
        (text("stats.col.closed"), f.closed),
        (text("stats.col.two_month"), f.two_month),
        # A quarter still under way: the issues its rate does not count yet.
        (text("stats.col.pending"), f.opened - f.decided),
        (text("stats.col.satisfaction"), f.satisfaction),
        (text("stats.col.direct"), f.direct),
        # Per tier (store.desk.moves): moves made in the quarter, and the tiers judged on time.
        (text("stats.col.escalated"), f.escalated),
        (text("stats.col.de_escalated"), f.de_escalated),
        (text("stats.col.on_time"), f.in_window),
        # Withdrawn (撤回): in none of the figures above, counted apart.
        (text("stats.col.withdrawn_visits"), f.withdrawn_visits),
        (text("stats.col.withdrawn"), f.withdrawn),
        (text("stats.col.leader_visits"), f.leader_visits),
        (
            text("stats.col.leader_issues"),
            text(
                "stats.leader_issues_value",
                issues=f.leader_issues,
                closed=f.leader_issues_closed,
                open=f.leader_issues_open,
            ),
        ),
        # The deputies' suggestions (代表建议): the seed's 建议直接源自群众的比例, and the replies.
        (text("stats.col.suggestions"), report.suggestions.submitted),
        (text("stats.col.suggestions_direct"), report.suggestions.residents_share),
        (text("stats.col.reply_satisfaction"), report.suggestions.reply_satisfaction),
        # Legislative consultation (基层立法联系点): opinions gathered, and the answers' 采纳率.
        (text("stats.col.legislative_opinions"), report.legislation.opinions),
        (text("stats.col.adoption_rate"), report.legislation.adoption_rate),
        # Deliberation sessions (议事活动): held, residents there, visits raised, the votes.
        (text("stats.col.sessions"), report.deliberations.total.sessions),
        (text("stats.col.session_residents"), report.deliberations.total.residents),
        (text("stats.col.session_visits"), report.deliberations.total.visits),
        (text("stats.col.session_votes"), report.deliberations.total.vote_rate),
        # What came through observers (民情观察员): visits, and issues (each once).
        (text("stats.col.observers"), report.observers.serving),
        (text("stats.col.observer_visits"), report.observers.visits),
        (text("stats.col.observer_issues"), report.observers.issues),
    ]


def observer_name(name: str, consented: bool, text: Text) -> str:
    """An observer as the report prints them: by name with their consent (同意公开姓名), masked
    without (张**); a purged observer's name is gone."""
    if not name:
        return text("report.observer_purged")
    return name if consented else mask_name(name)


def observer_headings(text: Text) -> list[str]:
    return [
        text("report.observer"),
        text("report.observer_group"),
        text("report.recommended_by"),
        text("stats.col.visits"),
        text("stats.col.issues"),
    ]


def observer_rows(report: QuarterReport, text: Text, name: Name) -> list[list[Cell]]:
    """The observers who served in the period (and any with something counted), most visits
    first, a retired one marked; the totals last (each visit and issue once)."""
    rows: list[list[Cell]] = [
        [
            observer_name(o.name, o.consent_named, text)
            + ("" if o.active else text("report.observer_retired")),
            name(o.group),
            o.deputy,
            o.visits,
            o.issues,
        ]
        for o in report.observers.observers
    ]
    rows.append([text("stats.total"), "", "", report.observers.visits, report.observers.issues])
    return rows


def point_headings(text: Text) -> list[str]:
    return [
        text("report.point"),
        text("report.point_kind"),
        text("col.village"),
        text("stats.col.visits"),
        text("stats.col.issues"),
    ]


def point_rows(report: QuarterReport, text: Text, name: Name) -> list[list[Cell]]:
    """The points (active ones, and any with something counted), most visits first; the totals
    of visits naming a point last."""
    f = report.observers
    rows: list[list[Cell]] = [
        [p.name, name(p.kind), p.village, p.visits, p.issues] for p in f.points
    ]
    rows.append([text("stats.total"), "", "", f.point_visits, f.point_issues])
    return rows


def figure_headings(text: Text) -> list[str]:
    return [
        text(k)
        for k in (
            "stats.col.visits",
            "stats.col.opened",
            "stats.col.open",
            "stats.col.overdue",
            "stats.col.two_month",
            "stats.col.satisfaction",
            "stats.col.direct",
        )
    ]


def rate_headings(text: Text) -> set[str]:
    """The headings whose column holds a `Share` (a workbook gives each its two counts)."""
    return {
        text("stats.col.two_month"),
        text("stats.col.satisfaction"),
        text("stats.col.direct"),
        text("stats.col.on_time"),
        text("stats.col.session_votes"),
    }


def figure_cells(f: Figures) -> list[Cell]:
    return [f.visits, f.opened, f.open, f.overdue, f.two_month, f.satisfaction, f.direct]


def colour_headings(name: Name) -> list[str]:
    return [f"{c.glyph} {name(c)}" for c in (Colour.red, Colour.yellow, Colour.green)]


def colour_cells(counts: dict[Colour, int] | None) -> list[Cell]:
    counts = counts or {}
    return [counts.get(c, 0) for c in (Colour.red, Colour.yellow, Colour.green)]


def unit_label(report: QuarterReport, row: FigureRow, name: Name, *, station: bool = True) -> str:
    """`临溪县住建局（县级）`; on a hub's report of every station, ` · its station` after it."""
    tier = report.unit_tiers.get(row.key)
    label = f"{row.name}（{name(tier)}）" if tier else row.name
    where = report.unit_stations.get(row.key) if station else None
    return f"{label} · {where}" if where else label


# A county department's station rows, under its total (`unit_layout`).
MEMBER = "└ "


def unit_layout(report: QuarterReport) -> list[tuple[FigureRow | None, tuple[FigureRow, ...]]]:
    """The by-unit table's rows in order: (row, ()) for a unit's own row; (None, members) for a
    county department that several stations share (a county unit of one name, 临溪县住建局):
    its total across them, which its members' own rows follow. Only on a hub's report of every
    station; elsewhere every row is a unit's own."""
    shared: dict[str, list[FigureRow]] = {}
    if report.unit_stations:
        for row in report.units:
            if report.unit_tiers.get(row.key) == Tier.county:
                shared.setdefault(row.name, []).append(row)
    out: list[tuple[FigureRow | None, tuple[FigureRow, ...]]] = []
    for row in report.units:
        members = shared.get(row.name, [])
        if len(members) < 2 or row not in members:
            out.append((row, ()))
        elif row is members[0]:
            out.append((None, tuple(members)))
            out += [(member, ()) for member in members]
    return out


def unit_marks(report: QuarterReport) -> list[str]:
    """How each row of `unit_layout` stands out: "total" (a county department's total across
    stations), "below" (a unit below the floors), else ""."""
    below = set(report.below)
    return [
        "total" if row is None else "below" if row in below else ""
        for row, _members in unit_layout(report)
    ]


def unit_rows(report: QuarterReport, name: Name) -> list[list[Cell]]:
    """The by-unit table (`unit_layout`'s rows): a county department's total named as the
    unit, its stations' rows beneath it named by station."""
    totalled = {m.key for _row, members in unit_layout(report) for m in members}
    rows: list[list[Cell]] = []
    for row, members in unit_layout(report):
        if row is None:
            colours = {
                c: sum(report.colours_by_unit.get(m.key, {}).get(c, 0) for m in members)
                for c in Colour
            }
            rows.append(
                [
                    unit_label(report, members[0], name, station=False),
                    *figure_cells(stats.added(m.figures for m in members)),
                    *colour_cells(colours),
                ]
            )
            continue
        label = (
            MEMBER + report.unit_stations[row.key]
            if row.key in totalled
            else unit_label(report, row, name)
        )
        rows.append(
            [label, *figure_cells(row.figures), *colour_cells(report.colours_by_unit.get(row.key))]
        )
    return rows


def tier_rows(report: QuarterReport, text: Text, name: Name) -> list[list[Cell]]:
    """A row per tier, one for the 立法建议 visits taken as opinions (转立法意见, when there are
    any), one for the visits not triaged (未分办), and the totals, which the rows above add up
    to."""
    rows = [
        [
            name(Tier(r.key)),
            *figure_cells(r.figures),
            *colour_cells(report.colours_by_tier.get(r.key)),
        ]
        for r in report.tiers
    ]
    colours = {
        colour: sum(report.colours_by_tier.get(r.key, {}).get(colour, 0) for r in report.tiers)
        for colour in Colour
    }
    no_colour = colour_cells(None)
    return [
        *rows,
        *(
            [[text("report.opinion_visits"), *figure_cells(report.opinion_visits), *no_colour]]
            if report.opinion_visits.visits
            else []
        ),
        [text("report.untriaged"), *figure_cells(report.untriaged), *no_colour],
        [text("stats.total"), *figure_cells(report.totals), *colour_cells(colours)],
    ]


def group_rows(rows: tuple[FigureRow, ...], name: Callable[[FigureRow], str]) -> list[list[Cell]]:
    return [[name(r), *figure_cells(r.figures)] for r in rows]


def groupings(report: QuarterReport, text: Text, name: Name) -> list[tuple[str, list[list[Cell]]]]:
    """The report's village, category and channel sections, (title, rows), named as the
    statistics screen names them. Every visit and issue has a village, a category and a channel,
    so each section adds up to the totals."""

    def named(row: FigureRow) -> str:
        return row.name

    def channel(row: FigureRow) -> str:
        return name(Channel(row.key)) if row.key in Channel.__members__ else row.name

    return [
        (text("report.by_village"), group_rows(report.villages, named)),
        (text("report.by_category"), group_rows(report.categories, named)),
        (text("report.by_channel"), group_rows(report.channels, channel)),
    ]


def session_headings(text: Text) -> list[str]:
    """The sessions section's columns: the kind, then its figures."""
    return [
        text("report.session_kind"),
        text("stats.col.sessions"),
        text("stats.col.session_residents"),
        text("stats.col.session_visits"),
        text("stats.col.session_votes"),
    ]


def session_rows(report: QuarterReport, text: Text, name: Name) -> list[list[Cell]]:
    """The sessions section (议事活动): a row per kind held in the period, then the totals."""
    rows: list[list[Cell]] = []
    for kind, f in report.deliberations.kinds.items():
        if f.sessions:
            rows.append([name(kind), f.sessions, f.residents, f.visits, f.vote_rate])
    f = report.deliberations.total
    rows.append([text("stats.total"), f.sessions, f.residents, f.visits, f.vote_rate])
    return rows


def move_headings(text: Text) -> list[str]:
    """The moves section's figures (after the grouping's own column)."""
    return [text("stats.col.escalated"), text("stats.col.de_escalated"), text("stats.col.on_time")]


def move_cells(f: Figures) -> list[Cell]:
    return [f.escalated, f.de_escalated, f.in_window]


def move_tables(
    report: QuarterReport, text: Text, name: Name
) -> list[tuple[str, list[list[Cell]]]]:
    """The moves section (升级、降级与按期办结): (the grouping's heading, its rows) by tier (with
    the totals, which the tiers add up to), by unit and by category, counted by the tier and unit
    a move left or a tier was judged at. Units and categories with no move and nothing judged
    are left out."""

    def moved(row: FigureRow) -> bool:
        f = row.figures
        return bool(f.escalated or f.de_escalated or f.timed)

    tiers = [[name(Tier(r.key)), *move_cells(r.figures)] for r in report.tiers]
    tiers.append([text("stats.total"), *move_cells(report.totals)])
    units = [
        [unit_label(report, r, name), *move_cells(r.figures)] for r in report.units if moved(r)
    ]
    categories = [[r.name, *move_cells(r.figures)] for r in report.categories if moved(r)]
    return [
        (text("col.tier"), tiers),
        (text("col.unit"), units),
        (text("col.category"), categories),
    ]


def below_rows(report: QuarterReport, name: Name) -> list[list[Cell]]:
    return [
        [unit_label(report, r, name), r.figures.two_month, r.figures.satisfaction]
        for r in report.below
    ]


def table_headings(text: Text, name: Name) -> list[str]:
    return [text("stats.col.name"), *figure_headings(text), *colour_headings(name)]


def group_headings(text: Text) -> list[str]:
    return [text("stats.col.name"), *figure_headings(text)]


def below_headings(text: Text) -> list[str]:
    return [text("stats.col.name"), text("stats.col.two_month"), text("stats.col.satisfaction")]


def footnote(report: QuarterReport, text: Text) -> list[str]:
    return [
        text("stats.def.as_of", date=report.as_of.isoformat()),
        text("stats.def.two_month"),
        text("stats.def.satisfaction"),
        text("stats.def.direct"),
        text("stats.def.moves"),
        text("stats.def.on_time"),
        text("stats.def.withdrawn"),
        text("stats.def.suggestions_direct"),
        text("stats.def.reply_satisfaction"),
        text("stats.def.adoption"),
        text("stats.def.sessions"),
        text("stats.def.observers"),
        text(
            "report.floors",
            two_month=percent(report.floors.two_month_rate),
            satisfaction=percent(report.floors.satisfaction_rate),
        ),
    ]


def render_html(report: QuarterReport, *, text: Text, name: Name) -> str:
    from store.reports.html import render

    return render(report, text=text, name=name)
