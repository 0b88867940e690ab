"""The deputies' record (履职全景图): every deputy's work over a month, quarter or year, one
deputy's page with the issues they lead, and the printable summary for their report to voters
(述职). Figures are read in workers (store.reports.deputy_record)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from screens.base.paged import PagedTableScreen
from screens.base.period import PeriodMixin
from screens.base.slips import print_folders, say_printed
from screens.base.station_scoped import StationScoped, station_binding
from store.core.models import Colour
from store.core.paging import Page
from store.desk.issue_rows import IssueRow
from store.reports.deputy_record import (
    DeputyRecord,
    get_deputy_record,
    list_deputy_records,
    list_led_issues,
    print_deputy_record,
)
from store.reports.stats import Period, PeriodKind, percent
from tui.i18n import label, t, tn
from tui.messages import OpenIssue, Place
from tui.theme import badge
from tui.widgets.cells import due_text, fit

# PgDn/PgUp work as on every list (and are in help); the footer keeps 80 columns in English.
# The worst colour first, as on the board.
COLOURS = (Colour.red, Colour.yellow, Colour.green)


class _DeputyPeriod(PeriodMixin):
    """A deputies' screen: one period, and the printed summary of a deputy's record."""

    period: Period

    def write_summary(self, deputy_id: str) -> None:
        """The deputy's record for the period, as Markdown and A4 HTML, into prints/."""
        period, today = self.period, self.today
        store = self.desk.store

        def write() -> tuple[Path, Path]:
            templates, prints = print_folders(self.desk.store)
            with store.read() as session:
                return print_deputy_record(
                    session=session,
                    deputy_id=deputy_id,
                    period=period,
                    today=today,
                    tz=store.clock.tz,
                    templates=templates,
                    out_dir=prints,
                )

        self.run_store(
            write, lambda paths: say_printed(self, "deputy_record", paths), group="slip_writers"
        )


def colour_counts(app: App[object], colours: dict[Colour, int], width: int) -> Text:
    """Red, yellow and green counts, each after its glyph, spaced when they fit `width` and
    packed when not ("■62▲123●265"): a table cell would cut the last digits off without a
    sign, showing a count that is not the count (seen as "■62 ▲123 ●2" for 265 green)."""
    for gap in (" ", ""):
        out = Text()
        for colour in COLOURS:
            if out:
                out.append(gap)
            out.append_text(badge(app, colour))
            out.append(str(colours.get(colour, 0)))
        if out.cell_len <= width:
            return out
    # Four digits a colour: cut where the eye sees it is cut.
    out.truncate(width, overflow="ellipsis")
    return out


class DeputiesScreen(StationScoped, _DeputyPeriod, PagedTableScreen):
    """Every deputy's record for one period; Enter opens a deputy, `p` prints their summary. On
    a county hub, the station the board and statistics show (`z` picks it); every station's at
    once, the line under the list names the deputy under the cursor with their station: the
    stations' deputies share names often enough (a county's 周永林 at two stations)."""

    CONTAINER_ID = "deputies"
    PLACE = Place.deputies
    HELP_TEXT = t("help.deputies")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), id="open-deputy"),
        *PeriodMixin.PERIOD_BINDINGS,
        Binding("p", "print", t("key.print_record"), tooltip=t("tip.print_record"), id="print"),
        *PagedTableScreen.QUIET_PAGING_BINDINGS,
        station_binding("deputies-station"),
    ]
    TABLE_ID = "deputies-table"
    STATION_BUTTON = "deputies-station-button"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("col.deputy"), 8, "name"),
        # Handovers signed and leader visits joined are on the deputy's page: twelve columns did
        # not fit 80 (the last ones scrolled out of sight).
        (t("col.shifts"), 4, "shifts"),
        (t("col.visits_n"), 6, "visits"),
        (t("col.led"), 4, "issues"),
        (t("col.colours"), 12, "colours"),
        (t("col.closure"), 6, "closure"),
        (t("col.satisfaction"), 6, "satisfaction"),
        # Deliberation sessions (议事活动) attended; the 代表述职 evaluation on the deputy's page.
        (t("col.sessions_n"), 4, "sessions"),
        # Suggestions (代表建议) submitted in the period, led or co-signed; the page splits them.
        (t("col.suggestions_n"), 4, "suggestions"),
        # 民情观察员 the deputy recommended, serving in the period.
        (t("col.observers_n"), 4, "observers"),
    )
    FLEX_COLUMN = "name"

    def compose_above(self) -> ComposeResult:
        yield from self.compose_station_button()
        yield Label("", id="deputies-title", classes="screen-title")

    def compose_below(self) -> ComposeResult:
        # On a county hub listing every station's deputies: the station of the one under the
        # cursor (fourteen 吴振宇, one a station, were rows alike).
        yield Label("", id="deputies-row", classes="hint")

    def on_mount(self) -> None:
        self.station_id = None
        self.shown_records: dict[str, DeputyRecord] = {}
        self.title = t("deputies.title")
        self.period = Period.of(PeriodKind.quarter, self.today)
        self.add_columns()
        self.reload()

    def period_changed(self) -> None:
        self.page_offset = 0
        self.reload()

    def reload(self) -> None:
        self.table.loading = True
        period, today, offset = self.period, self.today, self.page_offset
        store = self.desk.store
        # The station shown is the app's (the board or statistics may have changed it).
        self.station_id = station_id = self.desk.shown_station
        self.show_station()

        def load() -> Page[DeputyRecord]:
            with store.read() as session:
                return list_deputy_records(
                    session=session,
                    period=period,
                    today=today,
                    tz=store.clock.tz,
                    offset=offset,
                    station_id=station_id,
                )

        self.run_store(load, self._show, group="deputy_loaders", exclusive=True)

    def _show(self, page: Page[DeputyRecord]) -> None:
        rows = [
            (
                r.deputy_id,
                [
                    fit(r.name, self.width_of("name")),
                    Text(str(r.shifts)),
                    Text(str(r.visits)),
                    Text(str(r.issues)),
                    colour_counts(self.app, r.colours, self.width_of("colours")),
                    Text(percent(r.closure_rate, 0)),
                    Text(percent(r.satisfaction_rate, 0)),
                    Text(str(r.sessions)),
                    Text(str(r.suggestions.total)),
                    Text(str(r.observers)),
                ],
            )
            for r in page.items
        ]
        self.shown_records = {r.deputy_id: r for r in page.items}
        self.query_one("#deputies-row", Label).display = any(r.station for r in page.items)
        self.show_rows(page, rows, self.current_id())
        self._name_row()
        period = self.period.title(t)
        self.query_one("#deputies-title", Label).update(
            tn("deputies.heading", page.total, period=period)
        )

    @on(DataTable.RowHighlighted, "#deputies-table")
    def _row_highlighted(self) -> None:
        self._name_row()

    def _name_row(self) -> None:
        record = self.shown_records.get(self.current_id() or "")
        line = Text()
        if record is not None and record.station:
            line.append(t("stats.row_station", name=record.name, station=record.station))
        self.query_one("#deputies-row", Label).update(line)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        deputy_id = self.current_id()
        if deputy_id is not None:
            self.app.push_screen(DeputyRecordScreen(deputy_id, self.period))

    def action_print(self) -> None:
        deputy_id = self.current_id()
        if deputy_id is not None:
            self.write_summary(deputy_id)


class DeputyRecordScreen(_DeputyPeriod, PagedTableScreen):
    """One deputy's record for a period and the issues they lead, a page at a time."""

    CONTAINER_ID = "deputy-record"
    HELP_TEXT = t("help.deputy_record")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), id="open-issue"),
        *PeriodMixin.PERIOD_BINDINGS,
        Binding("p", "print", t("key.print_record"), tooltip=t("tip.print_record"), id="print"),
        *PagedTableScreen.QUIET_PAGING_BINDINGS,
    ]
    TABLE_ID = "deputy-issues"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("col.colour"), 2, "colour"),
        (t("col.title"), 22, "title"),
        (t("col.status"), 6, "status"),
        (t("col.unit"), 14, "unit"),
        (t("col.due"), 12, "due"),
    )
    FLEX_COLUMN = "title"

    def __init__(self, deputy_id: str, period: Period) -> None:
        super().__init__()
        self.deputy_id = deputy_id
        self.period = period

    def compose_above(self) -> ComposeResult:
        yield Static("", id="deputy-head")
        yield Label("", id="deputy-issues-title", classes="hint")

    def on_mount(self) -> None:
        self.title = t("deputies.title")
        self.add_columns()
        self.reload()

    def period_changed(self) -> None:
        self.page_offset = 0
        self.reload()

    def reload(self) -> None:
        self.table.loading = self.shown_page is None
        period, today, offset = self.period, self.today, self.page_offset
        store = self.desk.store

        def load() -> tuple[DeputyRecord, Page[IssueRow]]:
            with store.read() as session:
                record = get_deputy_record(
                    session=session,
                    deputy_id=self.deputy_id,
                    period=period,
                    today=today,
                    tz=store.clock.tz,
                )
                issues = list_led_issues(
                    session=session,
                    deputy_id=self.deputy_id,
                    period=period,
                    today=today,
                    offset=offset,
                )
            return record, issues

        self.run_store(load, self._show, group="deputy_loaders", exclusive=True)

    def _show(self, loaded: tuple[DeputyRecord, Page[IssueRow]]) -> None:
        record, page = loaded
        head = Text(t("deputy.page_title", name=record.name, period=self.period.title(t)))
        head.stylize("bold")
        head.append("\n" + t("deputy.summary", **_summary(record)) + "\n")
        head.append(
            t(
                "deputy.observers_line",
                observers=record.observers,
                visits=record.observer_visits,
                issues=record.observer_issues,
            )
            + "\n"
        )
        gap = t("text.gap")
        colours = gap.join(f"{c.glyph}{label(c)} {record.colours.get(c, 0)}" for c in COLOURS)
        head.append(
            t(
                "deputy.issues_line",
                issues=record.issues,
                colours=colours,
                closed=record.closed,
                closure=percent(record.closure_rate, 0),
                satisfaction=percent(record.satisfaction_rate, 0),
                evaluated=record.evaluated,
            )
        )
        # Deliberation sessions (议事活动) and the voters' evaluation of the deputy's 述职.
        head.append("\n" + tn("deputy.sessions_line", record.sessions))
        if record.reports:
            head.append(
                t("text.gap")
                + tn(
                    "deputy.reports_line",
                    record.reports,
                    evaluation=str(record.report_evaluation),
                )
            )
        mine = record.suggestions
        head.append(
            "\n"
            + t(
                "deputy.suggestions_line",
                led=mine.led,
                co_signed=mine.co_signed,
                answered=mine.answered,
                satisfied=mine.satisfied,
            )
        )
        self.query_one("#deputy-head", Static).update(head)
        self.query_one("#deputy-issues-title", Label).update(
            t("deputy.led_heading", page=page.number, pages=page.count)
        )
        rows = [
            (
                issue.id,
                [
                    badge(self.app, issue.colour),
                    fit(issue.title, self.width_of("title")),
                    Text(label(issue.status)),
                    fit(issue.unit, 14),
                    fit(due_text(issue), 12),
                ],
            )
            for issue in page.items
        ]
        self.show_rows(page, rows, self.current_id())

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        issue_id = self.current_id()
        if issue_id is not None:
            self.post_message(OpenIssue(issue_id))

    def action_print(self) -> None:
        self.write_summary(self.deputy_id)


def _summary(record: DeputyRecord) -> dict[str, int]:
    return {
        "shifts": record.shifts,
        "handovers": record.handovers,
        "visits": record.visits,
        "leader_visits": record.leader_visits,
    }
