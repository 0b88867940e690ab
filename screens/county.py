"""The county's dashboard (a county hub's first screen): its stations side by side — open issues,
overdue and red now, the two-month rate and satisfaction of a period, when each last pushed —
and the county's totals. Enter opens a station's board, `s` its statistics. Nobody is on duty on
a hub: no handover, no logging, no triage (tui.app hides those keys; the store refuses them)."""

from __future__ import annotations

from collections import Counter
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Label

from screens.base.desk_screen import nav_bindings
from screens.base.period import PeriodMixin
from store.core.clock import to_local
from store.core.models import Colour
from store.reports.county import CountyRow, CountyView, county_view
from store.reports.stats import Period, PeriodKind, percent
from tui.i18n import label, shown, t
from tui.messages import FiguresShown, OpenStation
from tui.theme import badge
from tui.widgets.cells import fit
from tui.widgets.chrome import DeskFooter
from tui.widgets.page_table import PageTable

# (heading, width, key). 80 columns: the name takes what the figures leave (two cells of padding
# a column); a rate shows its percentage only (the statistics show its parts). The counts hold a
# county's five digits (the red ones with their glyph: "■ 21340"), which a table cell would cut
# short without a sign.
COLUMNS = (
    (t("county.col.station"), 20, "station"),
    (t("stats.col.open"), 6, "open"),
    (t("stats.col.overdue"), 7, "overdue"),
    (t("county.col.red"), 7, "red"),
    (t("stats.short.two_month"), 7, "two_month"),
    (t("stats.short.satisfaction"), 7, "satisfaction"),
    (t("county.col.last_push"), 11, "last_push"),
)
# The totals row's key (station ids are UUIDs: it cannot be one).
TOTALS = "-county-"


class CountyScreen(PeriodMixin):
    """The county's stations side by side; Enter opens a station's board, `s` its statistics."""

    HELP_TEXT = t("help.county")
    HELP_EXTRA = (t("county.def"),)
    BINDINGS = [
        Binding(
            "enter", "open_board", t("key.board"), tooltip=t("tip.county_board"), id="county-board"
        ),
        Binding(
            "s", "open_stats", t("key.stats"), tooltip=t("tip.county_stats"), id="county-stats"
        ),
        *PeriodMixin.PERIOD_BINDINGS,
        *nav_bindings("quit"),
        Binding("j", "cursor(1)", show=False),
        Binding("k", "cursor(-1)", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: CountyView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="county"):
            yield Label("", id="county-period", classes="hint")
            yield PageTable(id="county-table", cursor_type="row", zebra_stripes=True)
            yield Label("", id="county-legend", classes="hint")
        yield DeskFooter()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#county-table", DataTable)

    def on_mount(self) -> None:
        self.title = t("county.title")
        self.sub_title = self.desk.station.name
        for heading, width, key in COLUMNS:
            self.table.add_column(shown(heading), width=width, key=key)
        self.period = Period.of(PeriodKind.quarter, self.today)
        self.table.loading = True
        self.reload()

    def on_screen_resume(self) -> None:
        if self.data is not None and self.shown_again():
            self.reload()

    # -- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        assert self.period is not None
        self.query_one("#county-period", Label).update(
            t("county.period", period=self.period.title(t), today=self.today.isoformat())
        )
        self.run_store(
            partial(self._load, self.period), self._show, group="county_loaders", exclusive=True
        )

    def _load(self, period: Period) -> CountyView:
        with self.desk.store.read() as session:
            return county_view(
                session=session, period=period, today=self.today, tz=self.desk.store.clock.tz
            )

    def _show(self, view: CountyView) -> None:
        first = self.data is None
        self.data = view
        table = self.table
        cursor = table.cursor_coordinate
        table.loading = False
        table.clear()
        # Names may repeat across townships: then the township first, so that a cut name still
        # tells them apart.
        repeated = Counter(row.station.name for row in view.rows if row.station)
        for row in view.rows:
            assert row.station is not None
            name = row.station.name
            if repeated[name] > 1:
                name = t("county.named", name=name, township=row.station.township)
            table.add_row(*self._cells(name, row), key=row.station.id)
        table.add_row(*self._cells(t("county.total"), view.totals, bold=True), key=TOTALS)
        table.move_cursor(row=min(cursor.row, table.row_count - 1))
        table.focus()
        self.query_one("#county-legend", Label).update(self._legend(view))
        if first:
            self.post_message(FiguresShown())  # the other screens load now, after the figures

    def _cells(self, name: str, row: CountyRow, *, bold: bool = False) -> list[Text]:
        style = "bold" if bold else ""
        red = badge(self.app, Colour.red, str(row.board.red)) if row.board.red else Text("0")
        when = (
            to_local(row.last_push, self.desk.store.clock.tz).strftime("%m-%d %H:%M")
            if row.last_push
            else t("county.never")
        )
        return [
            fit(name, COLUMNS[0][1], style),
            Text(str(row.board.open), style=style, justify="right"),
            Text(str(row.board.overdue), style=style, justify="right"),
            red,
            Text(percent(row.two_month.ratio), style=style, justify="right"),
            Text(percent(row.satisfaction.ratio), style=style, justify="right"),
            Text(when, style=style if row.last_push else "dim"),
        ]

    def _legend(self, view: CountyView) -> Text:
        if not view.rows:
            return Text(t("county.no_stations"), style="dim")
        line = badge(self.app, Colour.red, label(Colour.red))
        line.append(" " + t("county.legend"), style="dim")
        return line

    # -- keys -------------------------------------------------------------------------------

    def _station_under_cursor(self) -> str | None:
        """The station id of the row under the cursor; None on the totals row (every station)."""
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key in (None, TOTALS) else key

    def action_open_board(self) -> None:
        if self.data is not None:
            self.post_message(OpenStation(self._station_under_cursor(), "board"))

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open_board()  # a click on the row under the cursor

    def action_open_stats(self) -> None:
        if self.data is not None:
            self.post_message(OpenStation(self._station_under_cursor(), "stats"))

    def period_changed(self) -> None:
        self.reload()

    def action_cursor(self, step: int) -> None:
        table = self.table
        table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))
