"""The colour board (三色榜): open issues by tier, worst first, a page at a time from SQL. Each row
shows its urgency (store.desk.urgency, what `o` sorts by); the line under the table says why for
the row under the cursor, and why it is at its tier when it moved there (升级/降级). `+`/`-`
move the row under the cursor a tier up or down. Space marks issues (✓) and `a` turns the
marked ones, or the row under the cursor, into a deputies' suggestion (转为代表建议)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label

from screens.base.desk_screen import nav_bindings
from screens.base.paged import PagedTableScreen
from screens.base.station_scoped import StationScoped, station_binding
from screens.base.suggest import DraftFrom, draft_flow
from screens.base.tier_moves import MOVE_BINDINGS, ask_move, can_move
from screens.dialogs.board_filter import FilterChoices, FilterModal
from store.core.models import Colour, Tier
from store.core.paging import PAGE_SIZE, Page
from store.desk.board import BoardFilter, BoardOrder, board_position, list_board
from store.desk.issue_rows import IssueRow
from store.desk.moves import MoveRow, last_moves
from store.reference.lists import list_categories, list_units, list_villages
from store.reports.stats import figure_issue_counts
from tui.i18n import label, t, tn
from tui.messages import OpenIssue
from tui.theme import badge, colour_style
from tui.widgets.cells import due_text, fit
from tui.widgets.urgency import urgency_text


def counts_line(
    app: App[object], counts: dict[Tier, dict[Colour, int]], width: int | None = None
) -> Text:
    """`村级 ■ 2 ▲ 3 ● 10 │ 乡级 …`: every tier's colours, worst first, glyph and number. Wider
    than `width` (a county's four-digit counts at 80 columns), it breaks between tiers, never
    between a glyph and its number."""
    groups = []
    for tier in Tier:
        group = Text(label(tier), style="bold")
        for colour in (Colour.red, Colour.yellow, Colour.green):
            group.append(" ")
            group.append_text(badge(app, colour, str(counts[tier][colour])))
        groups.append(group)
    line = Text()
    shown = 0
    for group in groups:
        if shown and width and shown + 3 + group.cell_len > width:
            line.append("\n")
            shown = 0
        elif shown:
            line.append(" │ ", style="dim")
            shown += 3
        line.append_text(group)
        shown += group.cell_len
    return line


# A move's words under the table, at most (the issue's page shows them whole).
NOTE_SHOWN = 24


@dataclass(frozen=True)
class BoardData:
    page: Page[IssueRow]
    counts: dict[Tier, dict[Colour, int]]
    focus_id: str | None = None
    # The last move of each row that moved, by issue id: why it is at its tier.
    moves: dict[str, MoveRow] = field(default_factory=dict)


class BoardScreen(StationScoped, PagedTableScreen):
    """Open issues grouped by tier, red then yellow then green; Enter opens one. Opened with
    a figure's filter (from statistics), it lists that figure's issues and Esc goes back."""

    CONTAINER_ID = "board"
    HELP_TEXT = t("help.board")
    BINDINGS = [
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), id="open-issue"),
        Binding("f", "filter", t("key.filter"), tooltip=t("tip.filter"), id="filter-board"),
        # Out of the footer, which would not fit 80 columns in English; in help and the palette.
        Binding("o", "sort", t("key.sort"), tooltip=t("tip.sort"), show=False, id="sort-board"),
        station_binding("board-station"),
        *MOVE_BINDINGS,
        # Issues marked (✓) to become one deputies' suggestion (issue 20); out of the footer
        # (80 columns in English): in help and the palette.
        Binding("space", "mark", t("key.mark"), tooltip=t("tip.mark_issue"), show=False, id="mark"),
        Binding(
            "a",
            "suggest",
            t("key.to_suggestion"),
            tooltip=t("tip.to_suggestion"),
            show=False,
            id="board-suggest",
        ),
        *PagedTableScreen.PAGING_BINDINGS,
        *nav_bindings("log-visit", "triage"),
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="board-back"),
    ]
    TABLE_ID = "board-table"
    STATION_BUTTON = "board-station-button"
    ROW_ACTION = "open"
    # 80 columns with the urgency: the title and the unit gave it their cells.
    COLUMNS = (
        (t("col.colour"), 2, "colour"),
        (t("col.tier"), 4, "tier"),
        (t("col.title"), 20, "title"),
        (t("col.unit"), 12, "unit"),
        (t("col.village"), 8, "village"),
        (t("col.status"), 4, "status"),
        (t("col.due"), 8, "due"),
        (t("col.urgency"), 4, "urgency"),
    )
    FLEX_COLUMN = "title"

    def __init__(self, filters: BoardFilter | None = None, heading: str | None = None) -> None:
        super().__init__()
        self.filters = filters or BoardFilter()
        # A drill-down's title (what it lists); None for the board itself.
        self.heading = heading
        self.names: FilterChoices | None = None
        self.order = BoardOrder.colour
        # The rows shown, by issue id: the line under the table explains the cursor's.
        self.shown_rows: dict[str, IssueRow] = {}
        self.shown_moves: dict[str, MoveRow] = {}
        # Issues marked to become one deputies' suggestion, by id, with their titles (the
        # marks stay across pages and filters).
        self.marked: dict[str, str] = {}
        self.status_text = ""
        self.station_id: str | None = None

    def compose_above(self) -> ComposeResult:
        yield from self.compose_station_button()
        yield Label("", id="board-counts", classes="screen-title")
        yield Label("", id="board-status", classes="hint")

    def compose_below(self) -> ComposeResult:
        yield Label("", id="board-why", classes="hint")

    def on_mount(self) -> None:
        self.title = self.heading or t("board.title")
        self.add_columns()
        self.reload()

    def reload(self) -> None:
        self.table.loading = self.shown_page is None
        # Open on the issue just triaged (once: _show forgets it), so the deputy sees where it
        # stands.
        focus = self.desk.last_issue_id
        filters = self.filters
        if self.desk.many_stations:
            # The station shown is the app's (statistics may have changed it meanwhile).
            filters = replace(filters, station_id=self.desk.shown_station)
            self.show_station()
        self.station_id = filters.station_id
        self.run_store(
            partial(self._load, filters, self.page_offset, focus, self.order),
            self._show,
            group="issue_loaders",
            exclusive=True,
        )

    def _load(
        self,
        filters: BoardFilter,
        offset: int,
        focus: str | None,
        order: BoardOrder = BoardOrder.colour,
    ) -> BoardData:
        today = self.today
        with self.desk.store.read() as session:
            if focus is not None:
                position = board_position(
                    session=session, today=today, issue_id=focus, filters=filters, order=order
                )
                if position is None:
                    focus = None
                else:
                    offset = position // PAGE_SIZE * PAGE_SIZE
            counts = figure_issue_counts(session=session, today=today, filters=filters)
            page = list_board(
                session=session,
                today=today,
                filters=filters,
                offset=offset,
                order=order,
                counts=counts,
            )
            return BoardData(
                page=page,
                counts=counts,
                focus_id=focus,
                moves=last_moves(session=session, issue_ids=[row.id for row in page.items]),
            )

    def _show(self, data: BoardData) -> None:
        self.desk.last_issue_id = None
        page = data.page
        rows = []
        for issue in page.items:
            style = colour_style(self.app, issue.colour)
            cells = [
                badge(self.app, issue.colour),
                Text(label(issue.tier)),
                self._title_cell(issue),
                fit(issue.unit, 12),
                fit(issue.village, 8),
                Text(label(issue.status)),
                Text(due_text(issue), style=style),
                Text(str(issue.urgency.score), justify="right"),
            ]
            rows.append((issue.id, cells))
        self.shown_rows = {issue.id: issue for issue in page.items}
        self.shown_moves = data.moves
        self.show_rows(page, rows, data.focus_id or self.current_id())
        self._explain()
        shown = self.query_one("#board-counts", Label)
        shown.update(counts_line(self.app, data.counts, shown.content_size.width))
        status: str = tn("board.page", page.total, page=page.number, pages=page.count)
        if self.order == BoardOrder.urgency:
            status += t("text.gap") + t("board.by_urgency")
        # A drill-down's period and figure are in its title: only the filters besides are said.
        what = self._filter_text()
        if self.filters.active and what:
            status += t("text.gap") + t("board.filtered", what=what)
        if not page.items:
            status += t("text.gap") + t("board.empty")
        self.status_text = status
        self._show_status()

    def _show_status(self) -> None:
        """The page's status line, and how many issues are marked."""
        status = self.status_text
        if self.marked:
            status += t("text.gap") + tn("board.marked", len(self.marked))
        self.query_one("#board-status", Label).update(status)

    def _title_cell(self, issue: IssueRow) -> Text:
        # ✓ marks an issue that goes into the next suggestion drafted from the board (`a`).
        width = self.width_of("title")
        if issue.id in self.marked:
            return fit("✓" + issue.title, width, "bold")
        return fit(issue.title, width)

    @on(DataTable.RowHighlighted, "#board-table")
    def _explain(self) -> None:
        """Why the row under the cursor is as urgent as its score says, and why it is at its
        tier when it was moved there."""
        row = self.shown_rows.get(self.current_id() or "")
        why = self.query_one("#board-why", Label)
        if row is None:
            why.update("")
            return
        text = urgency_text(row.urgency)
        move = self.shown_moves.get(row.id)
        if move is not None:
            tiers = dict(before=label(move.from_tier), after=label(move.to_tier))
            text.append("\n")
            if move.up:
                text.append(t("board.moved_up", **tiers))
            else:
                text.append(t("board.moved_down", **tiers), style="bold")
            text.append(t("text.gap") + label(move.reason))
            if move.note:
                # The deputy's own words (plain text, never markup), cut to stay on the line:
                # the issue's page has them whole.
                note = move.note if len(move.note) <= NOTE_SHOWN else move.note[:NOTE_SHOWN] + "…"
                text.append(t("text.list") + note)
        why.update(text)

    def _filter_text(self) -> str:
        f, names = self.filters, self.names
        parts = []
        if f.colour:
            parts.append(f"{f.colour.glyph} {label(f.colour)}")
        if f.tier:
            parts.append(label(f.tier))
        if f.status:
            parts.append(label(f.status))
        if names is not None:
            lookup = {c.id: c.name for c in names.units + names.villages + names.categories}
            parts += [lookup.get(x, "?") for x in (f.unit_id, f.village_id, f.category_id) if x]
        return t("text.list").join(parts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Esc goes back only from a drill-down: the board itself is a mode's first screen.
        if action == "back":
            return self.heading is not None
        if action in ("mark", "suggest"):
            # Nobody is on duty at a county hub to lead a suggestion.
            return not self.desk.station.hub
        if action == "move_tier":
            step = parameters[0] if parameters and isinstance(parameters[0], int) else 1
            return can_move(self.shown_rows.get(self.current_id() or ""), step)
        return super().check_action(action, parameters)

    def action_back(self) -> None:
        if self.heading is not None:
            self.dismiss()

    def action_open(self) -> None:
        issue_id = self.current_id()
        if issue_id is not None:
            self.post_message(OpenIssue(issue_id))

    def action_move_tier(self, step: int) -> None:
        """`+`/`-` on the row under the cursor: a tier up or down, asking why and to whom; the
        board then opens where the issue stands now."""
        row = self.shown_rows.get(self.current_id() or "")
        if row is not None:
            ask_move(self, row, step, self._moved)

    def _moved(self, row: IssueRow) -> None:
        self.desk.last_issue_id = row.id
        self.reload()

    # -- a deputies' suggestion from the issues marked ---------------------------------

    def action_mark(self) -> None:
        row = self.shown_rows.get(self.current_id() or "")
        if row is None:
            return
        if self.marked.pop(row.id, None) is None:
            self.marked[row.id] = row.title
        self.table.update_cell(row.id, "title", self._title_cell(row))
        self.table.action_cursor_down()
        self._show_status()

    def action_suggest(self) -> None:
        """转为代表建议: the marked issues, or the one under the cursor, as one suggestion's
        sources; 案由 starts as the first one's title."""
        if self.marked:
            ids, titles = tuple(self.marked), list(self.marked.values())
        else:
            row = self.shown_rows.get(self.current_id() or "")
            if row is None:
                return
            ids, titles = (row.id,), [row.title]
        draft = DraftFrom(
            issue_ids=ids,
            title=titles[0],
            sources=tn("board.suggest_sources", len(ids)),
        )
        draft_flow(self, draft, self._drafted)

    def _drafted(self, _row: object) -> None:
        self.marked.clear()
        self.reload()

    def action_sort(self) -> None:
        """The usual order (tier, colour) ↔ the most urgent first, from the first page."""
        urgent = self.order == BoardOrder.colour
        self.order = BoardOrder.urgency if urgent else BoardOrder.colour
        self.page_offset = 0
        self.reload()

    def action_filter(self) -> None:
        self.run_store(self._load_names, self._ask_filter, group="form_loaders")

    def _load_names(self) -> FilterChoices:
        with self.desk.store.read() as session:
            return FilterChoices(
                units=list_units(session=session),
                villages=list_villages(session=session),
                categories=list_categories(session=session),
            )

    def _ask_filter(self, names: FilterChoices) -> None:
        self.names = names

        def chosen(filters: BoardFilter | None) -> None:
            if filters is not None:
                self.filters = filters
                self.page_offset = 0
                self.reload()

        self.app.push_screen(FilterModal(self.filters, names), chosen)
