"""The triage queue (分办): visits not yet on an issue, oldest first, sent to a tier and unit."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Label, Static

from screens.base.actions_menu import MORE_BINDING, ActionsMenu, MenuTarget
from screens.base.paged import PagedTableScreen
from screens.base.reveal import REVEAL_BINDING, log_reveals
from screens.base.through import through_text
from screens.dialogs.pick import PickItem, PickModal
from store.core.clock import to_local
from store.core.models import Tier
from store.core.paging import Page
from store.core.validation import mask_numbers, mask_phone
from store.desk.issue_rows import IssueRow
from store.desk.similar import SimilarVisit, Suggestion, similar_untriaged, suggest_issues
from store.desk.suggestions import RouteHint, suggest_route
from store.desk.triage import link_visits, open_issue_from_visits, suggest_units
from store.desk.visits import (
    ConsentChange,
    VisitDetail,
    VisitRow,
    get_visit,
    list_untriaged,
    set_consent,
    untriaged_position,
)
from tui.i18n import label, t, tn
from tui.messages import TriageVisit
from tui.theme import badge
from tui.widgets.cells import fit, plain, when
from tui.widgets.urgency import likeness_text, urgency_text

TIER_KEYS = {"1": Tier.village, "2": Tier.township, "3": Tier.county}


@dataclass(frozen=True)
class TriageInfo:
    """The visit under the cursor and what may be the same problem: open issues proposed for
    linking, and other waiting visits that look alike."""

    detail: VisitDetail
    proposals: list[Suggestion]
    alike: list[SimilarVisit]
    route: RouteHint | None = None
    """The tier and unit proposed from the words (F2 takes them)."""


# Proposed issues shown in the visit's pane (all of them are first in the `l` list).
PROPOSALS_SHOWN = 3


@dataclass(frozen=True)
class UnitChoices:
    tier: Tier | None
    units: list[PickItem]


class TriageScreen(ActionsMenu, PagedTableScreen):
    """Pick a visit; `1`/`2`/`3` choose the tier and then the unit; `l` links to an open issue."""

    CONTAINER_ID = "triage"
    HELP_TEXT = t("help.triage")
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
        # Out of the footer for F2's room at 80 columns in English; help lists it.
        Binding("u", "unit", t("key.unit"), tooltip=t("tip.unit"), show=False, id="choose-unit"),
        # The same key as the log form's proposal: one key for "take what is proposed".
        Binding(
            "f2",
            "accept_route",
            t("key.accept_hint"),
            tooltip=t("tip.accept_route"),
            id="accept-route",
        ),
        Binding("l", "link", t("key.link"), tooltip=t("tip.link"), id="link-issue"),
        # Out of the footer: in English it would pass 80 columns; help and the palette list it.
        replace(MORE_BINDING, show=False),
        Binding("space", "mark", t("key.mark"), tooltip=t("tip.mark"), show=False, id="mark"),
        Binding(
            "m",
            "mark_alike",
            t("key.mark_alike"),
            tooltip=t("tip.mark_alike"),
            show=False,
            id="mark-alike",
        ),
        Binding("o", "sort", t("key.sort"), tooltip=t("tip.sort"), show=False, id="sort-queue"),
        REVEAL_BINDING,
        Binding(
            "f",
            "consent",
            t("key.consent"),
            tooltip=t("tip.consent_visit"),
            show=False,
            id="change-consent",
        ),
        *[replace(b, show=False) for b in PagedTableScreen.PAGING_BINDINGS],
    ]
    TABLE_ID = "triage-table"
    COLUMNS = (
        (t("col.received"), 11, "received"),
        (t("col.resident"), 8, "resident"),
        (t("col.village"), 10, "village"),
        (t("col.category"), 12, "category"),
        (t("col.summary"), 30, "summary"),
    )
    FLEX_COLUMN = "summary"

    def __init__(self) -> None:
        super().__init__()
        self.want_visit: str | None = None
        self.detail: VisitDetail | None = None
        self.info: TriageInfo | None = None
        self.revealed = False
        # Visits marked to become one issue (or to be linked together), by id.
        self.marked: set[str] = set()
        self.by_urgency = False

    def compose_above(self) -> ComposeResult:
        yield Label("", id="triage-count", classes="screen-title")

    def compose_below(self) -> ComposeResult:
        with VerticalScroll(id="triage-detail"):
            yield Static("", id="triage-visit")

    def on_mount(self) -> None:
        self.title = t("triage.title")
        self.add_columns()
        self.reload()

    def on_triage_visit(self, message: TriageVisit) -> None:
        self.show_visit(message.visit_id)

    def show_visit(self, visit_id: str) -> None:
        """Select this visit once the queue has loaded (e.g. the one just logged)."""
        self.want_visit = visit_id
        self.page_offset = 0
        self.reload()

    def menu_target(self) -> MenuTarget | None:
        if self.detail is None or self.shown_page is None or not self.shown_page.items:
            return None
        return MenuTarget(visit_id=self.detail.row.id, queued=True)

    def after_menu_action(self) -> None:
        # The visit's pane is read again too (it is kept while the cursor stays on it).
        self.detail = None
        self.info = None
        self.reload()

    # -- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        self.table.loading = self.shown_page is None
        self.run_store(
            partial(self._load, self.page_offset, self.want_visit, self.by_urgency),
            self._show,
            group="visit_loaders",
            exclusive=True,
        )

    def _load(self, offset: int, want: str | None, by_urgency: bool = False) -> Page[VisitRow]:
        now = self.desk.store.clock.now() if by_urgency else None
        with self.desk.store.read() as session:
            page = list_untriaged(session=session, offset=offset, by_urgency_at=now)
            if want and all(v.id != want for v in page.items) and page.total > page.limit:
                position = untriaged_position(session=session, visit_id=want, by_urgency_at=now)
                if position is not None:
                    start = position // page.limit * page.limit
                    page = list_untriaged(session=session, offset=start, by_urgency_at=now)
            return page

    def _show(self, page: Page[VisitRow]) -> None:
        tz = self.desk.store.clock.tz
        rows = [
            (
                visit.id,
                [
                    Text(when(to_local(visit.received_at, tz), "%m-%d %H:%M")),
                    self._resident_cell(visit),
                    fit(visit.village, 10),
                    fit(visit.category, 12),
                    fit(visit.summary, self.width_of("summary")),
                ],
            )
            for visit in page.items
        ]
        index = self.show_rows(page, rows, self.want_visit or self.current_id())
        count: str = t("triage.count", count=page.total)
        if self.by_urgency:
            count += t("text.gap") + t("triage.by_urgency")
        if page.count > 1:
            where = tn("board.page", page.total, page=page.number, pages=page.count)
            count += t("text.gap") + where
        self.query_one("#triage-count", Label).update(count + t("text.gap") + t("triage.help_line"))
        if not page.items:
            self.query_one("#triage-visit", Static).update(t("triage.empty"))
            self.detail = None
            self.info = None
            return
        self.want_visit = None
        self._load_detail(page.items[index].id)

    def _resident_cell(self, visit: VisitRow) -> Text:
        # ✓ marks a visit that goes into the next issue opened (or linked) from the queue.
        if visit.id in self.marked:
            return fit("✓" + visit.resident, 8, "bold")
        return fit(visit.resident, 8)

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

    def _get_visit(self, visit_id: str) -> TriageInfo:
        now = self.desk.store.clock.now()
        with self.desk.store.read() as session:
            detail = get_visit(session=session, visit_id=visit_id, now=now)
            suggestions = suggest_issues(session=session, visit_id=visit_id, today=self.today)
            return TriageInfo(
                detail=detail,
                proposals=[s for s in suggestions if s.proposed][:PROPOSALS_SHOWN],
                alike=similar_untriaged(session=session, visit_id=visit_id),
                route=suggest_route(session=session, visit_id=visit_id),
            )

    def _show_detail(self, info: TriageInfo) -> None:
        # A slow detail may arrive after the queue moved on (the visit linked, the queue empty):
        # only the visit under the cursor is shown.
        if info.detail.row.id != self.current_id():
            return
        self.info = info
        detail = self.detail = info.detail
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
                date=when(to_local(row.received_at, tz), "%Y-%m-%d %H:%M"),
                channel=through_text(label(row.channel), detail.observer, detail.point),
                kind=label(row.kind),
            )
            + f" · {row.category} · ",
            style="dim",
        )
        # Whether the unit chosen here may learn who this resident is (同意转交).
        if row.consent_forward:
            head.append(t("issue.consent_yes"), style="dim")
        else:
            head.append(t("issue.consent_no"), style="bold")
        # Told nothing once triaged (告知): said only when asked for, a line kept for the words.
        if row.no_callback:
            head.append(" · " + t("issue.no_callback"), style="dim")
        head.append("\n")
        head.append_text(urgency_text(detail.urgency))
        head.append("\n")
        head.append_text(self._same_problem(info))
        # `v` shows the numbers in this resident's words too (the same recorded reveal).
        head.append_text(plain(detail.text, reveal=self.revealed))
        self.query_one("#triage-visit", Static).update(head)

    def _same_problem(self, info: TriageInfo) -> Text:
        """The resident's open issues, the issues proposed as the same problem and why, the
        waiting visits that look alike, and what is marked."""
        out = Text()
        if info.route is not None:
            route = info.route
            out.append(
                tn(
                    "triage.route_hint",
                    route.visits,
                    tier=label(route.tier),
                    unit=route.unit,
                )
                + "\n",
                style="bold",
            )
        own = len(info.detail.resident_open_issues)
        if own:
            out.append(tn("triage.own_issues", own) + "\n", style="bold")
        if info.proposals:
            out.append(t("triage.proposed") + "\n", style="bold")
            for suggestion in info.proposals:
                out.append("  ")
                out.append_text(badge(self.app, suggestion.row.colour))
                out.append(" ")
                out.append_text(fit(suggestion.row.title, 24))
                out.append("  " + likeness_text(suggestion.likeness, suggestion.own), style="dim")
                out.append("\n")
        unmarked = [v for v in info.alike if v.id not in self.marked]
        if unmarked:
            out.append(tn("triage.alike", len(unmarked)) + "\n", style="italic")
        if self.marked:
            out.append(t("triage.marked", count=len(self.marked)) + "\n", style="bold")
        if out.plain:
            out.append("\n")
        return out

    # -- actions ----------------------------------------------------------------------

    def action_reveal(self) -> None:
        info = self.info
        if info is None:
            return
        if self.revealed:
            self.revealed = False
            self._show_detail(info)
            return

        visit_id = info.detail.row.id

        def shown() -> None:
            # The cursor may have moved on meanwhile: only this visit's phone is shown.
            if self.info is not None and self.info.detail.row.id == visit_id:
                self.revealed = True
                self._show_detail(self.info)

        log_reveals(self, [info.detail.constituent_id], shown)

    def action_consent(self) -> None:
        """The resident gives or withdraws consent to forwarding (同意转交) for this visit, before
        the unit is chosen (store.desk.visits.set_consent)."""
        detail = self._visit_or_warn()
        if detail is None:
            return
        row = detail.row

        def write() -> ConsentChange:
            with self.desk.store.write(self.desk.actor) as session:
                return set_consent(
                    session=session, visit_id=row.id, consent=not row.consent_forward
                )

        def written(change: ConsentChange) -> None:
            given = change.row.consent_forward
            name = row.resident or t("issue.resident_purged")
            if given:
                self.notify(t("issue.consent_given", name=name))
            else:
                self.notify(t("issue.consent_withdrawn", name=name))
            # Shown again from the store: the pane says what was recorded.
            if self.detail is not None and self.detail.row.id == row.id:
                self.detail = None
                self._load_detail(row.id)

        self.run_store(write, written, group="visit_writers")

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

    def action_accept_route(self) -> None:
        """Open the issue at the tier and unit proposed from the words (one key)."""
        detail = self._visit_or_warn()
        info = self.info
        if detail is None or info is None:
            return
        if info.route is None:
            self.notify(t("triage.no_route"), severity="warning")
            return
        self._open_at(self._targets(detail.row.id), info.route.unit_id)

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
        visit_ids = self._targets(visit_id)
        title = (
            t("triage.pick_unit", tier=label(choices.tier))
            if choices.tier
            else t("triage.pick_unit_any")
        )

        def chosen(unit_id: str | None) -> None:
            if unit_id:
                self._open_at(visit_ids, unit_id)

        self.app.push_screen(PickModal(title, choices.units), chosen)

    def _targets(self, visit_id: str) -> list[str]:
        """What an action acts on: the marked visits if any, else the one under the cursor."""
        return sorted(self.marked) if self.marked else [visit_id]

    def _open_at(self, visit_ids: list[str], unit_id: str) -> None:
        """Triage these visits to a new issue handled by `unit_id` (in a worker)."""
        self.run_store(
            partial(self._open_issue, visit_ids, unit_id),
            partial(self._triaged, len(visit_ids)),
            group="issue_writers",
        )

    def _open_issue(self, visit_ids: list[str], unit_id: str) -> IssueRow:
        with self.desk.store.write(self.desk.actor) as session:
            return open_issue_from_visits(session=session, visit_ids=visit_ids, unit_id=unit_id)

    def _triaged(self, count: int, issue: IssueRow) -> None:
        self.desk.last_issue_id = issue.id
        due = issue.due_on.isoformat()
        if count > 1:
            self.notify(
                tn("triage.merged", count, tier=label(issue.tier), unit=issue.unit, due=due)
            )
        else:
            self.notify(t("triage.done", tier=label(issue.tier), unit=issue.unit, due=due))
        self._forget_visit()

    def _forget_visit(self) -> None:
        self.marked.clear()
        self.detail = None
        self.info = None
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
            if suggestion.proposed:
                line.append("\n    " + likeness_text(suggestion.likeness, suggestion.own))
            items.append(PickItem(issue.id, line))
        visit_ids = self._targets(visit_id)
        own = set(self.detail.resident_open_issues) if self.detail else set()

        def chosen(issue_id: str | None) -> None:
            if issue_id:
                repeat = len(visit_ids) == 1 and issue_id in own
                self.run_store(
                    partial(self._link, visit_ids, issue_id),
                    partial(self._linked, len(visit_ids), repeat),
                    group="issue_writers",
                )

        self.app.push_screen(
            PickModal(t("triage.pick_issue"), items, empty=t("triage.no_issues")), chosen
        )

    def _link(self, visit_ids: list[str], issue_id: str) -> IssueRow:
        with self.desk.store.write(self.desk.actor) as session:
            return link_visits(session=session, visit_ids=visit_ids, issue_id=issue_id)

    def _linked(self, count: int, repeat: bool, issue: IssueRow) -> None:
        self.desk.last_issue_id = issue.id
        if count > 1:
            self.notify(tn("triage.linked_n", count, title=mask_numbers(issue.title)))
        else:
            self.notify(t("triage.linked", title=mask_numbers(issue.title)))
            if repeat:
                self.notify(t("triage.repeat_linked"), severity="warning")
        self._forget_visit()

    # -- marks and order ----------------------------------------------------------------

    def action_mark(self) -> None:
        visit_id = self.current_id()
        if visit_id is None:
            return
        self.marked.symmetric_difference_update({visit_id})
        self._redraw_marks()

    def action_mark_alike(self) -> None:
        info = self.info
        if info is None or self.detail is None:
            self.notify(t("triage.no_visit"), severity="warning")
            return
        self.marked.update({self.detail.row.id, *(v.id for v in info.alike)})
        self._redraw_marks()

    def _redraw_marks(self) -> None:
        page = self.shown_page
        if page is None:
            return
        table = self.table
        for visit in page.items:
            table.update_cell(visit.id, "resident", self._resident_cell(visit))
        if self.info is not None:
            self._show_detail(self.info)

    def action_sort(self) -> None:
        """Oldest first ↔ the most urgent first (store.desk.urgency), from the first page."""
        self.by_urgency = not self.by_urgency
        self.page_offset = 0
        self.reload()
