"""Search (`/`): residents, issues and visits as the deputy types, one SQL page at a time.

Each keystroke asks for one page of one kind; the counts of every kind follow in a second
worker. At most one page query runs at a time: keys typed meanwhile are coalesced into the
newest text, which is asked for as soon as the running query ends, so a stale page never
paints over a newer one and a fast typist never queues up work."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from itertools import count

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Click
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Header, Input, Label, Static

from screens.base.actions_menu import MORE_BINDING, ActionsMenu, MenuTarget
from screens.base.opinion_visits import open_visit_off_issue
from screens.base.reveal import REVEAL_BINDING, log_reveals
from store.core.clock import to_local
from store.core.validation import mask_numbers, mask_phone
from store.search.query import (
    CAP,
    EXCERPT_CHARS,
    IssueHit,
    ResidentHit,
    SearchKind,
    SearchResults,
    VisitHit,
    count_hits,
    more_than_cap,
    narrows,
    search,
)
from store.search.terms import QUERY_MAX, Query, ResidentMatch, find_spans
from tui.i18n import label, shown, t
from tui.messages import LeaveSearch, OpenIssue
from tui.theme import badge
from tui.widgets.cells import due_text, fit, when
from tui.widgets.chrome import DeskFooter
from tui.widgets.line_list import LineList, Row, drawn

# The matched part of a name, title or text. Reverse video reads without colour too.
MARK = "reverse"
KIND_ORDER = tuple(SearchKind)
# Seconds of no typing before the counts of every kind are asked for.
COUNT_AFTER = 0.3
_serials = count(1)

# (heading, least width in cells, column key) by kind; the column named in
# FLEX takes the width the terminal has beyond the others.
COLUMNS: dict[SearchKind, tuple[tuple[str, int, str], ...]] = {
    SearchKind.residents: (
        (t("col.resident"), 10, "name"),
        (t("search.col_phone"), 11, "phone"),
        (t("col.village"), 10, "village"),
        (t("col.visits"), 6, "visits"),
        (t("search.col_last"), 10, "last"),
    ),
    SearchKind.issues: (
        (t("col.colour"), 2, "colour"),
        (t("col.tier"), 4, "tier"),
        (t("col.title"), 24, "title"),
        (t("col.village"), 8, "village"),
        (t("col.status"), 6, "status"),
        (t("col.due"), 8, "due"),
    ),
    SearchKind.visits: (
        (t("search.col_date"), 10, "date"),
        (t("search.col_visit"), 40, "visit"),
    ),
}
KIND_NAMES = {
    SearchKind.residents: t("search.residents"),
    SearchKind.issues: t("search.issues"),
    SearchKind.visits: t("search.visits"),
}
FLEX = {SearchKind.residents: "name", SearchKind.issues: "title", SearchKind.visits: "visit"}
RIGHT = {"visits"}


def row_line(cells: list[tuple[Text, int, str]]) -> Text:
    """One line of cells, each cut or padded to its width in cells, a space between."""
    line = Text(" ", no_wrap=True)
    for text, width, key in cells:
        cell = text.copy()
        cell.truncate(width, overflow="ellipsis")
        gap = " " * max(0, width - cell.cell_len)
        if key in RIGHT:
            cell = Text(gap) + cell
        else:
            cell.append(gap)
        line.append_text(cell)
        line.append(" ")
    return line


@dataclass(frozen=True)
class Request:
    """One page asked for. `serial` tells a newer request from an older one with equal fields."""

    text: str
    kind: SearchKind
    fallback: bool
    offset: int = 0
    resident_id: str | None = None
    # Kinds known to have no hits (they had none for a shorter text: store.search.query.narrows).
    known_empty: frozenset[SearchKind] = frozenset()
    serial: int = field(default_factory=lambda: next(_serials))


@dataclass(frozen=True)
class Answer:
    request: Request
    results: SearchResults
    # The page's rows, the first screenful drawn by the worker (tui.widgets.line_list.drawn),
    # for a screen this wide and with phones revealed or not.
    rows: tuple[Row, ...] = ()
    drawn_as: tuple[int, bool] | None = None


def residents_shown(answer: Answer) -> list[str]:
    """The residents whose phones a page of hits shows (issues show none)."""
    out = []
    for hit in answer.results.page.items:
        if isinstance(hit, ResidentHit):
            out.append(hit.id)
        elif isinstance(hit, VisitHit):
            out.append(hit.constituent_id)
    return out


def marked(
    value: str, terms: tuple[str, ...], width: int, style: str = "", *, reveal: bool = False
) -> Text:
    """Plain text cut to `width` cells, the terms in it highlighted (spans, never markup).

    Numbers are masked unless revealed (`fit`). A term found across masked digits is not
    highlighted: lit stars would say which digits hide there (search by a phone's digits
    still finds the visit; only the row says so)."""
    text = fit(value, width, style, reveal=reveal)
    shown = value if reveal else mask_numbers(value)  # as long as `value`, position by position
    for start, end in find_spans(value, terms):
        if shown is value or shown[start:end] == value[start:end]:
            text.stylize(MARK, start, end)
    return text


# A visit's row takes two lines: its words, then who, where and its issue.
VISIT_LINES = 2


class SearchBox(Input):
    """The search box. ↓ and PgUp/PgDn reach the results from it (an Input would scroll
    itself with them)."""

    BINDINGS = [
        Binding(
            "down",
            "screen.results",
            t("key.results"),
            tooltip=t("tip.results"),
            key_display="↓",
            id="to-results",
        ),
        Binding(
            "pagedown", "screen.page(1)", t("key.next_page"), tooltip=t("tip.next_page"), show=False
        ),
        Binding(
            "pageup", "screen.page(-1)", t("key.prev_page"), tooltip=t("tip.prev_page"), show=False
        ),
    ]


class KindTab(Label):
    """One kind in the bar above the results: its name and count; a click shows it."""

    class Chosen(Message):
        def __init__(self, kind: SearchKind) -> None:
            super().__init__()
            self.kind = kind

    def __init__(self, kind: SearchKind) -> None:
        super().__init__("", id=f"search-kind-{kind.value}", classes="search-kind")
        self.kind = kind
        # As wide as its widest label from the start ("居民 1,000+", padding included): a label
        # that changed width would cost a layout pass of the whole screen on every keystroke,
        # and the tabs would shift as the counts come in.
        widest = shown(KIND_NAMES[kind]) + " " + t("search.at_least", count=format(CAP, ","))
        self.styles.width = cell_len(widest) + 2

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(self.Chosen(self.kind))


class SearchScreen(ActionsMenu):
    """Type to find; ↓ into the results, ←/→ change kind, Enter opens, Esc goes back. Given a
    resident, lists that resident's visits (the box then narrows them)."""

    HELP_TEXT = t("help.search")
    BINDINGS = [
        Binding("enter", "open", t("key.open"), tooltip=t("tip.open"), id="open-hit"),
        Binding(
            "right",
            "kind(1)",
            t("key.next_kind"),
            tooltip=t("tip.next_kind"),
            key_display="←/→",
            id="next-kind",
        ),
        Binding(
            "left",
            "kind(-1)",
            t("key.prev_kind"),
            tooltip=t("tip.prev_kind"),
            show=False,
            id="prev-kind",
        ),
        Binding(
            "slash",
            "to_input",
            t("key.to_input"),
            tooltip=t("tip.to_input"),
            show=False,
            id="to-search-box",
        ),
        Binding("escape", "back", t("key.back"), tooltip=t("tip.back"), id="search-back"),
        REVEAL_BINDING,
        # On a visit in the results (in the box, `.` is typed).
        MORE_BINDING,
        Binding(
            "pagedown", "page(1)", t("key.next_page"), tooltip=t("tip.next_page"), id="next-page"
        ),
        Binding(
            "pageup",
            "page(-1)",
            t("key.prev_page"),
            tooltip=t("tip.prev_page"),
            show=False,
            id="prev-page",
        ),
        # `?` types a question mark in the box; F1 reaches help from it (and from anywhere,
        # through the app's own F1; this one only shows it in the footer while typing).
        Binding("f1", "help", t("key.help"), tooltip=t("tip.help"), priority=True, id="show-help"),
    ]

    def __init__(self, resident: ResidentHit | None = None) -> None:
        super().__init__()
        self.resident = resident
        self.kind = SearchKind.visits if resident else SearchKind.residents
        self.answer: Answer | None = None
        self.page_offset = 0
        # The newest request, and whether a page query is running (see the module's doc).
        self.latest: Request | None = None
        self.busy = False
        # Counts of every kind for `counted_text` (capped, see store.search.query.CAP).
        self.counts: dict[SearchKind, int] = {}
        self.counted_text: str | None = None
        # For each kind, a text it had no hits for: typing on from there finds none either.
        self.empty_for: dict[SearchKind, str] = {}
        self.count_timer: Timer | None = None
        self.revealed = False
        # The residents whose phones were shown revealed (their reveals recorded).
        self.revealed_for: set[str] = set()
        # A screen was opened from here: coming back keeps the focus where it was.
        self.opened_child = False

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="search"):
            yield SearchBox(
                placeholder=t("search.placeholder"),
                id="search-input",
                max_length=QUERY_MAX,
                select_on_focus=True,
            )
            with Horizontal(id="search-kinds"):
                for kind in KIND_ORDER:
                    yield KindTab(kind)
                yield Label("", id="search-status", classes="hint")
            yield Static(Text(t("search.welcome")), id="search-welcome")
            yield Label("", id="search-head", classes="hint")
            yield LineList(id="search-table")
        yield DeskFooter()

    @property
    def box(self) -> SearchBox:
        return self.query_one("#search-input", SearchBox)

    @property
    def table(self) -> LineList:
        return self.query_one("#search-table", LineList)

    def current_id(self) -> str | None:
        return self.table.cursor_key

    def on_mount(self) -> None:
        if self.resident is not None:
            self.title = t("search.of_resident", name=self.resident.name)
            for kind in (SearchKind.residents, SearchKind.issues):
                self.query_one(f"#search-kind-{kind.value}", KindTab).display = False
        else:
            self.title = t("search.title")
        self._set_columns()
        self._show_welcome(self.resident is None)
        self.box.focus()
        if self.resident is not None:
            self._ask(self._request("", self.kind, fallback=False))

    def width_of(self, key: str, kind: SearchKind | None = None) -> int:
        """A column's width in cells (of `kind`'s columns; the kind shown unless named): its
        own, or for the flexible one, what the screen leaves (a space before each column, and
        one cell for the scrollbar)."""
        kind = self.kind if kind is None else kind
        fixed = {k: w for _, w, k in COLUMNS[kind]}
        if key != FLEX[kind]:
            return fixed[key]
        used = sum(w for k, w in fixed.items() if k != key) + len(fixed) + 2
        return max(fixed[key], self.size.width - used)

    def on_resize(self) -> None:
        if self.is_mounted:
            self._set_columns()
            if self.answer is not None:
                self._fill(self.answer, self.current_id())

    def _set_columns(self) -> None:
        heads = [
            (Text(shown(head)), self.width_of(key), key) for head, _, key in COLUMNS[self.kind]
        ]
        self.query_one("#search-head", Label).update(row_line(heads), layout=False)

    def _show_welcome(self, welcome: bool) -> None:
        self.query_one("#search-welcome", Static).display = welcome
        self.query_one("#search-kinds", Horizontal).display = not welcome
        self.query_one("#search-head", Label).display = not welcome
        self.table.display = not welcome

    # -- asking ---------------------------------------------------------------------------

    def _request(self, text: str, kind: SearchKind, *, fallback: bool, offset: int = 0) -> Request:
        resident_id = self.resident.id if self.resident else None
        empty = frozenset(k for k, old in self.empty_for.items() if narrows(old, text, k))
        return Request(
            text, kind, fallback, offset, resident_id, empty if fallback else frozenset()
        )

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        text = event.value
        if not text.strip() and self.resident is None:
            self.latest, self.answer = None, None
            self._show_welcome(True)
            return
        self._ask(self._request(text, self.kind, fallback=True))

    def _ask(self, request: Request) -> None:
        self.latest = request
        if not self.busy:
            self._start(request)

    def _start(self, request: Request) -> None:
        self.busy = True
        self.run_store(
            partial(self._load, request),
            self._loaded,
            group="search_loaders",
            on_error=self._failed,
        )

    def _load(self, request: Request) -> Answer:
        with self.desk.store.read() as session:
            results = search(
                session=session,
                text=request.text,
                today=self.today,
                kind=request.kind,
                fallback=request.fallback,
                resident_id=request.resident_id,
                known_empty=request.known_empty,
                offset=request.offset,
            )
        # Drawn here, off the UI thread, which meanwhile paints the keystroke: the results then
        # cost it a crop of ready strips (the rows below the screen are built when scrolled to).
        drawn_as = (self.size.width, self.revealed)
        # The screen's height: the list itself may not be laid out yet (hidden until results).
        rows = drawn(self._rows(results), self.size.height, self.app.console)
        return Answer(request, results, tuple(rows), drawn_as)

    def _failed(self, _exc: BaseException) -> bool:
        self.busy = False
        return False  # reported by the screen, as any store error

    def _loaded(self, answer: Answer) -> None:
        self.busy = False
        latest = self.latest
        if latest is None:
            return  # the box was emptied meanwhile
        if latest.serial != answer.request.serial:
            self._start(latest)  # typed on meanwhile: only the newest text is worth a paint
            return
        self._show(answer)

    def reload(self) -> None:
        """The page shown, read again (after coming back from an issue or triage)."""
        if self.answer is not None:
            request = self.answer.request
            self._ask(
                self._request(request.text, self.kind, fallback=False, offset=self.page_offset)
            )

    # -- showing -----------------------------------------------------------------------

    def _show(self, answer: Answer) -> None:
        results, text = answer.results, answer.request.text
        if results.kind != self.kind:
            self.kind = results.kind
            self._set_columns()
        before, self.answer = self.answer, answer
        self.page_offset = results.page.offset
        if self.counted_text != text:
            self.counts, self.counted_text = {}, text
            # Counting reads far more than a page (every hit up to 1,000, every text for a rare
            # word): it waits until the typing pauses, so it never slows a keystroke down.
            if self.count_timer is not None:
                self.count_timer.stop()
            self.count_timer = self.set_timer(
                COUNT_AFTER, partial(self._start_count, text, answer.request.resident_id)
            )
        if self.resident is None:
            for kind in KIND_ORDER:
                if self._count_text(kind) == "0":
                    self.empty_for[kind] = text
        self._show_welcome(False)
        # The same page read again (after an issue was closed, say): the cursor stays put.
        where = (text, results.kind, results.page.offset)
        same = (
            before is not None
            and (
                before.request.text,
                before.results.kind,
                before.results.page.offset,
            )
            == where
        )
        self._fill(answer, self.current_id() if same else None)
        self._show_kinds()

    def _start_count(self, text: str, resident_id: str | None) -> None:
        self.count_timer = None
        if self.counted_text == text:
            self.run_store(
                partial(self._count, text, resident_id),
                partial(self._counted, text),
                group="search_counters",
            )

    def _fill(self, answer: Answer, keep: str | None = None) -> None:
        if self.revealed:
            # Revealed phones stay revealed on the next page or the next query: those residents'
            # reveals are recorded too (store.trust.reveals), each once.
            new = [r for r in residents_shown(answer) if r not in self.revealed_for]
            self.revealed_for.update(new)
            log_reveals(self, new)
        if answer.rows and answer.drawn_as == (self.size.width, self.revealed):
            rows = list(answer.rows)
        else:
            rows = self._rows(answer.results)
        self.table.set_rows(rows, keep)

    def _rows(self, results: SearchResults) -> list[Row]:
        """A page's rows, each built when first drawn (tui.widgets.line_list): most of a page is
        below the screen."""
        terms = results.query.terms
        rows: list[Row] = []
        for hit in results.page.items:
            if isinstance(hit, ResidentHit):
                rows.append(Row(hit.id, 1, partial(self._resident_lines, hit, results.query)))
            elif isinstance(hit, IssueHit):
                rows.append(Row(hit.row.id, 1, partial(self._issue_lines, hit, terms)))
            else:
                rows.append(Row(hit.id, VISIT_LINES, partial(self._visit_lines, hit, terms)))
        return rows

    def _phone(self, phone: str) -> str:
        return phone if self.revealed else mask_phone(phone)

    def _resident_lines(self, hit: ResidentHit, query: Query) -> list[Text]:
        name_terms = query.terms if hit.match == ResidentMatch.name else ()
        phone = Text(self._phone(hit.phone))
        if hit.match == ResidentMatch.phone:
            # The digits typed, where they show through the mask.
            tail = min(len(query.resident_key), 4 if not self.revealed else len(hit.phone))
            phone.stylize(MARK, len(phone) - tail)
        tz = self.desk.store.clock.tz
        last = to_local(hit.last_visit_at, tz).date().isoformat() if hit.last_visit_at else ""
        name = self.width_of("name", SearchKind.residents)
        cells = [
            (marked(hit.name, name_terms, name), name, ""),
            (phone, 11, ""),
            (fit(hit.village, 10), 10, ""),
            (Text(t("search.visit_count", count=hit.visit_count)), 6, "visits"),
            (Text(last, style="dim"), 10, ""),
        ]
        return [row_line(cells)]

    def _issue_lines(self, hit: IssueHit, terms: tuple[str, ...]) -> list[Text]:
        row = hit.row
        title = self.width_of("title", SearchKind.issues)
        cells = [
            (badge(self.app, row.colour), 2, ""),
            (Text(label(row.tier)), 4, ""),
            # Always masked: the hit names no resident whose reveal could be recorded.
            (marked(row.title, terms, title), title, ""),
            (fit(row.village, 8), 8, ""),
            (Text(label(row.status)), 6, ""),
            (Text(due_text(row), style="dim"), 8, ""),
        ]
        return [row_line(cells)]

    def _visit_lines(self, hit: VisitHit, terms: tuple[str, ...]) -> list[Text]:
        tz = self.desk.store.clock.tz
        local = to_local(hit.received_at, tz)
        width = self.width_of("visit", SearchKind.visits)
        lead = "…" if hit.excerpt_cut else ""
        # The excerpt's end is cut too (EXCERPT_CHARS): an ellipsis there marks a number cut
        # short as such, so it is masked (store.core.validation.mask_numbers).
        tail = "…" if len(hit.excerpt) >= EXCERPT_CHARS else ""
        words = marked(lead + hit.excerpt + tail, terms, width, reveal=bool(self.revealed))
        meta = Text(no_wrap=True, overflow="ellipsis")
        meta.append(f"{hit.resident} {self._phone(hit.phone)} · {hit.village} · ", style="dim")
        if hit.issue_id is not None and hit.issue_colour is not None:
            meta.append_text(badge(self.app, hit.issue_colour))
            # Another visit's words (the issue's first): masked, whatever this page reveals.
            meta.append(" " + mask_numbers(hit.issue_title or ""), style="dim")
        else:
            meta.append(t("search.not_triaged"), style="dim italic")
        meta.truncate(width, overflow="ellipsis")
        return [
            row_line([(Text(local.strftime("%Y-%m-%d"), style="dim"), 10, ""), (words, width, "")]),
            row_line([(Text(when(local, "%H:%M"), style="dim"), 10, ""), (meta, width, "")]),
        ]

    def _show_kinds(self) -> None:
        answer = self.answer
        for kind in KIND_ORDER:
            tab = self.query_one(f"#search-kind-{kind.value}", KindTab)
            tab.update(shown(KIND_NAMES[kind]) + " " + self._count_text(kind), layout=False)
            tab.set_class(kind == self.kind, "-active")
        status = ""
        if answer is not None:
            page = answer.results.page
            if not page.items:
                empty = all(self._count_text(k) == "0" for k in KIND_ORDER)
                status = t("search.none") if empty else t("search.nothing_here")
            elif page.offset or page.has_next:
                status = t("search.page", page=page.number)
        self.query_one("#search-status", Label).update(status, layout=False)

    def _count_text(self, kind: SearchKind) -> str:
        if kind in self.counts:
            n = self.counts[kind]
            return t("search.at_least", count=format(CAP, ",")) if more_than_cap(n) else f"{n:,}"
        answer = self.answer
        if answer is None:
            return t("search.counting")
        page = answer.results.page
        if kind == answer.results.kind:
            shown = page.offset + len(page.items)
            return t("search.at_least", count=shown) if page.has_next else str(shown)
        request = answer.request
        if kind in request.known_empty:
            return "0"
        if request.fallback:
            # Kinds tried before the one shown (store.search.query.search's order) had no hits.
            tried = [request.kind, *(k for k in KIND_ORDER if k != request.kind)]
            if tried.index(kind) < tried.index(answer.results.kind) or not page.items:
                return "0"
        return t("search.counting")

    def _count(self, text: str, resident_id: str | None) -> dict[SearchKind, int] | None:
        kinds = [SearchKind.visits] if resident_id else list(KIND_ORDER)
        counts: dict[SearchKind, int] = {}
        with self.desk.store.read() as session:
            for kind in kinds:
                latest = self.latest
                if latest is None or latest.text != text:
                    return None  # typed on: these counts would be stale
                counts[kind] = count_hits(
                    session=session, text=text, kind=kind, resident_id=resident_id
                )
        return counts

    def _counted(self, text: str, counts: dict[SearchKind, int] | None) -> None:
        if counts is not None and self.counted_text == text:
            self.counts = counts
            if self.resident is None:
                self.empty_for.update({k: text for k, n in counts.items() if not n})
            self._show_kinds()

    # -- actions ------------------------------------------------------------------------

    def action_kind(self, step: int) -> None:
        if self.answer is None or self.resident is not None:
            return
        kind = KIND_ORDER[(KIND_ORDER.index(self.kind) + step) % len(KIND_ORDER)]
        self._choose(kind)

    @on(KindTab.Chosen)
    def _tab_clicked(self, event: KindTab.Chosen) -> None:
        if self.answer is not None and self.resident is None:
            self._choose(event.kind)

    def _choose(self, kind: SearchKind) -> None:
        assert self.answer is not None
        self.kind = kind
        self._set_columns()
        self._show_kinds()
        self._ask(self._request(self.answer.request.text, kind, fallback=False))

    def action_page(self, step: int) -> None:
        if self.answer is None:
            return
        page = self.answer.results.page
        offset = page.offset + step * page.limit
        if offset < 0 or (step > 0 and not page.has_next):
            return
        request = self.answer.request
        self._ask(self._request(request.text, self.kind, fallback=False, offset=offset))

    def action_results(self) -> None:
        if self.table.display and self.table.row_count:
            self.table.focus()

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        self.action_results()

    @on(LineList.LeftAtTop)
    def action_to_input(self) -> None:
        self.box.focus()

    def action_back(self) -> None:
        if self.table.has_focus:
            self.box.focus()
        elif self.resident is not None:
            self.dismiss()
        else:
            self.post_message(LeaveSearch())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "help":
            return self.is_mounted and self.box.has_focus
        if action == "more":
            return self.is_mounted and self.table.has_focus
        return True

    def menu_target(self) -> MenuTarget | None:
        hit = self._current_hit()
        if not isinstance(hit, VisitHit):
            return None
        return MenuTarget(visit_id=hit.id, queued=hit.issue_id is None)

    async def action_help(self) -> None:
        await self.app.run_action("help")

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_reveal(self) -> None:
        answer = self.answer
        if answer is None:
            return
        if self.revealed:
            self.revealed = False
            self.revealed_for.clear()
            self._fill(answer, self.current_id())
            return

        def shown() -> None:
            self.revealed = True
            self.revealed_for.update(residents_shown(answer))
            if self.answer is not None:
                self._fill(self.answer, self.current_id())

        log_reveals(self, residents_shown(answer), shown)

    def on_screen_resume(self) -> None:
        if self.opened_child:
            self.opened_child = False
            self.reload()  # it may have been triaged or linked meanwhile
        else:
            self.box.focus()

    @on(LineList.Selected)
    def _selected(self) -> None:
        self.table.focus()
        self.action_open()

    def _current_hit(self) -> ResidentHit | IssueHit | VisitHit | None:
        hit_id = self.current_id()
        if self.answer is None or hit_id is None:
            return None
        hit: ResidentHit | IssueHit | VisitHit
        for hit in self.answer.results.page.items:
            if (hit.row.id if isinstance(hit, IssueHit) else hit.id) == hit_id:
                return hit
        return None

    def action_open(self) -> None:
        if not self.table.has_focus:
            self.action_results()
            return
        hit = self._current_hit()
        if hit is None:
            return
        if isinstance(hit, VisitHit) and hit.issue_id is None:
            open_visit_off_issue(self, hit.id, self._triage)
            return
        self.opened_child = True
        if isinstance(hit, ResidentHit):
            self.app.push_screen(SearchScreen(resident=hit))
        elif isinstance(hit, IssueHit):
            self.post_message(OpenIssue(hit.row.id))
        else:
            assert hit.issue_id is not None
            self.post_message(OpenIssue(hit.issue_id))

    async def _triage(self, visit_id: str) -> None:
        """An untriaged visit opens where it is dealt with: the triage queue, on it (but on a
        county hub, where nobody triages: store.core.hub_mark)."""
        if self.desk.station.hub:
            self.notify(t("error.hub_no_logging"), severity="error")
            return
        await self.app.switch_mode("triage")
        show = getattr(self.app.screen, "show_visit", None)
        if show is not None:
            show(visit_id)
