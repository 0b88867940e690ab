"""Deliberation sessions (议事活动): the list and one session's page.

The list (`c` on the dashboard, or the palette) shows the sessions, the latest first; `f` shows
one kind at a time; `a` records a session; Enter opens it. A session's page shows what was held,
who came, the topics, the decisions and the vote (测评) with its rate, and the visits raised
there with where their issues stand today; `n` logs a visit raised there (the visit form with
the 议事活动 channel and the session preset), `v` records the vote, `e` rewrites the session, `g`
links the day's 议事活动 visits logged without it, `x` takes a visit off, `p` prints the one-page
notice (Markdown and A4 HTML in prints/). Every store call runs in a worker."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from screens.base.paged import PagedTableScreen
from screens.base.slips import print_folders, say_printed
from screens.base.undo import UNDO_BINDING, Undoable
from screens.dialogs.confirm import ConfirmModal
from screens.dialogs.deliberation_forms import DeliberationModal, VoteInput, VoteModal
from store.core.clock import to_local
from store.core.models import DeliberationKind
from store.core.paging import Page
from store.deliberations.deliberations import (
    DeliberationIn,
    edit_deliberation,
    input_of,
    link_day_visits,
    log_deliberation,
    record_vote,
    unlink_visit,
)
from store.deliberations.reading import (
    DeliberationDetail,
    DeliberationRow,
    RaisedVisit,
    Vote,
    get_deliberation,
    list_deliberations,
)
from store.reference.lists import Choice, list_deputies
from store.reports.stats import percent
from tui.i18n import label, t, tn
from tui.messages import LogVisitAt, OpenIssue, OpenTriage, Place
from tui.theme import badge
from tui.widgets.cells import fit, plain, when

# `f` steps through: every kind, then each one.
FILTERS: tuple[DeliberationKind | None, ...] = (None, *DeliberationKind)


def vote_text(vote: Vote | None) -> str:
    """`满意 30 · 基本满意 6 · 不满意 4，满意率 90.0%（36/40）`, or that none was taken."""
    if vote is None:
        return t("deliberation.no_vote")
    return t(
        "deliberation.vote_line",
        satisfied=vote.satisfied,
        fairly=vote.fairly,
        unsatisfied=vote.unsatisfied,
        rate=percent(vote.rate.ratio),
        good=vote.rate.numerator,
        votes=vote.total,
    )


def session_name(row: DeliberationRow) -> str:
    """`2026-11-05 百姓夜话 · 青石村文化礼堂`: the session as another screen names it."""
    return f"{row.held_on.isoformat()} {label(row.kind)} · {row.place}"


class DeliberationsScreen(PagedTableScreen):
    """The deliberation sessions, the latest first. `a` records one; Enter opens it."""

    CONTAINER_ID = "deliberations"
    PLACE = Place.deliberations
    HELP_TEXT = t("help.deliberations")
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), id="open-deliberation"),
        Binding(
            "a",
            "record",
            t("key.deliberation_record"),
            tooltip=t("tip.deliberation_record"),
            id="record-deliberation",
        ),
        Binding(
            "f",
            "next_filter",
            t("key.deliberation_filter"),
            tooltip=t("tip.deliberation_filter"),
            id="filter-deliberations",
        ),
        *PagedTableScreen.PAGING_BINDINGS,
    ]
    TABLE_ID = "deliberations-table"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("deliberations.col_day"), 10, "day"),
        (t("deliberations.col_kind"), 12, "kind"),
        (t("deliberations.col_place"), 16, "place"),
        (t("deliberations.col_residents"), 4, "residents"),
        (t("deliberations.col_visits"), 4, "visits"),
        (t("deliberations.col_rate"), 6, "rate"),
    )
    FLEX_COLUMN = "place"

    def __init__(self) -> None:
        super().__init__()
        self.kind: DeliberationKind | None = None

    def compose_above(self) -> ComposeResult:
        yield Label("", id="deliberations-title", classes="screen-title")

    def on_mount(self) -> None:
        self.title = t("deliberations.title")
        self.add_columns()
        self.reload()

    def reload(self, keep: str | None = None) -> None:
        self.table.loading = self.shown_page is None
        offset, kind = self.page_offset, self.kind

        def load() -> Page[DeliberationRow]:
            with self.desk.store.read() as session:
                return list_deliberations(session=session, kind=kind, offset=offset)

        self.run_store(
            load, partial(self._show, keep), group="deliberation_loaders", exclusive=True
        )

    def _show(self, keep: str | None, page: Page[DeliberationRow]) -> None:
        rows = [
            (
                row.id,
                [
                    Text(row.held_on.isoformat()),
                    fit(label(row.kind), 12),
                    fit(row.place, self.width_of("place")),
                    Text(str(row.residents), justify="right"),
                    Text(str(row.visits), justify="right"),
                    Text(percent(row.vote.rate.ratio, 0) if row.vote else "—", justify="right"),
                ],
            )
            for row in page.items
        ]
        self.show_rows(page, rows, keep or self.current_id())
        kind = label(self.kind) if self.kind else t("deliberations.all")
        heading: str = tn(
            "deliberations.heading", page.total, kind=kind, page=page.number, pages=page.count
        )
        if not page.total:
            heading += t("text.gap") + t("deliberations.empty")
        self.query_one("#deliberations-title", Label).update(heading)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        deliberation_id = self.current_id()
        if deliberation_id is not None:
            self.app.push_screen(DeliberationScreen(deliberation_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A county hub records no sessions (store.core.hub_mark): its stations do.
        return not (action == "record" and self.desk.station.hub)

    def action_next_filter(self) -> None:
        self.kind = FILTERS[(FILTERS.index(self.kind) + 1) % len(FILTERS)]
        self.page_offset = 0
        self.reload()

    def action_record(self) -> None:
        def load() -> list[Choice]:
            with self.desk.store.read() as session:
                return list_deputies(session=session)

        self.run_store(load, self._ask, group="deliberation_loaders")

    def _ask(self, deputies: list[Choice]) -> None:
        modal = DeliberationModal(today=self.today, deputies=deputies, on_duty=self.desk.deputy_id)
        self.app.push_screen(modal, self._record)

    def _record(self, wanted: DeliberationIn | None) -> None:
        if wanted is None:
            return

        def write() -> DeliberationRow:
            with self.desk.store.write(self.desk.actor) as session:
                return log_deliberation(session=session, deliberation_in=wanted)

        self.run_store(write, self._recorded, group="deliberation_writers")

    def _recorded(self, row: DeliberationRow) -> None:
        self.notify(t("deliberation.saved", name=session_name(row)))
        self.page_offset = 0
        self.reload(keep=row.id)
        self.app.push_screen(DeliberationScreen(row.id))


class DeliberationScreen(Undoable, PagedTableScreen):
    """One session: what was held, who came, the topics, the decisions, the vote and its rate,
    and the visits raised there with their issues' state today."""

    CONTAINER_ID = "deliberation"
    HELP_TEXT = t("help.deliberation")
    DEFAULT_CSS = """
    DeliberationScreen #deliberation-head-box { height: auto; max-height: 11; padding: 0 1; }
    DeliberationScreen #deliberation-visits-title { padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="back"),
        Binding(
            "n",
            "log_visit_here",
            t("key.deliberation_visit"),
            tooltip=t("tip.deliberation_visit"),
            id="deliberation-visit",
        ),
        Binding(
            "v",
            "vote",
            t("key.deliberation_vote"),
            tooltip=t("tip.deliberation_vote"),
            id="deliberation-vote",
        ),
        Binding(
            "e",
            "edit",
            t("key.deliberation_edit"),
            tooltip=t("tip.deliberation_edit"),
            show=False,
            id="deliberation-edit",
        ),
        Binding(
            "p",
            "print",
            t("key.deliberation_print"),
            tooltip=t("tip.deliberation_print"),
            id="deliberation-print",
        ),
        Binding(
            "g",
            "link_day",
            t("key.deliberation_link_day"),
            tooltip=t("tip.deliberation_link_day"),
            show=False,
            id="deliberation-link-day",
        ),
        Binding(
            "x",
            "unlink",
            t("key.deliberation_unlink"),
            tooltip=t("tip.deliberation_unlink"),
            show=False,
            id="deliberation-unlink",
        ),
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), show=False, id="open-visit"),
        UNDO_BINDING,
        Binding("j", "cursor(1)", show=False),
        Binding("k", "cursor(-1)", show=False),
    ]
    TABLE_ID = "deliberation-visits"
    ROW_ACTION = "open"
    COLUMNS = (
        (t("col.colour"), 2, "colour"),
        (t("deliberation.col_state"), 6, "state"),
        (t("col.when"), 11, "when"),
        (t("deliberation.col_resident"), 6, "resident"),
        (t("deliberation.col_words"), 30, "words"),
    )
    FLEX_COLUMN = "words"

    def __init__(self, deliberation_id: str) -> None:
        super().__init__()
        self.deliberation_id = deliberation_id
        self.detail: DeliberationDetail | None = None

    def compose_above(self) -> ComposeResult:
        with VerticalScroll(id="deliberation-head-box"):
            yield Static("", id="deliberation-head")
        yield Label("", id="deliberation-visits-title", classes="screen-title")

    def on_mount(self) -> None:
        self.title = t("deliberation.title")
        self.add_columns()
        self.reload()

    def reload(self) -> None:
        today = self.today
        self.table.loading = self.detail is None

        def load() -> DeliberationDetail:
            with self.desk.store.read() as session:
                return get_deliberation(
                    session=session, deliberation_id=self.deliberation_id, today=today
                )

        self.run_store(load, self._show, group="deliberation_loaders", exclusive=True)

    def _show(self, detail: DeliberationDetail) -> None:
        self.detail = detail
        self.query_one("#deliberation-head", Static).update(self._head(detail))
        row = detail.row
        self.query_one("#deliberation-visits-title", Label).update(
            tn("deliberation.visits_heading", row.visits, open=detail.open_issues)
            if row.visits
            else t("deliberation.no_visits")
        )
        page = Page(tuple(detail.visits), len(detail.visits), 0, max(len(detail.visits), 1))
        self.show_rows(page, [(v.id, self._cells(v)) for v in detail.visits], self.current_id())

    def _head(self, d: DeliberationDetail) -> Text:
        row = d.row
        out = Text()
        out.append(f"{label(row.kind)}  {row.held_on.isoformat()}  ", style="bold")
        out.append_text(plain(row.place, "bold"))
        if row.reporting_deputy:
            out.append("\n" + t("deliberation.reporting_line", name=row.reporting_deputy))
        names = t("text.list").join(d.deputies) or "—"
        out.append("\n" + t("deliberation.deputies_line", names=names) + t("text.gap"))
        out.append_text(plain(t("deliberation.officials_line", names=d.officials or "—")))
        out.append("\n" + tn("deliberation.residents_line", row.residents) + t("text.gap"))
        out.append(vote_text(row.vote), style="bold")
        # One item a line as typed; shown on one line, so the visits keep their room.
        topics, decisions = (
            t("text.items").join(line.strip() for line in value.splitlines() if line.strip()) or "—"
            for value in (d.topics, d.decisions)
        )
        out.append("\n")
        out.append_text(plain(t("deliberation.topics_line", items=topics)))
        out.append("\n")
        out.append_text(plain(t("deliberation.decisions_line", items=decisions)))
        return out

    def _cells(self, visit: RaisedVisit) -> list[Text]:
        if visit.withdrawn:
            state, colour = Text(t("deliberation.state_withdrawn"), style="dim"), Text("")
        elif visit.issue_status is None:
            state, colour = Text(t("deliberation.state_waiting")), Text("")
        else:
            state = Text(label(visit.issue_status))
            colour = badge(self.app, visit.issue_colour) if visit.issue_colour else Text("")
        received = when(to_local(visit.received_at, self.desk.store.clock.tz), "%m-%d %H:%M")
        return [
            colour,
            state,
            Text(received),
            fit(visit.resident, 6),
            fit(visit.summary, self.width_of("words")),
        ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # On a county hub the session is read, never written (store.core.hub_mark).
        writes = ("log_visit_here", "vote", "edit", "link_day", "unlink")
        return not (action in writes and self.desk.station.hub)

    def _visit(self) -> RaisedVisit | None:
        visit_id = self.current_id()
        if self.detail is None or visit_id is None:
            return None
        return next((v for v in self.detail.visits if v.id == visit_id), None)

    # -- actions ----------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        visit = self._visit()
        if visit is None:
            return
        if visit.issue_id is not None:
            self.post_message(OpenIssue(visit.issue_id))
        elif not visit.withdrawn:
            self.post_message(OpenTriage(visit.id))

    def action_log_visit_here(self) -> None:
        if self.detail is not None:
            self.post_message(LogVisitAt(self.deliberation_id, session_name(self.detail.row)))

    def _write(self, job: Callable[..., object], message: str, what: str) -> None:
        def done(_result: object) -> None:
            self.notify(message)
            self.reload()

        self.write_undoable(job, what, done, group="deliberation_writers")

    def action_vote(self) -> None:
        if self.detail is None:
            return
        heading = t("deliberation.vote_title", name=session_name(self.detail.row))

        def entered(value: object) -> None:
            if isinstance(value, VoteInput):
                self._write(
                    partial(
                        record_vote,
                        deliberation_id=self.deliberation_id,
                        satisfied=value.satisfied,
                        fairly=value.fairly,
                        unsatisfied=value.unsatisfied,
                    ),
                    t("deliberation.voted"),
                    t("undo.deliberation_vote"),
                )

        self.app.push_screen(VoteModal(heading, self.detail.row.vote), entered)

    def action_edit(self) -> None:
        if self.detail is None:
            return
        start = input_of(self.detail)

        def load() -> list[Choice]:
            with self.desk.store.read() as session:
                return list_deputies(session=session)

        def ask(deputies: list[Choice]) -> None:
            modal = DeliberationModal(
                today=self.today, deputies=deputies, on_duty=self.desk.deputy_id, start=start
            )
            self.app.push_screen(modal, entered)

        def entered(wanted: DeliberationIn | None) -> None:
            if wanted is not None:
                self._write(
                    partial(
                        edit_deliberation,
                        deliberation_id=self.deliberation_id,
                        deliberation_in=wanted,
                    ),
                    t("deliberation.edited"),
                    t("undo.deliberation_edit"),
                )

        self.run_store(load, ask, group="deliberation_loaders")

    def action_link_day(self) -> None:
        tz = self.desk.store.clock.tz

        def done(count: int) -> None:
            self.notify(tn("deliberation.linked_day", count))
            self.reload()

        self.write_undoable(
            partial(link_day_visits, deliberation_id=self.deliberation_id, tz=tz),
            t("undo.deliberation_link"),
            done,
            group="deliberation_writers",
        )

    def action_unlink(self) -> None:
        visit = self._visit()
        if visit is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(
                    partial(unlink_visit, visit_id=visit.id),
                    t("deliberation.unlinked"),
                    t("undo.deliberation_unlink"),
                )

        self.app.push_screen(ConfirmModal(t("deliberation.unlink_confirm")), answered)

    def action_print(self) -> None:
        from store.deliberations.notice import print_deliberation

        desk, today = self.desk, self.today

        def write() -> tuple[Path, Path]:
            templates, prints = print_folders(desk.store)
            with desk.store.read() as session:
                return print_deliberation(
                    session=session,
                    deliberation_id=self.deliberation_id,
                    today=today,
                    templates=templates,
                    out_dir=prints,
                )

        self.run_store(
            write,
            lambda paths: say_printed(self, "deliberation", paths),
            group="deliberation_printers",
        )
