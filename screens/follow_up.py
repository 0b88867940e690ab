"""Follow-up calls (回访): closed issues waiting for the resident's evaluation, oldest first.

Two keys record a call: 1/2/3 for resolved (已解决 · 部分解决 · 未解决), then 1/2/3 for satisfied
(满意 · 基本满意 · 不满意). 未解决 or 不满意 reopens the issue for re-supervision (再监督). `0`
records a call nobody answered (未接通): the issue waits at the end until it is time to call
again, and after the station's number of tries leaves for the list of those who could not be
reached (未能回访), which `u` shows. `v` reveals the resident's phone for the call; the reveal is
logged."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from screens.base.paged import PagedTableScreen
from store.core.clock import to_local
from store.core.models import EvaluationCreate, IssueStatus, Resolution, Satisfaction
from store.core.paging import Page
from store.core.validation import mask_numbers
from store.desk.follow_up import (
    FollowUpRow,
    NoAnswer,
    count_unreachable,
    list_follow_ups,
    list_unreachable,
    record_no_answer,
    reveal_phone,
)
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from tui.i18n import label, t, tn
from tui.messages import OpenIssue, Place
from tui.widgets.cells import fit

RESOLUTIONS = (Resolution.resolved, Resolution.partly, Resolution.unresolved)
SATISFACTIONS = (Satisfaction.satisfied, Satisfaction.fairly, Satisfaction.unsatisfied)


@dataclass(frozen=True)
class FollowUpData:
    page: Page[FollowUpRow]
    # Issues given up on (未能回访), named in the heading of the list of calls to make.
    unreachable: int
    now: datetime


class FollowUpScreen(PagedTableScreen):
    CONTAINER_ID = "follow-up"
    PLACE = Place.follow_up
    HELP_TEXT = t("help.follow_up")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("1", "answer(0)", t("key.answer_1"), tooltip=t("tip.answer_1"), id="answer-1"),
        Binding("2", "answer(1)", t("key.answer_2"), tooltip=t("tip.answer_2"), id="answer-2"),
        Binding("3", "answer(2)", t("key.answer_3"), tooltip=t("tip.answer_3"), id="answer-3"),
        # The prompt line names 0, the heading u: the footer keeps 80 columns in English.
        Binding(
            "0",
            "no_answer",
            t("key.no_answer"),
            tooltip=t("tip.no_answer"),
            show=False,
            id="no-answer",
        ),
        Binding(
            "u",
            "unreachable",
            t("key.unreachable"),
            tooltip=t("tip.unreachable"),
            show=False,
            id="unreachable",
        ),
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
    # 80 columns: the days waiting say how long since the closure (its date is on the issue).
    COLUMNS = (
        (t("col.waiting"), 6, "waiting"),
        (t("col.title"), 18, "title"),
        (t("col.resident"), 8, "resident"),
        (t("col.phone"), 13, "phone"),
        (t("col.unit"), 10, "unit"),
        (t("col.call"), 10, "call"),
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
        # Showing the issues given up on (未能回访) rather than the calls to make.
        self.unreachable = False
        # Where the cursor goes at the next showing (once), else it stays on its issue: after a
        # try, the row the issue tried leaves, which its next one takes.
        self.want_row: int | None = None

    def compose_above(self) -> ComposeResult:
        yield Label("", id="follow-up-title", classes="screen-title")
        yield Label("", id="follow-up-prompt", classes="hint")

    def on_mount(self) -> None:
        self.title = t("follow_up.title")
        self.add_columns()
        self.reload()

    def reload(self) -> None:
        self.table.loading = self.shown_page is None
        today, offset, unreachable = self.today, self.page_offset, self.unreachable
        now = self.desk.store.clock.now()

        def load() -> FollowUpData:
            with self.desk.store.read() as session:
                if unreachable:
                    page = list_unreachable(session=session, today=today, offset=offset)
                    return FollowUpData(page, page.total, now)
                page = list_follow_ups(session=session, today=today, now=now, offset=offset)
                return FollowUpData(page, count_unreachable(session=session), now)

        self.run_store(load, self._show, group="follow_up_loaders", exclusive=True)

    def _show(self, data: FollowUpData) -> None:
        page = data.page
        self.rows = {row.issue_id: row for row in page.items}
        rows = []
        for row in page.items:
            phone = self.revealed.get(row.issue_id)
            rows.append(
                (
                    row.issue_id,
                    [
                        Text(t("follow_up.days", days=row.days_waiting)),
                        fit(row.title, self.width_of("title")),
                        fit(row.resident, 8),
                        Text(phone or row.phone_masked, style="bold" if phone else "dim"),
                        fit(row.unit, 10),
                        self._call_cell(row, data.now),
                    ],
                )
            )
        self.show_rows(page, rows, self.current_id())
        if self.want_row is not None and rows:
            self.table.move_cursor(row=min(self.want_row, len(rows) - 1))
        self.want_row = None
        heading: str
        if self.unreachable:
            heading = tn(
                "follow_up.unreachable_heading", page.total, page=page.number, pages=page.count
            )
        else:
            heading = tn("follow_up.heading", page.total, page=page.number, pages=page.count)
            if data.unreachable:
                heading += t("text.gap") + tn("follow_up.unreachable_count", data.unreachable)
        self.query_one("#follow-up-title", Label).update(heading)
        self._prompt()

    def _call_cell(self, row: FollowUpRow, now: datetime) -> Text:
        """Where the calls stand, in words: given up, when to call again, or the tries so far."""
        if row.gave_up_at is not None:
            return Text(t("follow_up.unreachable"), style="bold")
        if row.call_again_at is None:
            return Text("")
        if row.call_again_at > now:
            return Text(t("follow_up.call_at", time=self._when(row.call_again_at)), style="dim")
        return Text(t("follow_up.tries", tries=row.tries, most=row.max_tries), style="bold")

    def _when(self, moment: datetime) -> str:
        """A time today (14:00), else the day (11-25)."""
        local = to_local(moment, self.desk.store.clock.tz)
        return local.strftime("%H:%M") if local.date() == self.today else local.strftime("%m-%d")

    def _prompt(self) -> None:
        if self.pending is not None:
            text: str = t("follow_up.ask_satisfied", resolved=label(self.pending))
        elif self.desk.station.hub:
            text = t("follow_up.hub_reads")
        else:
            # Given up on: a resident who calls back answers as on any call.
            if self.unreachable:
                text = t("follow_up.ask_called_back")
            else:
                text = t("follow_up.ask_resolved")
            if self.last_call is not None:
                title = mask_numbers(self.last_call[1])
                text += "\n" + t("follow_up.last_call", title=title)
        # Plain text: the title is a resident's words (a `[` in them is not markup).
        self.query_one("#follow-up-prompt", Label).update(Text(text))

    def action_back(self) -> None:
        if self.pending is not None:
            self.pending = None
            self._prompt()
            return
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # No one is on duty on a county hub to call: its follow-up calls only read (the calls
        # are the stations', and a verdict recorded here would go back to one by `sync pull`).
        if action in ("answer", "no_answer") and self.desk.station.hub:
            return False
        # No try once given up; none in the middle of an answered call's two keys.
        if action == "no_answer":
            return not self.unreachable and self.pending is None
        return True

    def action_unreachable(self) -> None:
        """The calls to make ↔ the issues given up on (未能回访), from the first page."""
        self.unreachable = not self.unreachable
        self.pending = None
        self.page_offset = 0
        self.refresh_bindings()
        self.reload()

    def action_no_answer(self) -> None:
        issue_id = self.current_id()
        if issue_id is None or not self.check_action("no_answer", ()):
            return
        # The issue moves to the end (or off the list): the cursor goes on to the next one.
        self.want_row = self.table.cursor_row

        def write() -> NoAnswer:
            with self.desk.store.write(self.desk.actor) as session:
                return record_no_answer(session=session, issue_id=issue_id)

        self.run_store(write, self._no_answer_recorded, group="follow_up_writers")

    def _no_answer_recorded(self, done: NoAnswer) -> None:
        self.last_call = None
        if done.gave_up:
            self.notify(t("follow_up.gave_up", tries=done.tries), severity="warning")
        else:
            assert done.call_again_at is not None
            when = self._when(done.call_again_at)
            self.notify(t("follow_up.no_answer", tries=done.tries, most=done.max_tries, time=when))
        self.revealed.pop(done.issue_id, None)
        self.reload()

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
            templates, prints = print_folders(self.desk.store)
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
