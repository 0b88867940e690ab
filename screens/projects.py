"""Micro-projects (民生微实事): the list, one project's page, and the publication list (公示).

The list opens a project with Enter and prints the publication list with `p` (A4 HTML and
Markdown in the data folder's `prints/`). A project's page shows its stage, its issues with
their colours and its milestones: `a` adds a milestone, `x` marks one done, `g` moves the
project to its next stage, `o` puts it on or takes it off the publication list, `l` links
another issue of the same problem, Enter opens the issue under the cursor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Label, Static

from screens.base.paged import PagedTableScreen
from screens.base.undo import UNDO_BINDING, Undoable
from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.pick import PickItem, PickModal
from screens.dialogs.project_forms import MilestoneInput, MilestoneModal
from store.core.models import ProjectStatus
from store.core.paging import Page
from store.desk.issue_rows import IssueRow
from store.projects.projects import (
    MilestoneRow,
    ProjectDetail,
    ProjectRow,
    add_milestone,
    complete_milestone,
    get_project,
    link_issue,
    linkable_issues,
    list_projects,
    move_project,
    next_stage,
    set_published,
)
from tui.i18n import label, t, tn
from tui.messages import OpenIssue, Place
from tui.theme import badge
from tui.widgets.cells import due_text, fit, plain
from tui.widgets.chrome import DeskFooter
from tui.widgets.page_table import PageTable

if TYPE_CHECKING:
    from store.db import Store


def print_publication(desk_store: Store, today: date) -> list[Path]:
    """Write the publication list (公示) into the station's prints/ (in a worker)."""
    from store.projects.publication import build_publication, write_publication
    from tui.settings import station_folders

    with desk_store.read() as session:
        publication = build_publication(session=session, today=today)
    prints = station_folders(desk_store.target).prints
    return write_publication(publication, prints, text=t, name=label)


class ProjectsScreen(PagedTableScreen):
    """Every micro-project, those under way first."""

    CONTAINER_ID = "projects"
    PLACE = Place.projects
    HELP_TEXT = t("help.projects")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), id="open-project"),
        Binding(
            "p", "print", t("key.print_publicity"), tooltip=t("tip.print_publicity"), id="print"
        ),
        *PagedTableScreen.PAGING_BINDINGS,
    ]
    TABLE_ID = "projects-table"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("projects.col_status"), 8, "status"),
        (t("projects.col_title"), 20, "title"),
        (t("projects.col_lead"), 8, "lead"),
        (t("projects.col_village"), 8, "village"),
        (t("projects.col_issues"), 6, "issues"),
        (t("projects.col_milestones"), 5, "milestones"),
        (t("projects.col_published"), 4, "published"),
    )
    FLEX_COLUMN = "title"

    def compose_above(self) -> ComposeResult:
        yield Label("", id="projects-title", classes="screen-title")

    def on_mount(self) -> None:
        self.title = t("projects.title")
        self.add_columns()
        self.reload()

    def reload(self) -> None:
        self.table.loading = self.shown_page is None
        offset = self.page_offset

        def load() -> Page[ProjectRow]:
            with self.desk.store.read() as session:
                return list_projects(session=session, offset=offset)

        self.run_store(load, self._show, group="project_loaders", exclusive=True)

    def _show(self, page: Page[ProjectRow]) -> None:
        rows = [
            (
                row.id,
                [
                    Text(label(row.status)),
                    fit(row.title, self.width_of("title")),
                    fit(row.lead_deputy, 8),
                    fit(row.village or "—", 8),
                    Text(str(row.issue_count)),
                    Text(f"{row.milestones_done}/{row.milestones_total}"),
                    Text(t("projects.yes") if row.published else ""),
                ],
            )
            for row in page.items
        ]
        self.show_rows(page, rows, self.current_id())
        heading: str = tn("projects.heading", page.total, page=page.number, pages=page.count)
        if not page.total:
            heading += t("text.gap") + t("projects.empty")
        self.query_one("#projects-title", Label).update(heading)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        project_id = self.current_id()
        if project_id is not None:
            self.app.push_screen(ProjectScreen(project_id))

    def action_print(self) -> None:
        self.run_store(
            partial(print_publication, self.desk.store, self.today),
            self._printed,
            group="publicity_writers",
        )

    def _printed(self, paths: list[Path]) -> None:
        self.notify(t("projects.printed", paths="\n".join(map(str, paths))), timeout=15)


class ProjectScreen(Undoable):
    """One micro-project: its stage, lead deputy, issues (with colours) and milestones."""

    HELP_TEXT = t("help.project")
    DEFAULT_CSS = """
    ProjectScreen #project-head, ProjectScreen #project-milestones { padding: 0 1; }
    ProjectScreen #project-issues { height: auto; max-height: 12; }
    """
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding(
            "a",
            "add_milestone",
            t("key.add_milestone"),
            tooltip=t("tip.add_milestone"),
            id="add-milestone",
        ),
        # In help: its footer room is ^z's (80 columns in English).
        Binding(
            "x",
            "milestone_done",
            t("key.milestone_done"),
            tooltip=t("tip.milestone_done"),
            show=False,
            id="milestone-done",
        ),
        Binding(
            "g", "next_stage", t("key.next_stage"), tooltip=t("tip.next_stage"), id="next-stage"
        ),
        Binding("o", "publish", t("key.publish"), tooltip=t("tip.publish"), id="publish"),
        Binding(
            "l",
            "link",
            t("key.link_issue"),
            tooltip=t("tip.link_project_issue"),
            show=False,
            id="link-issue",
        ),
        Binding(
            "enter", "open_issue", t("key.open"), tooltip=t("tip.open"), show=False, id="open-issue"
        ),
        UNDO_BINDING,
        Binding("j", "cursor(1)", show=False),
        Binding("k", "cursor(-1)", show=False),
    ]

    def __init__(self, project_id: str) -> None:
        super().__init__()
        self.project_id = project_id
        self.detail: ProjectDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="project"):
            yield Static("", id="project-head")
            yield Label("", id="project-issues-title", classes="screen-title")
            yield PageTable(id="project-issues", cursor_type="row")
            yield Static("", id="project-milestones")
        yield DeskFooter()

    @property
    def issues(self) -> PageTable:
        return self.query_one("#project-issues", PageTable)

    def on_mount(self) -> None:
        self.title = t("project.title")
        self.query_one("#project", VerticalScroll).loading = True
        table = self.issues
        table.add_column("", width=2, key="colour")
        table.add_column(t("col.title"), width=28, key="title")
        table.add_column(t("col.unit"), width=12, key="unit")
        table.add_column(t("col.due"), width=12, key="due")
        self.reload()

    def on_screen_resume(self) -> None:
        if self.shown_again():
            self.reload()

    def reload(self) -> None:
        today = self.today

        def load() -> ProjectDetail:
            with self.desk.store.read() as session:
                return get_project(session=session, project_id=self.project_id, today=today)

        self.run_store(load, self._show, group="project_loaders", exclusive=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.detail is None:
            return True
        if action == "next_stage":
            return None if self.detail.row.status == ProjectStatus.done else True
        if action == "milestone_done":
            return True if self._open_milestones() else None
        return True

    def _open_milestones(self) -> list[MilestoneRow]:
        assert self.detail is not None
        return [m for m in self.detail.milestones.items if m.done_on is None]

    def _show(self, detail: ProjectDetail) -> None:
        self.detail = detail
        self.query_one("#project", VerticalScroll).loading = False
        self.refresh_bindings()
        self.query_one("#project-head", Static).update(self._head(detail))
        self.query_one("#project-issues-title", Label).update(
            t("project.issues", count=detail.issues.total)
        )
        table = self.issues
        keep = self._current_issue()
        table.clear()
        for issue in detail.issues.items:
            table.add_row(*self._issue_cells(issue), key=issue.id)
        index = next((i for i, r in enumerate(detail.issues.items) if r.id == keep), 0)
        if detail.issues.items:
            table.move_cursor(row=index)
        table.focus()
        self.query_one("#project-milestones", Static).update(self._milestones(detail))

    def _issue_cells(self, issue: IssueRow) -> list[Text]:
        return [
            badge(self.app, issue.colour),
            fit(issue.title, 28),
            fit(issue.unit, 12),
            Text(due_text(issue)),
        ]

    def _head(self, d: ProjectDetail) -> Text:
        row = d.row
        out = plain(row.title, "bold")
        out.append("\n")
        out.append(
            t(
                "project.meta",
                status=label(row.status),
                lead=row.lead_deputy,
                village=row.village or "—",
                category=row.category or "—",
            )
            + "\n"
        )
        dates: str = t("project.started", date=row.started_on.isoformat())
        if row.done_on is not None:
            dates += t("text.gap") + t("project.done", date=row.done_on.isoformat())
        out.append(dates + t("text.gap"))
        out.append(
            t("project.published") if row.published else t("project.unpublished"),
            style="bold" if row.published else "dim",
        )
        if d.description:
            out.append("\n\n")
            out.append_text(plain(d.description))
        return out

    def _milestones(self, d: ProjectDetail) -> Text:
        out = Text("\n" + t("project.milestones", count=d.milestones.total) + "\n", style="bold")
        if not d.milestones.items:
            out.append(t("project.no_milestones") + "\n", style="italic")
        for m in d.milestones.items:
            out.append("☑ " if m.done_on else "☐ ")
            out.append_text(plain(m.title))
            if m.due_on is not None:
                due = t("project.due", date=m.due_on.isoformat())
                out.append(t("text.gap") + due, style="dim")
            if m.done_on is not None:
                done = t("project.done", date=m.done_on.isoformat())
                out.append(t("text.gap") + done, style="dim")
            out.append("\n")
        return out

    def _current_issue(self) -> str | None:
        table = self.issues
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    # -- actions ----------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_cursor(self, step: int) -> None:
        if step > 0:
            self.issues.action_cursor_down()
        else:
            self.issues.action_cursor_up()

    def action_open_issue(self) -> None:
        issue_id = self._current_issue()
        if issue_id is not None:
            self.post_message(OpenIssue(issue_id))

    @on(DataTable.RowSelected, "#project-issues")
    def _selected(self) -> None:
        self.action_open_issue()

    def _write(self, job: Callable[..., object], message: str, what: str) -> None:
        """Run `job(session=…)`, say `message`; `what` names the write for ctrl+z."""
        self.write_undoable(
            job, what, lambda _result: self._written(message), group="project_writers"
        )

    def _written(self, message: str) -> None:
        self.notify(message)
        self.reload()

    def action_add_milestone(self) -> None:
        def chosen(value: object) -> None:
            if isinstance(value, MilestoneInput):
                self._write(
                    lambda session: add_milestone(
                        session=session,
                        project_id=self.project_id,
                        title=value.title,
                        due_on=value.due_on,
                    ),
                    t("project.milestone_added"),
                    t("undo.add_milestone", title=value.title),
                )

        self.app.push_screen(MilestoneModal(), chosen)

    def action_milestone_done(self) -> None:
        if self.detail is None:
            return
        pending = self._open_milestones()
        if not pending:
            return
        items = [PickItem(m.id, m.title) for m in pending]

        def chosen(milestone_id: str | None) -> None:
            if milestone_id:
                self._write(
                    lambda session: complete_milestone(session=session, milestone_id=milestone_id),
                    t("project.milestone_marked"),
                    t("undo.milestone_done"),
                )

        self.app.push_screen(PickModal(t("project.pick_milestone"), items), chosen)

    def action_next_stage(self) -> None:
        if self.detail is None:
            return
        after = next_stage(self.detail.row.status)
        if after is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._write(
                    lambda session: move_project(
                        session=session, project_id=self.project_id, status=after
                    ),
                    t("project.moved", status=label(after)),
                    t("undo.move_project", status=label(after)),
                )

        question = t("project.confirm_move", status=label(after))
        self.app.push_screen(ConfirmModal(question), confirmed)

    def action_publish(self) -> None:
        if self.detail is None:
            return
        publish = not self.detail.row.published
        self._write(
            lambda session: set_published(
                session=session, project_id=self.project_id, published=publish
            ),
            t("project.now_published") if publish else t("project.now_unpublished"),
            t("undo.publish") if publish else t("undo.unpublish"),
        )

    def action_link(self) -> None:
        today = self.today

        def load() -> Page[IssueRow]:
            with self.desk.store.read() as session:
                return linkable_issues(session=session, project_id=self.project_id, today=today)

        self.run_store(load, self._pick_issue, group="project_loaders")

    def _pick_issue(self, page: Page[IssueRow]) -> None:
        if not page.items:
            self.notify(t("project.nothing_to_link"), severity="warning")
            return
        items = []
        for issue in page.items:
            prompt = badge(self.app, issue.colour)
            prompt.append(" ")
            prompt.append_text(fit(issue.title, 36))
            prompt.append(f" · {issue.village} · {label(issue.status)}", style="dim")
            items.append(PickItem(issue.id, prompt))

        def chosen(issue_id: str | None) -> None:
            if issue_id:
                self._write(
                    lambda session: link_issue(
                        session=session, project_id=self.project_id, issue_id=issue_id
                    ),
                    t("project.linked"),
                    t("undo.link"),
                )

        self.app.push_screen(PickModal(t("project.pick_issue"), items), chosen)
