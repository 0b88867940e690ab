"""The triage queue (分办): visits not yet on an issue, oldest first, sent to a tier and unit."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Label, Static

from screens.dialogs import PickItem, PickModal
from screens.paged import PagedTableScreen
from store.clock import to_local
from store.issues import IssueRow, link_visit, open_issue, suggest_units
from store.models import Tier
from store.paging import Page
from store.similar import Suggestion, suggest_issues
from store.validation import mask_phone
from store.visits import VisitDetail, VisitRow, get_visit, list_untriaged
from tui.i18n import label, t
from tui.theme import badge
from tui.widgets.cells import fit, plain
from tui.widgets.page_table import PageTable

TIER_KEYS = {"1": Tier.village, "2": Tier.township, "3": Tier.county}


@dataclass(frozen=True)
class UnitChoices:
    tier: Tier | None
    units: list[PickItem]


class TriageScreen(PagedTableScreen):
    """Pick a visit; `1`/`2`/`3` choose the tier and then the unit; `l` links to an open issue."""

    HELP_KEY = "help.triage"
    BINDINGS = [
        Binding(
            "1",
            "tier('1')",
            t("key.tier_village"),
            tooltip=t("tip.tier_village"),
            id="tier-village",
        ),
        Binding(
            "2",
            "tier('2')",
            t("key.tier_township"),
            tooltip=t("tip.tier_township"),
            id="tier-township",
        ),
        Binding(
            "3", "tier('3')", t("key.tier_county"), tooltip=t("tip.tier_county"), id="tier-county"
        ),
        Binding("u", "unit", t("key.unit"), tooltip=t("tip.unit"), id="choose-unit"),
        Binding("l", "link", t("key.link"), tooltip=t("tip.link"), id="link-issue"),
        Binding("v", "reveal", t("key.reveal"), show=False, id="reveal-phone"),
        *[replace(b, show=False) for b in PagedTableScreen.PAGING_BINDINGS],
    ]
    TABLE_ID = "triage-table"
    COLUMNS = (
        ("col.received", 11, "received"),
        ("col.resident", 8, "resident"),
        ("col.village", 10, "village"),
        ("col.category", 12, "category"),
        ("col.summary", 30, "summary"),
    )
    FLEX_COLUMN = "summary"

    def __init__(self) -> None:
        super().__init__()
        self.want_visit: str | None = None
        self.detail: VisitDetail | None = None
        self.revealed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="triage"):
            yield Label("", id="triage-count", classes="screen-title")
            yield PageTable(id="triage-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="triage-detail"):
                yield Static("", id="triage-visit")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("triage.title")
        self.add_columns()
        self.reload()

    def show_visit(self, visit_id: str) -> None:
        """Select this visit once the queue has loaded (e.g. the one just logged)."""
        self.want_visit = visit_id
        self.page_offset = 0
        self.reload()

    # -- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        self.table.loading = self.shown_page is None
        self.run_store(
            partial(self._load, self.page_offset, self.want_visit),
            self._show,
            group="visit_loaders",
            exclusive=True,
        )

    def _load(self, offset: int, want: str | None) -> Page[VisitRow]:
        with self.desk.store.read() as session:
            page = list_untriaged(session=session, offset=offset)
            if want and all(v.id != want for v in page.items) and page.total > page.limit:
                # The new visit is the newest, so on the last page.
                last = (page.total - 1) // page.limit * page.limit
                page = list_untriaged(session=session, offset=last)
            return page

    def _show(self, page: Page[VisitRow]) -> None:
        tz = self.desk.store.clock.tz
        rows = [
            (
                visit.id,
                [
                    Text(to_local(visit.received_at, tz).strftime("%m-%d %H:%M")),
                    fit(visit.resident, 8),
                    fit(visit.village, 10),
                    fit(visit.category, 12),
                    fit(visit.summary, self.width_of("summary")),
                ],
            )
            for visit in page.items
        ]
        index = self.show_rows(page, rows, self.want_visit or self.current_id())
        count = t("triage.count", count=page.total)
        if page.count > 1:
            count += "　" + t("board.page", page=page.number, pages=page.count, total=page.total)
        self.query_one("#triage-count", Label).update(count + "　" + t("triage.help_line"))
        if not page.items:
            self.query_one("#triage-visit", Static).update(t("triage.empty"))
            self.detail = None
            return
        self.want_visit = None
        self._load_detail(page.items[index].id)

    @on(DataTable.RowHighlighted, "#triage-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.revealed = False
            self._load_detail(str(event.row_key.value))

    def _load_detail(self, visit_id: str) -> None:
        if self.detail is not None and self.detail.row.id == visit_id:
            return
        self.run_store(
            partial(self._get_visit, visit_id),
            self._show_detail,
            group="visit_details",
            exclusive=True,
        )

    def _get_visit(self, visit_id: str) -> VisitDetail:
        with self.desk.store.read() as session:
            return get_visit(session=session, visit_id=visit_id)

    def _show_detail(self, detail: VisitDetail) -> None:
        self.detail = detail
        row = detail.row
        phone = row.phone if self.revealed else mask_phone(row.phone)
        tz = self.desk.store.clock.tz
        head = Text()
        head.append(
            t("triage.resident", name=row.resident, phone=phone, village=row.village), style="bold"
        )
        if detail.resident_visits > 1:
            head.append("  " + t("triage.repeat", count=detail.resident_visits), style="italic")
        head.append("\n")
        head.append(
            t(
                "triage.received",
                date=to_local(row.received_at, tz).strftime("%Y-%m-%d %H:%M"),
                channel=label(row.channel),
                kind=label(row.kind),
            )
            + f" · {row.category}\n",
            style="dim",
        )
        head.append_text(plain(detail.text))
        self.query_one("#triage-visit", Static).update(head)

    # -- actions ----------------------------------------------------------------------

    def action_reveal(self) -> None:
        if self.detail is not None:
            self.revealed = not self.revealed
            self._show_detail(self.detail)

    def _visit_or_warn(self) -> VisitDetail | None:
        if self.detail is None or self.shown_page is None or not self.shown_page.items:
            self.notify(t("triage.no_visit"), severity="warning")
            return None
        return self.detail

    def action_tier(self, key: str) -> None:
        detail = self._visit_or_warn()
        if detail is not None:
            self._choose_unit(detail.row.id, TIER_KEYS[key])

    def action_unit(self) -> None:
        detail = self._visit_or_warn()
        if detail is not None:
            self._choose_unit(detail.row.id, None)

    def _choose_unit(self, visit_id: str, tier: Tier | None) -> None:
        self.run_store(
            partial(self._unit_choices, visit_id, tier),
            partial(self._pick_unit, visit_id),
            group="unit_loaders",
            exclusive=True,
        )

    def _unit_choices(self, visit_id: str, tier: Tier | None) -> UnitChoices:
        with self.desk.store.read() as session:
            if tier is not None:
                pairs = suggest_units(session=session, visit_id=visit_id, tier=tier)
                return UnitChoices(tier, [PickItem(uid, name) for uid, name in pairs])
            items: list[PickItem] = []
            for each in Tier:
                items.append(PickItem(None, Text(label(each), style="bold")))
                pairs = suggest_units(session=session, visit_id=visit_id, tier=each)
                items += [PickItem(uid, "  " + name) for uid, name in pairs]
            return UnitChoices(None, items)

    def _pick_unit(self, visit_id: str, choices: UnitChoices) -> None:
        title = (
            t("triage.pick_unit", tier=label(choices.tier))
            if choices.tier
            else t("triage.pick_unit_any")
        )

        def chosen(unit_id: str | None) -> None:
            if unit_id:
                self.run_store(
                    partial(self._open_issue, visit_id, unit_id),
                    self._triaged,
                    group="issue_writers",
                )

        self.app.push_screen(PickModal(title, choices.units), chosen)

    def _open_issue(self, visit_id: str, unit_id: str) -> IssueRow:
        with self.desk.store.write(self.desk.actor) as session:
            return open_issue(session=session, visit_id=visit_id, unit_id=unit_id)

    def _triaged(self, issue: IssueRow) -> None:
        self.desk.last_issue_id = issue.id
        self.notify(
            t("triage.done", tier=label(issue.tier), unit=issue.unit, due=issue.due_on.isoformat())
        )
        self.detail = None
        self.reload()

    def action_link(self) -> None:
        detail = self._visit_or_warn()
        if detail is None:
            return
        visit_id = detail.row.id
        self.run_store(
            partial(self._suggestions, visit_id),
            partial(self._pick_issue, visit_id),
            group="issue_loaders",
            exclusive=True,
        )

    def _suggestions(self, visit_id: str) -> list[Suggestion]:
        with self.desk.store.read() as session:
            return suggest_issues(session=session, visit_id=visit_id, today=self.today)

    def _pick_issue(self, visit_id: str, suggestions: list[Suggestion]) -> None:
        items = []
        for suggestion in suggestions:
            issue = suggestion.row
            line = badge(self.app, issue.colour)
            line.append(f" {label(issue.tier)} ")
            line.append_text(fit(issue.title, 28))
            line.append(f"  {issue.village} · {issue.category}", style="dim")
            items.append(PickItem(issue.id, line))

        def chosen(issue_id: str | None) -> None:
            if issue_id:
                self.run_store(
                    partial(self._link, visit_id, issue_id), self._linked, group="issue_writers"
                )

        self.app.push_screen(
            PickModal(t("triage.pick_issue"), items, empty=t("triage.no_issues")), chosen
        )

    def _link(self, visit_id: str, issue_id: str) -> IssueRow:
        with self.desk.store.write(self.desk.actor) as session:
            return link_visit(session=session, visit_id=visit_id, issue_id=issue_id)

    def _linked(self, issue: IssueRow) -> None:
        self.desk.last_issue_id = issue.id
        self.notify(t("triage.linked", title=issue.title))
        self.detail = None
        self.reload()
