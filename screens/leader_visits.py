"""Leader visits (领导干部进站): the sessions, latest first, a page at a time; the form to log one;
and one session's page with the issues raised there and what became of them."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    Label,
    SelectionList,
    Static,
    TextArea,
)

from screens.dialogs import ConfirmModal, PickItem, PickModal
from screens.issue import IssueScreen
from screens.paged import PagedTableScreen
from store.core.clock import from_local, to_local
from store.core.errors import N_, FormInvalid
from store.core.paging import Page
from store.desk.forms import validate_form
from store.desk.issue_rows import IssueRow
from store.desk.reference import Choice, list_deputies
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
from tui.i18n import label, shown, t, tn
from tui.theme import badge
from tui.widgets.cells import due_text, fit, plain
from tui.widgets.page_table import PageTable

FIELDS = ("at", "leader", "position", "topic", "note")
WHEN_FORMAT = "%Y-%m-%d %H:%M"


def parse_when(text: str) -> datetime | None:
    """`2026-11-24 09:30` (station-local wall time), or None when it is not one."""
    try:
        return datetime.strptime(" ".join(text.split()), WHEN_FORMAT)
    except ValueError:
        return None


# Each field's label, by the field's name.
FIELD_LABELS = {
    "at": t("leader.when"),
    "leader": t("leader.leader"),
    "position": t("leader.position"),
    "topic": t("leader.topic"),
    "note": t("leader.note"),
}


class LeaderVisitModal(ModalScreen[LeaderVisitCreate | None]):
    """Log a leader visit: when, who, position, topic, notes, the deputies present, and whether
    to link the issues of that day's 领导进站 visits. Fields are checked in place."""

    # Screen CSS (not DEFAULT_CSS), so that it outranks the app's focus borders: one-line
    # fields keep the form within an 80×24 terminal; it scrolls when errors are shown.
    CSS = """
    LeaderVisitModal .field { height: auto; }
    LeaderVisitModal Input { height: 1; border: none; padding: 0 1; background: $boost; }
    LeaderVisitModal Input:focus { border: none; background: $primary 30%; }
    LeaderVisitModal Input.-invalid { border: none; background: $error 30%; }
    LeaderVisitModal #leader-note { height: 3; border: none; background: $boost; }
    LeaderVisitModal #leader-note:focus { border: none; background: $primary 30%; }
    LeaderVisitModal #leader-deputies { height: 4; border: none; padding: 0; }
    LeaderVisitModal #leader-link-day { border: none; height: 1; padding: 0; }
    LeaderVisitModal .dialog-buttons { padding-top: 0; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), id="save"),
        Binding("escape", "cancel", t("key.cancel"), id="cancel"),
    ]

    def __init__(
        self, *, now: datetime, deputies: list[Choice], on_duty: str | None, tz: Any
    ) -> None:
        super().__init__()
        self.now, self.deputies, self.on_duty, self.tz = now, deputies, on_duty, tz

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog -wide"):
            yield Label(t("leader.form_title"), classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield self._field("at", Input(self.now.strftime(WHEN_FORMAT), compact=True))
                yield self._field("leader", Input(max_length=60, compact=True))
            with Horizontal(classes="form-row"):
                yield self._field("position", Input(max_length=100, compact=True))
                yield self._field("topic", Input(max_length=200, compact=True))
            yield self._field("note", TextArea(soft_wrap=True, show_line_numbers=False))
            yield Label(t("leader.deputies"), classes="field-label")
            yield SelectionList[str](
                *[(d.name, d.id, d.id == self.on_duty) for d in self.deputies],
                id="leader-deputies",
            )
            yield Checkbox(t("leader.link_day"), True, id="leader-link-day")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("key.save"), variant="primary", id="leader-save", compact=True)
                yield Button(t("key.cancel"), id="leader-cancel", compact=True)

    def _field(self, name: str, widget: Input | TextArea) -> Vertical:
        widget.id = f"leader-{name}"
        return Vertical(
            Label(shown(FIELD_LABELS[name]), classes="field-label"),
            widget,
            Label("", id=f"leader-{name}-error", classes="field-error"),
            classes="field",
        )

    def on_mount(self) -> None:
        self.query_one("#leader-leader", Input).focus()

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name in FIELDS:
            key = errors.get(name)
            self.query_one(f"#leader-{name}").set_class(key is not None, "-invalid")
            message = self.query_one(f"#leader-{name}-error", Label)
            limit = {"leader": 50, "position": 100, "topic": 200}.get(name, 10_000)
            message.update(t(key, limit=limit) if key else "")
            message.set_class(key is not None, "-shown")
        first = next((n for n in FIELDS if n in errors), None)
        if first is not None:
            self.query_one(f"#leader-{first}").focus()

    @on(Button.Pressed, "#leader-save")
    def action_save(self) -> None:
        when = parse_when(self.query_one("#leader-at", Input).value)
        values = {
            "at": from_local(when, self.tz) if when else None,
            "leader": self.query_one("#leader-leader", Input).value,
            "position": self.query_one("#leader-position", Input).value,
            "topic": self.query_one("#leader-topic", Input).value,
            "note": self.query_one("#leader-note", TextArea).text,
            "deputy_ids": list(self.query_one("#leader-deputies", SelectionList).selected),
            "link_channel_visits": self.query_one("#leader-link-day", Checkbox).value,
        }
        try:
            visit_in = validate_form(LeaderVisitCreate, values)
            errors: dict[str, str] = {}
        except FormInvalid as exc:
            errors = dict(exc.errors)
        if when is None:
            errors["at"] = N_("leader.bad_when")
        if errors:
            self._show_errors(errors)
            return
        self.dismiss(visit_in)

    @on(Button.Pressed, "#leader-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class LeaderVisitsScreen(PagedTableScreen):
    """The leader visits, latest first. `a` logs one; Enter opens it."""

    HELP_TEXT = t("help.leader_visits")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), id="back"),
        Binding("a", "log", t("key.log_leader"), tooltip=t("tip.log_leader"), id="log-leader"),
        Binding("enter", "open", t("key.open"), id="open-leader-visit"),
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

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="leader-visits"):
            yield Label("", id="leader-visits-title", classes="screen-title")
            yield PageTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Footer()

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


class LeaderVisitScreen(PagedTableScreen):
    """One leader visit: who, when, what about, the deputies present, and the issues raised
    there as they stand today. `l` links an issue, `g` the day's 领导进站 visits' issues."""

    HELP_TEXT = t("help.leader_visit")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), id="back"),
        Binding("enter", "open", t("key.open"), id="open-issue"),
        Binding("l", "link", t("key.link_issue"), tooltip=t("tip.link_issue"), id="link-issue"),
        Binding("g", "link_day", t("key.link_day"), tooltip=t("tip.link_day"), id="link-day"),
        Binding("x", "unlink", t("key.unlink"), show=False, id="unlink-issue"),
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

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="leader-visit"):
            yield Static("", id="leader-head")
            yield PageTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Footer()

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
            self.app.push_screen(IssueScreen(issue_id))

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
        def write() -> int:
            with self.desk.store.write(self.desk.actor) as session:
                return link_issues(
                    session=session, leader_visit_id=self.leader_visit_id, issue_ids=[issue_id]
                )

        def done(count: int) -> None:
            self.notify(tn("leader.linked", count))
            self.reload()

        self.run_store(write, done, group="leader_visit_writers")

    def action_link_day(self) -> None:
        tz = self.desk.store.clock.tz

        def write() -> LinkResult:
            with self.desk.store.write(self.desk.actor) as session:
                return link_channel_visits(
                    session=session, leader_visit_id=self.leader_visit_id, tz=tz
                )

        def done(result: LinkResult) -> None:
            if result.untriaged:
                message = tn("leader.linked_day", result.linked, untriaged=result.untriaged)
            else:
                message = tn("leader.linked", result.linked)
            self.notify(message)
            self.reload()

        self.run_store(write, done, group="leader_visit_writers")

    def action_unlink(self) -> None:
        issue_id = self.current_id()
        if issue_id is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def write() -> None:
                with self.desk.store.write(self.desk.actor) as session:
                    unlink_issue(
                        session=session, leader_visit_id=self.leader_visit_id, issue_id=issue_id
                    )

            def done(_none: None) -> None:
                self.notify(t("leader.unlinked"))
                self.reload()

            self.run_store(write, done, group="leader_visit_writers")

        self.app.push_screen(ConfirmModal(t("leader.unlink_confirm")), answered)
