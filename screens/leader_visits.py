"""Leader visits (领导干部进站): the sessions, latest first, a page at a time; the form to log one;
and one session's page with the issues raised there and what became of them."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import (
    Label,
    Static,
)

from screens.base.paged import PagedTableScreen
from screens.base.undo import UNDO_BINDING, Undoable
from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.leader_visit import WHEN_FORMAT, LeaderVisitModal
from screens.dialogs.pick import PickItem, PickModal
from store.core.clock import to_local
from store.core.paging import Page
from store.desk.issue_rows import IssueRow
from store.projects.leader_visits import (
    LeaderVisitCreate,
    LeaderVisitDetail,
    LeaderVisitRow,
    LinkResult,
    candidate_issues,
    get_leader_visit,
    link_channel_visits,
    link_issues,
    list_leader_visits,
    log_leader_visit,
    unlink_issue,
)
from store.reference.lists import Choice, list_deputies
from tui.i18n import label, t, tn
from tui.messages import OpenIssue, Place
from tui.theme import badge
from tui.widgets.cells import due_text, fit, plain


class LeaderVisitsScreen(PagedTableScreen):
    """The leader visits, latest first. `a` logs one; Enter opens it."""

    CONTAINER_ID = "leader-visits"
    PLACE = Place.leader_visits
    HELP_TEXT = t("help.leader_visits")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("a", "log", t("key.log_leader"), tooltip=t("tip.log_leader"), id="log-leader"),
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), id="open-leader-visit"),
        *PagedTableScreen.PAGING_BINDINGS,
    ]
    TABLE_ID = "leader-visits-table"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("col.when"), 16, "when"),
        (t("col.leader"), 8, "leader"),
        (t("col.position"), 10, "position"),
        (t("col.topic"), 16, "topic"),
        (t("col.deputies_n"), 4, "deputies"),
        (t("col.raised"), 8, "raised"),
    )
    FLEX_COLUMN = "topic"

    def compose_above(self) -> ComposeResult:
        yield Label("", id="leader-visits-title", classes="screen-title")

    def on_mount(self) -> None:
        self.title = t("leader.title")
        self.add_columns()
        self.reload()

    def reload(self, keep: str | None = None) -> None:
        self.table.loading = self.shown_page is None
        offset = self.page_offset

        def load() -> Page[LeaderVisitRow]:
            with self.desk.store.read() as session:
                return list_leader_visits(session=session, offset=offset)

        self.run_store(
            load, partial(self._show, keep), group="leader_visit_loaders", exclusive=True
        )

    def _show(self, keep: str | None, page: Page[LeaderVisitRow]) -> None:
        tz = self.desk.store.clock.tz
        rows = [
            (
                row.id,
                [
                    Text(to_local(row.at, tz).strftime(WHEN_FORMAT)),
                    fit(row.leader, 8),
                    fit(row.position, 10),
                    fit(row.topic, self.width_of("topic")),
                    Text(str(row.deputies)),
                    Text(f"{row.issues_closed}/{row.issues}"),
                ],
            )
            for row in page.items
        ]
        self.show_rows(page, rows, keep or self.current_id())
        self.query_one("#leader-visits-title", Label).update(
            tn("leader.heading", page.total, page=page.number, pages=page.count)
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        visit_id = self.current_id()
        if visit_id is not None:
            self.app.push_screen(LeaderVisitScreen(visit_id))

    def action_log(self) -> None:
        def load() -> list[Choice]:
            with self.desk.store.read() as session:
                return list_deputies(session=session)

        self.run_store(load, self._ask, group="leader_visit_loaders")

    def _ask(self, deputies: list[Choice]) -> None:
        clock = self.desk.store.clock
        now = to_local(clock.now(), clock.tz).replace(tzinfo=None)
        modal = LeaderVisitModal(
            now=now, deputies=deputies, on_duty=self.desk.deputy_id, tz=clock.tz
        )
        self.app.push_screen(modal, self._log)

    def _log(self, visit_in: LeaderVisitCreate | None) -> None:
        if visit_in is None:
            return
        tz = self.desk.store.clock.tz

        def write() -> LeaderVisitRow:
            with self.desk.store.write(self.desk.actor) as session:
                return log_leader_visit(session=session, visit_in=visit_in, tz=tz)

        self.run_store(write, self._logged, group="leader_visit_writers")

    def _logged(self, row: LeaderVisitRow) -> None:
        self.notify(tn("leader.saved", row.issues))
        self.page_offset = 0
        self.reload(keep=row.id)
        self.app.push_screen(LeaderVisitScreen(row.id))


class LeaderVisitScreen(Undoable, PagedTableScreen):
    """One leader visit: who, when, what about, the deputies present, and the issues raised
    there as they stand today. `l` links an issue, `g` the day's 领导进站 visits' issues."""

    CONTAINER_ID = "leader-visit"
    HELP_TEXT = t("help.leader_visit")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), id="open-issue"),
        Binding("l", "link", t("key.link_issue"), tooltip=t("tip.link_issue"), id="link-issue"),
        Binding("g", "link_day", t("key.link_day"), tooltip=t("tip.link_day"), id="link-day"),
        Binding(
            "x", "unlink", t("key.unlink"), tooltip=t("tip.unlink"), show=False, id="unlink-issue"
        ),
        UNDO_BINDING,
        Binding("j", "cursor(1)", show=False),
        Binding("k", "cursor(-1)", show=False),
    ]
    TABLE_ID = "leader-issues"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("col.colour"), 2, "colour"),
        (t("col.title"), 22, "title"),
        (t("col.status"), 6, "status"),
        (t("col.unit"), 14, "unit"),
        (t("col.due"), 12, "due"),
    )
    FLEX_COLUMN = "title"

    def __init__(self, leader_visit_id: str) -> None:
        super().__init__()
        self.leader_visit_id = leader_visit_id
        self.detail: LeaderVisitDetail | None = None

    def compose_above(self) -> ComposeResult:
        yield Static("", id="leader-head")

    def on_mount(self) -> None:
        self.title = t("leader.detail_title")
        self.add_columns()
        self.reload()

    def reload(self) -> None:
        today = self.today

        def load() -> LeaderVisitDetail:
            with self.desk.store.read() as session:
                return get_leader_visit(
                    session=session, leader_visit_id=self.leader_visit_id, today=today
                )

        self.run_store(load, self._show, group="leader_visit_loaders", exclusive=True)

    def _show(self, detail: LeaderVisitDetail) -> None:
        self.detail = detail
        row, tz = detail.row, self.desk.store.clock.tz
        head = Text()
        head.append(to_local(row.at, tz).strftime(WHEN_FORMAT) + "  ", style="bold")
        head.append_text(plain(row.leader, "bold"))
        if row.position:
            head.append("  ")
            head.append_text(plain(row.position))
        head.append("\n")
        head.append_text(plain(t("leader.topic_line", topic=row.topic or t("leader.none"))))
        head.append("\n")
        names = t("text.list").join(detail.deputies) or t("leader.none")
        head.append_text(plain(t("leader.deputies_line", names=names)))
        head.append("\n")
        if detail.note:
            head.append_text(plain(detail.note, "dim"))
            head.append("\n")
        head.append(
            tn(
                "leader.issues_line",
                row.issues,
                closed=row.issues_closed,
                open=row.issues - row.issues_closed,
            ),
            style="bold",
        )
        self.query_one("#leader-head", Static).update(head)
        rows = [(issue.id, self._cells(issue)) for issue in detail.issues]
        page = Page(tuple(detail.issues), len(detail.issues), 0, max(len(detail.issues), 1))
        self.show_rows(page, rows, self.current_id())

    def _cells(self, issue: IssueRow) -> list[Text]:
        return [
            badge(self.app, issue.colour),
            fit(issue.title, self.width_of("title")),
            Text(label(issue.status)),
            fit(issue.unit, 14),
            fit(due_text(issue), 12),
        ]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        issue_id = self.current_id()
        if issue_id is not None:
            self.post_message(OpenIssue(issue_id))

    def action_link(self) -> None:
        tz, today = self.desk.store.clock.tz, self.today

        def load() -> list[IssueRow]:
            with self.desk.store.read() as session:
                return candidate_issues(
                    session=session, leader_visit_id=self.leader_visit_id, tz=tz, today=today
                )

        self.run_store(load, self._pick, group="leader_visit_loaders")

    def _pick(self, issues: list[IssueRow]) -> None:
        items = []
        for issue in issues:
            text = badge(self.app, issue.colour)
            text.append(" ")
            # One line a choice on 80 columns: title, opening day, unit.
            text.append_text(fit(issue.title, 26))
            text.append(f"  {issue.opened_on.strftime('%m-%d')} · ", style="dim")
            text.append_text(fit(issue.unit, 20, "dim"))
            items.append(PickItem(issue.id, text))

        def chosen(issue_id: str | None) -> None:
            if issue_id:
                self._write_link(issue_id)

        modal = PickModal(t("leader.pick_issue"), items, empty=t("leader.no_candidates"))
        self.app.push_screen(modal, chosen)

    def _write_link(self, issue_id: str) -> None:
        def done(count: int) -> None:
            self.notify(tn("leader.linked", count))
            self.reload()

        self.write_undoable(
            partial(link_issues, leader_visit_id=self.leader_visit_id, issue_ids=[issue_id]),
            t("undo.link"),
            done,
            group="leader_visit_writers",
        )

    def action_link_day(self) -> None:
        tz = self.desk.store.clock.tz

        def done(result: LinkResult) -> None:
            if result.untriaged:
                message = tn("leader.linked_day", result.linked, untriaged=result.untriaged)
            else:
                message = tn("leader.linked", result.linked)
            self.notify(message)
            self.reload()

        self.write_undoable(
            partial(link_channel_visits, leader_visit_id=self.leader_visit_id, tz=tz),
            t("undo.link"),
            done,
            group="leader_visit_writers",
        )

    def action_unlink(self) -> None:
        issue_id = self.current_id()
        if issue_id is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def done(_none: None) -> None:
                self.notify(t("leader.unlinked"))
                self.reload()

            self.write_undoable(
                partial(unlink_issue, leader_visit_id=self.leader_visit_id, issue_id=issue_id),
                t("undo.unlink"),
                done,
                group="leader_visit_writers",
            )

        self.app.push_screen(ConfirmModal(t("leader.unlink_confirm")), answered)
