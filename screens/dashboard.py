"""The duty dashboard: who is on duty, today's visits, the colour counts, overdue issues, and the
last handover note."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Header, Static

from screens.base.desk_screen import DeskScreen, nav_bindings
from store.core.clock import to_local
from store.core.models import Colour, Tier
from store.core.validation import mask_numbers
from store.duty.calendar import unannounced_year
from store.duty.dashboard import Dashboard, Handover, load_dashboard
from store.duty.handover import (
    NamedIssue,
    ShiftSummary,
    acknowledge_handover,
    end_shift,
    summarise_shift,
)
from store.hot_words.words import RisingWord, rising_words
from tui.i18n import label, t, tn
from tui.messages import DeputyChanged, FiguresShown, SwitchDeputy
from tui.theme import badge
from tui.widgets.cells import plain, when
from tui.widgets.chrome import DeskFooter

# The rising words of the last 30 days the dashboard names (`h` lists them all).
DASH_WORDS = 5


def _list_table(wide: int) -> Table:
    """A borderless three-column table; column `wide` takes the rest of the width and cuts
    long text with an ellipsis (CJK measured in cells, one line a row)."""
    table = Table(box=None, show_header=False, expand=True, padding=(0, 1, 0, 0))
    for index in range(3):
        table.add_column(no_wrap=True, overflow="ellipsis", ratio=1 if index == wide else None)
    return table


class DashboardScreen(DeskScreen):
    """Today at a glance; refreshed whenever it comes back into view."""

    HELP_TEXT = t("help.dashboard")
    BINDINGS = [
        *nav_bindings("log-visit", "triage", "board", "quit"),
        Binding("e", "end_shift", t("key.end_shift"), tooltip=t("tip.end_shift"), id="end-shift"),
        Binding("a", "acknowledge", t("key.acknowledge"), tooltip=t("tip.acknowledge"), id="ack"),
        # In help, not the footer: the footer must fit 80 columns in English too.
        Binding(
            "o",
            "app.open('roster')",
            t("key.roster"),
            tooltip=t("tip.roster"),
            show=False,
            id="roster",
        ),
        Binding(
            "f",
            "app.open('follow_up')",
            t("key.follow_up"),
            tooltip=t("tip.follow_up"),
            show=False,
            id="follow-up",
        ),
        # The residents waiting to be told (告知): the line under the duty names it.
        Binding(
            "i",
            "app.open('notices')",
            t("key.notices"),
            tooltip=t("tip.notices"),
            show=False,
            id="notices",
        ),
        Binding(
            "w",
            "app.switch_deputy",
            t("key.switch_deputy"),
            tooltip=t("tip.switch_deputy"),
            show=False,
            id="switch-deputy",
        ),
        Binding(
            "m",
            "app.open('projects')",
            t("key.projects"),
            tooltip=t("tip.projects"),
            show=False,
            id="projects",
        ),
        # Deputies' suggestions (代表建议, "proposals"): a key the dashboard had free.
        Binding(
            "p",
            "app.open('suggestions')",
            t("key.suggestions"),
            tooltip=t("tip.suggestions"),
            show=False,
            id="suggestions",
        ),
        # Legislative consultation (基层立法联系点, "regulations"): a key the dashboard had free.
        Binding(
            "r",
            "app.open('legislation')",
            t("key.legislation"),
            tooltip=t("tip.legislation"),
            show=False,
            id="legislation",
        ),
        # Deliberation sessions (议事活动: 民情茶馆, 百姓夜话…): a key the dashboard had free.
        Binding(
            "c",
            "app.open('deliberations')",
            t("key.deliberations"),
            tooltip=t("tip.deliberations"),
            show=False,
            id="deliberations",
        ),
        # Observers and observation points (民情观察员): `u` was free here (triage's `u`, the
        # unit, is another screen's).
        Binding(
            "u",
            "app.open('observers')",
            t("key.observers"),
            tooltip=t("tip.observers"),
            show=False,
            id="observers",
        ),
        Binding(
            "g",
            "app.open('review')",
            t("key.review"),
            tooltip=t("tip.review"),
            show=False,
            id="review",
        ),
        Binding(
            "l",
            "app.open('audit')",
            t("key.audit"),
            tooltip=t("tip.audit"),
            show=False,
            id="audit",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: Dashboard | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Grid(id="dashboard"):
            with VerticalScroll(classes="panel", id="dash-left"):
                yield Static("", id="dash-duty")
                yield Static("", id="dash-counts")
                yield Static("", id="dash-words")
                notice = Static("", id="dash-calendar")
                notice.display = False  # until the calendar says a year's 调休 is unknown
                yield notice
                yield Static("", id="dash-overdue")
            with VerticalScroll(classes="panel", id="dash-right"):
                yield Static("", id="dash-visits")
                yield Static("", id="dash-handover")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.title = t("dash.title")
        self.query_one("#dashboard", Grid).loading = True
        self.reload()

    def on_deputy_changed(self, _message: DeputyChanged) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        # The first resume comes with the mount, whose load is under way: loading twice at start
        # would only delay the figures.
        if self.data is not None and self.shown_again():
            self.reload()

    def reload(self) -> None:
        # As many list rows as the panels can show (8 at 80×24, more on a taller terminal).
        rows = max(8, self.size.height - 16)
        self.run_store(
            partial(self._load, rows), self._show, group="dashboard_loaders", exclusive=True
        )

    def _load(self, rows: int) -> Dashboard:
        with self.desk.store.read() as session:
            return load_dashboard(
                session=session, today=self.today, tz=self.desk.store.clock.tz, rows=rows
            )

    def _show(self, data: Dashboard) -> None:
        self.data = data
        self.refresh_bindings()
        self.query_one("#dashboard", Grid).loading = False
        self.query_one("#dash-duty", Static).update(self._duty(data))
        self.query_one("#dash-counts", Static).update(self._counts(data))
        self.query_one("#dash-overdue", Static).update(self._overdue(data))
        self.query_one("#dash-visits", Static).update(self._visits(data))
        self.query_one("#dash-handover", Static).update(self._handover(data))
        # The rest once the figures are on the terminal: a worker started now holds the GIL
        # while the figures paint (the calendar's package alone is ~230 ms of import).
        self.call_after_refresh(self._after_figures)

    def _after_figures(self) -> None:
        # The rising words in a worker of their own: they never delay the figures.
        self.run_store(self._load_words, self._show_words, group="word_loaders", exclusive=True)
        if not self.desk.station.hub:  # a hub keeps no calendar: its stations do
            self.run_store(
                self._load_calendar_notice,
                self._show_calendar_notice,
                group="calendar_notice_loaders",
                exclusive=True,
            )
        self.post_message(FiguresShown())  # the other screens load now, after the figures

    def _load_words(self) -> list[RisingWord]:
        # Stored words only: store.hot_words.words imports no segmenter for this.
        end = self.today + timedelta(days=1)
        with self.desk.store.read() as session:
            words = rising_words(session=session, end=end, days=30, limit=DASH_WORDS * 2)
        return [w for w in words if w.rising][:DASH_WORDS]

    def _show_words(self, words: list[RisingWord]) -> None:
        line = Text()
        line.append(t("dash.rising") + t("text.gap"), style="bold")
        if not words:
            line.append(t("dash.no_rising"), style="dim")
        for i, word in enumerate(words):
            if i:
                line.append(" · ", style="dim")
            line.append(word.word)  # residents' words: plain text, never markup
            line.append(f" ↑{word.change}", style="dim")
        self.query_one("#dash-words", Static).update(line)

    def _load_calendar_notice(self) -> int | None:
        # The official calendar's package loads here (about 150 ms), after the figures.
        with self.desk.store.read() as session:
            return unannounced_year(session=session, today=self.today)

    def _show_calendar_notice(self, year: int | None) -> None:
        notice = self.query_one("#dash-calendar", Static)
        notice.update("" if year is None else Text(t("dash.calendar_unknown", year=year)))
        notice.display = year is not None

    def _duty(self, data: Dashboard) -> Text:
        out = Text()
        out.append(self.today.isoformat() + t("text.gap"), style="bold")
        if self.desk.deputy_name:
            out.append(t("dash.you", name=self.desk.deputy_name), style="bold")
        out.append("\n")
        rostered = t("text.list").join(d.name for d in data.on_duty) or t("dash.nobody")
        out.append(t("dash.on_duty", names=rostered), style="dim")
        if data.next_duty is not None:
            out.append(
                t("text.gap")
                + t(
                    "dash.next_duty",
                    date=data.next_duty.day.strftime("%m-%d"),
                    name=data.next_duty.deputy or "",
                ),
                style="dim",
            )
        out.append("\n")
        out.append(t("dash.visits_today", count=data.visits_today.total) + t("text.gap"))
        out.append(
            t("dash.untriaged", count=data.untriaged),
            style="bold" if data.untriaged else "",
        )
        out.append("\n")
        # Residents to tell what became of their issue (告知), and the key that lists them.
        out.append(tn("dash.notices", data.notices), style="bold" if data.notices else "dim")
        return out

    def _counts(self, data: Dashboard) -> Table:
        table = Table(
            title=t("dash.open_by_colour"),
            title_justify="left",
            expand=False,
            box=None,
            padding=(0, 1, 0, 0),
        )
        table.add_column("", no_wrap=True)
        order = (Colour.red, Colour.yellow, Colour.green)
        for colour in order:
            table.add_column(badge(self.app, colour, label(colour)), justify="right", no_wrap=True)
        table.add_column(t("dash.total"), justify="right", no_wrap=True)
        for tier in Tier:
            row = data.counts[tier]
            table.add_row(
                label(tier),
                *(badge(self.app, c, str(row[c])) for c in order),
                str(sum(row.values())),
            )
        return table

    def _overdue(self, data: Dashboard) -> Group | Text:
        overdue = data.overdue
        if not overdue.total:
            return Text("\n" + t("dash.none_overdue"), style="dim")
        title = Text("\n")
        title.append_text(badge(self.app, Colour.red, t("dash.overdue", count=overdue.total)))
        table = _list_table(wide=1)
        for issue in overdue.items:
            table.add_row(
                Text(label(issue.tier), style="dim"),
                plain(issue.title),
                Text(t("dash.days_overdue", days=-issue.days_left), style="dim"),
            )
        return Group(title, table)

    def _visits(self, data: Dashboard) -> Group:
        tz = self.desk.store.clock.tz
        title = Text(t("dash.visits_today", count=data.visits_today.total), style="bold")
        if not data.visits_today.items:
            return Group(title, Text(t("dash.no_visits"), style="dim"))
        table = _list_table(wide=2)
        for visit in data.visits_today.items:
            table.add_row(
                Text(when(to_local(visit.received_at, tz), "%H:%M"), style="dim"),
                Text(visit.resident),
                plain(visit.summary),
            )
        return Group(title, table)

    def _pending_handover(self) -> Handover | None:
        """The last handover, if someone other than the deputy on duty left it unacknowledged."""
        handover = self.data.handover if self.data else None
        if handover is None or handover.acknowledged_at is not None:
            return None
        return handover if handover.deputy_id != self.desk.deputy_id else None

    def _handover(self, data: Dashboard) -> Text:
        out = Text("\n" + t("dash.handover") + "\n", style="bold")
        handover = data.handover
        if handover is None:
            out.append(t("dash.no_handover"), style="dim")
            return out
        tz = self.desk.store.clock.tz
        when = to_local(handover.handed_over_at, tz).strftime("%m-%d %H:%M")
        out.append(t("dash.handover_by", name=handover.deputy, date=when), style="dim")
        if handover.acknowledged_at is not None:
            out.append("  " + t("dash.handover_acknowledged"), style="dim")
        elif self._pending_handover() is not None:
            out.append("  " + t("dash.handover_pending"), style="bold reverse")
        out.append("\n")
        out.append_text(plain(handover.note))
        return out

    # -- duty and handover ------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("acknowledge", "end_shift") and self.desk.station.hub:
            return False  # nobody is on duty at a county hub (its first screen is the county's)
        if action == "acknowledge":
            return self._pending_handover() is not None
        if action == "end_shift":
            return self.desk.shift_id is not None
        return True

    def action_acknowledge(self) -> None:
        handover = self._pending_handover()
        if handover is None:
            return
        shift_id = handover.shift_id

        def write() -> None:
            with self.desk.store.write(self.desk.actor) as session:
                acknowledge_handover(session=session, shift_id=shift_id)

        self.run_store(write, lambda _none: self._acknowledged(), group="handover_writers")

    def _acknowledged(self) -> None:
        self.notify(t("handover.acknowledged"))
        self.reload()

    def action_end_shift(self) -> None:
        shift_id = self.desk.shift_id
        if shift_id is None:
            return
        tz = self.desk.store.clock.tz

        def load() -> ShiftSummary:
            with self.desk.store.read() as session:
                return summarise_shift(session=session, shift_id=shift_id, tz=tz)

        self.run_store(load, self._draft_handover, group="handover_loaders")

    def _draft_handover(self, summary: ShiftSummary) -> None:
        # Here, not at the top: the dialogs bring Textual's TextArea (about 20 ms of import),
        # which the first screen's figures should not wait for.
        from screens.dialogs.note import NoteModal

        def signed(note: str | None) -> None:
            if note is not None:
                self._sign(summary.shift_id, note)

        self.app.push_screen(
            NoteModal(
                t("handover.title"), t("handover.prompt"), handover_draft(summary), tall=True
            ),
            signed,
        )

    def _sign(self, shift_id: str, note: str) -> None:
        def write() -> None:
            with self.desk.store.write(self.desk.actor) as session:
                end_shift(session=session, shift_id=shift_id, note=note)

        self.run_store(write, lambda _none: self._signed(), group="handover_writers")

    def _signed(self) -> None:
        self.notify(t("handover.signed"))
        self.reload()
        # The next deputy takes over on this terminal.
        self.post_message(SwitchDeputy())


def _short(title: str, limit: int = 18) -> str:
    """An issue named in a handover note: enough of its title to recognise it (its numbers
    masked before the cut: the note is kept and shown to the next deputy as typed)."""
    title = mask_numbers(title)
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _titles(named: tuple[NamedIssue, ...], count: int) -> str:
    """The issues named, and how many more there are."""
    titles = t("text.list").join(_short(issue.title) for issue in named)
    return titles + (t("handover.more", count=count - len(named)) if count > len(named) else "")


def handover_draft(summary: ShiftSummary) -> str:
    """The handover note as the store counted it, for the deputy to edit and sign."""
    lines = [
        t("handover.head", date=summary.duty_date.isoformat(), name=summary.deputy),
        t(
            "handover.work",
            visits=summary.visits_logged,
            opened=summary.issues_opened,
            triaged=summary.visits_triaged,
            untriaged=summary.untriaged,
        ),
    ]
    yellow, red = summary.turned_yellow_count, summary.turned_red_count
    if yellow:
        titles = _titles(summary.turned_yellow, yellow)
        lines.append(t("handover.yellow", count=yellow, titles=titles))
    if red:
        lines.append(t("handover.red", count=red, titles=_titles(summary.turned_red, red)))
    if summary.awaiting_evaluation:
        lines.append(tn("handover.awaiting", summary.awaiting_evaluation))
    if summary.chain_link:
        lines.append(t("handover.chain", seq=summary.chain_seq, link=summary.chain_link))
    lines.append(t("handover.follow_up"))
    return "\n".join(lines) + "\n"
