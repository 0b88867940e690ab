"""Statistics (`s`): the headline figures of a month, quarter or year, a breakdown by tier, unit,
village, category or channel, charts, drill-downs to the issues behind any figure, and the
quarterly report. Every figure is read in a worker (store.reports.stats)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Header, Label, TabbedContent, TabPane

from screens.base.period import PeriodMixin
from screens.base.station_scoped import StationScoped, station_binding
from store.core.models import Channel, Colour, Tier
from store.core.paging import PAGE_SIZE, Page
from store.deliberations.figures import DeliberationFigures, deliberation_figures
from store.legislation.figures import AdoptionFigures, adoption_figures
from store.observers.figures import ObserverFigures, observer_figures
from store.reports.stats import (
    Breakdown,
    FigureRow,
    Figures,
    Period,
    PeriodKind,
    colour_mix,
    drill_filter,
    group_stations,
    list_breakdown,
    percent,
    period_figures,
    two_month_trend,
    visits_per_week,
)
from store.suggestions.figures import SuggestionFigures, suggestion_figures
from tui.i18n import label, shown, t, tn
from tui.messages import OpenDrillDown
from tui.theme import PATTERNS, legend
from tui.widgets.cells import fit
from tui.widgets.chrome import DeskFooter
from tui.widgets.page_table import PageTable

# (heading, width, column key = the figure it shows and drills into)
COLUMNS = (
    (t("stats.col.name"), 10, "name"),
    (t("stats.col.visits"), 6, "visits"),
    (t("stats.col.opened"), 6, "opened_n"),
    (t("stats.col.open"), 5, "open"),
    (t("stats.col.overdue"), 5, "overdue"),
    (t("stats.short.two_month"), 9, "done"),
    (t("stats.short.satisfaction"), 7, "satisfied"),
    (t("stats.short.direct"), 7, "direct_visits"),
    # Per tier (store.desk.moves): beyond 80 columns, the table scrolls to them under its fixed
    # name column.
    (t("stats.short.on_time"), 7, "on_time"),
    (t("stats.short.escalated"), 4, "escalated"),
    (t("stats.short.de_escalated"), 4, "de_escalated"),
)
KIND_NAMES = {
    PeriodKind.month: t("stats.kind.month"),
    PeriodKind.quarter: t("stats.kind.quarter"),
    PeriodKind.year: t("stats.kind.year"),
}
BREAKDOWN_NAMES = {
    Breakdown.tier: t("stats.by.tier"),
    Breakdown.unit: t("stats.by.unit"),
    Breakdown.village: t("stats.by.village"),
    Breakdown.category: t("stats.by.category"),
    Breakdown.channel: t("stats.by.channel"),
    Breakdown.station: t("stats.by.station"),
}
TABS = (
    "stats-tab-table",
    "stats-tab-weeks",
    "stats-tab-colours",
    "stats-tab-trend",
    "stats-tab-sessions",
    "stats-tab-observers",
)
# The tabs that are tables of the figures loaded with the headline, not charts.
TABLE_TABS = (TABS[0], TABS[4], TABS[5])
# The deliberation sessions' table (议事活动, per kind): (heading, width, key).
SESSION_COLUMNS = (
    (t("report.session_kind"), 12, "kind"),
    (t("stats.short.sessions"), 6, "sessions"),
    (t("stats.short.session_residents"), 8, "residents"),
    (t("stats.short.session_visits"), 8, "visits"),
    (t("stats.short.session_votes"), 18, "votes"),
)
# The observers' tab (民情观察员): (heading, width, key).
THROUGH_COLUMNS = (
    (t("stats.col.name"), 16, "name"),
    (t("stats.col.what"), 10, "what"),
    (t("report.recommended_by"), 8, "deputy"),
    (t("stats.col.visits"), 6, "visits"),
    (t("stats.col.issues"), 6, "issues"),
)


@dataclass(frozen=True)
class StatsData:
    totals: Figures
    page: Page[FigureRow]
    # The deputies' suggestions of the period (代表建议).
    suggestions: SuggestionFigures = field(default_factory=SuggestionFigures)
    # The opinions on draft regulations and the adoption rate (基层立法联系点, 采纳率).
    legislation: AdoptionFigures = field(default_factory=AdoptionFigures)
    # The deliberation sessions of the period (议事活动), per kind.
    deliberations: DeliberationFigures = field(default_factory=DeliberationFigures)
    # What came through observers and points (民情观察员, 民情观察点).
    observers: ObserverFigures = field(default_factory=ObserverFigures)
    # On a county hub with every station shown: each unit's or village's station, by its id
    # (their names repeat from station to station).
    stations: dict[str, str] = field(default_factory=dict)


class StatsScreen(PeriodMixin, StationScoped):
    """One period's figures and one breakdown; Enter on a figure lists its issues."""

    HELP_TEXT = t("help.stats")
    STATION_BUTTON = "stats-station-button"
    # The definitions, word for word as in the report's footnote.
    HELP_EXTRA = (
        t("stats.def.two_month"),
        t("stats.def.satisfaction"),
        t("stats.def.direct"),
        t("stats.def.moves"),
        t("stats.def.on_time"),
        t("stats.def.suggestions_direct"),
        t("stats.def.reply_satisfaction"),
        t("stats.def.adoption"),
        t("stats.def.sessions"),
        t("stats.def.observers"),
    )
    BINDINGS = [
        Binding("enter", "drill", t("key.drill"), tooltip=t("tip.drill"), id="stats-drill"),
        *PeriodMixin.PERIOD_BINDINGS,
        Binding(
            "g", "breakdown", t("key.breakdown"), tooltip=t("tip.breakdown"), id="stats-breakdown"
        ),
        Binding(
            "c", "charts", t("key.charts"), tooltip=t("tip.charts"), show=False, id="stats-charts"
        ),
        Binding("r", "report", t("key.report"), tooltip=t("tip.report"), id="stats-report"),
        station_binding("stats-station"),
        Binding(
            "pagedown",
            "page(1)",
            t("key.next_page"),
            tooltip=t("tip.next_page"),
            show=False,
            id="stats-next-page",
        ),
        Binding(
            "pageup",
            "page(-1)",
            t("key.prev_page"),
            tooltip=t("tip.prev_page"),
            show=False,
            id="stats-prev-page",
        ),
        Binding("j", "cursor(1)", show=False),
        Binding("k", "cursor(-1)", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.breakdown = Breakdown.tier
        self.page_offset = 0
        self.data: StatsData | None = None
        # Which charts show the current period (they load when their tab is first opened).
        self.charted: set[str] = set()
        # The station the figures are of (a county hub); None: every station.
        self.station_id: str | None = None

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot  # plotext: loaded with this screen only

        yield Header()
        with Vertical(id="stats"):
            with Horizontal(id="stats-bar"):
                yield Button("◀", id="stats-prev", compact=True)
                yield Label("", id="stats-period")
                yield Button("▶", id="stats-next", compact=True)
                yield Button("", id="stats-kind", compact=True)
                yield Button("", id="stats-by", compact=True)
                yield Button(t("key.report"), id="stats-report", compact=True)
                # Which station the figures are of, and a click away from another.
                yield from self.compose_station_button()
            yield Label("", id="stats-headline", classes="hint")
            with TabbedContent(id="stats-tabs"):
                with TabPane(t("stats.tab.table"), id=TABS[0]):
                    yield PageTable(
                        id="stats-table", cursor_type="cell", zebra_stripes=True, fixed_columns=1
                    )
                    # The row under the cursor named in full, and on a hub its station.
                    yield Label("", id="stats-row", classes="hint")
                with TabPane(t("stats.tab.weeks"), id=TABS[1]):
                    yield PlotextPlot(id="stats-weeks")
                with TabPane(t("stats.tab.colours"), id=TABS[2]):
                    yield Label("", id="stats-colours-legend")
                    yield PlotextPlot(id="stats-colours")
                with TabPane(t("stats.tab.trend"), id=TABS[3]):
                    yield PlotextPlot(id="stats-trend")
                with TabPane(t("stats.tab.sessions"), id=TABS[4]):
                    yield PageTable(id="stats-sessions", cursor_type="none", zebra_stripes=True)
                with TabPane(t("stats.tab.observers"), id=TABS[5]):
                    yield PageTable(id="stats-observers", cursor_type="row", zebra_stripes=True)
        yield DeskFooter()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#stats-table", DataTable)

    def on_mount(self) -> None:
        self.title = t("stats.title")
        for heading, width, key in COLUMNS:
            self.table.add_column(shown(heading), width=width, key=key)
        sessions = self.query_one("#stats-sessions", DataTable)
        for heading, width, key in SESSION_COLUMNS:
            sessions.add_column(shown(heading), width=width, key=key)
        through = self.query_one("#stats-observers", DataTable)
        for heading, width, key in THROUGH_COLUMNS:
            through.add_column(shown(heading), width=width, key=key)
        self.period = Period.of(PeriodKind.quarter, self.today)
        self.reload()

    def on_screen_resume(self) -> None:
        if self.data is not None and self.shown_again():
            self.reload()

    # -- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        assert self.period is not None
        self._show_choices()
        self.table.loading = True
        self.charted.clear()
        # The station is the app's: the board may have changed it meanwhile.
        self.station_id = self.desk.shown_station
        self.run_store(
            partial(self._load, self.period, self.breakdown, self.page_offset, self.station_id),
            self._show,
            group="stats_loaders",
            exclusive=True,
        )
        self._load_chart()

    def _load(
        self, period: Period, breakdown: Breakdown, offset: int, station_id: str | None = None
    ) -> StatsData:
        today, tz = self.today, self.desk.store.clock.tz
        with self.desk.store.read() as session:
            return StatsData(
                totals=period_figures(
                    session=session, period=period, today=today, tz=tz, station_id=station_id
                ),
                page=list_breakdown(
                    session=session,
                    period=period,
                    today=today,
                    tz=tz,
                    breakdown=breakdown,
                    offset=offset,
                    station_id=station_id,
                ),
                suggestions=suggestion_figures(
                    session=session, period=period, station_id=station_id
                ),
                legislation=adoption_figures(session=session, period=period, station_id=station_id),
                deliberations=deliberation_figures(
                    session=session, period=period, station_id=station_id
                ),
                observers=observer_figures(
                    session=session, period=period, tz=tz, station_id=station_id
                ),
                # Only where there are stations to tell apart (the desk knows): a station's
                # own statistics read no station list at each `g` or `m`.
                stations=(
                    group_stations(session, breakdown)
                    if station_id is None and self.desk.many_stations
                    else {}
                ),
            )

    def _show_choices(self) -> None:
        assert self.period is not None
        self.query_one("#stats-period", Label).update(f" {self.period.title(t)} ")
        choices = [
            ("#stats-kind", shown(KIND_NAMES[self.period.kind])),
            ("#stats-by", shown(BREAKDOWN_NAMES[self.breakdown])),
        ]
        self.show_station()
        for id_, text in choices:
            button = self.query_one(id_, Button)
            button.label = text
            # An auto width is measured once; a new label needs its own (CJK cells are double).
            button.styles.width = cell_len(text) + 2

    def _show(self, data: StatsData) -> None:
        self.data = data
        f = data.totals
        self.query_one("#stats-headline", Label).update(
            t(
                "stats.headline",
                visits=f.visits,
                opened=f.opened,
                open=f.open,
                overdue=f.overdue,
                two_month=percent(f.two_month_rate),
                # The rate of a period still under way counts only decided issues: say how
                # many are not decided yet, so 100% of few reads as what it is.
                done=f.done,
                decided=f.decided,
                pending=f.opened - f.decided,
                satisfaction=percent(f.satisfaction_rate),
                direct=percent(f.direct_share),
                leaders=f.leader_visits,
                leader_issues=f.leader_issues,
                leader_closed=f.leader_issues_closed,
            )
            + "\n"
            + t(
                "stats.headline_moves",
                escalated=f.escalated,
                de_escalated=f.de_escalated,
                on_time=percent(f.on_time_rate),
                in_time=f.on_time,
                timed=f.timed,
            )
            + t("text.gap")
            + t(
                "stats.headline_observers",
                visits=data.observers.visits,
                issues=data.observers.issues,
            )
            + "\n"
            + t(
                "stats.headline_suggestions",
                suggestions=data.suggestions.submitted,
                direct=str(data.suggestions.residents_share),
                satisfaction=str(data.suggestions.reply_satisfaction),
            )
            + "\n"
            + t(
                "stats.headline_legislation",
                opinions=data.legislation.opinions,
                answered=data.legislation.answers.answered,
                adoption=str(data.legislation.adoption_rate),
            )
            + "\n"
            + t(
                "stats.headline_sessions",
                sessions=data.deliberations.total.sessions,
                residents=data.deliberations.total.residents,
                visits=data.deliberations.total.visits,
                rate=str(data.deliberations.total.vote_rate),
            )
        )
        self._show_sessions(data.deliberations)
        table = self.table
        cursor = table.cursor_coordinate
        table.loading = False
        table.clear()
        table.add_row(*self._cells(t("stats.total"), f, bold=True), key="")
        for row in data.page.items:
            table.add_row(*self._cells(self._group_name(row), row.figures), key=row.key)
        table.move_cursor(row=min(cursor.row, table.row_count - 1), column=cursor.column)
        self._name_row(table.cursor_coordinate.row)
        if self.query_one("#stats-tabs", TabbedContent).active == TABS[0]:
            table.focus()
        self._show_through(data.observers)

    def _show_through(self, figures: ObserverFigures) -> None:
        """The observers' tab: each observer, then each point, with the visits and issues
        through them, under a heading row each."""
        table = self.query_one("#stats-observers", DataTable)
        table.clear()
        width = THROUGH_COLUMNS[0][1]
        table.add_row(
            Text(t("report.observers"), style="bold"),
            Text(tn("stats.serving", figures.serving), style="bold"),
            Text(""),
            Text(str(figures.visits), style="bold", justify="right"),
            Text(str(figures.issues), style="bold", justify="right"),
            key="observers",
        )
        for o in figures.observers:
            name = o.name or t("report.observer_purged")
            if not o.active:
                name += t("report.observer_retired")
            table.add_row(
                fit(name, width),
                fit(label(o.group), THROUGH_COLUMNS[1][1]),
                fit(o.deputy or "—", THROUGH_COLUMNS[2][1]),
                Text(str(o.visits), justify="right"),
                Text(str(o.issues), justify="right"),
                key=f"o:{o.observer_id}",
            )
        table.add_row(
            Text(t("report.points"), style="bold"),
            Text(tn("stats.trade_points", figures.trade_points), style="bold"),
            Text(""),
            Text(str(figures.point_visits), style="bold", justify="right"),
            Text(str(figures.point_issues), style="bold", justify="right"),
            key="points",
        )
        for p in figures.points:
            table.add_row(
                fit(p.name, width),
                fit(label(p.kind), THROUGH_COLUMNS[1][1]),
                Text(""),
                Text(str(p.visits), justify="right"),
                Text(str(p.issues), justify="right"),
                key=f"p:{p.point_id}",
            )
        if self.query_one("#stats-tabs", TabbedContent).active == TABS[4]:
            table.focus()

    @on(DataTable.CellHighlighted, "#stats-table")
    def _row_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._name_row(event.coordinate.row)

    def _name_row(self, index: int) -> None:
        """Under the table, the group under the cursor: its whole name where the column cuts it,
        and its station where the figures are every station's (a county hub) and names repeat
        (东塘村村委会 of two townships); nothing for the totals or a name shown whole."""
        line = Text()
        if self.data is not None and 0 < index <= len(self.data.page.items):
            row = self.data.page.items[index - 1]
            name, station = self._group_name(row), self.data.stations.get(row.key)
            if station:
                line.append(t("stats.row_station", name=name, station=station))
            elif cell_len(name) > COLUMNS[0][1]:
                line.append(name)
        self.query_one("#stats-row", Label).update(line)

    def _group_name(self, row: FigureRow) -> str:
        if self.breakdown == Breakdown.tier and row.key in Tier.__members__:
            return label(Tier(row.key))
        if self.breakdown == Breakdown.channel and row.key in Channel.__members__:
            return label(Channel(row.key))
        return row.name

    def _show_sessions(self, figures: DeliberationFigures) -> None:
        """The sessions tab: a row per kind held in the period, then the totals."""
        table = self.query_one("#stats-sessions", DataTable)
        table.clear()
        rows = [(label(kind), f, "") for kind, f in figures.kinds.items() if f.sessions]
        rows.append((t("stats.total"), figures.total, "bold"))
        for name, f, style in rows:
            table.add_row(
                fit(name, SESSION_COLUMNS[0][1], style),
                *[
                    Text(str(value), style=style, justify="right")
                    for value in (f.sessions, f.residents, f.visits, f.vote_rate)
                ],
            )

    @staticmethod
    def _cells(name: str, f: Figures, bold: bool = False) -> list[Text]:
        style = "bold" if bold else ""
        values = [
            str(f.visits),
            str(f.opened),
            str(f.open),
            str(f.overdue),
            percent(f.two_month_rate),
            percent(f.satisfaction_rate),
            percent(f.direct_share),
            percent(f.on_time_rate),
            str(f.escalated),
            str(f.de_escalated),
        ]
        return [fit(name, COLUMNS[0][1], style)] + [
            Text(v, style=style, justify="right") for v in values
        ]

    # -- charts -----------------------------------------------------------------------

    @on(TabbedContent.TabActivated, "#stats-tabs")
    def _tab_changed(self) -> None:
        self._load_chart()
        if self.query_one("#stats-tabs", TabbedContent).active == TABS[0]:
            self.table.focus()

    def _load_chart(self) -> None:
        tab = self.query_one("#stats-tabs", TabbedContent).active
        if tab == TABS[5]:
            self.query_one("#stats-observers", DataTable).focus()
        if tab in TABLE_TABS or tab in self.charted or self.period is None:
            return
        self.charted.add(tab)
        self.run_store(
            partial(self._chart_data, tab, self.period, self.station_id),
            partial(self._draw, tab),
            group="chart_loaders",
        )

    def _chart_data(self, tab: str, period: Period, station_id: str | None = None) -> Any:
        today, tz = self.today, self.desk.store.clock.tz
        with self.desk.store.read() as session:
            if tab == TABS[1]:
                return visits_per_week(session=session, period=period, tz=tz, station_id=station_id)
            if tab == TABS[2]:
                return colour_mix(
                    session=session, period=period, today=today, station_id=station_id
                )
            return two_month_trend(
                session=session, period=period, today=today, station_id=station_id
            )

    def _draw(self, tab: str, data: Any) -> None:
        from textual_plotext import PlotextPlot

        widget = {TABS[1]: "#stats-weeks", TABS[2]: "#stats-colours", TABS[3]: "#stats-trend"}
        plot = self.query_one(widget[tab], PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        if tab == TABS[1]:
            plt.bar([d.strftime("%m-%d") for d, _ in data], [n for _, n in data])
            plt.title(t("stats.chart.weeks"))
        elif tab == TABS[2]:
            order = [Colour.red, Colour.yellow, Colour.green]
            # Each colour its own pattern, so that the stacks read without colour; the legend
            # is ours, above the chart (plotext's sits over the first bar). textual-plotext's
            # stub of stacked_bar names one marker and one colour; plotext takes one a stack.
            plt.stacked_bar(
                [label(tier) for tier in Tier],
                [[data[tier.value][c] for tier in Tier] for c in order],
                marker=[PATTERNS[c] for c in order],  # type: ignore[arg-type]
                color=["red", "orange", "green"],  # type: ignore[arg-type]
            )
            plt.title(t("stats.chart.colours"))
            self.query_one("#stats-colours-legend", Label).update(
                legend(self.app, order, [label(c) for c in order])
            )
        else:
            plt.bar(
                [d.strftime("%y-%m") for d, _, _ in data],
                [round(done / decided * 100, 1) if decided else 0 for _, decided, done in data],
            )
            plt.ylim(0, 100)
            plt.title(t("stats.chart.trend"))
        plot.refresh()

    # -- actions ----------------------------------------------------------------------

    def period_changed(self) -> None:
        self.page_offset = 0
        self.reload()

    def action_breakdown(self) -> None:
        # By station only where there are stations to compare (a county hub).
        choices = [b for b in Breakdown if b != Breakdown.station or self.desk.many_stations]
        self.breakdown = choices[(choices.index(self.breakdown) + 1) % len(choices)]
        self.page_offset = 0
        self.reload()

    def action_charts(self) -> None:
        tabs = self.query_one("#stats-tabs", TabbedContent)
        tabs.active = TABS[(TABS.index(tabs.active) + 1) % len(TABS)]

    def action_page(self, step: int) -> None:
        page = self.data.page if self.data else None
        if page is None:
            return
        offset = self.page_offset + step * PAGE_SIZE
        if 0 <= offset < max(page.total, 1):
            self.page_offset = offset
            self.reload()

    def action_cursor(self, step: int) -> None:
        table = self.table
        if self.query_one("#stats-tabs", TabbedContent).active == TABS[4]:
            table = self.query_one("#stats-observers", DataTable)
        if step > 0:
            table.action_cursor_down()
        else:
            table.action_cursor_up()

    @on(Button.Pressed, "#stats-prev")
    def _prev(self) -> None:
        self.action_shift(-1)

    @on(Button.Pressed, "#stats-next")
    def _next(self) -> None:
        self.action_shift(1)

    @on(Button.Pressed, "#stats-kind")
    def _kind(self) -> None:
        self.action_period_kind()

    @on(Button.Pressed, "#stats-by")
    def _by(self) -> None:
        self.action_breakdown()

    @on(Button.Pressed, "#stats-report")
    def _report(self) -> None:
        self.action_report()

    @on(DataTable.CellSelected, "#stats-table")
    def _cell_selected(self) -> None:
        self.action_drill()

    def action_drill(self) -> None:
        """The issues behind the figure under the cursor (its row's group, its column's figure)."""
        table = self.table
        if self.period is None or not table.row_count:
            return
        cell = table.coordinate_to_cell_key(table.cursor_coordinate)
        key = str(cell.row_key.value or "")
        column = str(cell.column_key.value)
        figure = "opened" if column in ("name", "opened_n") else column
        filters = drill_filter(
            period=self.period,
            tz=self.desk.store.clock.tz,
            figure=figure,
            breakdown=self.breakdown if key else None,
            key=key or None,
            station_id=self.station_id,
        )
        name = table.get_row_at(table.cursor_coordinate.row)[0]
        heading = next(
            h for h, _, k in COLUMNS if k == ("opened_n" if column == "name" else column)
        )
        what = f"{name.plain if isinstance(name, Text) else name} · {shown(heading)}"

        self.post_message(
            OpenDrillDown(filters, t("stats.drill_title", period=self.period.title(t), what=what))
        )

    def action_report(self) -> None:
        """Write this quarter's report, .xlsx and .html, into the station's reports/."""
        quarter = Period.of(PeriodKind.quarter, self.today)
        self.notify(t("stats.loading"))
        self.run_store(
            partial(self._write_report, quarter, self.station_id),
            self._written,
            group="report_writers",
        )

    def _write_report(self, quarter: Period, station_id: str | None = None) -> list[Path]:
        from store.reports.quarterly_report import build_report, write_report
        from tui.settings import station_folders

        folder = station_folders(self.desk.store.target).reports
        with self.desk.store.read() as session:
            report = build_report(
                session=session,
                period=quarter,
                today=self.today,
                tz=self.desk.store.clock.tz,
                station_id=station_id,
            )
        outs = [folder / f"report-{quarter.code}.xlsx", folder / f"report-{quarter.code}.html"]
        for out in outs:
            write_report(report, out, text=t, name=label)
        return outs

    def _written(self, paths: list[Path]) -> None:
        self.notify(t("stats.report_written", paths="\n".join(map(str, paths))), timeout=15)
