"""Follow-up calls (回访): closed issues waiting for the resident's evaluation, oldest first.

Two keys record a call: 1/2/3 for resolved (已解决 · 部分解决 · 未解决), then 1/2/3 for satisfied
(满意 · 基本满意 · 不满意). 未解决 or 不满意 reopens the issue for re-supervision (再监督). `v`
reveals the resident's phone for the call; the reveal is logged."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from screens.base.paged import PagedTableScreen
from store.core.models import EvaluationCreate, IssueStatus, Resolution, Satisfaction
from store.core.paging import Page
from store.core.validation import mask_numbers
from store.desk.follow_up import FollowUpRow, list_follow_ups, reveal_phone
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from tui.i18n import label, t, tn
from tui.messages import OpenIssue, Place
from tui.widgets.cells import fit

RESOLUTIONS = (Resolution.resolved, Resolution.partly, Resolution.unresolved)
SATISFACTIONS = (Satisfaction.satisfied, Satisfaction.fairly, Satisfaction.unsatisfied)


class FollowUpScreen(PagedTableScreen):
    CONTAINER_ID = "follow-up"
    PLACE = Place.follow_up
    HELP_TEXT = t("help.follow_up")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("1", "answer(0)", t("key.answer_1"), tooltip=t("tip.answer_1"), id="answer-1"),
        Binding("2", "answer(1)", t("key.answer_2"), tooltip=t("tip.answer_2"), id="answer-2"),
        Binding("3", "answer(2)", t("key.answer_3"), tooltip=t("tip.answer_3"), id="answer-3"),
        # The prompt line names v (and 1/2/3): the footer keeps 80 columns in English.
        Binding("v", "reveal", t("key.reveal"), tooltip=t("tip.reveal"), show=False, id="reveal"),
        # Enter and PgDn are the lists' usual keys (in help): the footer keeps the call's own.
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), show=False, id="open-issue"),
        Binding(
            "p",
            "call_record",
            t("key.call_record"),
            tooltip=t("tip.call_record"),
            id="print-call-record",
        ),
        *[
            replace(b, show=False) if b.id == "next-page" else b
            for b in PagedTableScreen.PAGING_BINDINGS
        ],
    ]
    TABLE_ID = "follow-up-table"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("col.closed_on"), 10, "closed"),
        (t("col.waiting"), 6, "waiting"),
        (t("col.title"), 22, "title"),
        (t("col.resident"), 8, "resident"),
        (t("col.phone"), 13, "phone"),
        (t("col.unit"), 12, "unit"),
    )
    FLEX_COLUMN = "title"

    def __init__(self) -> None:
        super().__init__()
        # The first answer of a call in progress (resolved?), waiting for the second.
        self.pending: Resolution | None = None
        self.revealed: dict[str, str] = {}
        self.rows: dict[str, FollowUpRow] = {}
        # The call just recorded (issue id, title): `p` prints its record until the next call.
        self.last_call: tuple[str, str] | None = None

    def compose_above(self) -> ComposeResult:
        yield Label("", id="follow-up-title", classes="screen-title")
        yield Label("", id="follow-up-prompt", classes="hint")

    def on_mount(self) -> None:
        self.title = t("follow_up.title")
        self.add_columns()
        self.reload()

    def reload(self) -> None:
        self.table.loading = self.shown_page is None
        today, offset = self.today, self.page_offset

        def load() -> Page[FollowUpRow]:
            with self.desk.store.read() as session:
                return list_follow_ups(session=session, today=today, offset=offset)

        self.run_store(load, self._show, group="follow_up_loaders", exclusive=True)

    def _show(self, page: Page[FollowUpRow]) -> None:
        self.rows = {row.issue_id: row for row in page.items}
        rows = []
        for row in page.items:
            phone = self.revealed.get(row.issue_id)
            rows.append(
                (
                    row.issue_id,
                    [
                        Text(row.closed_on.isoformat()),
                        Text(t("follow_up.days", days=row.days_waiting)),
                        fit(row.title, self.width_of("title")),
                        fit(row.resident, 8),
                        Text(phone or row.phone_masked, style="bold" if phone else "dim"),
                        fit(row.unit, 12),
                    ],
                )
            )
        self.show_rows(page, rows, self.current_id())
        self.query_one("#follow-up-title", Label).update(
            tn("follow_up.heading", page.total, page=page.number, pages=page.count)
        )
        self._prompt()

    def _prompt(self) -> None:
        if self.pending is None:
            text: str = t("follow_up.ask_resolved")
            if self.last_call is not None:
                title = mask_numbers(self.last_call[1])
                text += "\n" + t("follow_up.last_call", title=title)
        else:
            text = t("follow_up.ask_satisfied", resolved=label(self.pending))
        # Plain text: the title is a resident's words (a `[` in them is not markup).
        self.query_one("#follow-up-prompt", Label).update(Text(text))

    def action_back(self) -> None:
        if self.pending is not None:
            self.pending = None
            self._prompt()
            return
        self.app.pop_screen()

    def action_answer(self, index: int) -> None:
        issue_id = self.current_id()
        if issue_id is None:
            return
        if self.pending is None:
            self.pending = RESOLUTIONS[index]
            self._prompt()
            return
        evaluation = EvaluationCreate(resolution=self.pending, satisfaction=SATISFACTIONS[index])
        self.pending = None
        self._prompt()

        def write() -> IssueRow:
            with self.desk.store.write(self.desk.actor) as session:
                return close_issue(session=session, issue_id=issue_id, evaluation_in=evaluation)

        self.run_store(write, self._recorded, group="follow_up_writers")

    def _recorded(self, row: IssueRow) -> None:
        reopened = row.status != IssueStatus.closed
        self.last_call = (row.id, row.title)
        self.notify(t("follow_up.reopened") if reopened else t("follow_up.recorded"))
        self.revealed.pop(row.id, None)
        self.reload()

    def action_reveal(self) -> None:
        issue_id = self.current_id()
        if issue_id is None or issue_id in self.revealed:
            return

        def write() -> str:
            with self.desk.store.write(self.desk.actor) as session:
                return reveal_phone(session=session, issue_id=issue_id)

        self.run_store(write, partial(self._revealed, issue_id), group="follow_up_writers")

    def _revealed(self, issue_id: str, phone: str) -> None:
        self.revealed[issue_id] = phone
        self.reload()

    def action_open(self) -> None:
        issue_id = self.current_id()
        if issue_id is not None:
            self.post_message(OpenIssue(issue_id))

    def action_call_record(self) -> None:
        """The record of the call just recorded, with its answers; with none, a blank record of
        the issue under the cursor, to fill in by hand during the call."""
        from screens.base.slips import print_folders, say_printed
        from store.reports.slips import SlipKind, print_slip

        answered = self.last_call is not None
        issue_id = self.last_call[0] if self.last_call is not None else self.current_id()
        if issue_id is None:
            return
        deputy_id, today, tz = self.desk.deputy_id, self.today, self.desk.store.clock.tz

        def write() -> tuple[Path, Path]:
            templates, prints = print_folders()
            # A write: the first print gives the issue its slip number, kept for ever.
            with self.desk.store.write(self.desk.actor) as session:
                return print_slip(
                    session=session,
                    issue_id=issue_id,
                    kind=SlipKind.call_record,
                    today=today,
                    tz=tz,
                    templates=templates,
                    out_dir=prints,
                    deputy_id=deputy_id,
                    answered=answered,
                )

        def written(paths: tuple[Path, Path]) -> None:
            if answered:
                self.last_call = None
                self._prompt()
            say_printed(self, SlipKind.call_record, paths)

        self.run_store(write, written, group="slip_writers")
